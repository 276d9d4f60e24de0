import {
  createServiceFactory,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  ActionContext,
  scaffolderActionsExtensionPoint,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  ChangeRequestDetail,
  changeRequestApprovePermission,
  changeRequestCreatePermission,
  defaultChangePolicy,
  nextMaintenanceWindow,
} from '@opsportal/plugin-ops-common';
// The real ops backend beside the module, as in an app that installs both.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import opsPlugin from '@opsportal/plugin-ops-backend';
import { AddressInfo } from 'node:net';
import scaffolderModuleOps from '.';

jest.setTimeout(120_000);

/*
 * The ops backend plugin and this module in one test backend: the actions
 * the module registers run with a scaffolder action context and call the
 * ops REST API over real HTTP, with a token on behalf of the user who ran
 * the template. Only the catalog (the ops backend checks the affected
 * entities exist), the notifications sink and the permission policy are
 * stand-ins.
 */

const GUEST = 'user:default/guest';
const ALICE = 'user:default/alice-chen';
/** A user the policy does not let file change requests. */
const VISITOR = 'user:default/visitor';
const PAYMENT = 'component:default/payment-service';
const APP = 'http://portal.example.com';

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payment-service', namespace: 'default' },
    spec: { type: 'service', lifecycle: 'production', owner: 'dev-team' },
  },
];

/** Approve only for Alice; filing for everyone but the visitor. */
function decide(permission: string, user: string): PolicyDecision {
  if (permission === changeRequestCreatePermission.name && user === VISITOR) {
    return { result: AuthorizeResult.DENY };
  }
  if (permission === changeRequestApprovePermission.name && user !== ALICE) {
    return { result: AuthorizeResult.DENY };
  }
  return { result: AuthorizeResult.ALLOW };
}

const userOf = (credentials: any) =>
  credentials.principal.userEntityRef as string;

const permissions = mockServices.permissions.mock({
  authorize: async (requests, { credentials }) =>
    requests.map(r => decide(r.permission.name, userOf(credentials))) as any,
  authorizeConditional: async (requests, { credentials }) =>
    requests.map(r => decide(r.permission.name, userOf(credentials))) as any,
});

/** A logger that keeps the lines, as the task log shows them. */
function lineLogger(lines: string[]): LoggerService {
  const logger: LoggerService = {
    info: message => void lines.push(`info: ${message}`),
    warn: message => void lines.push(`warn: ${message}`),
    error: message => void lines.push(`error: ${message}`),
    debug: () => {},
    child: () => logger,
  };
  return logger;
}

async function startBackend() {
  const actions: TemplateAction<any, any, any>[] = [];
  const { server } = await startTestBackend({
    extensionPoints: [
      [
        scaffolderActionsExtensionPoint,
        { addActions: (...added: any[]) => actions.push(...added) },
      ],
    ],
    features: [
      opsPlugin,
      scaffolderModuleOps,
      catalogServiceMock.factory({ entities }),
      permissions.factory,
      mockServices.rootConfig.factory({ data: { app: { baseUrl: APP } } }),
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({ send: async () => {} }),
      }),
    ],
  });
  const { port } = server.address() as AddressInfo;

  /** The ops REST API as a user calls it from the portal. */
  const api = async (
    user: string,
    method: string,
    path: string,
    body?: unknown,
  ) => {
    const res = await fetch(`http://localhost:${port}/api/ops${path}`, {
      method,
      headers: {
        Authorization: mockCredentials.user.header(user),
        'Content-Type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };

  /** Runs an action as `user`, returning its outputs and log lines. */
  const run = (
    id: string,
    user: string,
    input: Record<string, unknown>,
    options: { signal?: AbortSignal } = {},
  ) => {
    const action = actions.find(a => a.id === id);
    if (!action) throw new Error(`no action ${id}`);
    const log: string[] = [];
    const output: Record<string, unknown> = {};
    const ctx: ActionContext<any, any> = {
      ...createMockActionContext({
        input: input as ActionContext<any, any>['input'],
        logger: lineLogger(log),
        user: { ref: user },
      }),
      output: (name: string, value: unknown) => {
        output[name] = value;
      },
      getInitiatorCredentials: async () => mockCredentials.user(user),
      signal: options.signal,
    };
    const done = action.handler(ctx).then(() => ({ output, log }));
    // The log can be read while the action still runs.
    return Object.assign(done, { log });
  };

  return { actions, api, run };
}

const standardDeploy = {
  title: 'Deploy payment-service 2.4.1',
  description: 'Release 2.4.1 through the pipeline.',
  category: 'standard',
  standardType: 'routine-deployment',
  entityRefs: [PAYMENT],
  startInMinutes: 5,
  durationMinutes: 30,
};

/** A normal change in the next maintenance window at least 8 days away. */
function normalChange() {
  const window = nextMaintenanceWindow(
    defaultChangePolicy.maintenanceWindow,
    new Date(Date.now() + 8 * 24 * 3600_000),
  )!;
  return {
    title: 'Add an index to the payments table',
    category: 'normal',
    risk: 'medium',
    entityRefs: [PAYMENT],
    plannedStart: window.start,
    durationMinutes: 60,
    implementationPlan: 'Run migration 42.',
    rollbackPlan: 'Run the down migration.',
    testPlan: 'Refund smoke test.',
  };
}

describe('ops scaffolder actions', () => {
  it('registers both actions with the scaffolder', async () => {
    const { actions } = await startBackend();
    expect(actions.map(a => a.id).sort()).toEqual([
      'ops:change-request:create',
      'ops:change-request:wait',
    ]);
  });

  it('files and submits a standard change that the REST API then serves', async () => {
    const { run, api } = await startBackend();
    const started = Date.now();

    const { output, log } = await run(
      'ops:change-request:create',
      GUEST,
      standardDeploy,
    );

    expect(output).toEqual({
      id: expect.stringMatching(/^CHG-\d+$/),
      link: `/changes/${output.id}`,
      url: `${APP}/changes/${output.id}`,
      status: 'approved',
      version: expect.any(Number),
    });
    expect(log).toEqual([
      `info: Filed ${output.id} (standard, approved) for ${PAYMENT}: ${APP}/changes/${output.id}`,
    ]);

    const read = await api(GUEST, 'GET', `/change-requests/${output.id}`);
    expect(read.status).toBe(200);
    const { change } = read.body as ChangeRequestDetail;
    expect(change).toMatchObject({
      title: 'Deploy payment-service 2.4.1',
      category: 'standard',
      standardType: 'routine-deployment',
      risk: 'low',
      status: 'approved',
      requester: GUEST,
      entityRefs: [PAYMENT],
    });
    // startInMinutes and durationMinutes become the planned period.
    const start = Date.parse(change.plannedStart);
    expect(start - started).toBeGreaterThanOrEqual(5 * 60_000 - 1000);
    expect(start - started).toBeLessThan(5 * 60_000 + 30_000);
    expect(Date.parse(change.plannedEnd) - start).toBe(30 * 60_000);
  });

  it('refuses invalid input with the message of the REST API', async () => {
    const { run, api } = await startBackend();
    const invalid = {
      ...standardDeploy,
      title: 'ab',
      startInMinutes: undefined,
      durationMinutes: undefined,
      plannedStart: '2030-01-06T10:00:00Z',
      plannedEnd: '2030-01-06T09:00:00Z',
    };

    const direct = await api(GUEST, 'POST', '/change-requests', {
      ...invalid,
      risk: 'low',
      action: 'submit',
    });
    expect(direct.status).toBe(400);
    expect(direct.body.error.message).toBe(
      'Invalid change request: title: must be at least 3 characters; plannedEnd: must be after the planned start',
    );
    await expect(
      run('ops:change-request:create', GUEST, invalid),
    ).rejects.toThrow(direct.body.error.message);

    // What only the API knows (the catalog, the configured standard types)
    // comes back from it, naming the field.
    const unknown = await api(GUEST, 'POST', '/change-requests', {
      ...standardDeploy,
      startInMinutes: undefined,
      durationMinutes: undefined,
      plannedStart: '2030-01-06T10:00:00Z',
      plannedEnd: '2030-01-06T11:00:00Z',
      risk: 'low',
      entityRefs: ['component:default/no-such-service'],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toBe(
      'entityRefs.0: component:default/no-such-service: not found in the catalog',
    );
    await expect(
      run('ops:change-request:create', GUEST, {
        ...standardDeploy,
        entityRefs: ['component:default/no-such-service'],
      }),
    ).rejects.toThrow(
      `The ops API refused to file the change request: ${unknown.body.error.message} (400 from POST /api/ops/change-requests)`,
    );
    await expect(
      run('ops:change-request:create', GUEST, {
        ...standardDeploy,
        standardType: 'database-upgrade',
      }),
    ).rejects.toThrow(
      'standardType: must be one of routine-deployment, config-update, scaling (400 from POST /api/ops/change-requests)',
    );

    // Nothing was stored.
    const list = await api(GUEST, 'GET', '/change-requests');
    expect(list.body.items).toEqual([]);
  });

  it('refuses a user who may not file change requests as the REST API does', async () => {
    const { run, api } = await startBackend();

    const direct = await api(VISITOR, 'POST', '/change-requests', {
      ...normalChange(),
      durationMinutes: undefined,
      plannedEnd: new Date(
        Date.parse(normalChange().plannedStart) + 3600_000,
      ).toISOString(),
    });
    expect(direct.status).toBe(403);
    expect(direct.body.error.message).toBe(
      'You do not have permission to file change requests',
    );

    await expect(
      run('ops:change-request:create', VISITOR, standardDeploy),
    ).rejects.toThrow(
      `Not allowed to file the change request: ${direct.body.error.message} (403 from POST /api/ops/change-requests); the ops API checks ops.change-request.create (and ops.change-request.update to submit it) for the user who ran the template`,
    );
    const list = await api(GUEST, 'GET', '/change-requests');
    expect(list.body.items).toEqual([]);
  });

  it('waits for the approval of a normal change', async () => {
    const { run, api } = await startBackend();
    const filed = await run('ops:change-request:create', GUEST, normalChange());
    expect(filed.output.status).toBe('submitted');
    const id = filed.output.id as string;

    const waiting = run('ops:change-request:wait', GUEST, {
      id,
      timeout: 30,
      pollInterval: 1,
    });
    // Still waiting after a couple of polls.
    await new Promise(r => setTimeout(r, 1500));
    expect(waiting.log).toEqual([
      `info: Waiting up to 30 s for ${id} to be approved: ${APP}/changes/${id}`,
      `info: ${id} is submitted`,
    ]);

    const approved = await api(
      ALICE,
      'POST',
      `/change-requests/${id}/transitions`,
      {
        action: 'approve',
        version: filed.output.version,
      },
    );
    expect(approved.status).toBe(200);

    const { output, log } = await waiting;
    expect(output).toEqual({
      id,
      status: 'approved',
      approvedBy: [ALICE],
      link: `/changes/${id}`,
      url: `${APP}/changes/${id}`,
    });
    expect(log[log.length - 1]).toBe(`info: ${id} is approved`);
  });

  it('fails when the change is rejected, naming who and why', async () => {
    const { run, api } = await startBackend();
    const filed = await run('ops:change-request:create', GUEST, normalChange());
    const id = filed.output.id as string;
    const waiting = run('ops:change-request:wait', GUEST, {
      id,
      timeout: 30,
      pollInterval: 1,
    });
    const rejected = await api(
      ALICE,
      'POST',
      `/change-requests/${id}/transitions`,
      {
        action: 'reject',
        comment: 'Not during the sale.',
        version: filed.output.version,
      },
    );
    expect(rejected.status).toBe(200);

    await expect(waiting).rejects.toThrow(
      `${id} was rejected by ${ALICE}: "Not during the sale."; it will not be approved`,
    );
  });

  it('fails on timeout with the status it last saw', async () => {
    const { run } = await startBackend();
    const filed = await run('ops:change-request:create', GUEST, normalChange());
    const id = filed.output.id as string;
    const started = Date.now();
    await expect(
      run('ops:change-request:wait', GUEST, {
        id,
        timeout: 2,
        pollInterval: 1,
      }),
    ).rejects.toThrow(
      `Timed out after 2 s waiting for ${id} to be approved; it is submitted: ${APP}/changes/${id}`,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('stops waiting at once when the task is cancelled', async () => {
    const { run } = await startBackend();
    const filed = await run('ops:change-request:create', GUEST, normalChange());
    const id = filed.output.id as string;
    const controller = new AbortController();
    const waiting = run(
      'ops:change-request:wait',
      GUEST,
      { id, timeout: 600, pollInterval: 300 },
      { signal: controller.signal },
    );
    await new Promise(r => setTimeout(r, 500));
    const aborted = Date.now();
    controller.abort();
    await expect(waiting).rejects.toThrow(
      `Cancelled while waiting for ${id} to be approved`,
    );
    expect(Date.now() - aborted).toBeLessThan(1000);
  });

  it('fails at once for a change the user may not see or that does not exist', async () => {
    const { run } = await startBackend();
    await expect(
      run('ops:change-request:wait', GUEST, {
        id: 'CHG-999999',
        timeout: 30,
        pollInterval: 1,
      }),
    ).rejects.toThrow(
      /Could not read CHG-999999: .*\(404 from GET \/api\/ops\/change-requests\/CHG-999999\)/,
    );
  });
});
