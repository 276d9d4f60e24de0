import fs from 'node:fs';
import path from 'node:path';
import {
  TestDatabases,
  mockCredentials,
  mockServices,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  FakeCloudWatch,
  createPlatformStore,
  startFakeCloudWatch,
} from '@internal/fake-upstreams';
import { CloudWatchProvider } from '@opsportal/plugin-ops-backend-module-cloudwatch';
import { MetricDataRequest, MetricsProvider } from '@opsportal/plugin-ops-node';
import {
  ANNOTATION_PROMETHEUS_JOB,
  CAPACITY_ANNOTATIONS,
} from '@opsportal/plugin-ops-common';
import { Knex } from 'knex';
import { parseAllDocuments } from 'yaml';
import { applyDatabaseMigrations } from '../database/migrations';
import { DatabaseSnapshotStore } from '../snapshots/SnapshotStore';
import { CAPACITY_KIND, CapacityService } from './CapacityService';
import { readCapacityConfig } from './config';

jest.setTimeout(300_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'MYSQL_8', 'SQLITE_3'],
});

/**
 * The example platform's components with CloudWatch capacity metrics, as
 * the catalog serves them (those read from Prometheus only are tested in
 * prometheus.test.ts: this test's provider is CloudWatch alone).
 */
function exampleServices(): Entity[] {
  const dir = path.resolve(__dirname, '../../../../examples/services');
  const cloudWatch = CAPACITY_ANNOTATIONS.filter(
    a => a !== ANNOTATION_PROMETHEUS_JOB,
  );
  return fs
    .readdirSync(dir)
    .filter(f => f.endsWith('.yaml'))
    .flatMap(f =>
      parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map(
        d => d.toJS() as Entity,
      ),
    )
    .filter(e => cloudWatch.some(a => e.metadata.annotations?.[a]));
}

const DAY = 86_400_000;
// The fake's anchor, minute-aligned like the real one.
const ANCHOR = Date.UTC(2026, 2, 18, 10, 7);
const SEARCH = 'component:default/search-service';
const user = mockCredentials.user();

/** Counts provider requests (not upstream calls) on a real provider. */
function counting(provider: MetricsProvider) {
  const requests: MetricDataRequest[] = [];
  return {
    requests,
    provider: {
      id: provider.id,
      getMetricData: (request: MetricDataRequest) => {
        requests.push(request);
        return provider.getMetricData(request);
      },
    } as MetricsProvider,
  };
}

describe.each(databases.eachSupportedId())('CapacityService on %s', id => {
  let cloudwatch: FakeCloudWatch;

  beforeAll(async () => {
    cloudwatch = await startFakeCloudWatch({
      port: 0,
      store: createPlatformStore(ANCHOR),
      now: () => ANCHOR,
    });
  });
  afterAll(() => cloudwatch.close());

  async function setup(
    options: {
      entities?: Entity[];
      knex?: Knex;
      provider?: MetricsProvider;
    } = {},
  ) {
    const knex = options.knex ?? (await databases.init(id));
    if (!options.knex) await applyDatabaseMigrations(knex);
    let now = ANCHOR;
    const clock = { now: () => new Date(now) };
    const snapshots = new DatabaseSnapshotStore(knex, clock);
    const real = new CloudWatchProvider({
      region: 'us-east-1',
      endpoint: cloudwatch.url,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 2,
      requestTimeoutMs: 120_000,
      // The fake answers in this process: a call at a time, so that a large
      // answer being built does not hold another call's connection past the
      // provider's 5-second connect timeout.
      concurrency: 1,
      logger: mockServices.logger.mock(),
    });
    const { provider, requests } = counting(real);
    const catalog = catalogServiceMock({
      entities: options.entities ?? exampleServices(),
    });
    const service = new CapacityService({
      config: readCapacityConfig(
        new ConfigReader({
          ops: {
            capacity: {
              customMetrics: [
                {
                  id: 'diskIo',
                  namespace: 'ECommerce/Capacity',
                  metricName: 'DiskIOUtilization',
                  dimensions: {
                    ClusterName: '{cluster}',
                    Service: '{service}',
                  },
                },
              ],
            },
          },
        }),
      ),
      snapshots,
      catalog,
      auth: mockServices.auth(),
      metrics: options.provider ?? provider,
      logger: mockServices.logger.mock(),
      clock,
    });
    return {
      knex,
      service,
      snapshots,
      requests,
      advance: (ms: number) => {
        now += ms;
      },
    };
  }

  describe('after a refresh', () => {
    let refreshed: Awaited<ReturnType<typeof setup>>;
    let result: { services: number; failed: number };
    let upstreamCalls: number;
    let datapoints: number;

    beforeAll(async () => {
      refreshed = await setup();
      const before = { ...cloudwatch.stats };
      result = await refreshed.service.refreshAll();
      upstreamCalls =
        cloudwatch.stats.getMetricDataCalls - before.getMetricDataCalls;
      datapoints =
        cloudwatch.stats.datapointsReturned - before.datapointsReturned;
    });

    it('shows search-service heading for its CPU limit within weeks, with this month’s trigger episodes', async () => {
      const { service, requests } = refreshed;
      expect(result).toEqual({ services: 5, failed: 0 });
      // All five services in one request per window: 90 days hourly; the
      // 30-day trigger window at 5 minutes up to 15 days ago, at 1 minute since.
      expect(requests.map(r => r.queries[0].period)).toEqual([3600, 300, 60]);
      // Packed full: at most one call per window beyond what the datapoints
      // need at 100,800 a call.
      expect(upstreamCalls).toBeLessThanOrEqual(
        Math.ceil(datapoints / 100_800) + 3,
      );

      const { data, stale } = await service.getEntityCapacity(
        SEARCH,
        '30d',
        user,
      );
      expect(stale).toBe(false);
      const cpu = data!.metrics.find(m => m.id === 'cpu')!;
      expect(data!.bindingMetricId).toBe('cpu');
      expect(cpu.forecast.status).toBe('crossing');
      expect(cpu.forecast.daysToLimit).toBeGreaterThan(14);
      expect(cpu.forecast.daysToLimit).toBeLessThan(35);
      // The fake's CPU grows cleanly, so the interval of the crossing is
      // narrower than a day's growth: all three fall on the same daily peak.
      expect(Date.parse(cpu.forecast.earliestAt!)).toBeLessThanOrEqual(
        Date.parse(cpu.forecast.crossingAt!),
      );
      expect(Date.parse(cpu.forecast.latestAt!)).toBeGreaterThanOrEqual(
        Date.parse(cpu.forecast.crossingAt!),
      );
      expect(cpu.forecast.confidence).toBe('high');
      // A 10-minute breach, then three sustained ones (CPU > 70 % for 15+ minutes).
      expect(cpu.triggers30d).toBe(3);
      expect(cpu.episodes.map(e => e.sustained)).toEqual([
        false,
        true,
        true,
        true,
      ]);
      expect(
        cpu.episodes.map(e => Math.round(e.durationMinutes / 5) * 5),
      ).toEqual([10, 50, 25, 35]);
      // Found in 5-minute data beyond 15 days ago, in 1-minute data since.
      expect(cpu.episodes.map(e => e.periodSeconds)).toEqual([
        300, 300, 60, 60,
      ]);
      expect(cpu.headroom).toBeGreaterThan(0);
      expect(cpu.headroom).toBeLessThan(12);
      expect(cpu.growth!.perWeek).toBeGreaterThan(1.2);
      expect(cpu.growth!.perWeek).toBeLessThan(1.8);
      expect(data!.metrics.map(m => m.id)).toEqual([
        'cpu',
        'memory',
        'diskIo',
        'network',
        'requestRate',
        'latencyP50',
        'latencyP95',
        'latencyP99',
        'replicas',
      ]);
      expect(data!.autoscaling).toEqual(
        expect.objectContaining({
          minReplicas: 2,
          maxReplicas: 10,
          nodes: { min: 3, max: 20, targetCpu: 70 },
        }),
      );
      expect(cpu.history.length).toBeGreaterThan(170);
      expect(cpu.band.length).toBe(180);
    });

    it('ranks search-service first in the review, with its triggers and trend', async () => {
      const { service } = refreshed;

      const review = await service.getReview(user);

      expect(review.rows.map(r => r.entityRef)).toEqual([
        SEARCH,
        ...review.rows.slice(1).map(r => r.entityRef),
      ]);
      expect(review.rows).toHaveLength(5);
      const [first] = review.rows;
      expect(first.binding?.id).toBe('cpu');
      expect(first.triggers30d).toBe(3);
      expect(first.binding?.growth?.percentPerWeek).toBeGreaterThan(1);
      const order = review.rows.find(
        r => r.entityRef === 'component:default/order-service',
      )!;
      expect(order.metrics.find(m => m.id === 'queueDepth')?.triggers30d).toBe(
        4,
      );
      // Nobody else is heading for a limit within the horizon.
      for (const row of review.rows.slice(1)) {
        expect(row.binding?.forecast.status).toBe('no-limit-in-sight');
      }
    });

    it('tells of the gap in customer-service’s data', async () => {
      const { service } = refreshed;
      const { data } = await service.getEntityCapacity(
        'component:default/customer-service',
        '30d',
        user,
      );
      const cpu = data!.metrics.find(m => m.id === 'cpu')!;
      expect(cpu.coverage).toBeLessThan(1);
      const gapStart = Math.floor(ANCHOR / DAY) * DAY - 9 * DAY + 2 * 3_600_000;
      expect(
        cpu.history.filter(
          b => b.t >= gapStart && b.t < gapStart + 4 * 3_600_000,
        ),
      ).toEqual([]);
    });

    it('keeps serving the last good data, with its age and the error, when CloudWatch fails', async () => {
      // Last in this block: it moves the clock and fails a refresh.
      const { service, advance } = refreshed;
      advance(60 * 60_000);
      cloudwatch.faults.push({ kind: 'access-denied' });

      const failedRun = await service.refreshAll();

      expect(failedRun.failed).toBe(5);
      const snapshot = await service.getEntityCapacity(SEARCH, '7d', user);
      expect(snapshot.stale).toBe(true);
      expect(snapshot.error).toMatch(/AccessDenied.*not authorized/);
      expect(snapshot.fetchedAt).toBe(new Date(ANCHOR).toISOString());
      expect(
        snapshot.data!.metrics.find(m => m.id === 'cpu')!.triggers30d,
      ).toBe(3);
      const review = await service.getReview(user);
      expect(review.rows[0]).toEqual(
        expect.objectContaining({ entityRef: SEARCH, stale: true }),
      );
    });
  });

  it('fetches on demand a service that was never refreshed, once for concurrent readers', async () => {
    const { service, requests, snapshots } = await setup();
    expect(await snapshots.get(CAPACITY_KIND, SEARCH)).toBeUndefined();

    const [a, b] = await Promise.all([
      service.getEntityCapacity(SEARCH, '90d', user),
      service.getEntityCapacity(SEARCH, '7d', user),
    ]);

    // One request per window: hourly, 5-minute and 1-minute.
    expect(requests).toHaveLength(3);
    expect(a.data!.range).toBe('90d');
    expect(b.data!.range).toBe('7d');
    // A 7-day chart in hourly buckets; a 90-day chart in 12-hour buckets.
    expect(b.data!.metrics[0].stepMs).toBe(3_600_000);
    expect(a.data!.metrics[0].stepMs).toBe(12 * 3_600_000);
  });

  it('answers only for entities the user can see, and drops services gone from the catalog', async () => {
    const first = await setup();
    await first.service.getEntityCapacity(SEARCH, '30d', user);
    expect(await first.snapshots.get(CAPACITY_KIND, SEARCH)).toBeDefined();

    // The same database, a catalog without search-service (deleted, or not
    // visible to this user), and no CloudWatch to ask.
    const unreachable: MetricsProvider = {
      id: 'down',
      getMetricData: async () => {
        throw new Error('CloudWatch is not reachable');
      },
    };
    const fewer = await setup({
      knex: first.knex,
      entities: exampleServices().filter(
        e => e.metadata.name !== 'search-service',
      ),
      provider: unreachable,
    });
    const review = await fewer.service.getReview(user);
    expect(review.rows.map(r => r.entityRef)).not.toContain(SEARCH);
    // The others were never fetched: they are listed with the error.
    expect(review.rows).toHaveLength(4);
    expect(review.rows[0]).toEqual(
      expect.objectContaining({
        stale: true,
        error: 'CloudWatch is not reachable',
      }),
    );
    await expect(
      fewer.service.getEntityCapacity(SEARCH, '30d', user),
    ).rejects.toThrow(/No entity component:default\/search-service/);

    await fewer.service.refreshAll();
    expect(await fewer.snapshots.get(CAPACITY_KIND, SEARCH)).toBeUndefined();
  });

  it('says which annotations are missing for an entity without them', async () => {
    const plain: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'docs-site' },
      spec: { type: 'website' },
    };
    const { service } = await setup({ entities: [plain] });
    await expect(
      service.getEntityCapacity('component:default/docs-site', '30d', user),
    ).rejects.toThrow(/opsportal.dev\/container-service/);
  });
});
