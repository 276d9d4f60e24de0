/**
 * What the fake CloudWatch refuses in GetMetricData's queries, the way
 * CloudWatch does: the whole call fails with one `ValidationError` that
 * lists every query at fault by its position (`MetricDataQueries.member.N`),
 * not by its Id. Written from CloudWatch's documentation of statistics and
 * of the API's length constraints, independently of the portal's own check.
 */

const NAMED = new Set([
  'Sum',
  'Average',
  'Minimum',
  'Maximum',
  'SampleCount',
  'IQM',
]);

/** `p99.9` (two decimals), `tm99`, `tc90`, `ts90`, `wm99.5` (ten decimals). */
const PERCENTILE = /^p(\d+(?:\.\d{1,2})?)$/;
const SHORTHAND = /^(?:tm|tc|ts|wm)(\d+(?:\.\d{1,10})?)$/;
const RANGE = /^(PR|TM|TC|TS|WM)\(([^():]*):([^():]*)\)$/;
const BOUND = /^(\d+(?:\.\d{1,10})?)(%?)$/;

/** True when CloudWatch accepts `stat` as a MetricStat's Stat (case-sensitive). */
export function isValidStatistic(stat: unknown): boolean {
  if (typeof stat !== 'string') return false;
  if (NAMED.has(stat)) return true;
  const single = PERCENTILE.exec(stat) ?? SHORTHAND.exec(stat);
  if (single) return Number(single[1]) <= 100;
  const range = RANGE.exec(stat);
  if (!range) return false;
  const bounds = [range[2], range[3]]
    .filter(b => b !== '')
    .map(b => BOUND.exec(b));
  if (bounds.length === 0 || bounds.some(b => !b)) return false;
  const parsed = bounds.map(b => ({
    value: Number(b![1]),
    percent: b![2] === '%',
  }));
  if (parsed.some(b => b.percent && b.value > 100)) return false;
  if (range[1] === 'PR' && parsed.some(b => b.percent)) return false;
  if (parsed.length === 2) {
    if (parsed[0].percent !== parsed[1].percent) return false;
    if (parsed[0].value > parsed[1].value) return false;
  }
  return true;
}

/**
 * Every reason CloudWatch would refuse these queries, one line each, as
 * CloudWatch words them; empty when it would take them.
 */
export function queryProblems(queries: any[]): string[] {
  const problems: string[] = [];
  queries.forEach((q, i) => {
    const member = `MetricDataQueries.member.${i + 1}`;
    const stat = q?.MetricStat;
    if (!stat) return;
    if (!isValidStatistic(stat.Stat)) {
      problems.push(
        `The value ${stat.Stat} for parameter ${member}.MetricStat.Stat is not a valid statistic.`,
      );
    }
    const dimensions: any[] = stat.Metric?.Dimensions ?? [];
    if (dimensions.length > 30) {
      problems.push(
        `The collection ${member}.MetricStat.Metric.Dimensions must not have a size greater than 30.`,
      );
    }
    dimensions.forEach((d, j) => {
      const where = `${member}.MetricStat.Metric.Dimensions.member.${j + 1}`;
      for (const [field, max] of [
        ['Name', 255],
        ['Value', 1024],
      ] as const) {
        const value = d?.[field];
        if (typeof value !== 'string' || value.length < 1) {
          problems.push(
            `The parameter ${where}.${field} must have a length of at least 1.`,
          );
        } else if (value.length > max) {
          problems.push(
            `The parameter ${where}.${field} must have a length of at most ${max}.`,
          );
        }
      }
    });
  });
  return problems;
}
