import { MetricQuery } from '@opsportal/plugin-ops-node';
import { datapointsOf, packQueries } from './batching';

const start = new Date(Date.UTC(2026, 0, 1));
const end = new Date(Date.UTC(2026, 0, 31));

const query = (
  id: string,
  period: number,
  extra: Partial<MetricQuery> = {},
): MetricQuery => ({
  id,
  metric: { namespace: 'N', metricName: id, dimensions: {} },
  stat: 'Sum',
  period,
  ...extra,
});

describe('packQueries', () => {
  it('counts the datapoints a query returns over the range', () => {
    expect(datapointsOf(query('a', 300), start, end)).toBe(8640);
    expect(datapointsOf(query('a', 30 * 86_400), start, end)).toBe(1);
  });

  it('reaches the lower bound: ceil(queries / 500) when datapoints do not bind', () => {
    const bins = packQueries(
      Array.from({ length: 1001 }, (_, i) => query(`q${i}`, 86_400)),
      start,
      end,
    );
    expect(bins.map(b => b.length)).toEqual([500, 500, 1]);
  });

  it('reaches the lower bound on datapoints when they bind', () => {
    // 8,640 points each: 11 per call (95,040), so 23 queries need 3 calls.
    const bins = packQueries(
      Array.from({ length: 23 }, (_, i) => query(`q${i}`, 300)),
      start,
      end,
    );
    expect(bins.map(b => b.length)).toEqual([11, 11, 1]);
  });

  it('never splits a group and refuses a group over 500 queries', () => {
    const group = (g: string, n: number) =>
      Array.from({ length: n }, (_, i) =>
        query(`${g}${i}`, 86_400, { group: g }),
      );
    const bins = packQueries(
      [...group('a', 300), ...group('b', 300)],
      start,
      end,
    );
    expect(bins.map(b => new Set(b.map(q => q.group)).size)).toEqual([1, 1]);
    expect(() => packQueries(group('c', 501), start, end)).toThrow(
      /501 queries/,
    );
  });
});
