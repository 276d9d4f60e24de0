import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { FakePagerDuty, startFakePagerDuty } from '@internal/fake-upstreams';
import opsModulePagerDuty from '@opsportal/plugin-ops-backend-module-pagerduty';
import {
  IncidentDetail,
  incidentRespondPermission,
  parseChangeId,
} from '@opsportal/plugin-ops-common';
import { JsonObject } from '@backstage/types';
import { Knex } from 'knex';
import request from 'supertest';
import { opsPlugin } from '../../plugin';
import { DatabaseChangeRequestStore } from '../../changes/ChangeRequestStore';

jest.setTimeout(180_000);

const ALICE = 'user:default/alice-chen';
const BRUNO = 'user:default/bruno-silva';
const VIEWER = 'user:default/viewer';
const NO_EMAIL = 'user:default/no-email';
const ORDER = 'component:default/order-service';
const STOREFRONT = 'component:default/storefront';

const user = (name: string, displayName: string, email?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default' },
  spec: { profile: { displayName, ...(email ? { email } : {}) }, memberOf: [] },
});

/** The catalog; order-service names its service's integration key, storefront has none. */
const catalogEntities = (orderKey: string): Entity[] => [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'order-service',
      namespace: 'default',
      annotations: {
        'pagerduty.com/service-id': 'PSVORDR',
        'pagerduty.com/integration-key': orderKey,
      },
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/dev-team',
    },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'storefront', namespace: 'default' },
    spec: {
      type: 'website',
      lifecycle: 'production',
      owner: 'group:default/dev-team',
    },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'dev-team', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
  user('alice-chen', 'Alice Chen', 'alice.chen@ecommerce-platform.com'),
  user('bruno-silva', 'Bruno Silva', 'bruno.silva@ecommerce-platform.com'),
  user('chloe-martin', 'Chloe Martin', 'chloe.martin@ecommerce-platform.com'),
  user(
    'dmitri-ivanov',
    'Dmitri Ivanov',
    'dmitri.ivanov@ecommerce-platform.com',
  ),
  user('viewer', 'Val Viewer', 'alice.chen@ecommerce-platform.com'),
  user('no-email', 'Nora Noemail'),
];

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('incident page routes', () => {
  let pagerduty: FakePagerDuty;
  let entities: Entity[];
  /** Integration keys of the fake's order and payment services. */
  let ORDER_KEY: string;
  let PAYMENT_KEY: string;
  beforeAll(async () => {
    pagerduty = await startFakePagerDuty({ rateLimitPerMinute: 100_000 });
    const keyOf = (id: string) =>
      pagerduty.account.services.find(s => s.id === id)!.integrationKey!;
    ORDER_KEY = keyOf('PSVORDR');
    PAYMENT_KEY = keyOf('PSVPAYM');
    entities = catalogEntities(ORDER_KEY);
  });
  afterAll(() => pagerduty.close());

  /** The open, acknowledged P1 on order-service (the fake's `open:order`). */
  function orderP1() {
    const incident = pagerduty.account.incidents.find(
      i => i.serviceId === 'PSVORDR' && i.status === 'acknowledged',
    )!;
    expect(incident.priority).toBe('P1');
    return incident;
  }

  async function startBackend(
    options: { response?: JsonObject; knex?: Knex } = {},
  ) {
    const auditor = mockServices.auditor.mock();
    // Everyone may respond but the viewer.
    const permissions = mockServices.permissions.mock({
      authorize: async (requests, { credentials }) =>
        requests.map(r => ({
          result:
            (credentials.principal as any).userEntityRef === VIEWER &&
            r.permission.name === incidentRespondPermission.name
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
        })) as any,
      // The change requests' permissions: everyone may do everything.
      authorizeConditional: async requests =>
        requests.map(() => ({ result: AuthorizeResult.ALLOW })) as any,
    });
    const catalog = catalogServiceMock({ entities });
    const { server } = await startTestBackend({
      features: [
        opsPlugin,
        opsModulePagerDuty,
        createServiceFactory({
          service: catalogServiceRef,
          deps: {},
          factory: () => catalog,
        }),
        permissions.factory,
        auditor.factory,
        mockServices.rootLogger.factory({ level: 'error' }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://portal.example.test' },
            ops: {
              pagerduty: {
                apiBaseUrl: pagerduty.url,
                eventsBaseUrl: pagerduty.url,
                token: 'local-fake-token',
                maxAttempts: 1,
              },
              incidents: { response: options.response ?? {} },
            },
          },
        }),
        ...(options.knex
          ? [mockServices.database.factory({ knex: options.knex })]
          : []),
      ],
    });
    const as = (who: string) => ({
      get: (path: string) =>
        request(server)
          .get(`/api/ops${path}`)
          .set('Authorization', mockCredentials.user.header(who)),
      post: (path: string, body: unknown) =>
        request(server)
          .post(`/api/ops${path}`)
          .set('Authorization', mockCredentials.user.header(who))
          .send(body as object),
      put: (path: string, body: unknown) =>
        request(server)
          .put(`/api/ops${path}`)
          .set('Authorization', mockCredentials.user.header(who))
          .send(body as object),
    });
    return { server, as, auditor };
  }

  it('refuses requests without credentials and malformed ids', async () => {
    const { server, as } = await startBackend();
    const anonymous = await request(server)
      .get('/api/ops/incidents/Q1')
      .set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
    const bad = await as(ALICE).get('/incidents/not-an-id!');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^Invalid path: id: /);
    const unknown = await as(ALICE).get('/incidents/QUNKNOWN0000');
    expect(unknown.status).toBe(404);
  });

  it("shows order-service's open P1: timeline, cadence, proposed commander, links", async () => {
    const { as } = await startBackend({
      response: {
        chatChannel: {
          name: '#inc-{number}',
          url: 'https://chat.example.test/channels/inc-{number}',
        },
      },
    });
    const p1 = orderP1();
    const res = await as(ALICE).get(`/incidents/${p1.id}`);
    if (res.status !== 200) console.log(JSON.stringify(res.body));
    expect(res.status).toBe(200);
    const detail: IncidentDetail = res.body;

    expect(detail.incident).toMatchObject({
      id: p1.id,
      severity: 'P1',
      status: 'acknowledged',
      responseTarget: '5 min',
    });
    expect(detail.entityRefs).toEqual([ORDER]);
    expect(detail.stage).toBe('triage');
    expect(detail.stages.map(s => [s.stage, s.reached])).toEqual([
      ['detection', true],
      ['triage', true],
      ['investigation', false],
      ['mitigation', false],
      ['recovery', false],
      ['review', false],
    ]);

    // Oldest first: triggered, then acknowledged (notify entries left out).
    expect(detail.timeline.map(e => e.kind)).toEqual([
      'triggered',
      'acknowledged',
    ]);
    expect(detail.timeline[0].at).toBe(new Date(p1.createdAt).toISOString());

    // P1: an update every 15 minutes from the start (no update yet).
    expect(detail.incident.nextUpdateDue).toBe(
      new Date(p1.createdAt + 15 * 60_000).toISOString(),
    );
    expect(detail.cadence).toEqual({
      intervalMinutes: 15,
      lastUpdateAt: new Date(p1.createdAt).toISOString(),
      nextUpdateDue: new Date(p1.createdAt + 15 * 60_000).toISOString(),
      overdue: Date.now() > p1.createdAt + 15 * 60_000,
    });

    // The SRE primary on call is proposed as Incident Commander.
    const responder = pagerduty.account.users.find(
      u => u.id === p1.responderId,
    )!;
    expect(detail.proposedCommander?.name).toBe(responder.name);
    expect(detail.proposedCommander?.userRef).toBe(
      `user:default/${responder.email.split('@')[0].replace('.', '-')}`,
    );

    expect(detail.links.pagerDuty).toMatch(/\/incidents\//);
    expect(detail.links.chat).toEqual({
      name: `#inc-${p1.number}`,
      url: `https://chat.example.test/channels/inc-${p1.number}`,
    });
    expect(detail.reviewRequired).toBe(true);
    expect(detail.canRespond).toBe(true);
    expect(detail.canReview).toBe(true);
    expect(detail.freshness.stale).toBe(false);

    const viewer = await as(VIEWER).get(`/incidents/${p1.id}`);
    expect(viewer.body.canRespond).toBe(false);
  });

  it('stores a role assignment, mirrors it to PagerDuty as a note and shows it', async () => {
    const { as, auditor } = await startBackend();
    const p1 = orderP1();
    const before = pagerduty.writes.length;

    const assigned = await as(ALICE).put(
      `/incidents/${p1.id}/roles/commander`,
      { userRef: BRUNO },
    );
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({
      role: 'commander',
      userRef: BRUNO,
      displayName: 'Bruno Silva',
      assignedBy: ALICE,
      assignedByName: 'Alice Chen',
      version: 1,
    });

    const mirrored = pagerduty.writes
      .slice(before)
      .filter(w => w.kind === 'note' && w.incidentId === p1.id);
    expect(mirrored).toHaveLength(1);
    expect(mirrored[0].from).toBe('alice.chen@ecommerce-platform.com');
    expect(mirrored[0].body.note.content).toBe(
      'Incident Commander: Bruno Silva (assigned in the portal by Alice Chen)',
    );
    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        eventId: 'incident-role-assign',
        meta: { incidentId: p1.id, role: 'commander', userRef: BRUNO },
      }),
    );

    const detail: IncidentDetail = (await as(ALICE).get(`/incidents/${p1.id}`))
      .body;
    expect(detail.roles).toEqual([
      expect.objectContaining({
        role: 'commander',
        userRef: BRUNO,
        displayName: 'Bruno Silva',
        assignedBy: ALICE,
        assignedByName: 'Alice Chen',
      }),
    ]);
    expect(detail.stage).toBe('investigation');
    const roleEntries = detail.timeline.filter(e => e.kind === 'role-assigned');
    expect(roleEntries).toEqual([
      expect.objectContaining({
        summary: 'Incident Commander: Bruno Silva',
        actor: { name: 'Alice Chen', ref: ALICE },
        source: 'portal',
      }),
    ]);
    // The mirror note is not shown a second time.
    expect(
      detail.timeline.filter(e => e.detail?.includes('assigned in the portal')),
    ).toEqual([]);

    // Replacing it needs the version seen; a stale one is a conflict.
    const stale = await as(ALICE).put(`/incidents/${p1.id}/roles/commander`, {
      userRef: ALICE,
    });
    expect(stale.status).toBe(409);
    const replaced = await as(ALICE).put(
      `/incidents/${p1.id}/roles/commander`,
      { userRef: ALICE, version: 1 },
    );
    expect(replaced.status).toBe(200);
    expect(replaced.body.version).toBe(2);
  });

  it('lets one of two concurrent assignments at the same version win (409 for the other)', async () => {
    const { as } = await startBackend();
    const p1 = orderP1();
    const first = await as(ALICE).put(
      `/incidents/${p1.id}/roles/technical-lead`,
      { userRef: ALICE },
    );
    expect(first.status).toBe(200);
    const answers = await Promise.all(
      [BRUNO, 'user:default/chloe-martin'].map(userRef =>
        as(ALICE).put(`/incidents/${p1.id}/roles/technical-lead`, {
          userRef,
          version: first.body.version,
        }),
      ),
    );
    expect(answers.map(a => a.status).sort()).toEqual([200, 409]);
    const detail: IncidentDetail = (await as(ALICE).get(`/incidents/${p1.id}`))
      .body;
    const lead = detail.roles.find(r => r.role === 'technical-lead')!;
    expect(lead.version).toBe(2);
    expect(lead.userRef).toBe(
      answers.find(a => a.status === 200)!.body.userRef,
    );
  });

  it('refuses unknown people, bad roles and oversized updates with 400, storing nothing', async () => {
    const { as } = await startBackend();
    const p1 = orderP1();
    const before = pagerduty.writes.length;

    const unknown = await as(ALICE).put(
      `/incidents/${p1.id}/roles/communications-lead`,
      { userRef: 'user:default/nobody' },
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toBe(
      'userRef: user:default/nobody is not a User in the catalog',
    );
    const notAUser = await as(ALICE).put(
      `/incidents/${p1.id}/roles/communications-lead`,
      { userRef: 'group:default/dev-team' },
    );
    expect(notAUser.status).toBe(400);

    const role = await as(ALICE).put(`/incidents/${p1.id}/roles/scribe`, {
      userRef: BRUNO,
    });
    expect(role.status).toBe(400);
    expect(role.body.error.message).toMatch(
      /^Invalid path: role: must be one of/,
    );

    const long = await as(ALICE).post(`/incidents/${p1.id}/status-updates`, {
      message: 'x'.repeat(10_000),
    });
    expect(long.status).toBe(400);
    expect(long.body.error.message).toMatch(/^Invalid body: message: /);

    const noEmail = await as(NO_EMAIL).post(`/incidents/${p1.id}/notes`, {
      content: 'Looking at the database.',
    });
    expect(noEmail.status).toBe(400);
    expect(noEmail.body.error.message).toMatch(/spec\.profile\.email/);

    const responders = await as(ALICE).post(
      `/incidents/${p1.id}/responder-requests`,
      { userRefs: [NO_EMAIL], message: 'Please join the bridge.' },
    );
    expect(responders.status).toBe(400);
    expect(responders.body.error.message).toBe(
      `userRefs: ${NO_EMAIL} has no email in the catalog`,
    );

    expect(pagerduty.writes.slice(before)).toEqual([]);
    const detail: IncidentDetail = (await as(ALICE).get(`/incidents/${p1.id}`))
      .body;
    expect(
      detail.roles.find(r => r.role === 'communications-lead'),
    ).toBeUndefined();
  });

  it('refuses writes without the respond permission (403), storing nothing', async () => {
    const { as } = await startBackend();
    const p1 = orderP1();
    const before = pagerduty.writes.length;
    const role = await as(VIEWER).put(
      `/incidents/${p1.id}/roles/communications-lead`,
      { userRef: BRUNO },
    );
    expect(role.status).toBe(403);
    const update = await as(VIEWER).post(`/incidents/${p1.id}/status-updates`, {
      message: 'We are on it.',
    });
    expect(update.status).toBe(403);
    expect(pagerduty.writes.slice(before)).toEqual([]);
    const detail: IncidentDetail = (await as(ALICE).get(`/incidents/${p1.id}`))
      .body;
    expect(
      detail.roles.find(r => r.role === 'communications-lead'),
    ).toBeUndefined();
  });

  it('posts status updates and notes in the user’s name; the cadence restarts and a mitigation moves the stage', async () => {
    const { as } = await startBackend();
    const p1 = orderP1();
    const before = pagerduty.writes.length;

    const update = await as(BRUNO).post(`/incidents/${p1.id}/status-updates`, {
      message: 'Rolled back the deploy; error rate falling.',
      mitigated: true,
    });
    expect(update.status).toBe(201);
    expect(update.body).toEqual({
      id: expect.any(String),
      at: expect.any(String),
    });
    const note = await as(BRUNO).post(`/incidents/${p1.id}/notes`, {
      content: 'Database connections back to normal.',
    });
    expect(note.status).toBe(201);
    const asked = await as(BRUNO).post(
      `/incidents/${p1.id}/responder-requests`,
      {
        userRefs: ['user:default/dmitri-ivanov'],
        message: 'Please join: DB expertise needed.',
      },
    );
    expect(asked.status).toBe(202);

    const writes = pagerduty.writes.slice(before);
    expect(writes.map(w => [w.kind, w.from])).toEqual([
      ['status_update', 'bruno.silva@ecommerce-platform.com'],
      ['note', 'bruno.silva@ecommerce-platform.com'],
      ['responder_request', 'bruno.silva@ecommerce-platform.com'],
    ]);
    expect(writes[0].body.message).toBe(
      'Mitigated: Rolled back the deploy; error rate falling.',
    );

    const detail: IncidentDetail = (await as(ALICE).get(`/incidents/${p1.id}`))
      .body;
    expect(detail.cadence!.lastUpdateAt).toBe(
      new Date(Date.parse(update.body.at)).toISOString(),
    );
    expect(detail.cadence!.overdue).toBe(false);
    expect(detail.stages.find(s => s.stage === 'mitigation')).toMatchObject({
      reached: true,
      at: detail.cadence!.lastUpdateAt,
    });
    const kinds = detail.timeline.map(e => e.kind);
    expect(kinds).toContain('status-update');
    // The note appears once, though PagerDuty lists it as a note and in the log.
    expect(
      detail.timeline.filter(
        e => e.detail === 'Database connections back to normal.',
      ),
    ).toHaveLength(1);
  });

  it('reads PagerDuty once for concurrent and repeated views, and again after a write', async () => {
    const { as } = await startBackend();
    const p1 = orderP1();
    const reads = () =>
      pagerduty.stats.byEndpoint['GET /incidents/{id}/notes'] ?? 0;
    const before = reads();
    const views = await Promise.all([
      as(ALICE).get(`/incidents/${p1.id}`),
      as(BRUNO).get(`/incidents/${p1.id}`),
    ]);
    expect(views.map(v => v.status)).toEqual([200, 200]);
    expect((await as(ALICE).get(`/incidents/${p1.id}`)).status).toBe(200);
    expect(reads() - before).toBe(1);

    const note = await as(ALICE).post(`/incidents/${p1.id}/notes`, {
      content: 'Cache check: this note must show at once.',
    });
    expect(note.status).toBe(201);
    const after: IncidentDetail = (await as(ALICE).get(`/incidents/${p1.id}`))
      .body;
    expect(reads() - before).toBe(2);
    expect(after.timeline.map(e => e.detail)).toContain(
      'Cache check: this note must show at once.',
    );
  });

  it('starts the review of a P1 once (201, then 200 with the same review) and shows it on the page', async () => {
    const { as } = await startBackend();
    const p1 = orderP1();
    const denied = await as(VIEWER).post(`/incidents/${p1.id}/review`, {});
    expect(denied.status).toBe(403);

    const started = await as(ALICE).post(`/incidents/${p1.id}/review`, {});
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({
      id: expect.stringMatching(/^PIR-\d+$/),
      subject: { kind: 'incident', incidentId: p1.id, severity: 'P1' },
      entityRefs: [ORDER],
      status: 'open',
    });
    const again = await as(BRUNO).post(`/incidents/${p1.id}/review`, {});
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(started.body.id);

    const detail: IncidentDetail = (await as(ALICE).get(`/incidents/${p1.id}`))
      .body;
    expect(detail.reviewRequired).toBe(true);
    expect(detail.review?.id).toBe(started.body.id);
    expect(detail.stages.find(s => s.stage === 'review')?.reached).toBe(false);
  });

  it('serves the last good answer with its age when PagerDuty fails', async () => {
    const { as } = await startBackend({ response: { cacheSeconds: 0 } });
    const p1 = orderP1();
    const good = await as(ALICE).get(`/incidents/${p1.id}`);
    expect(good.status).toBe(200);
    pagerduty.outage = { kind: 'server-error' };
    try {
      const stale = await as(ALICE).get(`/incidents/${p1.id}`);
      expect(stale.status).toBe(200);
      expect(stale.body.incident.id).toBe(p1.id);
      expect(stale.body.freshness).toMatchObject({
        stale: true,
        fetchedAt: good.body.freshness.fetchedAt,
        error: expect.stringMatching(/^PagerDuty could not be read/),
      });
      // An incident never read cannot be answered.
      const other = pagerduty.account.incidents.find(
        i => i.serviceId === 'PSVPAYM' && i.status === 'triggered',
      )!;
      expect((await as(ALICE).get(`/incidents/${other.id}`)).status).toBe(503);
    } finally {
      pagerduty.outage = undefined;
    }
  });

  it('lists the change requests that preceded the incident, and tells PagerDuty when changes start and finish', async () => {
    const knex = await databases.init('SQLITE_3');
    // storefront has no integration key annotation: its key comes from config.
    const { as } = await startBackend({
      knex,
      response: {
        changeEvents: { routingKeys: { [STOREFRONT]: PAYMENT_KEY } },
      },
    });
    const p1 = orderP1();

    // An emergency change on order-service started two hours before the
    // incident and finished an hour before; another started two days before.
    const store = new DatabaseChangeRequestStore(knex);
    const fields = (title: string) => ({
      title,
      description: 'Config change.',
      category: 'emergency' as const,
      risk: 'high' as const,
      entityRefs: [ORDER],
      plannedStart: new Date(p1.createdAt - 3 * 3600_000).toISOString(),
      plannedEnd: new Date(p1.createdAt).toISOString(),
      implementationPlan: 'Apply.',
      rollbackPlan: 'Revert.',
      testPlan: 'Smoke test.',
    });
    const seed = async (title: string, startedAt: number) => {
      const created = await store.create({
        fields: fields(title),
        requester: ALICE,
        now: new Date(startedAt),
        steps: [
          { action: 'create', toStatus: 'draft', set: { status: 'draft' } },
          {
            action: 'start',
            fromStatus: 'draft',
            toStatus: 'in-progress',
            set: { status: 'in-progress', startedAt: new Date(startedAt) },
          },
        ],
      });
      return store.transition({
        dbId: parseChangeId(created.id)!,
        expectedVersion: created.version,
        set: {
          status: 'review-pending',
          outcome: 'successful',
          finishedAt: new Date(startedAt + 3600_000),
        },
        step: {
          action: 'complete',
          fromStatus: 'in-progress',
          toStatus: 'review-pending',
        },
        actor: ALICE,
        now: new Date(startedAt + 3600_000),
      });
    };
    const recent = await seed(
      'Raise the order API pool size',
      p1.createdAt - 2 * 3600_000,
    );
    await seed('Old change', p1.createdAt - 48 * 3600_000);

    const detail: IncidentDetail = (await as(ALICE).get(`/incidents/${p1.id}`))
      .body;
    const ours = detail.whatChanged.filter(c => c.source === 'change-request');
    expect(ours).toEqual([
      {
        source: 'change-request',
        id: recent.id,
        title: 'Raise the order API pool size',
        event: 'completed',
        at: new Date(p1.createdAt - 3600_000).toISOString(),
        entityRef: ORDER,
        url: `/changes/${recent.id}`,
      },
      expect.objectContaining({
        id: recent.id,
        event: 'started',
        at: new Date(p1.createdAt - 2 * 3600_000).toISOString(),
      }),
    ]);
    const times = detail.whatChanged.map(c => Date.parse(c.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    // A change started and completed through the portal: a change event
    // per affected entity's routing key each time, linking the portal's page.
    const sent = pagerduty.changeEvents.length;
    const created = await as(ALICE).post('/change-requests', {
      ...fields('Restart the order workers'),
      entityRefs: [ORDER, STOREFRONT],
      plannedStart: new Date(Date.now() - 600_000).toISOString(),
      plannedEnd: new Date(Date.now() + 3600_000).toISOString(),
    });
    expect(created.status).toBe(201);
    let change = created.body.change;
    const started = await as(ALICE).post(
      `/change-requests/${change.id}/transitions`,
      { action: 'start', version: change.version },
    );
    expect(started.status).toBe(200);
    change = started.body.change;
    const completed = await as(ALICE).post(
      `/change-requests/${change.id}/transitions`,
      { action: 'complete', version: change.version },
    );
    expect(completed.status).toBe(200);

    const events = pagerduty.changeEvents.slice(sent);
    expect(
      events.map(e => [e.routing_key, e.payload.source, e.payload.summary]),
    ).toEqual([
      [ORDER_KEY, ORDER, `${change.id} started: Restart the order workers`],
      [
        PAYMENT_KEY,
        STOREFRONT,
        `${change.id} started: Restart the order workers`,
      ],
      [ORDER_KEY, ORDER, `${change.id} completed: Restart the order workers`],
      [
        PAYMENT_KEY,
        STOREFRONT,
        `${change.id} completed: Restart the order workers`,
      ],
    ]);
    expect(pagerduty.violations).toEqual([]);
    expect(events[0].links).toEqual([
      {
        href: `http://portal.example.test/changes/${change.id}`,
        text: `${change.id} in the ops portal`,
      },
    ]);

    // An emergency change filed and started in one request starts too.
    const before = pagerduty.changeEvents.length;
    const filedStarted = await as(ALICE).post('/change-requests', {
      ...fields('Roll back the order API'),
      plannedStart: new Date(Date.now() - 60_000).toISOString(),
      plannedEnd: new Date(Date.now() + 3600_000).toISOString(),
      action: 'start',
    });
    expect(filedStarted.status).toBe(201);
    expect(filedStarted.body.change.status).toBe('in-progress');
    expect(
      pagerduty.changeEvents
        .slice(before)
        .map(e => [e.routing_key, e.payload.summary]),
    ).toEqual([
      [
        ORDER_KEY,
        `${filedStarted.body.change.id} started: Roll back the order API`,
      ],
    ]);
  });

  it('sends no change events when they are turned off, and a failing send never fails the change', async () => {
    const { as } = await startBackend({
      response: { changeEvents: { enabled: false } },
    });
    const sent = pagerduty.changeEvents.length;
    const created = await as(ALICE).post('/change-requests', {
      title: 'Rotate the order DB password',
      description: 'Routine.',
      category: 'emergency',
      risk: 'low',
      entityRefs: [ORDER],
      plannedStart: new Date(Date.now() - 600_000).toISOString(),
      plannedEnd: new Date(Date.now() + 3600_000).toISOString(),
      implementationPlan: 'Rotate.',
      rollbackPlan: 'Restore.',
      testPlan: 'Login.',
    });
    const change = created.body.change;
    const started = await as(ALICE).post(
      `/change-requests/${change.id}/transitions`,
      { action: 'start', version: change.version },
    );
    expect(started.status).toBe(200);
    expect(pagerduty.changeEvents.slice(sent)).toEqual([]);

    // On, with the Events API refusing the event (a routing key PagerDuty
    // does not accept): the change still starts.
    const on = await startBackend({
      response: {
        changeEvents: { routingKeys: { [STOREFRONT]: 'not-a-routing-key' } },
      },
    });
    const other = (
      await on.as(ALICE).post('/change-requests', {
        title: 'Rotate the storefront cache password',
        description: 'Routine.',
        category: 'emergency',
        risk: 'low',
        entityRefs: [STOREFRONT],
        plannedStart: new Date(Date.now() - 600_000).toISOString(),
        plannedEnd: new Date(Date.now() + 3600_000).toISOString(),
        implementationPlan: 'Rotate.',
        rollbackPlan: 'Restore.',
        testPlan: 'Login.',
      })
    ).body.change;
    const before = pagerduty.changeEvents.length;
    const res = await on
      .as(ALICE)
      .post(`/change-requests/${other.id}/transitions`, {
        action: 'start',
        version: other.version,
      });
    expect(res.status).toBe(200);
    expect(res.body.change.status).toBe('in-progress');
    expect(pagerduty.changeEvents.slice(before)).toEqual([]);
  });
});
