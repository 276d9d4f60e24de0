import { MetricQuery } from '@opsportal/plugin-ops-node';

/** CloudWatch's limits for one GetMetricData call. */
const MAX_QUERIES_PER_CALL = 500;
const MAX_DATAPOINTS_PER_CALL = 100_800;

/** Datapoints one query can return over a range. */
export function datapointsOf(
  query: MetricQuery,
  start: Date,
  end: Date,
): number {
  const seconds = Math.max(0, (end.getTime() - start.getTime()) / 1000);
  return Math.max(1, Math.ceil(seconds / query.period));
}

/**
 * Packs queries into as few GetMetricData calls as CloudWatch's limits allow
 * (500 queries, 100,800 returned datapoints), keeping each group (an
 * expression with its inputs) in one call. First-fit decreasing: good enough
 * to stay near the lower bound, and cheap.
 */
export function packQueries(
  queries: MetricQuery[],
  start: Date,
  end: Date,
): MetricQuery[][] {
  const groups = new Map<string, MetricQuery[]>();
  for (const query of queries) {
    const key = query.group ?? `\u0000${query.id}`;
    const group = groups.get(key);
    if (group) group.push(query);
    else groups.set(key, [query]);
  }

  const weighed = [...groups.values()].map(group => ({
    group,
    count: group.length,
    points: group
      .filter(q => q.returnData !== false)
      .reduce((sum, q) => sum + datapointsOf(q, start, end), 0),
  }));
  for (const item of weighed) {
    if (item.count > MAX_QUERIES_PER_CALL) {
      throw new Error(
        `A query group has ${item.count} queries; CloudWatch allows ${MAX_QUERIES_PER_CALL} per call`,
      );
    }
  }
  weighed.sort((a, b) => b.points - a.points || b.count - a.count);

  const bins: { queries: MetricQuery[]; count: number; points: number }[] = [];
  for (const item of weighed) {
    const bin = bins.find(
      b =>
        b.count + item.count <= MAX_QUERIES_PER_CALL &&
        b.points + item.points <= MAX_DATAPOINTS_PER_CALL,
    );
    if (bin) {
      bin.queries.push(...item.group);
      bin.count += item.count;
      bin.points += item.points;
    } else {
      bins.push({
        queries: [...item.group],
        count: item.count,
        points: item.points,
      });
    }
  }
  return bins.map(b => b.queries);
}
