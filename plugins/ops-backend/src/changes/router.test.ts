import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  notificationService,
  NotificationSendOptions,
} from '@backstage/plugin-notifications-node';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  ChangeRequestDetail,
  changeRequestCreatePermission,
  changeRequestApprovePermission,
  changeRequestReadPermission,
  changeRequestReviewPermission,
  changeRequestUpdatePermission,
  defaultChangePolicy,
  nextMaintenanceWindow,
} from '@opsportal/plugin-ops-common';
import {
  changeRequestConditions,
  createChangeRequestConditionalDecision,
} from '@opsportal/plugin-ops-node';
import request from 'supertest';
import { opsPlugin } from '../plugin';

jest.setTimeout(180_000);

const GUEST = 'user:default/guest';
const ALICE = 'user:default/alice-chen';
const BRUNO = 'user:default/bruno-silva';
const JAMAL = 'user:default/jamal-reed';
const APPROVERS = [ALICE, BRUNO];

const component = (name: string, owner: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: { type: 'service', lifecycle: 'production', owner },
});
const entities: Entity[] = [
  component('payment-service', 'group:default/dev-team'),
  component('order-service', 'group:default/dev-team'),
  component('search-service', 'group:default/sre-team'),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'sre-team', namespace: 'default' },
    spec: { type: 'team', profile: { displayName: 'SRE Team' }, children: [] },
  },
];

/**
 * The demo's policy in miniature: approvers (SRE, DevOps) may approve and
 * review and update anything; everyone else may update only the changes
 * they filed (a conditional decision the plugin resolves itself).
 */
function policyPermissions(
  options: { ownReadOnly?: string[] } = {},
): ReturnType<typeof mockServices.permissions.mock> {
  const decide = (name: string, user: string): PolicyDecision => {
    const approver = APPROVERS.includes(user);
    if (
      name === changeRequestReadPermission.name &&
      options.ownReadOnly?.includes(user)
    ) {
      return createChangeRequestConditionalDecision(
        changeRequestReadPermission,
        changeRequestConditions.isChangeRequester({ claims: [user] }),
      );
    }
    if (
      name === changeRequestApprovePermission.name ||
      name === changeRequestReviewPermission.name
    ) {
      return {
        result: approver ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      };
    }
    if (name === changeRequestUpdatePermission.name && !approver) {
      return createChangeRequestConditionalDecision(
        changeRequestUpdatePermission,
        changeRequestConditions.isChangeRequester({ claims: [user] }),
      );
    }
    return { result: AuthorizeResult.ALLOW };
  };
  const userOf = (credentials: any) =>
    credentials.principal.userEntityRef as string;
  return mockServices.permissions.mock({
    authorize: async (requests, { credentials }) =>
      requests.map(r => {
        const d = decide(r.permission.name, userOf(credentials));
        return {
          result:
            d.result === AuthorizeResult.ALLOW
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
        };
      }),
    authorizeConditional: async (requests, { credentials }) =>
      requests.map(r => decide(r.permission.name, userOf(credentials))) as any,
  });
}

const day = 24 * 3600_000;
/** The first maintenance window at least 8 days from now. */
function windowSlot() {
  const w = nextMaintenanceWindow(
    defaultChangePolicy.maintenanceWindow,
    new Date(Date.now() + 8 * day),
  )!;
  return {
    plannedStart: w.start,
    plannedEnd: new Date(Date.parse(w.start) + 3600_000).toISOString(),
  };
}
/** A Wednesday afternoon slot, outside any window. */
function outsideSlot(offsetDays = 3) {
  const start =
    Date.parse(windowSlot().plannedStart) + offsetDays * day + 8 * 3600_000;
  return {
    plannedStart: new Date(start).toISOString(),
    plannedEnd: new Date(start + 3600_000).toISOString(),
  };
}

const normalChange = (overrides: Record<string, unknown> = {}) => ({
  title: 'Add an index to the payments table',
  description: 'Refund lookups scan the table.',
  category: 'normal',
  risk: 'medium',
  entityRefs: ['component:default/payment-service'],
  ...windowSlot(),
  implementationPlan: 'Run migration 42.',
  rollbackPlan: 'Run the down migration.',
  testPlan: 'Refund smoke test.',
  ...overrides,
});

async function startBackend(
  options: {
    database?: Awaited<ReturnType<TestDatabases['init']>>;
    /** Users who may read only the change requests they filed. */
    ownReadOnly?: string[];
    /** `ops.changes` configuration. */
    changes?: JsonObject;
  } = {},
) {
  const sent: NotificationSendOptions[] = [];
  const auditor = mockServices.auditor.mock();
  const permissions = policyPermissions({ ownReadOnly: options.ownReadOnly });
  // The catalog of `entities`, counting the requests made to it.
  const catalogCalls: string[] = [];
  const catalog = catalogServiceMock({ entities });
  const countedCatalog = new Proxy(catalog, {
    get(target, key) {
      const value = (target as any)[key];
      return typeof value === 'function'
        ? (...args: unknown[]) => {
            catalogCalls.push(String(key));
            return value.apply(target, args);
          }
        : value;
    },
  });
  const { server } = await startTestBackend({
    features: [
      opsPlugin,
      createServiceFactory({
        service: catalogServiceRef,
        deps: {},
        factory: () => countedCatalog,
      }),
      permissions.factory,
      auditor.factory,
      ...(options.changes
        ? [
            mockServices.rootConfig.factory({
              data: { ops: { changes: options.changes } },
            }),
          ]
        : []),
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({
          send: async (n: NotificationSendOptions) => {
            sent.push(n);
          },
        }),
      }),
      ...(options.database
        ? [mockServices.database.factory({ knex: options.database })]
        : []),
    ],
  });
  const as = (user: string) => ({
    get: (path: string) =>
      request(server)
        .get(`/api/ops${path}`)
        .set('Authorization', mockCredentials.user.header(user)),
    post: (path: string, body: unknown) =>
      request(server)
        .post(`/api/ops${path}`)
        .set('Authorization', mockCredentials.user.header(user))
        .send(body as object),
    patch: (path: string, body: unknown) =>
      request(server)
        .patch(`/api/ops${path}`)
        .set('Authorization', mockCredentials.user.header(user))
        .send(body as object),
  });
  return { server, sent, auditor, as, permissions, catalogCalls };
}

async function act(
  client: ReturnType<Awaited<ReturnType<typeof startBackend>>['as']>,
  change: ChangeRequestDetail['change'],
  action: string,
  comment?: string,
) {
  return client.post(`/change-requests/${change.id}/transitions`, {
    action,
    version: change.version,
    ...(comment && { comment }),
  });
}

/** Moves the wall clock (Date only: timers run as usual). */
function moveClockTo(ms: number) {
  jest.useFakeTimers({
    now: ms,
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'requestAnimationFrame',
      'cancelAnimationFrame',
      'requestIdleCallback',
      'cancelIdleCallback',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
}

afterEach(() => jest.useRealTimers());

describe('change requests API', () => {
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
      ['get', '/api/ops/change-requests'],
      ['post', '/api/ops/change-requests'],
      ['get', '/api/ops/change-requests/CHG-1001'],
      ['patch', '/api/ops/change-requests/CHG-1001'],
      ['post', '/api/ops/change-requests/CHG-1001/transitions'],
      ['get', '/api/ops/maintenance-windows'],
      ['get', '/api/ops/change-policy'],
      ['get', '/api/ops/change-measures'],
    ] as const) {
      const res = await request(server)[method](path).send({});
      expect([method, path, res.status]).toEqual([method, path, 401]);
    }
  });

  it('walks a normal change from filing to completion with an approver who is not the requester', async () => {
    const { as, sent, auditor } = await startBackend();
    const guest = as(GUEST);

    // Outside a window without a justification: refused, nothing stored.
    const refused = await guest.post(
      '/change-requests',
      normalChange({ ...outsideSlot(), action: 'submit' }),
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(
      /justification: The planned time is outside the maintenance window/,
    );
    expect((await guest.get('/change-requests')).body.items).toHaveLength(0);

    const filed = await guest.post(
      '/change-requests',
      normalChange({
        ...outsideSlot(),
        justification: 'Refund timeouts hurt customers now.',
        action: 'submit',
      }),
    );
    expect(filed.status).toBe(201);
    let detail: ChangeRequestDetail = filed.body;
    expect(detail.change).toMatchObject({
      status: 'submitted',
      requester: GUEST,
      version: 2,
    });
    expect(detail.findings.map(f => f.code)).toEqual(['outside-window']);
    // Who is asked: the catalog has the SRE team, not the DevOps team.
    expect(detail.approverGroups).toEqual([
      {
        entityRef: 'group:default/sre-team',
        title: 'SRE Team',
        inCatalog: true,
      },
      { entityRef: 'group:default/devops-team', inCatalog: false },
    ]);
    expect(sent.pop()).toMatchObject({
      recipients: {
        type: 'entity',
        entityRef: ['group:default/sre-team', 'group:default/devops-team'],
        excludeEntityRef: [GUEST],
      },
      payload: {
        title: `${detail.change.id} awaits approval`,
        link: `/changes/${detail.change.id}`,
      },
    });

    // The requester sees why they cannot approve.
    const own = await guest.get(`/change-requests/${detail.change.id}`);
    expect(own.body.actions).toEqual([
      expect.objectContaining({
        action: 'approve',
        allowed: false,
        reason: expect.stringMatching(/permission/),
      }),
      expect.objectContaining({ action: 'reject', allowed: false }),
      expect.objectContaining({ action: 'cancel', allowed: true }),
    ]);
    expect((await act(guest, detail.change, 'approve')).status).toBe(403);

    const approved = await act(as(ALICE), detail.change, 'approve', 'Go.');
    expect(approved.status).toBe(200);
    detail = approved.body;
    expect(detail.change.status).toBe('approved');
    expect(detail.approvals).toEqual([
      expect.objectContaining({ by: ALICE, comment: 'Go.' }),
    ]);
    expect(sent.pop()).toMatchObject({
      recipients: { entityRef: [GUEST] },
      payload: { title: `${detail.change.id} was approved` },
    });

    // Days before its planned start it may not start yet, and says why.
    const early = await act(guest, detail.change, 'start');
    expect(early.status).toBe(403);
    expect(early.body.error.message).toMatch(
      /planned to start at .*: it may start from .* \(30 minutes before\), or be filed as an emergency change/,
    );
    expect(
      (await guest.get(`/change-requests/${detail.change.id}`)).body.actions,
    ).toContainEqual(
      expect.objectContaining({
        action: 'start',
        allowed: false,
        reason: expect.stringMatching(/may start from/),
      }),
    );
    // Twenty minutes before its planned start it may.
    moveClockTo(Date.parse(detail.change.plannedStart) - 20 * 60_000);
    detail = (await act(guest, detail.change, 'start')).body;
    expect(detail.change.status).toBe('in-progress');
    const done = await act(guest, detail.change, 'complete');
    expect(done.status).toBe(200);
    detail = done.body;
    expect(detail.change).toMatchObject({
      status: 'completed',
      outcome: 'successful',
      version: 5,
    });
    expect(detail.history.map(h => [h.action, h.actor, h.toStatus])).toEqual([
      ['create', GUEST, 'draft'],
      ['submit', GUEST, 'submitted'],
      ['approve', ALICE, 'approved'],
      ['start', GUEST, 'in-progress'],
      ['complete', GUEST, 'completed'],
    ]);
    expect(detail.actions).toEqual([]);

    // Every write was audited, the refused ones (the filing outside the
    // window, the early start) as failures.
    const events = auditor.createEvent.mock.calls.map(c => c[0].eventId);
    expect(events).toEqual([
      'change-request-create',
      'change-request-create',
      'change-request-transition',
      'change-request-transition',
      'change-request-transition',
      'change-request-transition',
      'change-request-transition',
    ]);
  });

  it('needs two different approvers for a high-risk change', async () => {
    const { as } = await startBackend();
    let change = (
      await as(GUEST).post(
        '/change-requests',
        normalChange({ risk: 'high', action: 'submit' }),
      )
    ).body.change;
    const first = await act(as(ALICE), change, 'approve');
    expect(first.body).toMatchObject({
      change: { status: 'submitted' },
      requiredApprovals: 2,
      approvals: [expect.objectContaining({ by: ALICE })],
    });
    change = first.body.change;
    const again = await act(as(ALICE), change, 'approve');
    expect(again.status).toBe(403);
    expect(again.body.error.message).toMatch(/already approved/);
    const second = await act(as(BRUNO), change, 'approve');
    expect(second.body.change.status).toBe('approved');
  });

  it('lets an emergency change start at once and tracks its review until done', async () => {
    const { as, sent } = await startBackend();
    const started = await as(GUEST).post('/change-requests', {
      ...normalChange({ ...outsideSlot(-9) }),
      title: 'Patch OpenSSL CVE on the payment gateway',
      category: 'emergency',
      risk: 'high',
      implementationPlan: '',
      action: 'start',
    });
    expect(started.status).toBe(201);
    let change = started.body.change;
    expect(change.status).toBe('in-progress');
    expect(sent.pop()?.payload.title).toBe(
      `Emergency change ${change.id} started`,
    );

    change = (await act(as(GUEST), change, 'complete')).body.change;
    expect(change).toMatchObject({
      status: 'review-pending',
      outcome: 'successful',
    });

    // Not by the requester, and not without a summary.
    expect((await act(as(GUEST), change, 'complete-review', 'x')).status).toBe(
      403,
    );
    const noSummary = await act(as(ALICE), change, 'complete-review');
    expect(noSummary.status).toBe(400);
    expect(noSummary.body.error.message).toMatch(/^comment: is required/);

    const reviewed = await act(
      as(ALICE),
      change,
      'complete-review',
      'Patched within 20 minutes; add the CVE feed to alerts.',
    );
    expect(reviewed.status).toBe(200);
    expect(reviewed.body.change.status).toBe('reviewed');

    const pending = await as(ALICE).get(
      '/change-requests?category=emergency&status=review-pending',
    );
    expect(pending.body.items).toEqual([]);
  });

  it('pre-approves standard changes of a configured type only', async () => {
    const { as } = await startBackend();
    const unknown = await as(GUEST).post('/change-requests', {
      ...normalChange({ category: 'standard', standardType: 'db-migration' }),
      action: 'submit',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/^standardType: must be one of/);

    const ok = await as(GUEST).post('/change-requests', {
      ...normalChange({
        ...outsideSlot(),
        category: 'standard',
        standardType: 'routine-deployment',
      }),
      action: 'submit',
    });
    expect(ok.status).toBe(201);
    expect(ok.body.change.status).toBe('approved');
  });

  it('files a change with one permission request and one catalog request', async () => {
    const { as, permissions, catalogCalls } = await startBackend();
    const permissionRequests = () =>
      permissions.authorize.mock.calls.length +
      permissions.authorizeConditional.mock.calls.length;
    const before = {
      permission: permissionRequests(),
      catalog: catalogCalls.length,
    };
    const filed = await as(GUEST).post('/change-requests', normalChange());
    expect(filed.status).toBe(201);
    // The detail still shows the approver groups as the catalog knows them.
    expect(filed.body.approverGroups).toEqual([
      {
        entityRef: 'group:default/sre-team',
        title: 'SRE Team',
        inCatalog: true,
      },
      { entityRef: 'group:default/devops-team', inCatalog: false },
    ]);
    expect(filed.body.canEdit).toBe(true);
    expect(permissionRequests() - before.permission).toBe(1);
    // (Other features' background reads of the catalog are not counted.)
    expect(
      catalogCalls
        .slice(before.catalog)
        .filter(call => call === 'getEntitiesByRefs'),
    ).toHaveLength(1);
  });

  it('refuses to file a change for a user without the create permission', async () => {
    const { as, permissions } = await startBackend();
    const decide = permissions.authorizeConditional.getMockImplementation()!;
    permissions.authorizeConditional.mockImplementation(async (requests, o) =>
      (await decide(requests, o)).map((d, i) =>
        requests[i].permission.name === changeRequestCreatePermission.name
          ? { result: AuthorizeResult.DENY }
          : d,
      ),
    );
    permissions.authorize.mockImplementation(async requests =>
      requests.map(r => ({
        result:
          r.permission.name === changeRequestCreatePermission.name
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      })),
    );
    const filed = await as(GUEST).post('/change-requests', normalChange());
    expect(filed.status).toBe(403);
    expect(filed.body.error.message).toBe(
      'You do not have permission to file change requests',
    );
    const listed = await as(GUEST).get('/change-requests');
    expect(listed.body.items).toEqual([]);
  });

  it("asks the permission backend once per user while the user's decisions are fresh, never sharing them", async () => {
    const { as, permissions } = await startBackend({ ownReadOnly: [JAMAL] });
    const filed = await as(GUEST).post('/change-requests', normalChange());
    expect(filed.status).toBe(201);
    const asked = () => permissions.authorizeConditional.mock.calls.length;
    expect(asked()).toBe(1);
    for (let i = 0; i < 3; i++) {
      const listed = await as(GUEST).get('/change-requests');
      expect(listed.body.items.map((c: { id: string }) => c.id)).toEqual([
        filed.body.change.id,
      ]);
    }
    expect(asked()).toBe(1);
    // Jamal may read only his own changes: his own decisions, asked once.
    for (let i = 0; i < 2; i++) {
      const listed = await as(JAMAL).get('/change-requests');
      expect(listed.body.items).toEqual([]);
    }
    expect(asked()).toBe(2);
    expect(
      (await as(GUEST).get(`/change-requests/${filed.body.change.id}`)).body
        .canEdit,
    ).toBe(true);
    expect(asked()).toBe(2);
  });

  it('does not keep a failed permission request', async () => {
    const { as, permissions } = await startBackend();
    const decide = permissions.authorizeConditional.getMockImplementation()!;
    permissions.authorizeConditional.mockImplementationOnce(async () => {
      throw new Error('permission backend unreachable');
    });
    expect((await as(GUEST).get('/change-requests')).status).toBe(500);
    permissions.authorizeConditional.mockImplementation(decide);
    expect((await as(GUEST).get('/change-requests')).status).toBe(200);
    expect((await as(GUEST).get('/change-requests')).status).toBe(200);
    expect(permissions.authorizeConditional).toHaveBeenCalledTimes(2);
  });

  it('asks again once decisionTtlSeconds have passed, and on every request with 0', async () => {
    const never = await startBackend({ changes: { decisionTtlSeconds: 0 } });
    for (let i = 0; i < 3; i++) {
      expect((await never.as(GUEST).get('/change-requests')).status).toBe(200);
    }
    expect(never.permissions.authorizeConditional).toHaveBeenCalledTimes(3);

    const brief = await startBackend({ changes: { decisionTtlSeconds: 0.2 } });
    await brief.as(GUEST).get('/change-requests');
    await brief.as(GUEST).get('/change-requests');
    expect(brief.permissions.authorizeConditional).toHaveBeenCalledTimes(1);
    await new Promise(resolve => setTimeout(resolve, 300));
    await brief.as(GUEST).get('/change-requests');
    expect(brief.permissions.authorizeConditional).toHaveBeenCalledTimes(2);
  });

  it('checks affected entities against the catalog', async () => {
    const { as } = await startBackend();
    const res = await as(GUEST).post(
      '/change-requests',
      normalChange({
        entityRefs: ['payment-service', 'component:default/no-such-service'],
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      'entityRefs.1: component:default/no-such-service: not found in the catalog',
    );
  });

  it('edits drafts only, at the version read, and only for those allowed', async () => {
    const { as } = await startBackend();
    const draft = (await as(GUEST).post('/change-requests', normalChange()))
      .body.change;
    const byOther = await as(JAMAL).patch(`/change-requests/${draft.id}`, {
      title: 'Hijacked',
      version: 1,
    });
    expect(byOther.status).toBe(403);

    const edited = await as(GUEST).patch(`/change-requests/${draft.id}`, {
      title: 'Add two indexes',
      entityRefs: ['payment-service', 'order-service'],
      version: 1,
    });
    expect(edited.status).toBe(200);
    expect(edited.body.change).toMatchObject({
      title: 'Add two indexes',
      entityRefs: [
        'component:default/order-service',
        'component:default/payment-service',
      ],
      version: 2,
    });

    const stale = await as(GUEST).patch(`/change-requests/${draft.id}`, {
      title: 'Stale edit',
      version: 1,
    });
    expect(stale.status).toBe(409);

    const asOther = await as(JAMAL).get(`/change-requests/${draft.id}`);
    expect(asOther.body.canEdit).toBe(false);
    expect(asOther.body.actions).toEqual([
      expect.objectContaining({ action: 'submit', allowed: false }),
      expect.objectContaining({ action: 'cancel', allowed: false }),
    ]);
  });

  it('flags overlapping changes on the same entity', async () => {
    const { as } = await startBackend();
    const slot = windowSlot();
    const first = (
      await as(GUEST).post(
        '/change-requests',
        normalChange({ ...slot, action: 'submit' }),
      )
    ).body.change;
    const second = await as(ALICE).post(
      '/change-requests',
      normalChange({
        title: 'Rotate database credentials',
        entityRefs: ['payment-service', 'order-service'],
        plannedStart: new Date(
          Date.parse(slot.plannedStart) + 1800_000,
        ).toISOString(),
        plannedEnd: new Date(
          Date.parse(slot.plannedEnd) + 1800_000,
        ).toISOString(),
        action: 'submit',
      }),
    );
    expect(second.body.conflicts).toEqual([
      expect.objectContaining({ id: first.id }),
    ]);
    const firstSeen = await as(GUEST).get(`/change-requests/${first.id}`);
    expect(firstSeen.body.conflicts).toEqual([
      expect.objectContaining({ id: second.body.change.id }),
    ]);
  });

  it('answers the maintenance calendar and the policy', async () => {
    const { as } = await startBackend();
    const cal = await as(GUEST).get(
      '/maintenance-windows?from=2026-10-01T00:00:00Z&to=2026-12-31T00:00:00Z',
    );
    expect(cal.status).toBe(200);
    expect(cal.body).toMatchObject({
      timeZone: 'America/New_York',
      description: 'first Sunday of each month, 02:00–04:00 America/New_York',
      windows: [
        { start: '2026-10-04T06:00:00.000Z', end: '2026-10-04T08:00:00.000Z' },
        { start: '2026-11-01T07:00:00.000Z', end: '2026-11-01T09:00:00.000Z' },
        { start: '2026-12-06T07:00:00.000Z', end: '2026-12-06T09:00:00.000Z' },
      ],
    });
    const bad = await as(GUEST).get('/maintenance-windows?from=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/from: must be an ISO 8601/);
    expect(bad.body.error.message).toMatch(/to: /);

    const policy = await as(GUEST).get('/change-policy');
    expect(policy.body).toMatchObject({
      noticeDays: 7,
      requiredApprovals: { low: 1, medium: 1, high: 2 },
    });
  });

  it('lists with filters and cursor paging, and rejects bad queries naming the parameter', async () => {
    const { as } = await startBackend();
    for (const name of [
      'payment-service',
      'order-service',
      'payment-service',
    ]) {
      await as(GUEST).post(
        '/change-requests',
        normalChange({ entityRefs: [name], title: `Change on ${name}` }),
      );
    }
    const page1 = await as(GUEST).get(
      '/change-requests?entityRef=payment-service&status=draft&limit=1',
    );
    expect(page1.body.items).toHaveLength(1);
    const page2 = await as(GUEST).get(
      `/change-requests?entityRef=payment-service&status=draft&limit=1&cursor=${page1.body.nextCursor}`,
    );
    expect(page2.body.items).toHaveLength(1);
    expect(page2.body.nextCursor).toBeUndefined();
    expect(page2.body.items[0].id).not.toBe(page1.body.items[0].id);

    const bad = await as(GUEST).get('/change-requests?status=done&sort=title');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/status\.0: must be one of/);
    expect(bad.body.error.message).toMatch(/sort: must be one of/);
  });

  it('reports change measures per platform, service and team', async () => {
    const { as } = await startBackend();
    const from = new Date(Date.now() - day).toISOString();
    let change = (
      await as(GUEST).post('/change-requests', {
        ...normalChange({ category: 'emergency' }),
        action: 'start',
      })
    ).body.change;
    change = (await act(as(GUEST), change, 'roll-back', 'Made it worse')).body
      .change;
    const to = new Date(Date.now() + day).toISOString();
    const res = await as(GUEST).get(`/change-measures?from=${from}&to=${to}`);
    expect(res.status).toBe(200);
    expect(res.body.platform).toMatchObject({
      changes: 1,
      rolledBack: 1,
      rollbackRate: 1,
      emergencyShare: 1,
      successRate: 0,
    });
    expect(res.body.teams).toEqual([
      expect.objectContaining({ team: 'group:default/dev-team', changes: 1 }),
    ]);
  });
});

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'MYSQL_8', 'SQLITE_3'],
});

describe.each(databases.eachSupportedId())(
  'concurrent transitions on %s',
  id => {
    it('lets exactly one of concurrent approvers and cancellers win; the others get 409', async () => {
      const knex = await databases.init(id);
      const { as } = await startBackend({ database: knex });
      const change = (
        await as(GUEST).post(
          '/change-requests',
          normalChange({ action: 'submit' }),
        )
      ).body.change;

      const attempts = [
        act(as(ALICE), change, 'approve'),
        act(as(BRUNO), change, 'approve'),
        act(as(ALICE), change, 'reject', 'No.'),
        act(as(GUEST), change, 'cancel'),
        act(as(BRUNO), change, 'reject', 'Not now.'),
        act(as(GUEST), change, 'cancel'),
      ];
      const statuses = (await Promise.all(attempts)).map(r => r.status);
      expect(statuses.filter(s => s === 200)).toHaveLength(1);
      expect(statuses.filter(s => s === 409)).toHaveLength(5);

      const detail = (await as(GUEST).get(`/change-requests/${change.id}`))
        .body;
      expect(detail.change.version).toBe(3);
      expect(detail.history.map((h: { version: number }) => h.version)).toEqual(
        [1, 2, 3],
      );
      expect(detail.history[2].toStatus).toBe(detail.change.status);
    });

    it('answers every loser of 50 concurrent approvals with 409 and the current version', async () => {
      const knex = await databases.init(id);
      const { as } = await startBackend({ database: knex });
      const change = (
        await as(GUEST).post(
          '/change-requests',
          normalChange({ action: 'submit' }),
        )
      ).body.change;
      expect(change.version).toBe(2);

      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          act(as(i % 2 ? BRUNO : ALICE), change, 'approve'),
        ),
      );
      const statuses = answers.map(r => r.status);
      expect(statuses.filter(s => s === 200)).toHaveLength(1);
      expect(statuses.filter(s => s === 409)).toHaveLength(49);
      for (const loser of answers.filter(r => r.status === 409)) {
        expect(loser.body.error.message).toMatch(/now at version 3\b/);
      }

      const detail = (await as(GUEST).get(`/change-requests/${change.id}`))
        .body;
      expect(detail.change).toMatchObject({ status: 'approved', version: 3 });
      expect(detail.history).toHaveLength(detail.change.version);
    });

    it('treats an edit that changes nothing as no edit', async () => {
      const knex = await databases.init(id);
      const { as } = await startBackend({ database: knex });
      const draft = (await as(GUEST).post('/change-requests', normalChange()))
        .body.change;

      for (const patch of [
        { version: 1 },
        { version: 1, title: draft.title, risk: draft.risk },
        {
          version: 1,
          entityRefs: draft.entityRefs,
          plannedStart: draft.plannedStart.replace('.000Z', 'Z'),
        },
      ]) {
        const res = await as(GUEST).patch(
          `/change-requests/${draft.id}`,
          patch,
        );
        expect(res.status).toBe(200);
        expect(res.body.change).toMatchObject({ version: 1 });
        expect(res.body.history).toHaveLength(1);
      }
      const stored = (await as(GUEST).get(`/change-requests/${draft.id}`)).body;
      expect(stored.change.version).toBe(1);
      expect(stored.change.updatedAt).toBe(draft.updatedAt);
      expect(stored.history.map((h: { action: string }) => h.action)).toEqual([
        'create',
      ]);

      // A real edit names only what changed.
      const edited = await as(GUEST).patch(`/change-requests/${draft.id}`, {
        version: 1,
        title: draft.title,
        risk: 'high',
      });
      expect(edited.status).toBe(200);
      expect(edited.body.change.version).toBe(2);
      expect(edited.body.history[1].comment).toBe('Edited risk');
    });

    it('answers ids past the integer range with 404 and hand-made cursors with 400', async () => {
      const knex = await databases.init(id);
      const { as } = await startBackend({ database: knex });
      await as(GUEST).post('/change-requests', normalChange());
      const [before] = await knex('ops_change_requests').count({ n: '*' });

      for (const changeId of [
        'CHG-2147484648',
        'CHG-2147484647',
        'chg-99999999999999999999',
        'CHG-1000',
      ]) {
        for (const res of [
          await as(GUEST).get(`/change-requests/${changeId}`),
          await as(GUEST).patch(`/change-requests/${changeId}`, {
            version: 1,
            title: 'Renamed',
          }),
          await as(GUEST).post(`/change-requests/${changeId}/transitions`, {
            action: 'cancel',
            version: 1,
          }),
        ]) {
          expect([changeId, res.status]).toEqual([changeId, 404]);
          expect(res.body.error.message).toBe(
            `${changeId.toUpperCase()} does not exist`,
          );
        }
      }

      const cursor = (value: unknown) =>
        Buffer.from(JSON.stringify(value)).toString('base64url');
      for (const made of [
        cursor(['2030-01-01T00:00:00.000Z', 2147483648]),
        cursor(['2030-01-01T00:00:00.000Z', 1e20]),
        cursor(['+275760-09-13T00:00:00.000Z', 1]),
        cursor(['0001-01-01T00:00:00.000Z', 1]),
        cursor([null, 1]),
        cursor({ value: 'x' }),
        'not base64 at all',
      ]) {
        const res = await as(GUEST).get(
          `/change-requests?cursor=${encodeURIComponent(made)}`,
        );
        expect([made, res.status]).toEqual([made, 400]);
        expect(res.body.error.message).toMatch(/cursor: is not a cursor/);
      }
      const [after] = await knex('ops_change_requests').count({ n: '*' });
      expect(Number(after.n)).toBe(Number(before.n));
    });

    it('counts in the measures and KPIs only the changes the caller may read', async () => {
      const knex = await databases.init(id);
      const { as } = await startBackend({
        database: knex,
        ownReadOnly: [JAMAL],
      });
      const emergency = (who: string, title: string) =>
        as(who).post('/change-requests', {
          ...normalChange({ category: 'emergency', title }),
          action: 'start',
        });
      // The guest's emergency change rolled back; Jamal's completed.
      const mine = (await emergency(JAMAL, 'Jamal patches a CVE')).body.change;
      expect((await act(as(JAMAL), mine, 'complete')).status).toBe(200);
      const other = (await emergency(GUEST, 'Guest restarts a node')).body
        .change;
      expect(
        (await act(as(GUEST), other, 'roll-back', 'Made it worse')).status,
      ).toBe(200);

      const from = new Date(Date.now() - day).toISOString();
      const to = new Date(Date.now() + day).toISOString();
      const measures = async (who: string) =>
        (await as(who).get(`/change-measures?from=${from}&to=${to}`)).body
          .platform;
      expect(await measures(GUEST)).toMatchObject({
        changes: 2,
        rolledBack: 1,
      });
      // Jamal sees his own change only, as the list shows him.
      expect(await measures(JAMAL)).toMatchObject({
        changes: 1,
        rolledBack: 0,
        successRate: 1,
      });
      const list = (await as(JAMAL).get('/change-requests')).body.items;
      expect(list.map((c: { id: string }) => c.id)).toEqual([mine.id]);

      const kpi = async (who: string) => {
        const res = await as(who).get('/kpis?scope=platform&period=30d');
        expect(res.status).toBe(200);
        return res.body;
      };
      const rollbackRate = (report: {
        kpis: { id: string; value?: number; sample: number }[];
      }) => report.kpis.find(k => k.id === 'rollbackRate');
      expect(rollbackRate(await kpi(GUEST))).toMatchObject({
        value: 0.5,
        sample: 2,
      });
      expect(rollbackRate(await kpi(JAMAL))).toMatchObject({
        value: 0,
        sample: 1,
      });
    });
  },
);
