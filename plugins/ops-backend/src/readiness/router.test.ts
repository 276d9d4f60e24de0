import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  createPlatformStore,
  FakeCloudWatch,
  FakePagerDuty,
  startFakeCloudWatch,
  startFakePagerDuty,
} from '@internal/fake-upstreams';
import cloudWatchModule from '@opsportal/plugin-ops-backend-module-cloudwatch';
import opsModulePagerDuty from '@opsportal/plugin-ops-backend-module-pagerduty';
import {
  EntityReadinessFacts,
  ReadinessFactsResponse,
  readinessFactsResponseSchema,
} from '@opsportal/plugin-ops-common';
import request from 'supertest';
import { parse } from 'yaml';
import { DatabaseChangeRequestStore } from '../changes/ChangeRequestStore';
import { parseChangeId } from '@opsportal/plugin-ops-common';
import { opsPlugin } from '../plugin';

jest.setTimeout(120_000);

const examples = path.resolve(__dirname, '../../../../examples');
const service = mockCredentials.service.header();
const user = mockCredentials.user.header('user:default/guest');
const PAYMENT = 'component:default/payment-service';
const DAY = 86_400_000;

async function example(name: string): Promise<Entity> {
  const file = path.join(examples, 'services', `${name}.yaml`);
  const entity = parse(await fs.readFile(file, 'utf8')) as Entity;
  entity.metadata.namespace = 'default';
  entity.metadata.annotations = {
    ...entity.metadata.annotations,
    'backstage.io/managed-by-location': `file:${file}`,
    'backstage.io/managed-by-origin-location': `file:${path.join(
      examples,
      'all.yaml',
    )}`,
  };
  return entity;
}

/**
 * Four changes of payment-service implemented in the last 90 days (three
 * successful, one rolled back) and one of 120 days ago, written through the
 * plugin's own change store once its tables exist.
 */
const changeHistory = createBackendModule({
  pluginId: 'ops',
  moduleId: 'readiness-test-changes',
  register(env) {
    env.registerInit({
      deps: {
        database: coreServices.database,
        lifecycle: coreServices.lifecycle,
      },
      async init({ database, lifecycle }) {
        lifecycle.addStartupHook(async () => {
          const store = new DatabaseChangeRequestStore(
            await database.getClient(),
          );
          const now = Date.now();
          const outcomes = [
            ['successful', 'completed', 'complete', 5],
            ['successful', 'completed', 'complete', 20],
            ['rolled-back', 'rolled-back', 'roll-back', 30],
            ['successful', 'completed', 'complete', 60],
            ['failed', 'failed', 'fail', 120],
          ] as const;
          for (const [outcome, status, action, daysAgo] of outcomes) {
            const start = new Date(now - daysAgo * DAY);
            const end = new Date(start.getTime() + 30 * 60_000);
            const created = await store.create({
              fields: {
                title: `Deploy payment-service (${daysAgo} days ago)`,
                description: 'Test change',
                category: 'standard',
                risk: 'low',
                standardType: 'routine-deployment',
                entityRefs: [PAYMENT],
                plannedStart: start.toISOString(),
                plannedEnd: end.toISOString(),
                implementationPlan: 'Pipeline',
                rollbackPlan: 'Redeploy',
                testPlan: 'Smoke tests',
              },
              requester: 'user:default/guest',
              now: new Date(start.getTime() - DAY),
              steps: [
                {
                  action: 'create',
                  toStatus: 'draft',
                  set: { status: 'draft' },
                },
                {
                  action: 'start',
                  fromStatus: 'approved',
                  toStatus: 'in-progress',
                  set: {
                    status: 'in-progress',
                    submittedAt: new Date(start.getTime() - DAY),
                    startedAt: start,
                  },
                },
              ],
            });
            await store.transition({
              dbId: parseChangeId(created.id)!,
              expectedVersion: created.version,
              set: { status, outcome, finishedAt: end },
              step: { action, fromStatus: 'in-progress', toStatus: status },
              actor: 'user:default/guest',
              now: end,
            });
          }
        });
      },
    });
  },
});

describe('GET /readiness/facts', () => {
  let cloudwatch: FakeCloudWatch;
  let pagerduty: FakePagerDuty;
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];

  beforeAll(async () => {
    cloudwatch = await startFakeCloudWatch({
      store: createPlatformStore(Date.now()),
    });
    pagerduty = await startFakePagerDuty({ rateLimitPerMinute: 100_000 });
    ({ server } = await startTestBackend({
      features: [
        opsPlugin,
        cloudWatchModule,
        opsModulePagerDuty,
        changeHistory,
        catalogServiceMock.factory({
          entities: [
            await example('payment-service'),
            await example('order-service'),
            // No ops configuration: never listed, answered when named.
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: { name: 'status-page', namespace: 'default' },
              spec: { type: 'website', owner: 'group:default/dev-team' },
            },
          ],
        }),
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.rootConfig.factory({
          data: {
            aws: {
              mainAccount: { accessKeyId: 'key', secretAccessKey: 'secret' },
            },
            ops: {
              cloudwatch: {
                region: 'us-east-1',
                endpoint: cloudwatch.url,
                requestTimeoutMs: 30_000,
              },
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
  afterAll(async () => {
    await cloudwatch.close();
    await pagerduty.close();
  });

  const facts = (query: string) =>
    request(server)
      .get(`/api/ops/readiness/facts${query}`)
      .set('Authorization', service);

  it('answers services only', async () => {
    const none = await request(server).get(
      `/api/ops/readiness/facts?entityRef=${PAYMENT}`,
    );
    expect(none.status).toBe(401);
    const asUser = await request(server)
      .get(`/api/ops/readiness/facts?entityRef=${PAYMENT}`)
      .set('Authorization', user);
    expect(asUser.status).toBe(403);
  });

  it('names the wrong field', async () => {
    const badRef = await facts('?entityRef=a:b:c/d');
    expect(badRef.status).toBe(400);
    expect(badRef.body.error.message).toMatch(/^Invalid query: entityRef/);
    const badLimit = await facts('?limit=1000');
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.error.message).toBe(
      'Invalid query: limit: must be at most 100',
    );
    const both = await facts(`?entityRef=${PAYMENT}&cursor=x`);
    expect(both.status).toBe(400);
    expect(both.body.error.message).toMatch(/^Invalid query: cursor:/);
  });

  it("computes payment-service's readiness from the features", async () => {
    const res = await facts(`?entityRef=${PAYMENT}`);
    expect(res.status).toBe(200);
    const body = readinessFactsResponseSchema.parse(
      res.body,
    ) as ReadinessFactsResponse;
    expect(body.notFound).toEqual([]);
    expect(body.items).toHaveLength(1);
    const f = body.items[0] as EntityReadinessFacts;
    expect(f.entityRef).toBe(PAYMENT);

    // SLOs: as the SLO route answers them.
    const slos = await request(server)
      .get(`/api/ops/slos/entity?entityRef=${PAYMENT}`)
      .set('Authorization', user);
    const objectives = slos.body.objectives as any[];
    expect(f.slo.configured).toBe(true);
    expect(f.slo.defined).toBe(objectives.length);
    expect(f.slo.defined).toBeGreaterThan(0);
    const met = objectives.filter(
      o => o.status?.sli !== null && o.status?.sli >= o.objective.target,
    ).length;
    expect(f.slo.met).toBe(met);
    expect(f.slo.allMet).toBe(met === objectives.length);
    const lowest = Math.min(
      ...objectives.map(o => o.status.budget.remaining as number),
    );
    expect(f.slo.lowestErrorBudgetRemainingPercent).toBeCloseTo(
      lowest * 100,
      1,
    );

    // On-call: the fake PagerDuty's policy for the payment services.
    expect(f.oncall.configured).toBe(true);
    expect(f.oncall.escalationPolicies).toBeGreaterThan(0);
    expect(f.oncall.escalationLevels).toBeGreaterThanOrEqual(2);

    // Runbooks: examples/runbooks/payment-service/ and the link.
    const runbooks = await request(server)
      .get(`/api/ops/runbooks/entity?entityRef=${PAYMENT}`)
      .set('Authorization', user);
    expect(f.runbooks.count).toBe(runbooks.body.runbooks.length);
    expect(f.runbooks.count).toBeGreaterThan(1);
    expect(f.runbooks.stale).toBe(runbooks.body.counts.staleRunbooks);
    expect(f.runbooks.staleAfterDays).toBe(runbooks.body.staleAfterDays);
    expect(f.runbooks.newestAgeDays).not.toBeNull();
    expect(f.runbooks.oldestAgeDays!).toBeGreaterThanOrEqual(
      f.runbooks.newestAgeDays!,
    );
    expect(f.alarms.total).toBe(runbooks.body.counts.alarms);
    expect(f.alarms.withoutRunbook).toBe(
      runbooks.body.counts.alarmsWithoutRunbook,
    );
    expect(f.alarms.withRunbook + f.alarms.withoutRunbook).toBe(f.alarms.total);

    // Capacity: the earliest forecast crossing of the capacity route.
    const capacity = await request(server)
      .get(`/api/ops/capacity/entity?entityRef=${PAYMENT}&range=30d`)
      .set('Authorization', user);
    expect(capacity.status).toBe(200);
    expect(f.capacity.configured).toBe(true);
    expect(f.capacity.metricsWithLimit).toBeGreaterThan(0);
    const crossings = (capacity.body.data.metrics as any[])
      .map(m =>
        m.forecast.status === 'already-over' ? 0 : m.forecast.daysToLimit,
      )
      .filter(d => typeof d === 'number');
    // The earliest crossing, or the horizon when no limit is in sight.
    expect({
      within: f.capacity.limitWithinHorizon,
      days: Math.round(f.capacity.headroomDays!),
    }).toEqual({
      within: crossings.length > 0,
      days: Math.round(
        crossings.length ? Math.min(...crossings) : f.capacity.horizonDays!,
      ),
    });

    // Changes: 3 of the 4 implemented in the last 90 days succeeded; the
    // failed one of 120 days ago is outside the window.
    expect(f.changes).toEqual({
      periodDays: 90,
      implemented: 4,
      successful: 3,
      successRatePercent: 75,
    });
  });

  it('answers named entities without ops configuration, and says which refs it does not know', async () => {
    const res = await facts(
      '?entityRef=component:default/status-page&entityRef=component:default/nope',
    );
    expect(res.status).toBe(200);
    expect(res.body.notFound).toEqual(['component:default/nope']);
    const [f] = res.body.items as EntityReadinessFacts[];
    expect(f.entityRef).toBe('component:default/status-page');
    expect(f.slo).toMatchObject({ configured: false, defined: 0 });
    expect(f.oncall).toEqual({
      configured: false,
      escalationPolicies: 0,
      escalationLevels: 0,
    });
    expect(f.capacity).toMatchObject({ configured: false, headroomDays: null });
    expect(f.changes.successRatePercent).toBeNull();
  });

  it('pages through every component and resource with ops configuration', async () => {
    const first = await facts('?limit=1');
    expect(first.status).toBe(200);
    expect(first.body.items.map((i: any) => i.entityRef)).toEqual([
      'component:default/order-service',
    ]);
    expect(first.body.nextCursor).toBe('component:default/order-service');
    const second = await facts(
      `?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    );
    expect(second.body.items.map((i: any) => i.entityRef)).toEqual([PAYMENT]);
    expect(second.body.nextCursor).toBeUndefined();
  });
});
