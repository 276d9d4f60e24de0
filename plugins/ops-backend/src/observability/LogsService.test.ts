import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  createFakeCloudWatchLogs,
  FakeCloudWatch,
  FakeLogGroup,
  MetricStore,
  startFakeCloudWatch,
} from '@internal/fake-upstreams';
import { CloudWatchLogsProvider } from '@opsportal/plugin-ops-backend-module-cloudwatch';
import { normaliseLogMessage } from '@opsportal/plugin-ops-common';
import { applyDatabaseMigrations } from '../database/migrations';
import { DatabaseSnapshotStore } from '../snapshots/SnapshotStore';
import {
  defaultObservabilityLogsConfig,
  ObservabilityLogsConfig,
} from './config';
import { LogsService } from './LogsService';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

// Minutes into the hour, as a refresh runs.
const NOW = Date.parse('2026-12-05T15:37:20Z');
const END = Date.parse('2026-12-05T15:37:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function group(name: string, extra: Partial<FakeLogGroup> = {}): FakeLogGroup {
  return {
    name,
    service: name.split('/').pop()!,
    retentionDays: 30,
    eventsPerMinute: 2,
    errorShare: 0.05,
    warnShare: 0.08,
    errors: [
      'Payment for order {id} failed after {ms} ms',
      'Lost connection to 10.0.{n}.7:5432',
    ],
    warnings: ['Slow query: {ms} ms'],
    infos: ['Order {id} created'],
    ...extra,
  };
}

function entity(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  };
}

const orders = entity('order-service', {
  'opsportal.dev/log-groups':
    '/shop/order-service, /shop/order-worker, /shop/gone',
  'opsportal.dev/cloudwatch-region': 'eu-west-1',
});
const payments = entity('payment-service', {
  'opsportal.dev/log-groups': '/shop/payment-service',
});

describe('LogsService', () => {
  let fake: FakeCloudWatch;

  beforeAll(async () => {
    fake = await startFakeCloudWatch({
      store: new MetricStore(),
      port: 0,
      now: () => NOW,
      logs: createFakeCloudWatchLogs({
        now: () => NOW,
        groups: [
          group('/shop/order-service'),
          group('/shop/order-worker', { retentionDays: 7, errorShare: 0.1 }),
          group('/shop/payment-service', { retentionDays: undefined }),
        ],
      }),
    });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.faults.length = 0;
    fake.reset();
  });

  async function setup(
    entities: Entity[],
    config: Partial<ObservabilityLogsConfig> = {},
    withProvider = true,
  ) {
    const knex = await databases.init('SQLITE_3');
    await applyDatabaseMigrations(knex);
    const clock = { now: () => new Date(NOW) };
    const logger = mockServices.logger.mock();
    const provider = new CloudWatchLogsProvider({
      region: 'us-east-1',
      endpoint: fake.url,
      credentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }),
      maxAttempts: 1,
      requestTimeoutMs: 5000,
      concurrency: 2,
      logger,
      pollIntervalMs: 1,
      maxPollIntervalMs: 2,
    });
    const service = new LogsService({
      catalog: catalogServiceMock({ entities }),
      auth: mockServices.auth(),
      snapshots: new DatabaseSnapshotStore(knex, clock),
      logs: withProvider ? provider : undefined,
      config: { ...defaultObservabilityLogsConfig, ...config },
      logger,
      clock,
    });
    return { service, logger };
  }

  it("counts an entity's errors and warnings over 1 h and 1 d, groups its error messages and checks retention", async () => {
    const { service, logger } = await setup([orders]);
    const before = fake.logs.stats.bytesScanned;
    const run = await service.refresh();
    const logs = (await service.forEntity(orders))!;

    const events = ['/shop/order-service', '/shop/order-worker'].flatMap(name =>
      fake.logs.events(name, END - DAY, END),
    );
    const count = (level: string, since: number) =>
      events.filter(e => e.level === level && e.timestamp >= since).length;
    expect(logs.counts).toEqual([
      {
        window: '1h',
        errors: count('ERROR', END - HOUR),
        warnings: count('WARN', END - HOUR),
      },
      {
        window: '1d',
        errors: count('ERROR', END - DAY),
        warnings: count('WARN', END - DAY),
      },
    ]);
    expect(logs.counts[0].errors).toBeGreaterThan(0);

    // Messages that differ only in ids and numbers are one message.
    const errors = events.filter(e => e.level === 'ERROR');
    const expected = new Map<string, number>();
    for (const e of errors) {
      const m = normaliseLogMessage(e.message);
      expected.set(m, (expected.get(m) ?? 0) + 1);
    }
    expect(logs.topErrors.map(t => [t.message, t.count])).toEqual(
      [...expected].sort((a, b) => b[1] - a[1]),
    );
    expect(logs.topErrors[0].message).toMatch(/<n>/);
    expect(logs.topErrors[0].lastSeen).toMatch(/^2026-12-05T15:3\d:/);

    expect(logs.retention).toEqual([
      expect.objectContaining({ name: '/shop/order-service', verdict: 'ok' }),
      expect.objectContaining({
        name: '/shop/order-worker',
        verdict: 'shorter',
        retentionDays: 7,
      }),
      expect.objectContaining({ name: '/shop/gone', verdict: 'missing' }),
    ]);
    expect(logs.policy).toEqual({ hotDays: 30, archiveDays: 365 });
    expect(logs.region).toBe('eu-west-1');
    expect(logs.insightsUrl).toMatch(
      /^https:\/\/eu-west-1\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=eu-west-1#logsV2:logs-insights\$3FqueryDetail\$3D/,
    );
    expect(logs).toMatchObject({ stale: false, fetchedAt: expect.any(String) });
    expect(logs.error).toBeUndefined();

    // Only the existing groups were queried; the bytes scanned are summed and logged.
    for (const r of fake.requests.filter(q =>
      String(q.headers['x-amz-target']).endsWith('.StartQuery'),
    )) {
      expect(JSON.parse(r.body).logGroupNames).toEqual([
        '/shop/order-service',
        '/shop/order-worker',
      ]);
    }
    expect(run.bytesScanned).toBe(fake.logs.stats.bytesScanned - before);
    expect(logs.bytesScanned).toBe(run.bytesScanned);
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringContaining(`scanned ${run.bytesScanned} bytes`),
    );
  });

  it('keeps the last good logs with the error when a refresh fails', async () => {
    const { service } = await setup([orders]);
    await service.refresh();
    const good = (await service.forEntity(orders))!;

    fake.faults.push({ kind: 'access-denied' });
    const run = await service.refresh();
    const logs = (await service.forEntity(orders))!;

    expect(run.failed).toBe(1);
    expect(logs.counts).toEqual(good.counts);
    expect(logs.stale).toBe(true);
    expect(logs.error).toMatch(/the credentials need logs:DescribeLogGroups/);
  });

  it('refreshes at most the configured entities a run, the least recently read first', async () => {
    const { service } = await setup([orders, payments], {
      maxEntitiesPerRefresh: 1,
    });
    expect((await service.refresh()).entities).toBe(1);
    const first = [
      await service.forEntity(orders),
      await service.forEntity(payments),
    ].filter(l => l!.fetchedAt);
    expect(first).toHaveLength(1);

    await service.refresh();
    const both = [
      await service.forEntity(orders),
      await service.forEntity(payments),
    ];
    expect(both.every(l => l!.fetchedAt)).toBe(true);
    expect(both[1]!.retention).toEqual([
      expect.objectContaining({ verdict: 'never-expires' }),
    ]);
  });

  it('answers null without log groups, and says so when no logs provider is installed', async () => {
    const { service } = await setup([orders], {}, false);
    expect(await service.forEntity(entity('x', {}))).toBeNull();
    const logs = (await service.forEntity(orders))!;
    expect(logs.counts).toEqual([]);
    expect(logs.error).toMatch(/No logs provider is installed/);
    expect(await service.refresh()).toEqual({
      entities: 0,
      failed: 0,
      bytesScanned: 0,
    });
  });
});
