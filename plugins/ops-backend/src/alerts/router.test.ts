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
  AlarmNoise,
  AlarmReview,
  alarmReviewCreatePermission,
  AlertsOverview,
  EntityAlerts,
  GroupAlertHealth,
  PolicyCoverage,
} from '@opsportal/plugin-ops-common';
import { Knex } from 'knex';
import request from 'supertest';
import { opsPlugin } from '../plugin';
import { DatabaseSnapshotStore } from '../snapshots/SnapshotStore';
import {
  ALERTS_ALL_KEY,
  ALERTS_ENTITY_KIND,
  ALERTS_PAGING_KIND,
  EntityAlertsSnapshot,
  PagingSnapshot,
} from './AlertsService';

jest.setTimeout(180_000);

const GUEST = 'user:default/guest';
const VIEWER = 'user:default/victor-viewer';
const PAYMENT = 'component:default/payment-service';
const ORDER = 'component:default/order-service';
const SEARCH = 'component:default/search-service';

const component = (
  name: string,
  owner: string,
  annotations: Record<string, string> = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', lifecycle: 'production', owner },
});
const entities: Entity[] = [
  {
    ...component('payment-service', 'group:default/dev-team', {
      'opsportal.dev/alarm-prefix': 'payment-service-',
      'pagerduty.com/service-id': 'PSVPAY',
    }),
    relations: [{ type: 'ownedBy', targetRef: 'group:default/dev-team' }],
  },
  // PagerDuty only, owned by spec.owner alone.
  component('order-service', 'dev-team', {
    'pagerduty.com/service-id': 'PSVORDR',
  }),
  // Alarms, but never refreshed yet.
  component('search-service', 'sre-team', {
    'opsportal.dev/alarm-prefix': 'search-',
  }),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'dev-team', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
];

const stats = (alarmCount: number, minutesInAlarm: number, days: number) => ({
  days,
  alarmCount,
  minutesInAlarm,
  flappingDays: 0,
  maxRoundTripsPerDay: 0,
  alarmsInMaintenance: 0,
});

const row = (name: string, over: Partial<AlarmNoise> = {}): AlarmNoise => ({
  alarmName: name,
  entityRef: PAYMENT,
  entityTitle: 'payment-service',
  owner: 'group:default/dev-team',
  state: 'OK',
  since: '2026-12-01T00:00:00.000Z',
  severity: 'P2',
  metric: 'AWS/ApplicationELB HTTPCode_Target_5XX_Count',
  hasActions: true,
  week: stats(0, 0, 7),
  month: stats(0, 0, 30),
  observedDays: 30,
  flags: [],
  noiseScore: 0,
  ...over,
});

const policy: PolicyCoverage = {
  entityRef: PAYMENT,
  items: [],
  counts: { present: 3, looser: 1, missing: 2 },
};

const snapshot: EntityAlertsSnapshot = {
  prefixes: ['payment-service-'],
  serviceIds: ['PSVPAY'],
  observedSince: '2026-11-05T00:00:00.000Z',
  policy,
  alarms: [
    row('payment-service-quiet'),
    row('payment-service-flapping', {
      flags: ['noisy', 'flapping'],
      noiseScore: 42,
      week: stats(12, 90, 7),
      month: stats(30, 300, 30),
    }),
    row('payment-service-no-runbook', {
      flags: ['no-runbook'],
      noiseScore: 0,
    }),
  ],
};

const emptyStats = {
  incidents: 0,
  incidentsPerWeek: 0,
  outsideBusinessHours: 0,
  atNight: 0,
  autoResolved: 0,
  repeatTitles: [],
  inMaintenance: 0,
  pages: 0,
};
const paging: PagingSnapshot = {
  load: {
    since: '2026-11-05T00:00:00.000Z',
    until: '2026-12-05T00:00:00.000Z',
    services: [
      {
        ...emptyStats,
        serviceId: 'PSVPAY',
        entityRef: PAYMENT,
        incidents: 9,
        pages: 11,
      },
      { ...emptyStats, serviceId: 'PSVORDR', entityRef: ORDER, incidents: 2 },
      { ...emptyStats, serviceId: 'PSVOTHER', incidents: 1 },
    ],
    people: [
      {
        userId: 'PU1',
        name: 'Alice Chen',
        pages: 11,
        pagesPerWeek: 2.6,
        outsideBusinessHours: 4,
        atNight: 1,
      },
    ],
  },
  serviceEntities: { PSVPAY: [PAYMENT], PSVORDR: [ORDER] },
  byOwner: {
    'group:default/dev-team': {
      since: '2026-11-05T00:00:00.000Z',
      until: '2026-12-05T00:00:00.000Z',
      services: [{ ...emptyStats, serviceId: 'PSVPAY', incidents: 9 }],
      people: [],
    },
  },
};

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('alerts routes', () => {
  let server: Parameters<typeof request>[0];
  let knex: Knex;
  let auditor: ReturnType<typeof mockServices.auditor.mock>;

  beforeAll(async () => {
    knex = await databases.init('SQLITE_3');
    auditor = mockServices.auditor.mock();
    const decide = (name: string, credentials: { principal: unknown }) =>
      name === alarmReviewCreatePermission.name &&
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
    ({ server } = await startTestBackend({
      features: [
        opsPlugin,
        catalogServiceMock.factory({ entities }),
        permissions.factory,
        auditor.factory,
        mockServices.database.factory({ knex }),
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
      ],
    }));
    // What the refresh tasks would have stored (the backend has no
    // providers here, so no task overwrites it).
    const snapshots = new DatabaseSnapshotStore(knex);
    await snapshots.put(ALERTS_ENTITY_KIND, PAYMENT, snapshot);
    await snapshots.put(ALERTS_PAGING_KIND, ALERTS_ALL_KEY, paging);
  });

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
    };
  };
  const guest = as(GUEST);

  it('refuses callers without credentials on every route', async () => {
    for (const path of [
      '/alerts/overview',
      `/alerts/entity?entityRef=${PAYMENT}`,
      '/alerts/group?entityRef=group:default/dev-team',
      '/alerts/export?kind=alarms',
    ]) {
      const res = await request(server).get(`/api/ops${path}`);
      expect([path, res.status]).toEqual([path, 401]);
    }
    const post = await request(server)
      .post('/api/ops/alerts/reviews')
      .send({ alarmName: 'x', entityRef: PAYMENT, outcome: 'keep' });
    expect(post.status).toBe(401);
  });

  it('names the field that is missing or wrong', async () => {
    const missing = await guest.get('/alerts/entity');
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toBe(
      'Invalid query: entityRef: is required',
    );
    const kind = await guest.get('/alerts/export?kind=pdf');
    expect(kind.status).toBe(400);
    expect(kind.body.error.message).toBe(
      'Invalid query: kind: must be alarms, services or people',
    );
    const note = await guest.post('/alerts/reviews', {
      alarmName: 'payment-service-flapping',
      entityRef: PAYMENT,
      outcome: 'tune-threshold',
    });
    expect(note.status).toBe(400);
    expect(note.body.error.message).toBe(
      'Invalid review: note: A note is required unless the outcome is keep',
    );
    const extra = await guest.post('/alerts/reviews', {
      alarmName: 'payment-service-flapping',
      entityRef: PAYMENT,
      outcome: 'keep',
      reviewedBy: 'user:default/someone-else',
    });
    expect(extra.status).toBe(400);
    expect(extra.body.error.message).toMatch(/^Invalid review: .*reviewedBy/);
    const outcome = await guest.post('/alerts/reviews', {
      alarmName: 'payment-service-flapping',
      entityRef: PAYMENT,
      outcome: 'ignore',
    });
    expect(outcome.status).toBe(400);
    expect(outcome.body.error.message).toMatch(/^Invalid review: outcome: /);
    const notAGroup = await guest.get(`/alerts/group?entityRef=${PAYMENT}`);
    expect(notAGroup.status).toBe(400);
    expect(notAGroup.body.error.message).toMatch(/is a Component, not a Group/);
  });

  it('answers 404 for entities the catalog does not have', async () => {
    const entity = await guest.get(
      '/alerts/entity?entityRef=component:default/nope',
    );
    expect(entity.status).toBe(404);
    const group = await guest.get('/alerts/group?entityRef=group:default/nope');
    expect(group.status).toBe(404);
    const review = await guest.post('/alerts/reviews', {
      alarmName: 'nope-errors',
      entityRef: 'component:default/nope',
      outcome: 'keep',
    });
    expect(review.status).toBe(404);
    expect(await knex('ops_alarm_reviews').count({ n: '*' })).toEqual([
      { n: 0 },
    ]);
  });

  it('records a review for those allowed, of an alarm of the entity, audited', async () => {
    const audited = () =>
      auditor.createEvent.mock.calls.filter(
        c => c[0].eventId === 'alarm-review-create',
      ).length;
    const before = audited();
    const denied = await as(VIEWER).post('/alerts/reviews', {
      alarmName: 'payment-service-flapping',
      entityRef: PAYMENT,
      outcome: 'keep',
    });
    expect(denied.status).toBe(403);

    const foreign = await guest.post('/alerts/reviews', {
      alarmName: 'search-latency',
      entityRef: PAYMENT,
      outcome: 'keep',
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.message).toBe(
      'alarmName: search-latency is not an alarm of component:default/payment-service (its alarm prefixes: payment-service-)',
    );
    const region = await guest.post('/alerts/reviews', {
      alarmName: 'payment-service-flapping',
      region: 'eu-west-1',
      entityRef: PAYMENT,
      outcome: 'keep',
    });
    expect(region.status).toBe(400);
    expect(region.body.error.message).toMatch(/^region: /);
    expect(await knex('ops_alarm_reviews').count({ n: '*' })).toEqual([
      { n: 0 },
    ]);

    const created = await guest.post('/alerts/reviews', {
      alarmName: 'payment-service-flapping',
      entityRef: 'payment-service',
      outcome: 'tune-threshold',
      note: '  Flaps on every deploy: evaluate 3 of 5 datapoints  ',
    });
    expect(created.status).toBe(201);
    const review: AlarmReview = created.body;
    expect(review).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      alarmName: 'payment-service-flapping',
      entityRef: PAYMENT,
      outcome: 'tune-threshold',
      note: 'Flaps on every deploy: evaluate 3 of 5 datapoints',
      reviewedBy: GUEST,
      reviewedAt: expect.any(String),
    });
    // Refusals are audited too (as failures).
    expect(audited() - before).toBe(4);

    // Read back: attached to its alarm and in this month's reviews.
    const view = await guest.get(`/alerts/entity?entityRef=${PAYMENT}`);
    expect(view.status).toBe(200);
    const entity: EntityAlerts = view.body;
    expect(
      entity.alarms.find(a => a.alarmName === 'payment-service-flapping')!
        .review,
    ).toEqual(review);
    const overview: AlertsOverview = (await guest.get('/alerts/overview')).body;
    expect(overview.reviewsThisMonth).toEqual([review]);
    expect(overview.counts.reviewedThisMonth).toBe(1);
  });

  it("answers an entity's alarms ranked, its policy coverage and its services' paging load", async () => {
    const res = await guest.get(`/alerts/entity?entityRef=${PAYMENT}`);
    expect(res.status).toBe(200);
    const view: EntityAlerts = res.body;
    expect(view.entityRef).toBe(PAYMENT);
    expect(view.alarms.map(a => a.alarmName)).toEqual([
      'payment-service-flapping',
      'payment-service-no-runbook',
      'payment-service-quiet',
    ]);
    expect(view.policy.counts).toEqual({ present: 3, looser: 1, missing: 2 });
    expect(view.paging!.map(s => s.serviceId)).toEqual(['PSVPAY']);
    expect(view.setup).toEqual({ alarms: true, pagerDuty: true });
    expect(view.freshness.alarms).toEqual({
      fetchedAt: expect.any(String),
      stale: false,
    });
  });

  it('answers empty lists, saying why, for entities without alarms or not read yet', async () => {
    const order: EntityAlerts = (
      await guest.get(`/alerts/entity?entityRef=${ORDER}`)
    ).body;
    expect(order).toMatchObject({
      entityRef: ORDER,
      alarms: [],
      policy: { items: [], counts: { present: 0, looser: 0, missing: 0 } },
      setup: { alarms: false, pagerDuty: true },
    });
    expect(order.paging!.map(s => s.serviceId)).toEqual(['PSVORDR']);

    const search: EntityAlerts = (
      await guest.get(`/alerts/entity?entityRef=${SEARCH}`)
    ).body;
    expect(search.alarms).toEqual([]);
    expect(search.setup).toEqual({ alarms: true, pagerDuty: false });
    expect(search.paging).toBeUndefined();
    expect(search.freshness.alarms).toEqual({
      stale: false,
      error: expect.stringMatching(/^Not read yet/),
    });
  });

  it('ranks the flagged and noisy alarms of every entity on the overview', async () => {
    const res = await guest.get('/alerts/overview');
    expect(res.status).toBe(200);
    const overview: AlertsOverview = res.body;
    expect(overview.alarms.map(a => a.alarmName)).toEqual([
      'payment-service-flapping',
      'payment-service-no-runbook',
    ]);
    expect(overview.counts).toMatchObject({
      alarms: 3,
      noisy: 1,
      flapping: 1,
      noRunbook: 1,
      stuck: 0,
    });
    expect(overview.paging.services.map(s => s.serviceId)).toEqual([
      'PSVPAY',
      'PSVORDR',
      'PSVOTHER',
    ]);
    expect(overview.freshness.paging.fetchedAt).toEqual(expect.any(String));
  });

  it("answers a team's entities, alarms and its services' paging load", async () => {
    const res = await guest.get('/alerts/group?entityRef=dev-team');
    expect(res.status).toBe(200);
    const health: GroupAlertHealth = res.body;
    expect(health.entityRef).toBe('group:default/dev-team');
    expect(health.entities).toEqual([
      {
        entityRef: PAYMENT,
        title: 'payment-service',
        alarms: 3,
        noisy: 1,
        flagged: 2,
        policyMissing: 2,
        policyLooser: 1,
      },
      {
        entityRef: ORDER,
        title: 'order-service',
        alarms: 0,
        noisy: 0,
        flagged: 0,
        policyMissing: 0,
        policyLooser: 0,
      },
    ]);
    expect(health.alarms).toHaveLength(3);
    expect(health.paging.services.map(s => s.serviceId)).toEqual(['PSVPAY']);
  });

  it('exports the tables as CSV attachments', async () => {
    const alarms = await guest.get('/alerts/export?kind=alarms');
    expect(alarms.status).toBe(200);
    expect(alarms.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(alarms.headers['content-disposition']).toMatch(
      /^attachment; filename="alerts-alarms-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const lines = alarms.text.trim().split('\r\n');
    expect(lines[0]).toMatch(/^alarm,region,entity,/);
    expect(lines.slice(1).map(l => l.split(',')[0])).toEqual([
      'payment-service-flapping',
      'payment-service-no-runbook',
    ]);

    const services = await guest.get('/alerts/export?kind=services');
    expect(services.text.trim().split('\r\n')).toHaveLength(4);
    expect(services.headers['content-disposition']).toMatch(
      /filename="alerts-services-/,
    );
    const people = await guest.get('/alerts/export?kind=people');
    expect(people.text).toMatch(/Alice Chen/);
  });
});
