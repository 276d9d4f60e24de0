import {
  coreServices,
  createServiceFactory,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { FakePagerDuty, startFakePagerDuty } from '@internal/fake-upstreams';
import opsModulePagerDuty from '@opsportal/plugin-ops-backend-module-pagerduty';
import {
  changeRequestApprovePermission,
  defaultChangePolicy,
  HomeShiftsResponse,
  nextMaintenanceWindow,
} from '@opsportal/plugin-ops-common';
import request from 'supertest';
import { examples } from '../oncall/__testUtils__/pagerDuty';
import { opsPlugin } from '../plugin';

jest.setTimeout(180_000);

const ALICE = 'user:default/alice-chen';
const BRUNO = 'user:default/bruno-silva';
const JAMAL = 'user:default/jamal-reed';
const GUEST = 'user:default/guest';
const DAY = 86_400_000;

/*
 * The ops plugin with the PagerDuty module against the fake PagerDuty (the
 * example platform's schedules and incidents), the example catalog, and
 * SQLite: the home routes read only what the other features hold.
 */
describe('home routes', () => {
  let pagerduty: FakePagerDuty;
  beforeAll(async () => {
    pagerduty = await startFakePagerDuty({ rateLimitPerMinute: 1_000_000 });
  });
  afterAll(() => pagerduty.close());

  async function start(
    options: { warm?: boolean; scheduler?: SchedulerService } = {
      warm: true,
    },
  ) {
    // Approvers (SRE) may approve; everything else is allowed.
    const permissions = mockServices.permissions.mock({
      authorize: async (requests, { credentials }) =>
        requests.map(r => ({
          result:
            r.permission.name === changeRequestApprovePermission.name &&
            ![ALICE, BRUNO].includes(
              (credentials.principal as any).userEntityRef,
            )
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
        })),
      authorizeConditional: async (requests, { credentials }) =>
        requests.map(r => ({
          result:
            r.permission.name === changeRequestApprovePermission.name &&
            ![ALICE, BRUNO].includes(
              (credentials.principal as any).userEntityRef,
            )
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
        })) as any,
    });
    const { server } = await startTestBackend({
      features: [
        opsPlugin,
        opsModulePagerDuty,
        permissions.factory,
        ...(options.scheduler
          ? [
              createServiceFactory({
                service: coreServices.scheduler,
                deps: {},
                factory: () => options.scheduler!,
              }),
            ]
          : []),
        catalogServiceMock.factory({ entities: examples() }),
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.rootConfig.factory({
          data: {
            ops: {
              pagerduty: {
                apiBaseUrl: pagerduty.url,
                token: 'local-fake-token',
                maxAttempts: 1,
                // The fake's limit: the refresh budget never paces a test.
                rateLimitPerMinute: 1_000_000,
              },
              catalogReadiness: { settleSeconds: 1 },
            },
          },
        }),
      ],
    });
    const as = (user: string) => ({
      get: (path: string) =>
        request(server)
          .get(`/api/ops${path}`)
          .set('Authorization', mockCredentials.user.header(user)),
      post: (path: string, body: object = {}) =>
        request(server)
          .post(`/api/ops${path}`)
          .set('Authorization', mockCredentials.user.header(user))
          .send(body),
      patch: (path: string, body: object) =>
        request(server)
          .patch(`/api/ops${path}`)
          .set('Authorization', mockCredentials.user.header(user))
          .send(body),
    });
    // What a refresh (or a person browsing) reads first: the on-call and
    // incidents of the teams and services.
    for (const ref of options.warm === false
      ? []
      : [
          'group:default/sre-team',
          'group:default/devops-team',
          'component:default/order-service',
          'component:default/payment-service',
        ]) {
      expect(
        (await as(GUEST).get(`/oncall/entity?entityRef=${ref}`)).status,
      ).toBe(200);
      expect(
        (await as(GUEST).get(`/incidents/entity?entityRef=${ref}`)).status,
      ).toBe(200);
    }
    return { server, as };
  }

  it('answers signed-in users only, and names a wrong field', async () => {
    const { server, as } = await start();
    for (const path of [
      '/home/on-call-shifts',
      '/home/approvals',
      '/home/incidents',
      '/home/slo-status',
    ]) {
      expect((await request(server).get(`/api/ops${path}`)).status).toBe(401);
      const service = await request(server)
        .get(`/api/ops${path}`)
        .set('Authorization', mockCredentials.service.header());
      expect(service.status).toBe(403);
    }
    const days = await as(ALICE).get('/home/on-call-shifts?days=60');
    expect(days.status).toBe(400);
    expect(days.body.error.message).toBe(
      'Invalid query: days: must be at most 28',
    );
    const worst = await as(ALICE).get('/home/slo-status?worst=x');
    expect(worst.status).toBe(400);
    expect(worst.body.error.message).toMatch(/^Invalid query: worst: /);
  });

  it("lists each user's own shifts of the coming four weeks, as the rotation has them", async () => {
    // Nothing read yet: the user's own teams are read at once.
    const { as } = await start({ warm: false });
    const first = await as(ALICE).get('/home/on-call-shifts');
    expect(first.status).toBe(200);
    expect(first.body.shifts.length).toBeGreaterThan(0);

    const team = (
      await as(GUEST).get('/oncall/entity?entityRef=group:default/sre-team')
    ).body.data;
    const now = Date.now();
    // Schedules name people by PagerDuty id (the Users' annotation).
    const rotationShiftsOf = (id: string) =>
      team.rotations
        .flatMap((r: any) =>
          r.shifts.map((s: any) => ({ schedule: r.id, ...s })),
        )
        .filter(
          (s: any) =>
            s.person.id === id &&
            Date.parse(s.end) > now &&
            Date.parse(s.start) < now + 28 * DAY,
        )
        .map((s: any) => `${s.schedule} ${s.start} ${s.end}`)
        .sort();

    const shiftsOf = async (user: string) => {
      const res = await as(user).get('/home/on-call-shifts');
      expect(res.status).toBe(200);
      return res.body as HomeShiftsResponse;
    };
    const alice = await shiftsOf(ALICE);
    const bruno = await shiftsOf(BRUNO);
    const guest = await shiftsOf(GUEST);

    const scheduled = (r: HomeShiftsResponse) =>
      r.shifts
        .filter(s => s.schedule?.id === team.rotations[0].id)
        .map(s => `${s.schedule!.id} ${s.start} ${s.end}`)
        .sort();
    // The SRE rotation is weekly among three people: everyone has a shift
    // in four weeks, and each sees exactly theirs.
    const aliceInRotation = rotationShiftsOf('PUALICE');
    expect(aliceInRotation.length).toBeGreaterThan(0);
    expect(scheduled(alice)).toEqual(aliceInRotation);
    expect(scheduled(bruno)).toEqual(rotationShiftsOf('PUBRUNO'));
    expect(scheduled(alice)).not.toEqual(scheduled(bruno));
    expect(alice.userEntityRef).toBe(ALICE);
    expect(alice.matchedBy).toContain('pagerduty-id');
    // Each shift names its team and the escalation level that pages it.
    const shift = alice.shifts.find(
      s => s.schedule?.id === team.rotations[0].id,
    )!;
    expect(shift.entities.map(e => e.entityRef)).toContain(
      'group:default/sre-team',
    );
    expect(shift.levels.length).toBeGreaterThan(0);
    expect(shift.levels[0]).toEqual(
      expect.objectContaining({
        level: expect.any(Number),
        label: expect.any(String),
      }),
    );
    // Someone in no rotation has none.
    expect(guest.shifts).toEqual([]);
  });

  it('lists the change requests awaiting approval that the user may approve', async () => {
    const { as } = await start();
    const w = nextMaintenanceWindow(
      defaultChangePolicy.maintenanceWindow,
      new Date(Date.now() + 8 * DAY),
    )!;
    const created = await as(JAMAL).post('/change-requests', {
      title: 'Add an index to the payments table',
      description: 'Refund lookups scan the table.',
      category: 'normal',
      risk: 'medium',
      entityRefs: ['component:default/payment-service'],
      plannedStart: w.start,
      plannedEnd: new Date(Date.parse(w.start) + 3600_000).toISOString(),
      implementationPlan: 'Run migration 42.',
      rollbackPlan: 'Run the down migration.',
      testPlan: 'Refund smoke test.',
    });
    expect(created.status).toBe(201);
    const { id, version } = created.body.change;
    // A draft awaits nobody yet.
    expect((await as(ALICE).get('/home/approvals')).body.items).toEqual([]);
    const submitted = await as(JAMAL).post(
      `/change-requests/${id}/transitions`,
      { action: 'submit', version },
    );
    expect(submitted.status).toBe(200);

    const alice = await as(ALICE).get('/home/approvals');
    expect(alice.status).toBe(200);
    expect(alice.body.items).toEqual([
      expect.objectContaining({
        id,
        title: 'Add an index to the payments table',
        requester: JAMAL,
        approvals: 0,
        requiredApprovals: expect.any(Number),
      }),
    ]);
    // The requester may not approve their own; a non-approver may not either.
    expect((await as(JAMAL).get('/home/approvals')).body.items).toEqual([]);
    expect((await as(GUEST).get('/home/approvals')).body.items).toEqual([]);
    // The same answer as the change request's own page.
    const detail = await as(GUEST).get(`/change-requests/${id}`);
    expect(
      detail.body.actions.find((a: any) => a.action === 'approve').allowed,
    ).toBe(false);
  });

  it("reads the user's own teams' incidents at once when no refresh has", async () => {
    const { as } = await start({ warm: false });
    const alice = await as(ALICE).get('/home/incidents');
    expect(alice.status).toBe(200);
    expect(alice.body.incidents.length).toBeGreaterThan(0);
    for (const incident of alice.body.incidents) {
      expect(incident.entityRefs).toContain('group:default/sre-team');
      expect(incident.reasons).toContain('team');
    }
  });

  it('says the incidents are still loading, not that there are none, until the first refresh has read them', async () => {
    const scheduler = mockServices.scheduler();
    const { as } = await start({ warm: false, scheduler });
    // The guest's team owns every example service, and no refresh has read
    // their incidents yet (the team itself names no PagerDuty service).
    const first = await as(GUEST).get('/home/incidents');
    expect(first.status).toBe(200);
    expect(first.body).toEqual(
      expect.objectContaining({ incidents: [], loading: true }),
    );
    await scheduler.triggerTask('ops-incidents-refresh');
    const after = await as(GUEST).get('/home/incidents');
    expect(after.body.loading).toBe(false);
    expect(after.body.incidents.length).toBeGreaterThan(0);
  });

  it('shows a first refresh that failed as an error, not as loading the card would poll for ever', async () => {
    const scheduler = mockServices.scheduler();
    const { as } = await start({ warm: false, scheduler });
    pagerduty.outage = { kind: 'server-error' };
    try {
      await scheduler.triggerTask('ops-incidents-refresh').catch(() => {});
    } finally {
      pagerduty.outage = undefined;
    }
    const answer = await as(GUEST).get('/home/incidents');
    expect(answer.status).toBe(200);
    expect(answer.body.loading).toBe(false);
    expect(answer.body.stale).toBe(true);
    expect(answer.body.error).toMatch(/^Incidents could not be read yet: /);
  });

  it("lists a user's open incidents and the overdue reviews they own, nobody else's", async () => {
    const { as } = await start();
    const guest = await as(GUEST).get('/home/incidents');
    expect(guest.status).toBe(200);
    // The guest's team (dev-team) owns every example service.
    expect(guest.body.incidents.length).toBeGreaterThan(0);
    for (const incident of guest.body.incidents) {
      expect(incident.status).not.toBe('resolved');
      expect(incident.reasons).toContain('owned');
    }
    // Someone the catalog does not know owns nothing and is on no rotation.
    const stranger = await as('user:default/nobody').get('/home/incidents');
    expect(stranger.body).toEqual(
      expect.objectContaining({ incidents: [], overdueReviews: [] }),
    );
    // An SRE sees those of the services their team answers for.
    const alice = await as(ALICE).get('/home/incidents');
    expect(alice.body.incidents.length).toBeGreaterThan(0);
    for (const incident of alice.body.incidents) {
      expect(incident.reasons.some((r: string) => r !== 'owned')).toBe(true);
    }

    // The review of a P1/P2 incident of weeks ago (due a few business
    // days after it), taken by Alice: overdue.
    const all = (
      await as(GUEST).get(
        '/incidents/entity?entityRef=component:default/payment-service',
      )
    ).body.data.incidents;
    const p1 = all.find(
      (i: any) =>
        (i.severity === 'P1' || i.severity === 'P2') &&
        Date.parse(i.createdAt) < Date.now() - 14 * DAY,
    );
    expect(p1).toBeDefined();
    const started = await as(ALICE).post(`/incidents/${p1.id}/review`);
    expect([200, 201]).toContain(started.status);
    const review = started.body;
    const taken = await as(ALICE).patch(`/reviews/${review.id}`, {
      version: review.version,
      owner: ALICE,
    });
    expect(taken.status).toBe(200);
    expect(taken.body.overdue).toBe(true);

    const mine = await as(ALICE).get('/home/incidents');
    expect(mine.body.overdueReviews).toEqual([
      expect.objectContaining({
        id: review.id,
        incidentId: p1.id,
        dueDate: taken.body.dueDate,
      }),
    ]);
    expect(
      (await as(BRUNO).get('/home/incidents')).body.overdueReviews,
    ).toEqual([]);
  });

  it('counts the platform SLOs the user can see by state', async () => {
    const { as } = await start();
    const res = await as(ALICE).get('/home/slo-status?worst=3');
    expect(res.status).toBe(200);
    const slos = await as(ALICE).get('/slos');
    const rows = [...slos.body.platform, ...slos.body.services];
    const objectives = rows.flatMap((r: any) => r.objectives);
    const counts = res.body.counts;
    expect(
      counts.met + counts['at-risk'] + counts.breached + counts['no-data'],
    ).toBe(objectives.length);
    expect(res.body.entities).toBe(rows.length);
    expect(res.body.worst.length).toBeLessThanOrEqual(3);
  });
});
