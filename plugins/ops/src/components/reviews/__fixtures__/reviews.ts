import { ResponseError } from '@backstage/errors';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import {
  actionItemCreateBody,
  actionItemUpdateBody,
  assessIncident,
  IncidentDetail,
  PostIncidentReview,
  ReviewsReport,
  reviewUpdateBody,
} from '@opsportal/plugin-ops-common';
import { DateTime } from 'luxon';
import { OpsApi } from '../../../api';

/** A date `days` from today (the browser's today, as the forms use). */
export function inDays(days: number): string {
  return DateTime.local().plus({ days }).toISODate()!;
}

/** People the catalog knows. */
export const catalogApi = catalogApiMock({
  entities: ['ana-silva', 'ben-okafor', 'chen-wei'].map(name => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name },
    spec: {
      profile: {
        displayName: name
          .split('-')
          .map(w => w[0].toUpperCase() + w.slice(1))
          .join(' '),
      },
    },
  })),
});

const names: Record<string, string> = {
  'user:default/ana-silva': 'Ana Silva',
  'user:default/ben-okafor': 'Ben Okafor',
  'user:default/chen-wei': 'Chen Wei',
};

/** order-service's P1 incident and the review it got. */
export function orderReview(
  overrides: Partial<PostIncidentReview> = {},
): PostIncidentReview {
  return {
    id: 'PIR-7',
    subject: {
      kind: 'incident',
      incidentId: 'QOPENP1',
      title: 'Order API error budget burning',
      severity: 'P1',
    },
    entityRefs: ['component:default/order-service'],
    owner: 'user:default/ana-silva',
    ownerName: 'Ana Silva',
    dueDate: inDays(5),
    status: 'open',
    documentUrl: 'https://docs.example.test/pir-7',
    contributingFactors: 'A connection pool too small for the peak.',
    actionItems: [
      {
        id: 'AI-1',
        title: 'Size the connection pool for the peak',
        owner: 'user:default/ben-okafor',
        ownerName: 'Ben Okafor',
        dueDate: inDays(-2),
        status: 'open',
        url: 'https://issues.example.test/OPS-12',
        overdue: true,
        version: 1,
      },
    ],
    createdAt: DateTime.local().minus({ days: 1 }).toISO()!,
    overdue: false,
    version: 3,
    ...overrides,
  };
}

/** The incident page's model around a review (or none). */
export function detailOf(
  review: PostIncidentReview | undefined,
  overrides: Partial<IncidentDetail> = {},
): IncidentDetail {
  const now = new Date();
  return {
    incident: assessIncident(
      {
        id: 'QOPENP1',
        number: 1042,
        title: 'Order API error budget burning',
        status: 'resolved',
        priority: 'P1',
        serviceId: 'PSVORDR',
        serviceName: 'Order Service',
        createdAt: new Date(now.getTime() - 86_400_000).toISOString(),
        acknowledgedAt: new Date(now.getTime() - 86_000_000).toISOString(),
        resolvedAt: new Date(now.getTime() - 80_000_000).toISOString(),
        assignees: [],
      },
      now,
    ),
    entityRefs: ['component:default/order-service'],
    stage: 'recovery',
    stages: [],
    timeline: [],
    roles: [],
    responders: [],
    links: {},
    whatChanged: [],
    reviewRequired: true,
    review,
    canRespond: true,
    canReview: true,
    freshness: { stale: false, fetchedAt: now.toISOString() },
    ...overrides,
  };
}

/** A failure as OpsClient throws it: a ResponseError with the server's error. */
export async function responseError(
  status: number,
  name: string,
  message: string,
): Promise<ResponseError> {
  const response = new Response(
    JSON.stringify({
      error: { name, message },
      request: { method: 'PATCH', url: '/api/ops/reviews/PIR-7' },
      response: { statusCode: status },
    }),
    { status, headers: { 'Content-Type': 'application/json' } },
  );
  return ResponseError.fromResponse(response as any);
}

/**
 * An in-memory ops backend for reviews: it validates bodies with the shared
 * request schemas, checks versions (409 when stale) and due dates (400 in
 * the past), stores changes and bumps versions, as the real routes do.
 */
export class FakeReviewsBackend {
  review?: PostIncidentReview;
  /** Every request body the backend accepted or refused, in order. */
  readonly requests: Array<{ method: string; body: unknown }> = [];
  private nextItem = 2;

  constructor(review?: PostIncidentReview) {
    this.review = review;
  }

  /** Someone else saves the review in the meantime. */
  changeBehindTheUsersBack(patch: Partial<PostIncidentReview>) {
    this.review = {
      ...this.review!,
      ...patch,
      version: this.review!.version + 1,
    };
  }

  private async invalid(message: string): Promise<never> {
    throw await responseError(400, 'InputError', message);
  }

  private async check<T>(
    schema: {
      safeParse(
        b: unknown,
      ):
        | { success: true; data: T }
        | { success: false; error: { issues: any[] } };
    },
    body: unknown,
  ): Promise<T> {
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return this.invalid(`${issue.path.join('.')} ${issue.message}`);
    }
    return parsed.data;
  }

  private async pastDue(date?: string) {
    if (date && date < inDays(0)) {
      await this.invalid('dueDate must not be in the past');
    }
  }

  api(overrides: Partial<OpsApi> = {}): OpsApi {
    const notUsed = () => {
      throw new Error('not used in this test');
    };
    return {
      getIncident: async () => detailOf(this.review),
      startIncidentReview: async () => {
        this.requests.push({ method: 'startIncidentReview', body: {} });
        this.review ??= orderReview({
          owner: undefined,
          ownerName: undefined,
          documentUrl: undefined,
          contributingFactors: '',
          actionItems: [],
          version: 1,
        });
        return this.review;
      },
      updateReview: async (_id: string, body: unknown) => {
        this.requests.push({ method: 'updateReview', body });
        const update = await this.check(reviewUpdateBody, body);
        if (update.version !== this.review!.version) {
          throw await responseError(
            409,
            'ConflictError',
            'PIR-7 was changed by someone else',
          );
        }
        await this.pastDue(update.dueDate);
        const { version: _v, documentUrl, ...rest } = update;
        this.review = {
          ...this.review!,
          ...rest,
          ...(rest.owner ? { ownerName: names[rest.owner] } : {}),
          ...(documentUrl !== undefined
            ? { documentUrl: documentUrl ?? undefined }
            : {}),
          version: this.review!.version + 1,
        };
        return this.review;
      },
      addActionItem: async (_id: string, body: unknown) => {
        this.requests.push({ method: 'addActionItem', body });
        const item = await this.check(actionItemCreateBody, body);
        await this.pastDue(item.dueDate);
        this.review = {
          ...this.review!,
          actionItems: [
            ...this.review!.actionItems,
            {
              ...item,
              id: `AI-${this.nextItem++}`,
              ownerName: names[item.owner],
              status: 'open',
              overdue: false,
              version: 1,
            },
          ],
          version: this.review!.version + 1,
        };
        return this.review;
      },
      updateActionItem: async (_id: string, itemId: string, body: unknown) => {
        this.requests.push({ method: 'updateActionItem', body });
        const update = await this.check(actionItemUpdateBody, body);
        const items = this.review!.actionItems;
        const item = items.find(i => i.id === itemId)!;
        if (update.version !== item.version) {
          throw await responseError(409, 'ConflictError', 'stale');
        }
        await this.pastDue(update.dueDate);
        const { version: _v, url, ...rest } = update;
        const next = {
          ...item,
          ...rest,
          ...(url !== undefined ? { url: url ?? undefined } : {}),
          version: item.version + 1,
        };
        next.overdue = next.status !== 'done' && next.dueDate < inDays(0);
        this.review = {
          ...this.review!,
          actionItems: items.map(i => (i.id === itemId ? next : i)),
        };
        return this.review;
      },
      listReviews: async () => reportOf(this.review ? [this.review] : []),
      getReview: async () => this.review!,
      ...Object.fromEntries(
        ['getHealth', 'getKpis', 'getOverview'].map(k => [k, notUsed]),
      ),
      ...overrides,
    } as unknown as OpsApi;
  }
}

/** A ReviewsReport of some open reviews, as the backend builds it. */
export function reportOf(reviews: PostIncidentReview[]): ReviewsReport {
  const open = reviews
    .filter(r => r.status === 'open')
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate));
  return {
    open,
    overdueCount: open.filter(r => r.overdue).length,
    overdueActionItems: reviews.flatMap(r =>
      r.actionItems
        .filter(i => i.overdue && i.status !== 'done')
        .map(i => ({ ...i, reviewId: r.id })),
    ),
    recentlyCompleted: reviews.filter(r => r.status === 'completed'),
  };
}
