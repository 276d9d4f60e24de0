import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  addBusinessDays,
  calendarDate,
  incidentReviewUpdatePermission,
  PostIncidentReview,
  ReviewsReport,
} from '@opsportal/plugin-ops-common';
import { Knex } from 'knex';
import request from 'supertest';
import { opsPlugin } from '../plugin';
import { DatabaseReviewsStore } from './ReviewsStore';

jest.setTimeout(180_000);

const GUEST = 'user:default/guest';
const ALICE = 'user:default/alice-chen';
const VIEWER = 'user:default/victor-viewer';
const ORDER = 'component:default/order-service';
const SEARCH = 'component:default/search-service';

const component = (name: string, owner: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: { type: 'service', lifecycle: 'production', owner },
});
const group = (name: string, title: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default', title },
  spec: { type: 'team', children: [] },
});
// Users with the relations the catalog stitches from `memberOf`.
const user = (name: string, displayName: string, team: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default' },
  spec: { profile: { displayName }, memberOf: [team] },
  relations: [{ type: 'memberOf', targetRef: `group:default/${team}` }],
});
const entities: Entity[] = [
  // One service with the catalog's relation, the others by spec.owner only.
  {
    ...component('order-service', 'group:default/dev-team'),
    relations: [{ type: 'ownedBy', targetRef: 'group:default/dev-team' }],
  },
  component('search-service', 'sre-team'),
  component('payment-service', 'dev-team'),
  group('sre-team', 'SRE Team'),
  group('dev-team', 'Dev Team'),
  group('support-team', 'Support Team'),
  user('alice-chen', 'Alice Chen', 'sre-team'),
  user('guest', 'Guest', 'dev-team'),
  user('victor-viewer', 'Victor Viewer', 'support-team'),
];

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const DAY = 86_400_000;
const today = () => calendarDate(new Date());
const inDays = (days: number) =>
  calendarDate(new Date(Date.now() + days * DAY));

let subjects = 0;

async function startBackend() {
  const knex: Knex = await databases.init('SQLITE_3');
  const auditor = mockServices.auditor.mock();
  // Everyone may do anything but Victor, who may not edit reviews.
  const decide = (name: string, credentials: { principal: unknown }) =>
    name === incidentReviewUpdatePermission.name &&
    (credentials.principal as { userEntityRef?: string }).userEntityRef ===
      VIEWER
      ? AuthorizeResult.DENY
      : AuthorizeResult.ALLOW;
  const permissions = mockServices.permissions.mock({
    authorize: async (requests, { credentials }) =>
      requests.map(r => ({ result: decide(r.permission.name, credentials) })),
    authorizeConditional: async (requests, { credentials }) =>
      requests.map(r => ({
        result: decide(r.permission.name, credentials),
      })) as any,
  });
  const { server } = await startTestBackend({
    features: [
      opsPlugin,
      catalogServiceMock.factory({ entities }),
      permissions.factory,
      auditor.factory,
      mockServices.database.factory({ knex }),
    ],
  });
  const store = new DatabaseReviewsStore(knex);
  /** A review as the incident page or the scheduled task creates it. */
  const seed = async (
    overrides: { entityRefs?: string[]; owner?: string; dueDate?: string } = {},
  ) => {
    subjects += 1;
    const { review } = await store.ensure({
      subjectKind: 'incident',
      subjectId: `QROUTER${subjects}`,
      title: `Incident ${subjects}`,
      severity: 'P1',
      entityRefs: overrides.entityRefs ?? [ORDER],
      owner: overrides.owner,
      dueDate: overrides.dueDate ?? inDays(7),
      createdBy: ALICE,
      now: new Date(),
    });
    return `PIR-${review.dbId}`;
  };
  const as = (who: string) => {
    const auth = mockCredentials.user.header(who);
    return {
      get: (path: string) =>
        request(server).get(`/api/ops${path}`).set('Authorization', auth),
      post: (path: string, body: unknown) =>
        request(server)
          .post(`/api/ops${path}`)
          .set('Authorization', auth)
          .send(body as object),
      patch: (path: string, body: unknown) =>
        request(server)
          .patch(`/api/ops${path}`)
          .set('Authorization', auth)
          .send(body as object),
    };
  };
  return { server, knex, auditor, seed, as };
}

describe('post-incident reviews API', () => {
  it('refuses every route without credentials', async () => {
    const { server } = await startTestBackend({
      features: [
        opsPlugin,
        catalogServiceMock.factory({ entities }),
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
      ],
    });
    for (const [method, path] of [
      ['get', '/api/ops/reviews'],
      ['get', '/api/ops/reviews/PIR-1'],
      ['patch', '/api/ops/reviews/PIR-1'],
      ['post', '/api/ops/reviews/PIR-1/action-items'],
      ['patch', '/api/ops/reviews/PIR-1/action-items/AI-1'],
    ] as const) {
      const res = await request(server)[method](path).send({});
      expect([method, path, res.status]).toEqual([method, path, 401]);
    }
  });

  it('takes a review from open to completed on time, with action items', async () => {
    const { as, seed, auditor } = await startBackend();
    const id = await seed();
    const guest = as(GUEST);

    let review: PostIncidentReview = (await guest.get(`/reviews/${id}`)).body;
    expect(review).toMatchObject({
      id,
      subject: { kind: 'incident', severity: 'P1' },
      entityRefs: [ORDER],
      status: 'open',
      overdue: false,
      version: 1,
    });

    const edited = await guest.patch(`/reviews/${id}`, {
      version: 1,
      owner: 'alice-chen',
      documentUrl: 'https://docs.example.com/pir/order-5xx',
      contributingFactors: 'The connection limit was lowered by a config push.',
    });
    expect(edited.status).toBe(200);
    review = edited.body;
    expect(review).toMatchObject({
      owner: ALICE,
      ownerName: 'Alice Chen',
      documentUrl: 'https://docs.example.com/pir/order-5xx',
      version: 2,
    });

    const added = await guest.post(`/reviews/${id}/action-items`, {
      title: 'Alert on connection pool saturation',
      owner: GUEST,
      dueDate: inDays(14),
      url: 'https://issues.example.com/OPS-12',
    });
    expect(added.status).toBe(201);
    const [item] = added.body.actionItems;
    expect(item).toMatchObject({
      id: expect.stringMatching(/^AI-\d+$/),
      title: 'Alert on connection pool saturation',
      owner: GUEST,
      ownerName: 'Guest',
      status: 'open',
      overdue: false,
      version: 1,
    });

    const done = await guest.patch(`/reviews/${id}/action-items/${item.id}`, {
      version: 1,
      status: 'done',
    });
    expect(done.status).toBe(200);
    expect(done.body.actionItems[0]).toMatchObject({
      status: 'done',
      version: 2,
    });

    const completed = await guest.patch(`/reviews/${id}`, {
      version: 2,
      status: 'completed',
    });
    expect(completed.status).toBe(200);
    expect(completed.body).toMatchObject({
      status: 'completed',
      completedAt: expect.any(String),
      completedOnTime: true,
      overdue: false,
      version: 3,
    });

    const report: ReviewsReport = (await guest.get('/reviews')).body;
    expect(report.open.map(r => r.id)).not.toContain(id);
    expect(report.recentlyCompleted.map(r => r.id)).toContain(id);
    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({ eventId: 'incident-review-update' }),
    );
    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        eventId: 'incident-review-action-item-create',
      }),
    );
  });

  it('refuses bad input with a 400 and stores nothing', async () => {
    const { as, seed } = await startBackend();
    const id = await seed();
    const guest = as(GUEST);
    const refusals: Array<[string, unknown, RegExp]> = [
      [
        'factors of 10,000 characters',
        { version: 1, contributingFactors: 'x'.repeat(10_000) },
        /contributingFactors: must be at most 4000 characters/,
      ],
      [
        'a due date in the past',
        { version: 1, dueDate: inDays(-1) },
        /dueDate: .* is in the past/,
      ],
      [
        'an unknown person',
        { version: 1, owner: 'user:default/nobody' },
        /owner: user:default\/nobody is not a user in the catalog/,
      ],
      [
        'a team as owner',
        { version: 1, owner: 'group:default/sre-team' },
        /owner: must be a user entity ref/,
      ],
      ['no version', { owner: ALICE }, /version/],
      [
        'an unknown field',
        { version: 1, severity: 'P4' },
        /Unrecognized key|severity/,
      ],
      [
        'a link that is not http',
        { version: 1, documentUrl: 'ftp://files.example.com/pir.txt' },
        /documentUrl: must be an http or https URL/,
      ],
    ];
    for (const [what, body, message] of refusals) {
      const res = await guest.patch(`/reviews/${id}`, body);
      expect([what, res.status]).toEqual([what, 400]);
      expect(res.body.error.message).toMatch(message);
    }
    const itemRefusals: Array<[string, unknown, RegExp]> = [
      [
        'a past due date',
        { title: 'Add an alert', owner: GUEST, dueDate: inDays(-3) },
        /dueDate: .* is in the past/,
      ],
      [
        'an unknown owner',
        { title: 'Add an alert', owner: 'ghost', dueDate: inDays(3) },
        /owner: user:default\/ghost is not a user in the catalog/,
      ],
      ['no title', { title: '', owner: GUEST, dueDate: inDays(3) }, /title/],
      [
        'a date that is not one',
        { title: 'Add an alert', owner: GUEST, dueDate: '2026-02-31x' },
        /dueDate: must be a date as YYYY-MM-DD/,
      ],
    ];
    for (const [what, body, message] of itemRefusals) {
      const res = await guest.post(`/reviews/${id}/action-items`, body);
      expect([what, res.status]).toEqual([what, 400]);
      expect(res.body.error.message).toMatch(message);
    }
    // Nothing was stored.
    const review: PostIncidentReview = (await guest.get(`/reviews/${id}`)).body;
    expect(review).toMatchObject({
      version: 1,
      contributingFactors: '',
      actionItems: [],
      dueDate: inDays(7),
    });
    expect(review.owner).toBeUndefined();

    // Malformed and unknown ids.
    expect((await guest.get('/reviews/CHG-1')).status).toBe(400);
    expect((await guest.get('/reviews/PIR-999999')).status).toBe(404);
    expect(
      (
        await guest.patch(`/reviews/${id}/action-items/AI-999999`, {
          version: 1,
          status: 'done',
        })
      ).status,
    ).toBe(404);
    // Today is not in the past.
    expect(
      (await guest.patch(`/reviews/${id}`, { version: 1, dueDate: today() }))
        .status,
    ).toBe(200);
  });

  it('answers 409 to the second of two edits of the same version', async () => {
    const { as, seed } = await startBackend();
    const id = await seed();
    const [a, b] = await Promise.all([
      as(GUEST).patch(`/reviews/${id}`, {
        version: 1,
        contributingFactors: 'Guest: a config push lowered the limit.',
      }),
      as(ALICE).patch(`/reviews/${id}`, {
        version: 1,
        contributingFactors: 'Alice: the pool was too small for the peak.',
      }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.body.error.message).toMatch(
      /was changed by someone else: you read version 1, it is now at version 2/,
    );
    const stored = (await as(GUEST).get(`/reviews/${id}`)).body;
    const winner = a.status === 200 ? a : b;
    expect(stored.contributingFactors).toBe(winner.body.contributingFactors);

    // Action items too.
    const item = (
      await as(GUEST).post(`/reviews/${id}/action-items`, {
        title: 'Raise the pool size',
        owner: ALICE,
        dueDate: inDays(5),
      })
    ).body.actionItems[0];
    const path = `/reviews/${id}/action-items/${item.id}`;
    expect(
      (await as(ALICE).patch(path, { version: 1, status: 'in-progress' }))
        .status,
    ).toBe(200);
    const stale = await as(GUEST).patch(path, { version: 1, status: 'done' });
    expect(stale.status).toBe(409);
  });

  it('lets only people with the review permission edit (403)', async () => {
    const { as, seed, auditor } = await startBackend();
    const id = await seed();
    const viewer = as(VIEWER);
    expect((await viewer.get(`/reviews/${id}`)).status).toBe(200);
    const refused = await viewer.patch(`/reviews/${id}`, {
      version: 1,
      contributingFactors: 'Not mine to write.',
    });
    expect(refused.status).toBe(403);
    expect(
      (
        await viewer.post(`/reviews/${id}/action-items`, {
          title: 'Add an alert',
          owner: GUEST,
          dueDate: inDays(3),
        })
      ).status,
    ).toBe(403);
    const review = (await viewer.get(`/reviews/${id}`)).body;
    expect(review).toMatchObject({ version: 1, contributingFactors: '' });
    const event = await auditor.createEvent.mock.results.at(-1)!.value;
    expect(event.fail).toHaveBeenCalled();
  });

  it("lists a team's reviews: of the services it owns and those its members own", async () => {
    const { as, seed } = await startBackend();
    const order = await seed({ entityRefs: [ORDER] });
    const search = await seed({ entityRefs: [SEARCH] });
    // Of dev-team's service, owned by Alice of the SRE team.
    const alices = await seed({ entityRefs: [ORDER], owner: ALICE });
    const overdue = await seed({ entityRefs: [SEARCH], dueDate: inDays(-2) });
    const guest = as(GUEST);

    const ids = (report: ReviewsReport) => report.open.map(r => r.id).sort();
    const sre: ReviewsReport = (
      await guest.get('/reviews?groupRef=group:default/sre-team')
    ).body;
    expect(ids(sre)).toEqual([search, alices, overdue].sort());
    expect(sre.overdueCount).toBe(1);
    // Soonest due first.
    expect(sre.open[0].id).toBe(overdue);

    const dev: ReviewsReport = (await guest.get('/reviews?groupRef=dev-team'))
      .body;
    expect(ids(dev)).toEqual([order, alices].sort());

    const support: ReviewsReport = (
      await guest.get('/reviews?groupRef=group:default/support-team')
    ).body;
    expect(support.open).toEqual([]);

    const byEntity: ReviewsReport = (
      await guest.get(`/reviews?entityRef=${encodeURIComponent(SEARCH)}`)
    ).body;
    expect(ids(byEntity)).toEqual([search, overdue].sort());

    const all: ReviewsReport = (await guest.get('/reviews')).body;
    expect(all.open).toHaveLength(4);
    expect(all.overdueCount).toBe(1);

    expect(
      (await guest.get('/reviews?groupRef=group:default/nope')).status,
    ).toBe(404);
    expect(
      (await guest.get(`/reviews?groupRef=${encodeURIComponent(ORDER)}`))
        .status,
    ).toBe(400);
    expect((await guest.get('/reviews?groupRef=a%20b')).status).toBe(400);
  });

  it('reports overdue action items with their review', async () => {
    const { as, seed, knex } = await startBackend();
    const id = await seed({ owner: ALICE });
    const added = await as(ALICE).post(`/reviews/${id}/action-items`, {
      title: 'Write the runbook',
      owner: GUEST,
      dueDate: inDays(1),
    });
    const itemId: string = added.body.actionItems[0].id;
    // Time passes: the item's date is now behind us.
    await knex('ops_review_action_items')
      .where({ id: Number(itemId.slice(3)) })
      .update({ due_date: inDays(-1) });
    const report: ReviewsReport = (await as(GUEST).get('/reviews')).body;
    expect(report.overdueActionItems).toEqual([
      expect.objectContaining({ id: itemId, reviewId: id, overdue: true }),
    ]);
  });

  it('creates the review of an emergency change when its implementation ends', async () => {
    const { as } = await startBackend();
    const start = new Date(Date.now() - 2 * 3600_000);
    const started = await as(GUEST).post('/change-requests', {
      title: 'Hotfix the order connection limit',
      description: 'Connections exhausted.',
      category: 'emergency',
      risk: 'high',
      entityRefs: [ORDER],
      plannedStart: start.toISOString(),
      plannedEnd: new Date(start.getTime() + 3600_000).toISOString(),
      implementationPlan: '',
      rollbackPlan: 'Lower it again.',
      testPlan: 'Watch the errors.',
      action: 'start',
    });
    expect([started.status, started.body.error]).toEqual([201, undefined]);
    const change = started.body.change;
    const none: ReviewsReport = (await as(GUEST).get('/reviews')).body;
    expect(none.open).toEqual([]);

    const completed = await as(GUEST).post(
      `/change-requests/${change.id}/transitions`,
      { action: 'complete', version: change.version },
    );
    expect(completed.status).toBe(200);
    const report: ReviewsReport = (await as(GUEST).get('/reviews')).body;
    expect(report.open).toEqual([
      expect.objectContaining({
        subject: {
          kind: 'change',
          changeId: change.id,
          title: 'Hotfix the order connection limit',
        },
        owner: GUEST,
        ownerName: 'Guest',
        entityRefs: [ORDER],
        dueDate: addBusinessDays(new Date(), 5),
      }),
    ]);
  });
});
