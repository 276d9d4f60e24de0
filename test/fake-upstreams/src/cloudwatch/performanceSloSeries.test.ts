import {
  addPerformanceSloSeries,
  CACHE_CLUSTER_ID,
  RUM_APPLICATION,
} from './performanceSloSeries';
import { MetricStore } from './store';

const MINUTE = 60_000;
const DAY = 86_400_000;
// A Saturday afternoon, minutes into the hour like a real start.
const ANCHOR = Date.UTC(2026, 11, 5, 15, 37);
const TODAY = Math.floor(ANCHOR / DAY) * DAY;

function series(
  store: MetricStore,
  key: Parameters<MetricStore['find']>[0],
  day: number,
  stat: string,
) {
  const definition = store.find(key)!;
  const out: { at: string; value: number }[] = [];
  for (let t = day; t < day + DAY; t += 5 * MINUTE) {
    const value = definition.generate(t, 300, stat)!;
    out.push({ at: new Date(t).toISOString().slice(11, 16), value });
  }
  return out;
}

describe('the storefront and cache SLO series', () => {
  const store = new MetricStore();
  addPerformanceSloSeries(store, ANCHOR);

  it('serves page loads in milliseconds, p95 under 2 s but for the slow evening eleven days ago', () => {
    const key = {
      namespace: 'AWS/RUM',
      metricName: 'PerformanceNavigationDuration',
      dimensions: { application_name: RUM_APPLICATION },
    };
    const quiet = series(store, key, TODAY - DAY, 'p95');
    expect(Math.max(...quiet.map(p => p.value))).toBeLessThan(2000);
    expect(Math.min(...quiet.map(p => p.value))).toBeGreaterThan(1000);
    const slow = series(store, key, TODAY - 11 * DAY, 'p95');
    const bad = slow.filter(p => p.value >= 2000).map(p => p.at);
    // 19:00 to 20:30 UTC: eighteen 5-minute slices.
    expect(bad).toHaveLength(18);
    expect(bad[0]).toBe('19:00');
    expect(bad[17]).toBe('20:25');
    // Averages and counts agree with the percentiles' story.
    const definition = store.find(key)!;
    const loads = definition.generate(TODAY - DAY, 3600, 'SampleCount')!;
    expect(loads).toBeGreaterThan(60 * 100);
    expect(definition.generate(TODAY - DAY, 3600, 'Average')!).toBeLessThan(
      definition.generate(TODAY - DAY, 3600, 'p95')!,
    );
  });

  it('serves the cache hit rate in percent, under 90 % only while the cache warms after the failover', () => {
    const key = {
      namespace: 'AWS/ElastiCache',
      metricName: 'CacheHitRate',
      dimensions: { CacheClusterId: CACHE_CLUSTER_ID },
    };
    const quiet = series(store, key, TODAY - DAY, 'Average');
    expect(Math.min(...quiet.map(p => p.value))).toBeGreaterThan(92);
    expect(Math.max(...quiet.map(p => p.value))).toBeLessThan(97);
    const failover = series(store, key, TODAY - 6 * DAY, 'Average');
    const bad = failover.filter(p => p.value <= 90).map(p => p.at);
    expect(bad[0]).toBe('03:10');
    expect(bad.length).toBeGreaterThanOrEqual(6);
    expect(bad.length).toBeLessThanOrEqual(10);
    // Hits and misses of the same minutes give the same rate.
    const at = TODAY - DAY;
    const count = (metricName: string) =>
      store.find({ ...key, metricName })!.generate(at, 300, 'Sum') as number;
    const rate =
      (count('CacheHits') / (count('CacheHits') + count('CacheMisses'))) * 100;
    expect(rate).toBeCloseTo(quiet[0].value, 1);
  });
});
