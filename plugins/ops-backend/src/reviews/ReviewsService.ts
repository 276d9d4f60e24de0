import {
  AuditorService,
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ActionItemCreateRequest,
  ActionItemUpdateRequest,
  addBusinessDays,
  AssessedIncident,
  calendarDate,
  ChangeAction,
  dueDateSpan,
  ChangeRequest,
  formatActionItemId,
  formatReviewId,
  incidentReviewUpdatePermission,
  isActionItemOverdue,
  isReviewOverdue,
  KpiActionItemRecord,
  KpiReviewRecord,
  parseActionItemId,
  parseReviewId,
  PostIncidentReview,
  previousBusinessDay,
  ReviewActionItem,
  reviewCompletedOnTime,
  ReviewsReport,
  ReviewUpdateRequest,
  Severity,
} from '@opsportal/plugin-ops-common';
import type { Request } from 'express';
import { auditedWrite } from '../lib/audit';
import { Clock, systemClock } from '../lib/clock';
import { ReviewsConfig } from './config';
import { ReviewNotifier } from './ReviewNotifier';
import {
  ReviewPatch,
  ReviewReminder,
  ReviewsStore,
  StoredActionItem,
  StoredReview,
} from './ReviewsStore';

const DAY = 86_400_000;

/** Completed reviews the report lists, by completion time. */
const RECENTLY_COMPLETED_DAYS = 90;

/** Who creates reviews that policy requires (the scheduled task, a change's listener). */
export const REVIEWS_SYSTEM_ACTOR = 'plugin:ops';

/**
 * What the incident-response feature asks of post-incident reviews (the
 * contract in /tmp/incident-api.md): whether policy requires one, the
 * incident's review, and creating it once.
 * @public
 */
export interface IncidentReviews {
  /** Whether policy requires a review for an incident of this severity (P1, P2 by default; ops.reviews.requiredSeverities). */
  isRequiredFor(severity: Severity): boolean;
  /** The review of an incident, if there is one. */
  forIncident(incidentId: string): Promise<PostIncidentReview | undefined>;
  /** Creates the incident's review if it has none (idempotent across replicas: unique key on the subject), returns it. */
  ensureForIncident(input: {
    incidentId: string;
    title: string;
    severity: Severity;
    entityRefs: string[];
    createdAt: string;
    owner?: string;
    createdBy: string;
  }): Promise<PostIncidentReview>;
}

/** Every stored incident with the entities it is on (the incidents feature). */
export interface ReviewIncidentSource {
  listAllIncidents(): Promise<
    Array<{ incident: AssessedIncident; entityRefs: string[] }>
  >;
}

/** Who calls, and the request for the audit log. */
export interface ReviewCallContext {
  credentials: BackstageCredentials<BackstageUserPrincipal>;
  request?: Request;
}

/** What {@link ReviewsService} is built from. */
export interface ReviewsServiceOptions {
  store: ReviewsStore;
  config: ReviewsConfig;
  catalog: CatalogService;
  auth: AuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  logger: LoggerService;
  notifier?: ReviewNotifier;
  /** Where the creation task finds the incidents (the incidents feature). */
  incidents?: ReviewIncidentSource;
  clock?: Clock;
}

const USER_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'spec.profile.displayName',
];

function displayName(entity: Entity): string {
  const profile = (entity.spec as { profile?: { displayName?: unknown } })
    ?.profile;
  return (
    (typeof profile?.displayName === 'string' && profile.displayName) ||
    entity.metadata.title ||
    entity.metadata.name
  );
}

/**
 * A user ref as given (`jane`, `default/jane`, `user:default/jane`) in its
 * full lower-case form; anything but a User is refused.
 */
function userRefOf(value: string, field: string): string {
  let ref;
  try {
    ref = parseEntityRef(value.trim(), {
      defaultKind: 'user',
      defaultNamespace: 'default',
    });
  } catch (error) {
    throw new InputError(`${field}: ${(error as Error).message}`);
  }
  if (ref.kind.toLocaleLowerCase('en-US') !== 'user') {
    throw new InputError(`${field}: must be a User, ${value} is not one`);
  }
  return stringifyEntityRef(ref).toLocaleLowerCase('en-US');
}

/**
 * Post-incident reviews: required after incidents of the configured
 * severities and after emergency changes, due a number of business days
 * later, with an owner, a document, contributing factors and action items.
 * Other features reach reviews only through this service: the incident page
 * through {@link IncidentReviews}, the KPIs through `kpiRecords` and
 * `overdueActionItems`.
 */
export class ReviewsService implements IncidentReviews {
  private readonly clock: Clock;

  constructor(private readonly options: ReviewsServiceOptions) {
    this.clock = options.clock ?? systemClock;
  }

  /** The calendar's time zone: due dates are its calendar dates. */
  private get zone(): string {
    return this.options.config.calendar.timeZone;
  }

  isRequiredFor(severity: Severity): boolean {
    return this.options.config.requiredSeverities.includes(severity);
  }

  async forIncident(
    incidentId: string,
  ): Promise<PostIncidentReview | undefined> {
    const stored = await this.options.store.getBySubject(
      'incident',
      incidentId,
    );
    return stored ? (await this.present([stored]))[0] : undefined;
  }

  async ensureForIncident(input: {
    incidentId: string;
    title: string;
    severity: Severity;
    entityRefs: string[];
    createdAt: string;
    owner?: string;
    createdBy: string;
  }): Promise<PostIncidentReview> {
    const owner = input.owner ? userRefOf(input.owner, 'owner') : undefined;
    const { review, created } = await this.options.store.ensure({
      subjectKind: 'incident',
      subjectId: input.incidentId,
      title: input.title,
      severity: input.severity,
      entityRefs: normalizeRefs(input.entityRefs),
      owner,
      dueDate: this.dueDateAfter(input.createdAt),
      createdBy: input.createdBy,
      now: this.clock.now(),
    });
    // A review the scheduled task made has no owner yet: whoever the page
    // names (its Incident Commander) takes it, unless someone else did.
    if (!created && owner && !review.owner) {
      try {
        const taken = await this.options.store.update({
          dbId: review.dbId,
          expectedVersion: review.version,
          patch: { owner },
          now: this.clock.now(),
        });
        return (await this.present([taken]))[0];
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        const now = await this.options.store.get(review.dbId);
        return (await this.present([now ?? review]))[0];
      }
    }
    return (await this.present([review]))[0];
  }

  /**
   * Creates the review an emergency change needs once its implementation is
   * over (`ops.reviews.emergencyChanges`); a transition listener of change
   * management. Its requester owns it.
   */
  async ensureForChange(
    change: ChangeRequest,
    action: ChangeAction,
  ): Promise<PostIncidentReview | undefined> {
    if (!this.options.config.emergencyChanges) return undefined;
    if (change.category !== 'emergency') return undefined;
    if (!implementationOver(action)) return undefined;
    const finished = change.finishedAt ?? this.clock.now().toISOString();
    const { review, created } = await this.options.store.ensure({
      subjectKind: 'change',
      subjectId: change.id,
      title: change.title,
      entityRefs: normalizeRefs(change.entityRefs),
      owner: change.requester.toLocaleLowerCase('en-US'),
      dueDate: this.dueDateAfter(finished),
      createdBy: REVIEWS_SYSTEM_ACTOR,
      now: this.clock.now(),
    });
    if (created) {
      this.options.logger.info(
        `Created ${formatReviewId(review.dbId)} for emergency change ${
          change.id
        }, due ${review.dueDate}`,
      );
    }
    return (await this.present([review]))[0];
  }

  /**
   * Creates the reviews policy requires for the incidents the incidents
   * feature holds (those of every annotated entity): the scheduled task.
   * Answers how many it created.
   */
  async createRequiredReviews(): Promise<number> {
    const source = this.options.incidents;
    if (!source || this.options.config.requiredSeverities.length === 0) {
      return 0;
    }
    const byId = new Map<
      string,
      { incident: AssessedIncident; entityRefs: Set<string> }
    >();
    for (const { incident, entityRefs } of await source.listAllIncidents()) {
      if (!this.isRequiredFor(incident.severity)) continue;
      const known = byId.get(incident.id);
      if (known) {
        for (const ref of entityRefs) known.entityRefs.add(ref);
      } else {
        byId.set(incident.id, { incident, entityRefs: new Set(entityRefs) });
      }
    }
    const existing = await this.options.store.subjectsWithReviews('incident', [
      ...byId.keys(),
    ]);
    let created = 0;
    for (const [id, { incident, entityRefs }] of byId) {
      if (existing.has(id)) continue;
      const result = await this.options.store.ensure({
        subjectKind: 'incident',
        subjectId: id,
        title: incident.title,
        severity: incident.severity,
        entityRefs: affectedEntities([...entityRefs]),
        dueDate: this.dueDateAfter(incident.createdAt),
        createdBy: REVIEWS_SYSTEM_ACTOR,
        now: this.clock.now(),
      });
      if (result.created) created += 1;
    }
    return created;
  }

  /**
   * Tells owners of open reviews, once each, that a review is due (from the
   * business day before its due date) and that it became overdue: the
   * scheduled task. Answers how many notifications it sent.
   */
  async sendReminders(): Promise<number> {
    const notifier = this.options.notifier;
    if (!notifier) return 0;
    const { store } = this.options;
    const now = this.clock.now();
    const today = calendarDate(now, this.zone);
    let sent = 0;
    for (const review of await store.list({})) {
      if (review.status !== 'open' || !review.owner) continue;
      const reminder = this.reminderOf(review, now, today);
      if (!reminder) continue;
      if (!(await store.claimReminder(review.dbId, reminder, now))) continue;
      const [presented] = await this.present([review]);
      const ok = await notifier.remind(presented, reminder);
      if (ok) {
        sent += 1;
      } else {
        await store.releaseReminder(review.dbId, reminder);
      }
    }
    return sent;
  }

  /**
   * The reminder a review's owner should get now, if any: `overdue` once it
   * is past due, `due` from the business day before its due date; each once.
   */
  private reminderOf(
    review: StoredReview,
    now: Date,
    today: string,
  ): ReviewReminder | undefined {
    if (isReviewOverdue(review, now, this.zone)) {
      return review.overdueNotifiedAt ? undefined : 'overdue';
    }
    if (review.dueNotifiedAt) return undefined;
    const from = previousBusinessDay(
      review.dueDate,
      this.options.config.calendar,
    );
    return today >= from ? 'due' : undefined;
  }

  /**
   * Open reviews (soonest due first), overdue action items and those
   * completed in the last 90 days; for a Group, of the entities it owns and
   * of its members; for an entity, of that entity.
   */
  async report(
    query: { groupRef?: string; entityRef?: string },
    ctx: ReviewCallContext,
  ): Promise<ReviewsReport> {
    const now = this.clock.now();
    let reviews = await this.options.store.list({
      completedSince: new Date(now.getTime() - RECENTLY_COMPLETED_DAYS * DAY),
    });
    if (query.groupRef) {
      const { entities, members } = await this.groupScope(
        query.groupRef,
        ctx.credentials,
      );
      reviews = reviews.filter(
        r =>
          r.entityRefs.some(ref => entities.has(ref)) ||
          (r.owner !== undefined && members.has(r.owner)),
      );
    }
    if (query.entityRef) {
      const ref = query.entityRef.toLocaleLowerCase('en-US');
      reviews = reviews.filter(r => r.entityRefs.includes(ref));
    }
    const presented = await this.present(reviews, ctx.credentials);
    const open = presented.filter(r => r.status === 'open');
    const recentlyCompleted = presented
      .filter(r => r.status === 'completed')
      .sort((a, b) => (b.completedAt ?? '').localeCompare(a.completedAt ?? ''));
    return {
      open,
      overdueCount: open.filter(r => r.overdue).length,
      overdueActionItems: presented.flatMap(r =>
        r.actionItems
          .filter(i => i.overdue)
          .map(i => ({ ...i, reviewId: r.id })),
      ),
      recentlyCompleted,
    };
  }

  /** One review (404 when unknown). */
  async get(id: string, ctx: ReviewCallContext): Promise<PostIncidentReview> {
    const stored = await this.load(id);
    return (await this.present([stored], ctx.credentials))[0];
  }

  /** Edits a review from the version the caller read (409 when stale). */
  async update(
    id: string,
    body: ReviewUpdateRequest,
    ctx: ReviewCallContext,
  ): Promise<PostIncidentReview> {
    return this.audited(
      'incident-review-update',
      ctx,
      { reviewId: id },
      async () => {
        await this.authorize(ctx);
        const current = await this.load(id);
        const patch: ReviewPatch = {};
        if (body.owner !== undefined) {
          patch.owner = await this.checkUser(body.owner, 'owner', ctx);
        }
        if (body.dueDate !== undefined && body.dueDate !== current.dueDate) {
          this.checkNotPast(body.dueDate, 'dueDate');
          patch.dueDate = body.dueDate;
        }
        if (body.documentUrl !== undefined)
          patch.documentUrl = body.documentUrl;
        if (body.contributingFactors !== undefined) {
          patch.contributingFactors = body.contributingFactors;
        }
        if (body.status !== undefined) patch.status = body.status;
        const stored = await this.options.store.update({
          dbId: current.dbId,
          expectedVersion: body.version,
          patch,
          now: this.clock.now(),
        });
        return (await this.present([stored], ctx.credentials))[0];
      },
    );
  }

  /** Adds an action item to a review. */
  async addActionItem(
    id: string,
    body: ActionItemCreateRequest,
    ctx: ReviewCallContext,
  ): Promise<PostIncidentReview> {
    return this.audited(
      'incident-review-action-item-create',
      ctx,
      { reviewId: id },
      async () => {
        await this.authorize(ctx);
        const review = await this.load(id);
        const owner = await this.checkUser(body.owner, 'owner', ctx);
        this.checkNotPast(body.dueDate, 'dueDate');
        const { review: stored } = await this.options.store.addActionItem({
          reviewDbId: review.dbId,
          title: body.title,
          owner,
          dueDate: body.dueDate,
          url: body.url,
          now: this.clock.now(),
        });
        return (await this.present([stored], ctx.credentials))[0];
      },
    );
  }

  /** Edits an action item from the version the caller read (409 when stale). */
  async updateActionItem(
    id: string,
    itemId: string,
    body: ActionItemUpdateRequest,
    ctx: ReviewCallContext,
  ): Promise<PostIncidentReview> {
    return this.audited(
      'incident-review-action-item-update',
      ctx,
      { reviewId: id, actionItemId: itemId },
      async () => {
        await this.authorize(ctx);
        const review = await this.load(id);
        const itemDbId = parseActionItemId(itemId);
        const item = review.actionItems.find(i => i.dbId === itemDbId);
        if (!item) {
          throw new NotFoundError(`${itemId} is not an action item of ${id}`);
        }
        const patch: Parameters<ReviewsStore['updateActionItem']>[0]['patch'] =
          {};
        if (body.title !== undefined) patch.title = body.title;
        if (body.owner !== undefined) {
          patch.owner = await this.checkUser(body.owner, 'owner', ctx);
        }
        if (body.dueDate !== undefined && body.dueDate !== item.dueDate) {
          this.checkNotPast(body.dueDate, 'dueDate');
          patch.dueDate = body.dueDate;
        }
        if (body.status !== undefined) patch.status = body.status;
        if (body.url !== undefined) patch.url = body.url;
        const { review: stored } = await this.options.store.updateActionItem({
          reviewDbId: review.dbId,
          itemDbId: item.dbId,
          expectedVersion: body.version,
          patch,
          now: this.clock.now(),
        });
        return (await this.present([stored], ctx.credentials))[0];
      },
    );
  }

  /**
   * What the review KPIs count from (see `KpiReviewRecord` and
   * `KpiActionItemRecord` in ops-common): the reviews due since `since`, and
   * the action items not done or done since then, each with the entities of
   * its review so that the KPIs can take a scope's share.
   */
  async kpiRecords(since: Date): Promise<{
    reviews: KpiReviewRecord[];
    actionItems: KpiActionItemRecord[];
  }> {
    const { store } = this.options;
    const [reviews, items] = await Promise.all([
      store.listDueBetween(calendarDate(since, this.zone), '9999-12-31'),
      store.listActionItemsForKpis(since),
    ]);
    return {
      reviews: reviews.map(r => {
        const span = dueDateSpan(r.dueDate, this.zone);
        const onTime = reviewCompletedOnTime(r, this.zone);
        return {
          id: formatReviewId(r.dbId),
          entityRefs: r.entityRefs,
          dueStart: span.start.toISOString(),
          overdueFrom: span.end.toISOString(),
          ...(r.completedAt ? { completedAt: r.completedAt } : {}),
          ...(onTime !== undefined ? { completedOnTime: onTime } : {}),
        };
      }),
      actionItems: items.map(i => ({
        id: formatActionItemId(i.dbId),
        entityRefs: i.entityRefs,
        createdAt: i.createdAt,
        overdueFrom: dueDateSpan(i.dueDate, this.zone).end.toISOString(),
        ...(i.doneAt ? { doneAt: i.doneAt } : {}),
      })),
    };
  }

  private dueDateAfter(at: string): string {
    const { calendar, dueBusinessDays } = this.options.config;
    return addBusinessDays(new Date(at), dueBusinessDays, calendar);
  }

  private async load(id: string): Promise<StoredReview> {
    const dbId = parseReviewId(id);
    if (dbId === undefined) {
      throw new InputError(`id: must be a review id like PIR-12, not ${id}`);
    }
    const stored = await this.options.store.get(dbId);
    if (!stored) throw new NotFoundError(`${id} not found`);
    return stored;
  }

  private async authorize(ctx: ReviewCallContext): Promise<void> {
    const [decision] = await this.options.permissions.authorize(
      [{ permission: incidentReviewUpdatePermission }],
      { credentials: ctx.credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('You may not edit post-incident reviews');
    }
  }

  /** A User of the catalog (400 otherwise), as its full ref. */
  private async checkUser(
    value: string,
    field: string,
    ctx: ReviewCallContext,
  ): Promise<string> {
    const ref = userRefOf(value, field);
    const { items } = await this.options.catalog.getEntitiesByRefs(
      { entityRefs: [ref], fields: ['kind', 'metadata.name'] },
      { credentials: ctx.credentials },
    );
    if (!items[0] || items[0].kind.toLocaleLowerCase('en-US') !== 'user') {
      throw new InputError(`${field}: ${ref} is not a user in the catalog`);
    }
    return ref;
  }

  /** A due date before today (in the calendar's zone) is refused. */
  private checkNotPast(date: string, field: string): void {
    const today = calendarDate(this.clock.now(), this.zone);
    if (date < today) {
      throw new InputError(
        `${field}: ${date} is in the past (today is ${today})`,
      );
    }
  }

  /**
   * A Group's scope: the entities it owns (catalog `ownedBy` relations, which
   * `spec.owner` makes) and its members (`hasMember`).
   */
  private async groupScope(
    groupRef: string,
    credentials: BackstageCredentials,
  ): Promise<{ entities: Set<string>; members: Set<string> }> {
    let ref: string;
    try {
      ref = stringifyEntityRef(
        parseEntityRef(groupRef, {
          defaultKind: 'group',
          defaultNamespace: 'default',
        }),
      ).toLocaleLowerCase('en-US');
    } catch (error) {
      throw new InputError(`groupRef: ${(error as Error).message}`);
    }
    const { catalog } = this.options;
    const group = await catalog.getEntityByRef(ref, { credentials });
    if (!group) throw new NotFoundError(`No group ${groupRef}`);
    if (group.kind.toLocaleLowerCase('en-US') !== 'group') {
      throw new InputError(`groupRef: ${ref} is a ${group.kind}, not a Group`);
    }
    const name = parseEntityRef(ref).name;
    // Relations where the catalog made them; spec fields (resolved in the
    // entity's namespace) where it has not, as in a catalog being loaded.
    const refForms = [ref, `group:${name}`, name];
    const [owned, users] = await Promise.all([
      catalog.getEntities(
        {
          filter: [{ 'relations.ownedBy': ref }, { 'spec.owner': refForms }],
          fields: ['kind', 'metadata', 'spec.owner', 'relations'],
        },
        { credentials },
      ),
      catalog.getEntities(
        {
          filter: [
            { kind: 'user', 'relations.memberOf': ref },
            { kind: 'user', 'spec.memberOf': refForms },
          ],
          fields: ['kind', 'metadata', 'spec.memberOf', 'relations'],
        },
        { credentials },
      ),
    ]);
    const entities = owned.items
      .filter(e => related(e, 'ownedBy', ref, [e.spec?.owner]))
      .map(e => stringifyEntityRef(e).toLocaleLowerCase('en-US'));
    const members = [
      ...users.items
        .filter(u =>
          related(
            u,
            'memberOf',
            ref,
            Array.isArray(u.spec?.memberOf) ? u.spec.memberOf : [],
          ),
        )
        .map(u => stringifyEntityRef(u).toLocaleLowerCase('en-US')),
      ...(group.relations ?? [])
        .filter(r => r.type === 'hasMember')
        .map(r => r.targetRef.toLocaleLowerCase('en-US')),
    ];
    return { entities: new Set(entities), members: new Set(members) };
  }

  /** Reviews as the API answers them: owner names, overdue, on time. */
  private async present(
    reviews: StoredReview[],
    credentials?: BackstageCredentials,
  ): Promise<PostIncidentReview[]> {
    const now = this.clock.now();
    const names = await this.namesOf(
      reviews.flatMap(r => [
        ...(r.owner ? [r.owner] : []),
        ...r.actionItems.map(i => i.owner),
      ]),
      credentials,
    );
    return reviews.map(r => this.toApi(r, names, now));
  }

  private toApi(
    r: StoredReview,
    names: Map<string, string>,
    now: Date,
  ): PostIncidentReview {
    const completedOnTime = reviewCompletedOnTime(r, this.zone);
    const ownerName = r.owner ? names.get(r.owner) : undefined;
    return {
      id: formatReviewId(r.dbId),
      subject:
        r.subjectKind === 'change'
          ? { kind: 'change', changeId: r.subjectId, title: r.title }
          : {
              kind: 'incident',
              incidentId: r.subjectId,
              title: r.title,
              ...(r.severity ? { severity: r.severity } : {}),
            },
      entityRefs: r.entityRefs,
      ...(r.owner ? { owner: r.owner } : {}),
      ...(ownerName ? { ownerName } : {}),
      dueDate: r.dueDate,
      status: r.status,
      ...(r.documentUrl ? { documentUrl: r.documentUrl } : {}),
      contributingFactors: r.contributingFactors,
      actionItems: r.actionItems.map(i => this.itemToApi(i, names, now)),
      createdAt: r.createdAt,
      ...(r.completedAt ? { completedAt: r.completedAt } : {}),
      overdue: isReviewOverdue(r, now, this.zone),
      ...(completedOnTime !== undefined ? { completedOnTime } : {}),
      version: r.version,
    };
  }

  private itemToApi(
    i: StoredActionItem,
    names: Map<string, string>,
    now: Date,
  ): ReviewActionItem {
    const ownerName = names.get(i.owner);
    return {
      id: formatActionItemId(i.dbId),
      title: i.title,
      owner: i.owner,
      ...(ownerName ? { ownerName } : {}),
      dueDate: i.dueDate,
      status: i.status,
      ...(i.url ? { url: i.url } : {}),
      overdue: isActionItemOverdue(i, now, this.zone),
      version: i.version,
    };
  }

  /** Display names of users; the caller's view of the catalog, or the plugin's. */
  private async namesOf(
    refs: string[],
    credentials?: BackstageCredentials,
  ): Promise<Map<string, string>> {
    const unique = [...new Set(refs)];
    const names = new Map<string, string>();
    if (unique.length === 0) return names;
    try {
      const { items } = await this.options.catalog.getEntitiesByRefs(
        { entityRefs: unique, fields: USER_FIELDS },
        {
          credentials:
            credentials ?? (await this.options.auth.getOwnServiceCredentials()),
        },
      );
      unique.forEach((ref, i) => {
        const entity = items[i];
        if (entity) names.set(ref, displayName(entity));
      });
    } catch (error) {
      // Names are a nicety: the review is shown with refs only.
      this.options.logger.warn(
        `Could not read the names of review owners: ${
          (error as Error).message
        }`,
      );
    }
    return names;
  }

  /** Runs a write as an audit event: success or failure is recorded. */
  private audited(
    eventId: string,
    ctx: ReviewCallContext,
    meta: Record<string, string>,
    fn: () => Promise<PostIncidentReview>,
  ): Promise<PostIncidentReview> {
    return auditedWrite(
      this.options.auditor,
      { eventId, request: ctx.request, meta },
      fn,
      review => ({
        reviewId: review.id,
        status: review.status,
        version: review.version,
      }),
    );
  }
}

/**
 * Whether an entity points at a Group: through a catalog relation, or
 * through a spec field naming it (resolved in the entity's namespace).
 */
function related(
  entity: Entity,
  relation: string,
  groupRef: string,
  specValues: unknown[],
): boolean {
  if (
    (entity.relations ?? []).some(
      r =>
        r.type === relation &&
        r.targetRef.toLocaleLowerCase('en-US') === groupRef,
    )
  ) {
    return true;
  }
  return specValues.some(value => {
    if (typeof value !== 'string') return false;
    try {
      const target = parseEntityRef(value, {
        defaultKind: 'group',
        defaultNamespace: entity.metadata.namespace ?? 'default',
      });
      return stringifyEntityRef(target).toLocaleLowerCase('en-US') === groupRef;
    } catch {
      return false;
    }
  });
}

function normalizeRefs(refs: string[]): string[] {
  return [...new Set(refs.map(r => r.toLocaleLowerCase('en-US')))].sort();
}

/**
 * The entities an incident affected: its services. A team's snapshot holds
 * the incidents of the services it answers for, so Groups are left out
 * unless nothing else names the incident.
 */
function affectedEntities(refs: string[]): string[] {
  const all = normalizeRefs(refs);
  const services = all.filter(ref => !ref.startsWith('group:'));
  return services.length > 0 ? services : all;
}

/** The actions that end a change's implementation, whatever its outcome. */
const implementationEnds: readonly ChangeAction[] = [
  'complete',
  'fail',
  'roll-back',
];

/** Whether a transition ended a change's implementation. */
function implementationOver(action: ChangeAction): boolean {
  return implementationEnds.includes(action);
}
