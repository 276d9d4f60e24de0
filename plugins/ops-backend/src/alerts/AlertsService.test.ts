import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AlarmDefinition,
  FakeCloudWatch,
  FakePagerDuty,
  MetricStore,
  startFakeCloudWatch,
  startFakePagerDuty,
} from '@internal/fake-upstreams';
import { CloudWatchProvider } from '@opsportal/plugin-ops-backend-module-cloudwatch';
import {
  PagerDutyClient,
  PagerDutyProvider,
  TokenAuth,
} from '@opsportal/plugin-ops-backend-module-pagerduty';
import { MaintenancePeriod } from '@opsportal/plugin-ops-common';
import { Knex } from 'knex';
import { applyDatabaseMigrations } from '../database/migrations';
import { SnapshotReadCache } from '../lib/SnapshotReadCache';
import {
  DatabaseSnapshotStore,
  SnapshotStore,
} from '../snapshots/SnapshotStore';
import { AlarmHistoryStore } from './AlarmHistoryStore';
import { AlarmReviewsStore } from './AlarmReviewsStore';
import {
  ALERTS_ALL_KEY,
  ALERTS_ENTITY_KIND,
  ALERTS_OVERVIEW_KIND,
  AlertsAggregateSnapshot,
  AlertsService,
  EntityAlertsSnapshot,
  MaintenanceSource,
  RunbookSource,
} from './AlertsService';
import { readAlertsConfig } from './config';

/*
 * The alarm and paging refreshes against the fake CloudWatch (alarms and
 * their history, over HTTP through the real CloudWatch module) and the fake
 * PagerDuty (incidents and pages through the real PagerDuty module), into
 * a real database. Time is the fakes' and the service's shared clock.
 */

jest.setTimeout(120_000);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const NOW = Date.parse('2026-12-05T12:00:00.000Z');
const user = mockCredentials.user('user:default/guest');

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const PAYMENT = 'component:default/payment-service';

const payment: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payment-service',
    namespace: 'default',
    tags: ['payments'],
    annotations: {
      'opsportal.dev/alarm-prefix': 'pay-',
      'pagerduty.com/service-id': 'PSVPAYM',
    },
  },
  spec: { type: 'service', owner: 'group:default/dev-team' },
};

const metric = (namespace: string, metricName: string) => ({
  namespace,
  metricName,
  dimensions: { Service: 'payment-service' },
});

/** Round trips ALARM→OK of 10 minutes, every 2 hours from `start`. */
function flaps(start: number, count: number) {
  return Array.from({ length: count }, (_, i) => [
    {
      at: new Date(start + i * 2 * HOUR),
      from: 'OK' as const,
      to: 'ALARM' as const,
    },
    {
      at: new Date(start + i * 2 * HOUR + 10 * MINUTE),
      from: 'ALARM' as const,
      to: 'OK' as const,
    },
  ]).flat();
}

function alarms(): AlarmDefinition[] {
  const base = {
    stateReason: 'Threshold Crossed',
    period: 60,
    evaluationPeriods: 3,
    comparisonOperator: 'GreaterThanThreshold',
  };
  const flapping = flaps(NOW - 2 * DAY, 6);
  return [
    {
      ...base,
      name: 'pay-error-rate',
      description:
        'Errors above 5 %. Runbook: https://runbooks.example/pay/errors',
      metric: metric('Payments', 'ErrorRate'),
      threshold: 5,
      state: 'OK',
      stateUpdatedAt: flapping[flapping.length - 1].at,
      tags: { Severity: 'P2' },
      history: flapping,
    },
    {
      ...base,
      name: 'pay-latency',
      metric: metric('AWS/ApplicationELB', 'TargetResponseTime'),
      threshold: 5,
      state: 'ALARM',
      stateUpdatedAt: new Date(NOW - 3 * DAY),
      history: [{ at: new Date(NOW - 3 * DAY), from: 'OK', to: 'ALARM' }],
    },
    {
      ...base,
      name: 'pay-cpu',
      metric: metric('AWS/ECS', 'CPUUtilization'),
      threshold: 80,
      state: 'OK',
      stateUpdatedAt: new Date(NOW - 100 * DAY),
    },
    {
      ...base,
      name: 'search-latency',
      metric: metric('AWS/ApplicationELB', 'TargetResponseTime'),
      threshold: 1,
      state: 'ALARM',
      stateUpdatedAt: new Date(NOW - HOUR),
      history: [{ at: new Date(NOW - HOUR), from: 'OK', to: 'ALARM' }],
    },
  ];
}

describe('AlertsService', () => {
  let cloudwatch: FakeCloudWatch;
  let now: number;
  let knex: Knex;

  beforeEach(async () => {
    now = NOW;
    const store = new MetricStore();
    for (const alarm of alarms()) store.addAlarm(alarm);
    cloudwatch = await startFakeCloudWatch({ store, port: 0, now: () => now });
    knex = await databases.init('SQLITE_3');
    await applyDatabaseMigrations(knex);
  });

  afterEach(async () => {
    await cloudwatch.close();
  });

  function setup(
    options: {
      alerts?: object;
      maintenance?: MaintenanceSource;
      runbooks?: RunbookSource;
      pagerduty?: FakePagerDuty;
      entities?: Entity[];
      /** The snapshot store as a replica's views read it (default: the database store). */
      wrap?: (store: SnapshotStore) => SnapshotStore;
    } = {},
  ) {
    const clock = { now: () => new Date(now) };
    const logger = mockServices.logger.mock();
    const database = new DatabaseSnapshotStore(knex, clock);
    const snapshots = options.wrap ? options.wrap(database) : database;
    const alarmsProvider = new CloudWatchProvider({
      region: 'us-east-1',
      endpoint: cloudwatch.url,
      credentials: async () => ({
        accessKeyId: 'test',
        secretAccessKey: 'test',
      }),
      maxAttempts: 1,
      requestTimeoutMs: 5_000,
      concurrency: 2,
      logger,
    });
    const incidents = options.pagerduty
      ? new PagerDutyProvider({
          client: new PagerDutyClient({
            baseUrl: options.pagerduty.url,
            auth: new TokenAuth('local-fake-token'),
            requestTimeoutMs: 5_000,
            maxAttempts: 1,
            baseDelayMs: 5,
            maxDelayMs: 50,
            logger,
          }),
          logger,
          concurrency: 2,
          listThreshold: 10,
          eventsBaseUrl: options.pagerduty.url,
          requestTimeoutMs: 5_000,
        })
      : undefined;
    const history = new AlarmHistoryStore(knex);
    const service = new AlertsService({
      catalog: catalogServiceMock({ entities: options.entities ?? [payment] }),
      auth: mockServices.auth(),
      permissions: mockServices.permissions(),
      auditor: mockServices.auditor.mock(),
      logger,
      snapshots,
      history,
      reviews: new AlarmReviewsStore(knex),
      config: readAlertsConfig(
        new ConfigReader({
          ops: {
            alerts: options.alerts ?? {},
            runbooks: { alarms: { defaultSeverity: 'P4' } },
          },
        }),
      ),
      alarms: alarmsProvider,
      incidents,
      maintenance: options.maintenance,
      runbooks: options.runbooks,
      clock,
    });
    return { service, snapshots, history };
  }

  const transitions = async () =>
    Number((await knex('ops_alarm_transitions').count({ n: '*' }))[0].n);

  it("reads the history once, and stores each alarm's noise, severity, runbook and policy coverage", async () => {
    const { service, history } = setup();

    const result = await service.refreshAlarms();

    expect(result).toEqual({ entities: 1, alarms: 3, failedRegions: [] });
    // One scan of the region's history for all alarms, not one per alarm.
    expect(cloudwatch.stats.describeAlarmHistoryCalls).toBe(1);
    // Every change of the last 30 days, other teams' alarms included.
    expect(await transitions()).toBe(12 + 1 + 1);
    expect(await history.getMark('')).toEqual({
      observedSince: new Date(NOW - 30 * DAY).toISOString(),
      readUntil: new Date(NOW).toISOString(),
      updatedAt: new Date(NOW).toISOString(),
    });

    const view = await service.getEntityAlerts('payment-service', user);
    expect(view.setup).toEqual({ alarms: true, pagerDuty: true });
    expect(view.freshness.alarms).toEqual({
      fetchedAt: new Date(NOW).toISOString(),
      stale: false,
    });
    const byName = Object.fromEntries(view.alarms.map(a => [a.alarmName, a]));
    expect(view.alarms.map(a => a.alarmName)).toEqual([
      'pay-error-rate',
      'pay-latency',
      'pay-cpu',
    ]);
    expect(byName['pay-error-rate']).toMatchObject({
      entityRef: PAYMENT,
      owner: 'group:default/dev-team',
      severity: 'P2',
      metric: 'Payments ErrorRate',
      runbookUrl: 'https://runbooks.example/pay/errors',
      week: { alarmCount: 6, flappingDays: 1, maxRoundTripsPerDay: 6 },
      observedDays: 30,
    });
    expect(byName['pay-error-rate'].flags).toEqual(
      expect.arrayContaining(['noisy', 'flapping']),
    );
    expect(byName['pay-error-rate'].flags).not.toContain('no-runbook');
    expect(byName['pay-latency'].flags).toEqual(
      expect.arrayContaining(['stuck', 'no-runbook']),
    );
    expect(byName['pay-latency'].severity).toBe('P4');
    expect(byName['pay-cpu'].flags).toEqual(
      expect.arrayContaining(['never-fired', 'no-runbook']),
    );

    // The policy: error rate present, latency looser (5 s against 3 s),
    // payments-scoped rules apply (the entity's tag), service down missing.
    const status = Object.fromEntries(
      view.policy.items.map(i => [i.rule.id, i.status]),
    );
    expect(status).toMatchObject({
      'p2-error-rate': 'present',
      'p2-latency-p95': 'looser',
      'p1-service-down': 'missing',
      'p1-payment-failures': 'missing',
    });
    expect(status['p1-database-unavailable']).toBeUndefined();
  });

  it('counts a runbook that names the alarm in its front matter, as the runbooks card does', async () => {
    const asked: string[][] = [];
    const { service } = setup({
      runbooks: {
        runbookSummaries: async refs => {
          asked.push(refs);
          return new Map([
            [
              PAYMENT,
              [
                {
                  id: 'latency',
                  source: 'markdown',
                  title: 'Slow payments',
                  alarms: ['pay-latency'],
                  headings: [],
                  tags: [],
                },
              ],
            ],
          ]);
        },
      },
    });

    await service.refreshAlarms();

    expect(asked).toEqual([[PAYMENT]]);
    const view = await service.getEntityAlerts('payment-service', user);
    const flags = Object.fromEntries(
      view.alarms.map(a => [a.alarmName, a.flags]),
    );
    expect(flags['pay-latency']).not.toContain('no-runbook');
    expect(flags['pay-cpu']).toContain('no-runbook');
  });

  it('reads the history incrementally from the mark, storing each change once', async () => {
    const { service, history } = setup();
    await service.refreshAlarms();
    const first = cloudwatch.requests.length;

    // Fifteen minutes later the latency alarm recovered.
    now += 15 * MINUTE;
    const latency = cloudwatch.store.alarms.find(
      a => a.name === 'pay-latency',
    )!;
    latency.history!.push({
      at: new Date(now - 5 * MINUTE),
      from: 'ALARM',
      to: 'OK',
    });
    latency.state = 'OK';
    latency.stateUpdatedAt = new Date(now - 5 * MINUTE);

    await service.refreshAlarms();

    const call = cloudwatch.requests
      .slice(first)
      .map(r => ({
        target: String(r.headers['x-amz-target']),
        body: JSON.parse(r.body || '{}'),
      }))
      .find(r => r.target.endsWith('DescribeAlarmHistory'))!;
    // From the last read minus the overlap, not 30 days back again.
    expect(
      new Date(
        typeof call.body.StartDate === 'number'
          ? call.body.StartDate * 1000
          : call.body.StartDate,
      ).toISOString(),
    ).toBe(new Date(NOW - 5 * MINUTE).toISOString());
    expect(await transitions()).toBe(15);
    expect(await history.getMark('')).toMatchObject({
      observedSince: new Date(NOW - 30 * DAY).toISOString(),
      readUntil: new Date(now).toISOString(),
    });
    const view = await service.getEntityAlerts(PAYMENT, user);
    const row = view.alarms.find(a => a.alarmName === 'pay-latency')!;
    expect(row.state).toBe('OK');
    expect(row.flags).not.toContain('stuck');
  });

  it('starts observing again after a gap longer than CloudWatch keeps, and trims what is past the retention', async () => {
    const { service, history } = setup({
      alerts: { historyRetentionDays: 40, noise: { neverFiredDays: 40 } },
    });
    await service.refreshAlarms();
    expect(await transitions()).toBe(14);

    // The portal was down for 45 days: the history between is lost.
    now += 45 * DAY;
    await service.refreshAlarms();
    expect(await history.getMark('')).toMatchObject({
      observedSince: new Date(now - 30 * DAY).toISOString(),
      readUntil: new Date(now).toISOString(),
    });
    // Every stored change is older than 40 days now.
    expect(await transitions()).toBe(0);
    const view = await service.getEntityAlerts(PAYMENT, user);
    expect(
      view.alarms.find(a => a.alarmName === 'pay-error-rate')!.observedDays,
    ).toBe(30);
  });

  it.each([
    ['throttled', 'throttle' as const, /Rate exceeded|Throttl/],
    ['not allowed', 'access-denied' as const, /not authorized/],
  ])(
    'keeps the last snapshot with its age and the error when the history is %s',
    async (_what, kind, message) => {
      const { service, snapshots, history } = setup();
      await service.refreshAlarms();
      const before = await snapshots.get<EntityAlertsSnapshot>(
        ALERTS_ENTITY_KIND,
        PAYMENT,
      );
      const mark = await history.getMark('');

      now += 15 * MINUTE;
      cloudwatch.faults.push({ kind });
      const result = await service.refreshAlarms();

      expect(result.failedRegions).toEqual(['']);
      const view = await service.getEntityAlerts(PAYMENT, user);
      expect(view.freshness.alarms).toEqual({
        fetchedAt: new Date(NOW).toISOString(),
        stale: true,
        error: expect.stringMatching(message),
      });
      expect(view.alarms.map(a => a.alarmName).sort()).toEqual(
        before!.data!.alarms.map(a => a.alarmName).sort(),
      );
      // The mark did not move: the next read covers the failed range.
      expect(await history.getMark('')).toEqual(mark);
      const overview = await service.getOverview(user);
      expect(overview.freshness.alarms.stale).toBe(true);

      now += 15 * MINUTE;
      await service.refreshAlarms();
      const after = await service.getEntityAlerts(PAYMENT, user);
      expect(after.freshness.alarms).toEqual({
        fetchedAt: new Date(now).toISOString(),
        stale: false,
      });
    },
  );

  it("leaves alarms that fired during the entity's maintenance out of the noise", async () => {
    const period: MaintenancePeriod = {
      start: new Date(NOW - 2 * DAY - HOUR).toISOString(),
      end: new Date(NOW - DAY).toISOString(),
      serviceIds: ['PSVPAYM'],
      changeRequestId: 'CHG-7',
    };
    const elsewhere: MaintenancePeriod = {
      ...period,
      serviceIds: ['PSVOTHER'],
      changeRequestId: 'CHG-8',
    };
    const asked: [string, string][] = [];
    const { service } = setup({
      maintenance: {
        listPeriods: async (since, until) => {
          asked.push([since.toISOString(), until.toISOString()]);
          return [period, elsewhere];
        },
      },
    });
    await service.refreshAlarms();

    expect(asked).toEqual([
      [new Date(NOW - 30 * DAY).toISOString(), new Date(NOW).toISOString()],
    ]);
    const view = await service.getEntityAlerts(PAYMENT, user);
    const row = view.alarms.find(a => a.alarmName === 'pay-error-rate')!;
    expect(row.week.alarmsInMaintenance).toBe(6);
    expect(row.week.alarmCount).toBe(0);
    expect(row.flags).not.toContain('noisy');
    const overview = await service.getOverview(user);
    expect(overview.maintenance.map(p => p.changeRequestId)).toEqual([
      'CHG-7',
      'CHG-8',
    ]);

    // A maintenance source that fails keeps the periods read last.
    const failing = setup({
      maintenance: {
        listPeriods: async () => {
          throw new Error('database gone');
        },
      },
    });
    now += 15 * MINUTE;
    await failing.service.refreshAlarms();
    const again = await failing.service.getEntityAlerts(PAYMENT, user);
    expect(
      again.alarms.find(a => a.alarmName === 'pay-error-rate')!.week
        .alarmsInMaintenance,
    ).toBe(6);
  });

  it('reads the paging load of the entities’ PagerDuty services and keeps it when PagerDuty fails', async () => {
    const pagerduty = await startFakePagerDuty({ rateLimitPerMinute: 100_000 });
    now = Date.now();
    const order: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'order-service',
        namespace: 'default',
        annotations: { 'pagerduty.com/service-id': 'PSVORDR' },
      },
      spec: { type: 'service', owner: 'dev-team' },
    };
    try {
      const { service } = setup({ pagerduty, entities: [payment, order] });
      expect(await service.refreshPaging()).toEqual({ services: 2 });

      const overview = await service.getOverview(user);
      expect(overview.freshness.paging).toEqual({
        fetchedAt: new Date(now).toISOString(),
        stale: false,
      });
      const services = overview.paging.services;
      expect(services.length).toBeGreaterThan(0);
      for (const s of services) {
        expect(['PSVORDR', 'PSVPAYM']).toContain(s.serviceId);
        expect(s.entityRef).toBe(
          s.serviceId === 'PSVORDR'
            ? 'component:default/order-service'
            : PAYMENT,
        );
        expect(s.owner).toBe('group:default/dev-team');
      }
      expect(services.reduce((n, s) => n + s.incidents, 0)).toBeGreaterThan(0);
      expect(overview.paging.people.length).toBeGreaterThan(0);
      expect(pagerduty.violations).toEqual([]);

      const entity = await service.getEntityAlerts(
        'component:default/order-service',
        user,
      );
      expect(entity.paging!.map(s => s.serviceId)).toEqual(
        services.filter(s => s.serviceId === 'PSVORDR').map(s => s.serviceId),
      );

      await pagerduty.close();
      now += 15 * MINUTE;
      await service.refreshPaging();
      const kept = await service.getOverview(user);
      expect(kept.paging).toEqual(overview.paging);
      expect(kept.freshness.paging).toMatchObject({
        fetchedAt: overview.freshness.paging.fetchedAt,
        stale: true,
        error: expect.any(String),
      });
    } finally {
      await pagerduty.close().catch(() => undefined);
    }
  });
  it('stores the overview aggregate after each refresh; views read it alone, on every replica', async () => {
    // Replica A runs the refresh; replica B only serves views, through its
    // own parsed-snapshot cache (checking the version on every read).
    const a = setup();
    const reads: string[] = [];
    const b = setup({
      wrap: store => {
        const cached = new SnapshotReadCache(store, knex, { revalidateMs: 0 });
        return new Proxy(cached, {
          get(target, key) {
            const value = Reflect.get(target, key, target);
            return typeof value === 'function'
              ? (...args: unknown[]) => {
                  reads.push(`${String(key)} ${String(args[0])}`);
                  return value.apply(target, args);
                }
              : value;
          },
        });
      },
    });

    await a.service.refreshAlarms();
    const stored = await a.snapshots.get<AlertsAggregateSnapshot>(
      ALERTS_OVERVIEW_KIND,
      ALERTS_ALL_KEY,
    );
    expect(stored?.data?.entities).toEqual([
      expect.objectContaining({
        entityRef: PAYMENT,
        owner: 'group:default/dev-team',
        counts: expect.objectContaining({ alarms: 3, flagged: 3, listed: 3 }),
        freshness: { fetchedAt: new Date(NOW).toISOString(), stale: false },
      }),
    ]);
    expect(stored?.data?.alarms.map(r => r.alarmName)).toEqual([
      'pay-error-rate',
      'pay-latency',
      'pay-cpu',
    ]);

    const first = await b.service.getOverview(user);
    expect(first.alarms.map(r => r.alarmName)).toEqual([
      'pay-error-rate',
      'pay-latency',
      'pay-cpu',
    ]);
    expect(first.alarmsTotal).toBe(3);
    expect(first.counts).toMatchObject({ alarms: 3, neverFired: 1 });
    // One snapshot read for the alarms: no entity snapshot is listed or read.
    expect(reads.filter(r => r.includes('alerts.entity'))).toEqual([]);
    expect(reads).toContain(`get ${ALERTS_OVERVIEW_KIND}`);

    // A new alarm of the entity, flapping since A's last refresh; A's next
    // refresh, ten hours later (the same UTC day).
    now += 10 * HOUR;
    cloudwatch.store.addAlarm({
      name: 'pay-queue-depth',
      description: 'Runbook: https://runbooks.example/pay/queue',
      metric: metric('AWS/SQS', 'ApproximateNumberOfMessagesVisible'),
      threshold: 100,
      comparisonOperator: 'GreaterThanThreshold',
      period: 60,
      evaluationPeriods: 1,
      stateReason: 'Threshold Crossed',
      state: 'OK',
      stateUpdatedAt: new Date(now - 2 * MINUTE),
      history: flaps(NOW + HOUR, 4),
    });
    await a.service.refreshAlarms();

    const second = await b.service.getOverview(user);
    expect(second.alarmsTotal).toBe(4);
    expect(second.counts).toMatchObject({ alarms: 4, flapping: 2 });
    expect(second.alarms.map(r => r.alarmName)).toContain('pay-queue-depth');
    expect(second.freshness.alarms.fetchedAt).toBe(new Date(now).toISOString());
    const top = await b.service.getOverview(user, { limit: 1 });
    expect(top.alarms).toHaveLength(1);
    expect(top.alarmsTotal).toBe(4);
    expect(top.counts.alarms).toBe(4);
    expect(reads.filter(r => r.includes('alerts.entity'))).toEqual([]);
  });
});
