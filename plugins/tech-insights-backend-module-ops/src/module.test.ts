import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  coreServices,
  createBackendModule,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import techInsightsPlugin from '@backstage-community/plugin-tech-insights-backend';
import jsonRulesEngineModule from '@backstage-community/plugin-tech-insights-backend-module-jsonfc';
import {
  createPlatformStore,
  FakeCloudWatch,
  FakePagerDuty,
  startFakeCloudWatch,
  startFakePagerDuty,
} from '@internal/fake-upstreams';
// The retrievers are tested against the real ops backend, over HTTP.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import opsPlugin, {
  DatabaseChangeRequestStore,
} from '@opsportal/plugin-ops-backend';
import cloudWatchModule from '@opsportal/plugin-ops-backend-module-cloudwatch';
import opsModulePagerDuty from '@opsportal/plugin-ops-backend-module-pagerduty';
import { parseChangeId } from '@opsportal/plugin-ops-common';
import request from 'supertest';
import { parse } from 'yaml';
import { OPS_FACT_RETRIEVER_IDS, opsReadinessChecks } from './index';
import techInsightsModuleOps from './index';

jest.setTimeout(120_000);

const root = path.resolve(__dirname, '../../..');
const examples = path.join(root, 'examples');
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

/** payment-service's last 90 days: 19 of 20 changes successful (95 %, not above it). */
const changeHistory = createBackendModule({
  pluginId: 'ops',
  moduleId: 'tech-insights-test-changes',
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
          for (let i = 0; i < 20; i++) {
            const failed = i === 7;
            const start = new Date(now - (i + 1) * 3 * DAY);
            const end = new Date(start.getTime() + 30 * 60_000);
            const created = await store.create({
              fields: {
                title: `Deploy payment-service #${i}`,
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
              set: {
                status: failed ? 'failed' : 'completed',
                outcome: failed ? 'failed' : 'successful',
                finishedAt: end,
              },
              step: {
                action: failed ? 'fail' : 'complete',
                fromStatus: 'in-progress',
                toStatus: failed ? 'failed' : 'completed',
              },
              actor: 'user:default/guest',
              now: end,
            });
          }
        });
      },
    });
  },
});

describe('Tech Insights module for the ops readiness facts', () => {
  let cloudwatch: FakeCloudWatch;
  let pagerduty: FakePagerDuty;
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  // Tasks run when the test says so (the ops refreshes never: the ops
  // backend reads on demand), through the Tech Insights plugin's scheduler.
  let scheduler: SchedulerService;
  const schedulerOfTechInsights = createBackendModule({
    pluginId: 'tech-insights',
    moduleId: 'test-scheduler',
    register(env) {
      env.registerInit({
        deps: { s: coreServices.scheduler },
        async init({ s }) {
          scheduler = s;
        },
      });
    },
  });

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
        techInsightsPlugin,
        jsonRulesEngineModule,
        techInsightsModuleOps,
        schedulerOfTechInsights,
        mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
        catalogServiceMock.factory({
          entities: [
            await example('payment-service'),
            await example('order-service'),
          ],
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
            techInsights: {
              factRetrievers: Object.fromEntries(
                OPS_FACT_RETRIEVER_IDS.map(id => [
                  id,
                  { cadence: '0 * * * *', initialDelay: { seconds: 1 } },
                ]),
              ),
              factChecker: {
                checks: JSON.parse(JSON.stringify(opsReadinessChecks)),
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

  it('stores the ops facts read over HTTP from the ops backend, and the checks grade them', async () => {
    // What the Tech Insights engine runs on each retriever's cadence.
    for (const id of OPS_FACT_RETRIEVER_IDS) await scheduler.triggerTask(id);
    const query = OPS_FACT_RETRIEVER_IDS.map(id => `ids[]=${id}`).join('&');
    const res = await request(server)
      .get(`/api/tech-insights/facts/latest?entity=${PAYMENT}&${query}`)
      .set('Authorization', user);
    expect(res.status).toBe(200);
    const latest = res.body;
    expect(Object.keys(latest).sort()).toEqual(
      [...OPS_FACT_RETRIEVER_IDS].sort(),
    );

    // The same numbers as the ops backend's readiness route.
    const readiness = await request(server)
      .get(`/api/ops/readiness/facts?entityRef=${PAYMENT}`)
      .set('Authorization', mockCredentials.service.header());
    const [f] = readiness.body.items;
    expect(latest.opsSloFacts.facts).toMatchObject({
      sloConfigured: true,
      slosDefined: f.slo.defined,
      slosMet: f.slo.met,
      slosAllMet: f.slo.allMet,
    });
    expect(latest.opsOnCallFacts.facts).toEqual({
      onCallConfigured: true,
      escalationPolicies: f.oncall.escalationPolicies,
      escalationLevels: f.oncall.escalationLevels,
    });
    expect(latest.opsRunbookFacts.facts).toMatchObject({
      runbooksCount: f.runbooks.count,
      runbooksStale: f.runbooks.stale,
      alarmsWithoutRunbook: f.alarms.withoutRunbook,
    });
    expect(latest.opsCapacityFacts.facts.capacityHeadroomDays).toBe(
      f.capacity.headroomDays,
    );
    expect(latest.opsChangeFacts.facts).toEqual({
      changesImplemented90d: 20,
      changesSuccessful90d: 19,
      changeSuccessRatePercent90d: 95,
    });

    const run = await request(server)
      .post('/api/tech-insights/checks/run/default/component/payment-service')
      .set('Authorization', user)
      .send({});
    expect(run.status).toBe(200);
    const results = Object.fromEntries(
      (run.body as any[]).map(r => [r.check.id, r.result]),
    );
    expect(Object.keys(results).sort()).toEqual(
      Object.keys(opsReadinessChecks).sort(),
    );
    // 95 % is not above the seed's 95 %.
    expect(results.opsChangeSuccessRate).toBe(false);
    expect(results.opsSlosDefined).toBe(true);
    expect(results.opsRunbooksPresent).toBe(true);
    expect(results.opsOnCallEscalation).toBe(f.oncall.escalationLevels >= 3);
    expect(results.opsSlosMet).toBe(f.slo.allMet);
    expect(results.opsCapacityHeadroom).toBe(f.capacity.headroomDays >= 30);
    expect(results.opsAlarmsHaveRunbooks).toBe(f.alarms.withoutRunbook === 0);
  });
});

describe('the demo app-config.yaml', () => {
  it('configures the exported example checks and every ops retriever', async () => {
    const config = parse(
      await fs.readFile(path.join(root, 'app-config.yaml'), 'utf8'),
    );
    expect(config.techInsights.factChecker.checks).toEqual(opsReadinessChecks);
    for (const id of OPS_FACT_RETRIEVER_IDS) {
      expect(config.techInsights.factRetrievers[id].cadence).toEqual(
        expect.any(String),
      );
    }
  });
});
