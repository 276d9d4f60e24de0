import { TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import {
  MetricDataRequest,
  MetricSeries,
  MetricsProvider,
} from '@opsportal/plugin-ops-node';
import { Knex } from 'knex';
import { applyDatabaseMigrations } from '../database/migrations';
import { analyseTarget } from './CapacityService';
import { CollectedMetric, collectCapacityData } from './collect';
import { readCapacityConfig } from './config';
import { CapacitySeriesStore } from './seriesStore';
import { capacityTarget } from './targets';

jest.setTimeout(120_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'MYSQL_8', 'SQLITE_3'],
});

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Nine minutes into an hour: running hours and minutes are partial. */
const T0 = Date.UTC(2026, 2, 18, 10, 9, 30);

/** A metric minute by minute: its value, or undefined where there is no data. */
type Truth = (minute: number) => number | undefined;

const wave = (level: number, amplitude: number, hours: number) => (m: number) =>
  level + amplitude * Math.sin((m / (hours * HOUR)) * 2 * Math.PI);

/** CPU above 70 % now and then (daily peaks), with a hole of six hours. */
const cpu: Truth = m => {
  if (m >= T0 - 9 * DAY && m < T0 - 9 * DAY + 6 * HOUR) return undefined;
  return wave(58, 14, 24)(m) + ((m / MIN) % 17) * 0.3;
};

const TRUTHS: Record<string, Truth> = {
  pod_cpu_utilization_over_pod_limit: cpu,
  pod_memory_utilization_over_pod_limit: m => wave(70, 12, 31)(m),
  pod_network_rx_bytes: m => wave(5e5, 1e5, 24)(m),
  pod_network_tx_bytes: m => wave(1e6, 2e5, 24)(m),
  service_number_of_running_pods: m => Math.round(wave(5, 3, 24)(m)),
  RequestCount: m => wave(1000, 400, 24)(m) + ((m / MIN) % 13),
  TargetResponseTime: m => wave(0.8, 0.5, 12)(m),
};

/**
 * A metrics provider that aggregates per-minute truths as CloudWatch does,
 * up to its own "now": buckets of the period from the request's start, the
 * running one holding only its elapsed minutes.
 */
function minutesProvider() {
  let now = T0;
  const requests: MetricDataRequest[] = [];
  const provider: MetricsProvider = {
    id: 'minutes',
    async getMetricData(request) {
      requests.push(request);
      const start = request.start.getTime();
      const end = Math.min(request.end.getTime(), now);
      const byId = new Map(request.queries.map(q => [q.id, q]));
      return request.queries
        .filter(q => q.returnData !== false)
        .map((q): MetricSeries => {
          // Expressions here are sums of their inputs (`a + b`).
          const inputs = q.metric
            ? [TRUTHS[q.metric.metricName]]
            : q
                .expression!.split('+')
                .map(i => TRUTHS[byId.get(i.trim())!.metric!.metricName]);
          const truth: Truth | undefined = inputs.every(Boolean)
            ? m => {
                let sum = 0;
                for (const f of inputs) {
                  const v = f(m);
                  if (v === undefined) return undefined;
                  sum += v;
                }
                return sum;
              }
            : undefined;
          const stat = q.stat ?? byId.get(`${q.id}_0`)?.stat;
          const timestamps: number[] = [];
          const values: number[] = [];
          const periodMs = q.period * 1000;
          for (let t = start; truth && t < end; t += periodMs) {
            let sum = 0;
            let max = -Infinity;
            let n = 0;
            for (let m = t; m < Math.min(t + periodMs, end); m += MIN) {
              const v = truth(Math.floor(m / MIN) * MIN);
              if (v === undefined) continue;
              sum += v;
              max = Math.max(max, v);
              n++;
            }
            if (n === 0) continue;
            timestamps.push(t);
            if (stat === 'Sum') values.push(sum);
            else if (stat === 'Maximum') values.push(max);
            else values.push(sum / n);
          }
          return { id: q.id, timestamps, values, status: 'Complete' };
        });
    },
  };
  return {
    provider,
    requests,
    setNow: (t: number) => {
      now = t;
    },
  };
}

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'order-service',
    namespace: 'default',
    annotations: {
      'opsportal.dev/container-service': 'prod/shop/order-service',
      'opsportal.dev/alb': 'app/shop/1',
      'opsportal.dev/alb-target-group': 'targetgroup/order/2',
    },
  },
  spec: { type: 'service' },
};

const target = capacityTarget(
  entity,
  readCapacityConfig(new ConfigReader({})),
)!;

/** Collects at `now` (with or without a store) and analyses. */
async function refreshAt(
  now: number,
  store: CapacitySeriesStore | undefined,
  upstream = minutesProvider(),
) {
  upstream.setNow(now);
  const from = upstream.requests.length;
  const stats = { full: 0, continued: 0 };
  const data = await collectCapacityData(
    upstream.provider,
    [target],
    { now, store },
    stats,
  );
  const { detail, summary } = analyseTarget(
    target,
    data.get(target.entityRef)!,
    now,
    180,
  );
  return {
    data,
    detail,
    summary,
    stats,
    requests: upstream.requests.slice(from),
  };
}

/** Collected data with every series as plain arrays, to compare values. */
function plain(data: Map<string, Map<string, CollectedMetric>>) {
  const series = (s: {
    timestamps: ArrayLike<number>;
    values: ArrayLike<number>;
  }) => ({
    timestamps: Array.from(s.timestamps),
    values: Array.from(s.values),
  });
  return [...data].map(([ref, metrics]) => [
    ref,
    [...metrics].map(([id, m]) => ({
      id,
      ...m,
      hourly: series(m.hourly),
      fine: m.fine?.map(f => ({ ...f, series: series(f.series) })),
    })),
  ]);
}

/** A request's window, by the period of its queries. */
function byPeriod(requests: MetricDataRequest[]) {
  return new Map(
    requests.map(r => [
      r.queries[0].period,
      { start: r.start.getTime(), end: r.end.getTime() },
    ]),
  );
}

describe.each(databases.eachSupportedId())(
  'incremental capacity reads on %s',
  id => {
    let knex: Knex;
    let store: CapacitySeriesStore;

    beforeEach(async () => {
      knex = await databases.init(id);
      await applyDatabaseMigrations(knex);
      store = new CapacitySeriesStore(async () => knex);
    });

    it('reads only the new hour an hour later, and analyses as a full read would', async () => {
      const upstream = minutesProvider();
      const cold = await refreshAt(T0, store, upstream);
      expect(cold.stats).toEqual({ full: 14, continued: 0 });

      const t1 = T0 + HOUR;
      const warm = await refreshAt(t1, store, upstream);
      expect(warm.stats).toEqual({ full: 0, continued: 14 });
      // From 15 minutes before the last refresh (late datapoints), on each
      // window's period; the 5-minute window's end moved by an hour too.
      const windows = byPeriod(warm.requests);
      expect(windows.get(3600)).toEqual({
        start: Date.UTC(2026, 2, 18, 9),
        end: t1,
      });
      expect(windows.get(60)).toEqual({
        start: Date.UTC(2026, 2, 18, 9, 54),
        end: t1,
      });
      const fine = byPeriod(cold.requests).get(300)!;
      expect(windows.get(300)).toEqual({
        start: fine.end - 15 * MIN,
        end: fine.end + HOUR,
      });

      const full = await refreshAt(t1, undefined);
      // The same datapoints (stored ones come in typed arrays).
      expect(plain(warm.data)).toEqual(plain(full.data));
      expect(warm.detail).toEqual(full.detail);
      expect(warm.summary).toEqual(full.summary);
      expect(warm.detail.metrics.find(m => m.id === 'cpu')!.triggers30d).toBe(
        full.detail.metrics.find(m => m.id === 'cpu')!.triggers30d,
      );

      // And again (the hour after), now from chunks written by a warm read.
      const t2 = t1 + HOUR + 7 * MIN;
      const again = await refreshAt(t2, store, upstream);
      expect(again.stats.continued).toBe(14);
      expect(again.detail).toEqual((await refreshAt(t2, undefined)).detail);
    });

    it('continues from the stored series after a restart (a new store on the same database)', async () => {
      await refreshAt(T0, store);
      const restarted = new CapacitySeriesStore(async () => knex);
      const t1 = T0 + 3 * HOUR;
      const warm = await refreshAt(t1, restarted);
      expect(warm.stats).toEqual({ full: 0, continued: 14 });
      expect(byPeriod(warm.requests).get(60)!.start).toBe(
        Date.UTC(2026, 2, 18, 9, 54),
      );
      expect(warm.detail).toEqual((await refreshAt(t1, undefined)).detail);
    });

    it('reads a window in full when the refreshes missed more than it holds', async () => {
      await refreshAt(T0, store);
      // 16 days later: the stored 1-minute and 5-minute values all lie
      // before the new windows; the hourly ones still cover the start.
      const later = T0 + 16 * DAY;
      const warm = await refreshAt(later, store);
      expect(warm.stats).toEqual({ full: 6, continued: 8 });
      const windows = byPeriod(warm.requests);
      const full = await refreshAt(later, undefined);
      const fullWindows = byPeriod(full.requests);
      expect(windows.get(60)).toEqual(fullWindows.get(60));
      expect(windows.get(300)).toEqual(fullWindows.get(300));
      expect(windows.get(3600)!.start).toBe(Date.UTC(2026, 2, 18, 9));
      expect(warm.detail).toEqual(full.detail);

      // Old chunks are gone: nothing stored ends before its window starts.
      const rows = await knex('ops_capacity_series').select(
        'series_window',
        'chunk_start',
        'period_seconds',
      );
      const ends = (window: string) =>
        rows
          .filter(row => row.series_window === window)
          .map(
            row =>
              Number(row.chunk_start) +
              Number(row.period_seconds) * 1000 * 1440,
          );
      expect(Math.min(...ends('hourly'))).toBeGreaterThan(later - 90 * DAY);
      expect(Math.min(...ends('fine'))).toBeGreaterThan(later - 30 * DAY);
      expect(Math.min(...ends('minute'))).toBeGreaterThan(later - 15 * DAY);
    });

    it('removes the series of entities the refreshing shard no longer has', async () => {
      await refreshAt(T0, store);
      const count = async () =>
        Number((await knex('ops_capacity_series').count({ n: '*' }))[0].n);
      expect(await count()).toBeGreaterThan(0);
      // Another shard's entity: kept.
      await store.retain([], () => false);
      expect(await count()).toBeGreaterThan(0);
      await store.retain([target.entityRef], () => true);
      expect(await count()).toBeGreaterThan(0);
      await store.retain([], () => true);
      expect(await count()).toBe(0);
    });

    it('reads a metric in full again when its queries change', async () => {
      await refreshAt(T0, store);
      const p99 = readCapacityConfig(
        new ConfigReader({
          ops: {
            capacity: {
              customMetrics: [
                {
                  id: 'latencyP95',
                  namespace: 'AWS/ApplicationELB',
                  metricName: 'TargetResponseTime',
                  stat: 'p99',
                  dimensions: {
                    LoadBalancer: '{loadBalancer}',
                    TargetGroup: '{targetGroup}',
                  },
                },
              ],
            },
          },
        }),
      );
      const changed = capacityTarget(entity, p99)!;
      const upstream = minutesProvider();
      upstream.setNow(T0 + HOUR);
      const stats = { full: 0, continued: 0 };
      await collectCapacityData(
        upstream.provider,
        [changed],
        { now: T0 + HOUR, store },
        stats,
      );
      // latencyP95's three windows, now asked as p99.
      expect(stats).toEqual({ full: 3, continued: 11 });
    });
  },
);
