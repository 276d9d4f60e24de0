import { hash, unit } from '../random';
import { TrafficModel } from './sloSeries';
import { MetricStore, SeriesGenerator } from './store';

/*
 * The metrics behind two of the seed's performance SLOs, from 40 days
 * before the anchor's day on, computed from the anchor so every run tells
 * the same story:
 *
 * - storefront's page loads from CloudWatch RUM (`AWS/RUM`
 *   `PerformanceNavigationDuration`, milliseconds, dimension
 *   `application_name`): p95 about 1.7 s, under the 2 s objective, except
 *   an evening eleven days ago when a heavy bundle shipped and page loads
 *   were 1.6x slower for 90 minutes (p95 about 2.8 s: 18 bad 5-minute
 *   slices, a fifth of a 99 % budget);
 * - the ElastiCache Redis cache's hit rate (`AWS/ElastiCache`
 *   `CacheHitRate`, percent, per `CacheClusterId` and per node), about
 *   94-95 %, lower at the daily peak; six days ago a failover came up with
 *   an empty cache, and the hit rate climbed back from 55 % over about 45
 *   minutes (nine 5-minute slices under 90 %). `CacheHits` and `CacheMisses` agree.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const HISTORY_DAYS = 40;

/** CloudWatch RUM app monitor of the storefront. */
export const RUM_APPLICATION = 'storefront';
/** The ElastiCache replication group and its primary node's cluster id. */
export const CACHE_REPLICATION_GROUP = 'ecommerce-cache';
export const CACHE_CLUSTER_ID = 'ecommerce-cache-001';

/** `p95`-style statistics of a list of values, and the usual named ones. */
function statOf(values: number[], stat: string): number | undefined {
  if (values.length === 0) return undefined;
  const sum = values.reduce((a, b) => a + b, 0);
  const percentile = /^p(\d+(?:\.\d+)?)$/.exec(stat);
  if (percentile) {
    const sorted = [...values].sort((a, b) => a - b);
    const rank = (Number(percentile[1]) / 100) * (sorted.length - 1);
    return sorted[Math.round(rank)];
  }
  switch (stat) {
    case 'Average':
      return sum / values.length;
    case 'Sum':
      return sum;
    case 'SampleCount':
      return values.length;
    case 'Maximum':
      return Math.max(...values);
    case 'Minimum':
      return Math.min(...values);
    default:
      return undefined;
  }
}

/** PerformanceNavigationDuration: one datapoint per page load, milliseconds. */
function pageLoadStat(model: TrafficModel): SeriesGenerator {
  return (start, period, stat) => {
    const end = start + period * 1000;
    if (!model.covers(start, end)) return undefined;
    const loads = model.sum(start, end, s => s.requestsPerMinute);
    if (loads === 0) return undefined;
    const percentile = /^p(\d+(?:\.\d+)?)$/.exec(stat);
    if (percentile) {
      const q = Number(percentile[1]) / 100;
      return model.latencyQuantile(start, end, q) * 1000;
    }
    switch (stat) {
      case 'SampleCount':
        return loads;
      case 'Average':
      case 'Sum': {
        const total =
          model.sum(
            start,
            end,
            s =>
              s.requestsPerMinute *
              s.median *
              Math.exp((s.sigma * s.sigma) / 2),
          ) * 1000;
        return stat === 'Sum' ? total : total / loads;
      }
      case 'Maximum':
        return model.latencyQuantile(start, end, 0.9999) * 1000;
      case 'Minimum':
        return model.latencyQuantile(start, end, 0.0001) * 1000;
      default:
        return undefined;
    }
  };
}

/** One minute of the cache: lookups, and the share that hit. */
export function cacheMinute(anchor: number, minute: number) {
  const t = minute * MINUTE;
  const seed = hash('elasticache|ecommerce-cache');
  const hourOfDay = (t % DAY) / HOUR;
  // Busiest at 14:00 UTC; the hit rate dips a little at the peak.
  const load = Math.cos(((hourOfDay - 14) / 24) * 2 * Math.PI);
  const lookups = Math.round(
    12_000 * (1 + 0.35 * load) * (0.95 + 0.1 * unit(`${seed}|l|${minute}`)),
  );
  let rate = 94.8 - 0.8 * load + (unit(`${seed}|h|${minute}`) - 0.5) * 1.2;
  // The failover six days ago: an empty cache warming up again.
  const today = Math.floor(anchor / DAY) * DAY;
  const failover = today - 6 * DAY + 3 * HOUR + 10 * MINUTE;
  if (t >= failover && t < failover + 3 * HOUR) {
    const warm = 1 - Math.exp(-(t - failover) / (22 * MINUTE));
    rate = 55 + (rate - 55) * warm;
  }
  const hits = Math.round((lookups * rate) / 100);
  return { lookups, hits, misses: lookups - hits };
}

/** A CloudWatch statistic of one of the cache's per-minute metrics. */
function cacheStat(
  anchor: number,
  value: (m: ReturnType<typeof cacheMinute>) => number,
): SeriesGenerator {
  const first = Math.floor(anchor / DAY) * DAY - HISTORY_DAYS * DAY;
  return (start, period, stat) => {
    const end = start + period * 1000;
    if (start < first) return undefined;
    const values: number[] = [];
    for (let t = start; t < end; t += MINUTE) {
      values.push(value(cacheMinute(anchor, Math.floor(t / MINUTE))));
    }
    return statOf(values, stat);
  };
}

/** Adds the RUM and ElastiCache metrics of the storefront and the cache SLOs. */
export function addPerformanceSloSeries(store: MetricStore, anchor: number) {
  const today = Math.floor(anchor / DAY) * DAY;
  const storefront = new TrafficModel(
    {
      name: 'storefront-rum',
      targetGroup: '',
      // Page loads a minute, and their time in seconds (log-normal).
      requestsPerMinute: 220,
      p5xx: 0,
      p4xx: 0,
      latencyMedian: 0.9,
      latencySigma: 0.4,
      episodes: [
        {
          from: today - 11 * DAY + 19 * HOUR,
          to: today - 11 * DAY + 20.5 * HOUR,
          latencyFactor: 1.6,
        },
      ],
    },
    anchor,
  );
  store.add({
    key: {
      namespace: 'AWS/RUM',
      metricName: 'PerformanceNavigationDuration',
      dimensions: { application_name: RUM_APPLICATION },
    },
    generate: pageLoadStat(storefront),
  });

  const cacheMetrics: [
    string,
    (m: ReturnType<typeof cacheMinute>) => number,
  ][] = [
    ['CacheHitRate', m => (m.lookups ? (m.hits / m.lookups) * 100 : 0)],
    ['CacheHits', m => m.hits],
    ['CacheMisses', m => m.misses],
  ];
  for (const [metricName, value] of cacheMetrics) {
    const nodes: Record<string, string>[] = [
      { CacheClusterId: CACHE_CLUSTER_ID },
      { CacheClusterId: CACHE_CLUSTER_ID, CacheNodeId: '0001' },
    ];
    for (const dimensions of nodes) {
      store.add({
        key: { namespace: 'AWS/ElastiCache', metricName, dimensions },
        generate: cacheStat(anchor, value),
      });
    }
  }
}
