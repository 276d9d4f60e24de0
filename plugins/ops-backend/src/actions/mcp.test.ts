import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { FakePagerDuty, startFakePagerDuty } from '@internal/fake-upstreams';
import { changeRequestCreatePermission } from '@opsportal/plugin-ops-common';
import opsModulePagerDuty from '@opsportal/plugin-ops-backend-module-pagerduty';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import request from 'supertest';
import { examples, ORDER, SRE } from '../oncall/__testUtils__/pagerDuty';
import { opsPlugin } from '../plugin';

/*
 * The ops actions as an MCP client meets them: the real MCP actions backend
 * (@backstage/plugin-mcp-actions-backend) in front of the real actions
 * service and registry, the ops plugin with the PagerDuty module against the
 * fake PagerDuty, and the example catalog. Every call goes over HTTP as
 * JSON-RPC to the streamable HTTP endpoint, and every refusal is checked
 * against what the same user gets from the REST API.
 */

jest.setTimeout(60_000);

const MCP = '/api/mcp-actions/v1';
const PROTOCOL = '2025-06-18';

const ENGINEER = 'user:default/alice-chen';
/** May read but not file change requests (the policy's DENY). */
const VISITOR = 'user:default/visitor';
/** The catalog hides order-service from this user. */
const OUTSIDER = 'user:default/outsider';

const as = (user: string) => mockCredentials.user.header(user);

/** The catalog as the permission policy makes it for OUTSIDER. */
function catalogFor(entities: Entity[]) {
  const base = catalogServiceMock({ entities });
  const hidden = (options: any) =>
    options?.credentials?.principal?.userEntityRef === OUTSIDER;
  const wrapped = new Proxy(base, {
    get(target, key) {
      const value = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      return async (...args: any[]) => {
        const result = await value.apply(target, args);
        if (!hidden(args[args.length - 1])) return result;
        const isOrder = (e: Entity | null | undefined) =>
          e && stringifyEntityRef(e) === ORDER;
        if (key === 'getEntityByRef')
          return isOrder(result) ? undefined : result;
        if (key === 'getEntitiesByRefs') {
          return {
            items: result.items.map((e: Entity | null) =>
              isOrder(e) ? null : e,
            ),
          };
        }
        if (key === 'getEntities' || key === 'queryEntities') {
          return {
            ...result,
            items: result.items.filter((e: Entity) => !isOrder(e)),
          };
        }
        return result;
      };
    },
  });
  return createServiceFactory({
    service: catalogServiceRef,
    deps: {},
    factory: () => wrapped,
  });
}

/**
 * The policy: everyone may do everything, except that VISITOR may not file
 * change requests and OUTSIDER may not read every catalog entity.
 */
function decide(name: string, credentials: any): AuthorizeResult {
  const user = credentials.principal.userEntityRef;
  if (name === changeRequestCreatePermission.name && user === VISITOR) {
    return AuthorizeResult.DENY;
  }
  if (name === 'catalog.entity.read' && user === OUTSIDER) {
    return AuthorizeResult.DENY;
  }
  return AuthorizeResult.ALLOW;
}
const permissions = mockServices.permissions.mock({
  authorize: async (requests, { credentials }) =>
    requests.map(r => ({
      result: decide(r.permission.name, credentials) as
        | AuthorizeResult.ALLOW
        | AuthorizeResult.DENY,
    })),
  authorizeConditional: async (requests, { credentials }) =>
    requests.map(r => ({
      result: decide(r.permission.name, credentials),
    })) as any,
});

/** Reads the JSON-RPC message of a streamable HTTP answer (JSON or SSE). */
function messageOf(res: request.Response): any {
  if (res.type === 'application/json') return res.body;
  const data = res.text
    .split('\n')
    .filter(line => line.startsWith('data: '))
    .map(line => line.slice('data: '.length));
  expect(data).toHaveLength(1);
  return JSON.parse(data[0]);
}

describe('ops actions through the MCP actions backend', () => {
  let pagerduty: FakePagerDuty;
  let server: Parameters<typeof request>[0];
  let nextId = 1;

  const post = (authorization: string | undefined, body: object) => {
    const req = request(server)
      .post(MCP)
      .set('Accept', 'application/json, text/event-stream')
      .set('Content-Type', 'application/json')
      .set('MCP-Protocol-Version', PROTOCOL);
    if (authorization) req.set('Authorization', authorization);
    return req.send(body);
  };

  /** One JSON-RPC request; answers its result (or fails on an RPC error). */
  const rpc = async (user: string, method: string, params: object = {}) => {
    const id = nextId++;
    const res = await post(as(user), { jsonrpc: '2.0', id, method, params });
    expect(res.status).toBe(200);
    const message = messageOf(res);
    expect(message).toMatchObject({ jsonrpc: '2.0', id });
    expect(message.error).toBeUndefined();
    return message.result;
  };

  const call = (user: string, name: string, args: object) =>
    rpc(user, 'tools/call', { name, arguments: args });

  /** A standard change in two days, for an hour. */
  const standardChange = (overrides: object = {}) => {
    const start = Date.now() + 2 * 86_400_000;
    return {
      title: 'Deploy order-service 2.4.1',
      standardType: 'routine-deployment',
      entityRefs: ['order-service'],
      plannedStart: new Date(start).toISOString(),
      plannedEnd: new Date(start + 3_600_000).toISOString(),
      ...overrides,
    };
  };

  beforeAll(async () => {
    pagerduty = await startFakePagerDuty({ rateLimitPerMinute: 100_000 });
    ({ server } = await startTestBackend({
      features: [
        opsPlugin,
        opsModulePagerDuty,
        mcpActionsPlugin,
        catalogFor(examples()),
        permissions.factory,
        // No header, no credentials (the test backend's default is a user).
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://portal.example' },
            backend: { actions: { pluginSources: ['ops'] } },
            ops: {
              // The example catalog is complete from the start.
              catalogReadiness: { maxWaitSeconds: 0 },
              pagerduty: {
                apiBaseUrl: pagerduty.url,
                token: 'local-fake-token',
                maxAttempts: 1,
              },
            },
          },
        }),
      ],
    }));
  });
  afterAll(() => pagerduty.close());

  it('initializes and lists the ops tools with their schemas', async () => {
    const init = await rpc(ENGINEER, 'initialize', {
      protocolVersion: PROTOCOL,
      capabilities: {},
      clientInfo: { name: 'ops-test-client', version: '1.0.0' },
    });
    expect(init.capabilities.tools).toBeDefined();
    expect(init.serverInfo.name).toBe('backstage');
    const initialized = await post(as(ENGINEER), {
      jsonrpc: '2.0',
      method: 'notifications/initialized',
    });
    expect(initialized.status).toBe(202);

    const { tools } = await rpc(ENGINEER, 'tools/list');
    const byName = new Map<string, any>(tools.map((t: any) => [t.name, t]));
    expect([...byName.keys()].sort()).toEqual([
      'ops.create-change-request',
      'ops.get-capacity-risk',
      'ops.get-on-call',
      'ops.get-slo-status',
      'ops.list-change-requests',
      'ops.list-incidents',
    ]);
    const onCall = byName.get('ops.get-on-call');
    expect(onCall.description).toMatch(/on call/);
    expect(onCall.inputSchema).toMatchObject({
      type: 'object',
      properties: { entityRef: { type: 'string' } },
      required: ['entityRef'],
    });
    expect(onCall.annotations).toMatchObject({
      readOnlyHint: true,
      destructiveHint: false,
    });
    const create = byName.get('ops.create-change-request');
    expect(create.annotations.readOnlyHint).toBe(false);
    expect(create.inputSchema.properties).not.toHaveProperty('category');
    expect(create.inputSchema.properties.standardType.description).toContain(
      'routine-deployment',
    );
    expect(create.inputSchema.required).toEqual(
      expect.arrayContaining(['title', 'standardType', 'entityRefs']),
    );
  });

  it("answers order-service's on-call: every level now and the next handoff", async () => {
    const result = await call(ENGINEER, 'ops.get-on-call', {
      entityRef: 'order-service',
    });

    expect(result.isError).toBeFalsy();
    const answer = result.structuredContent;
    expect(JSON.parse(result.content[0].text)).toEqual(answer);
    expect(answer.entityRef).toBe(ORDER);
    expect(answer.stale).toBe(false);
    const [policy] = answer.escalationPolicies;
    expect(policy.services).toEqual(['Order Service']);
    expect(policy.levels.map((l: any) => l.label)).toEqual([
      'Primary',
      'Secondary',
      'Escalation',
    ]);
    expect(policy.levels.every((l: any) => l.onCallNow.length > 0)).toBe(true);
    const primary = policy.levels[0].onCallNow[0];
    expect(['Alice Chen', 'Bruno Silva', 'Chloe Martin']).toContain(
      primary.name,
    );
    expect(primary.next.from).toBe(primary.shiftEnd);
    // The soonest handoff of all levels, in the future.
    expect(Date.parse(answer.nextHandoff.at)).toBeGreaterThan(Date.now());
    const handoffs = policy.levels.flatMap((l: any) =>
      l.onCallNow.filter((p: any) => p.next).map((p: any) => p.next.from),
    );
    expect(answer.nextHandoff.at).toBe(handoffs.sort()[0]);
  });

  it("answers a team's on-call with its schedule and services, and its incidents", async () => {
    const result = await call(ENGINEER, 'ops.get-on-call', {
      entityRef: SRE,
    });
    expect(result.isError).toBeFalsy();
    const team = result.structuredContent;
    expect(team.schedules.map((s: any) => s.name)).toEqual([
      'SRE primary (weekly)',
    ]);
    expect(team.schedules[0].onCallNow.name).toBeTruthy();
    expect(team.schedules[0].next.name).not.toBe(
      team.schedules[0].onCallNow.name,
    );
    expect(team.teamServices.map((s: any) => s.entityRef)).toContain(ORDER);

    const incidents = await call(ENGINEER, 'ops.list-incidents', {
      entityRef: SRE,
      scope: 'open',
    });
    expect(incidents.isError).toBeFalsy();
    const answer = incidents.structuredContent;
    expect(answer.entityRef).toBe(SRE);
    expect(answer.incidents.every((i: any) => i.status !== 'resolved')).toBe(
      true,
    );
    expect(answer.summary.open).toBe(answer.total);
  });

  it('refuses a user without the create permission, as the REST API does', async () => {
    const rest = await request(server)
      .post('/api/ops/change-requests')
      .set('Authorization', as(VISITOR))
      .send({ ...standardChange(), category: 'standard', risk: 'low' });
    expect(rest.status).toBe(403);

    const result = await call(
      VISITOR,
      'ops.create-change-request',
      standardChange(),
    );
    expect(result.isError).toBe(true);
    expect(result.content[0].text).toBe(
      `NotAllowedError: ${rest.body.error.message}`,
    );

    // Nothing was filed by either.
    const list = await call(VISITOR, 'ops.list-change-requests', {
      mine: true,
    });
    expect(list.structuredContent.items).toEqual([]);
  });

  it('files a standard change for an allowed user, approved, seen by the REST API', async () => {
    const result = await call(
      ENGINEER,
      'ops.create-change-request',
      standardChange(),
    );
    expect(result.isError).toBeFalsy();
    const created = result.structuredContent;
    expect(created).toMatchObject({
      category: 'standard',
      risk: 'low',
      status: 'approved',
      requester: ENGINEER,
      entityRefs: [ORDER],
      link: `/changes/${created.id}`,
      url: `http://portal.example/changes/${created.id}`,
    });

    const rest = await request(server)
      .get(`/api/ops/change-requests/${created.id}`)
      .set('Authorization', as(ENGINEER));
    expect(rest.status).toBe(200);
    expect(rest.body.change).toMatchObject({
      status: 'approved',
      requester: ENGINEER,
    });

    const mine = await call(ENGINEER, 'ops.list-change-requests', {
      mine: true,
      status: ['approved'],
    });
    expect(mine.structuredContent.items.map((c: any) => c.id)).toEqual([
      created.id,
    ]);
  });

  it('validates with the REST API schema and names the field', async () => {
    const wrong = standardChange();
    wrong.plannedEnd = wrong.plannedStart;
    const rest = await request(server)
      .post('/api/ops/change-requests')
      .set('Authorization', as(ENGINEER))
      .send({ ...wrong, category: 'standard', risk: 'low', action: 'submit' });
    expect(rest.status).toBe(400);

    const result = await call(ENGINEER, 'ops.create-change-request', wrong);
    expect(result.isError).toBe(true);
    expect(result.content[0].text).toBe(
      `InputError: ${rest.body.error.message}`,
    );
    expect(result.content[0].text).toContain(
      'plannedEnd: must be after the planned start',
    );

    const unknownType = await call(
      ENGINEER,
      'ops.create-change-request',
      standardChange({ standardType: 'database-migration' }),
    );
    expect(unknownType.isError).toBe(true);
    expect(unknownType.content[0].text).toMatch(/^InputError: .*standard/);
  });

  it('hides an entity the catalog hides from the caller, as the REST API does', async () => {
    const rest = await request(server)
      .get(`/api/ops/oncall/entity?entityRef=${ORDER}`)
      .set('Authorization', as(OUTSIDER));
    expect(rest.status).toBe(404);

    for (const tool of [
      'ops.get-on-call',
      'ops.get-slo-status',
      'ops.list-incidents',
    ]) {
      const result = await call(OUTSIDER, tool, { entityRef: ORDER });
      expect({ tool, isError: result.isError }).toEqual({
        tool,
        isError: true,
      });
      expect(result.content[0].text).toMatch(/^NotFoundError: /);
    }
    const onCall = await call(OUTSIDER, 'ops.get-on-call', {
      entityRef: ORDER,
    });
    expect(onCall.content[0].text).toBe(
      `NotFoundError: ${rest.body.error.message}`,
    );
  });

  it('acts only for users: service tokens and anonymous calls are refused', async () => {
    const id = nextId++;
    const service = await post(mockCredentials.service.header(), {
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: { name: 'ops.get-on-call', arguments: { entityRef: ORDER } },
    });
    expect(service.status).toBe(200);
    const refused = messageOf(service).result;
    expect(refused.isError).toBe(true);
    expect(refused.content[0].text).toMatch(
      /^NotAllowedError: The ops actions act for a signed-in user/,
    );

    const anonymous = await post(undefined, {
      jsonrpc: '2.0',
      id: nextId++,
      method: 'tools/list',
    });
    expect(anonymous.status).toBe(401);
  });
});
