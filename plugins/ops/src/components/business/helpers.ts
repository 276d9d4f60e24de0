import {
  BusinessMetricView,
  BusinessPoint,
  Freshness,
  formatBusinessValue,
  formatShare,
} from '@opsportal/plugin-ops-common';
import { DateTime } from 'luxon';

/** The metric's value for people: `12.4 / min`, `$48,210 / h`. */
export function formatMetricValue(
  metric: BusinessMetricView,
  value: number | undefined,
): string {
  return formatBusinessValue(value, metric.unit, {
    currency: metric.currency,
    per: metric.per,
  });
}

/** `5-min period 00:55–01:00`, in the viewer's time zone. */
export function describePeriod(metric: BusinessMetricView): string | undefined {
  if (!metric.current) return undefined;
  const from = DateTime.fromMillis(metric.current.t);
  const to = from.plus({ seconds: metric.periodSeconds });
  const minutes = metric.periodSeconds / 60;
  const length = minutes >= 60 ? `${minutes / 60}-hour` : `${minutes}-min`;
  return `${length} period ${from.toFormat('HH:mm')}–${to.toFormat('HH:mm')}`;
}

/**
 * How the value compares with the same time last week, in words:
 * `45 % below the same time last week ($86,300 / h)`.
 */
export function describeComparison(metric: BusinessMetricView): string {
  if (!metric.current) return 'No value for the last complete period yet';
  if (!metric.lastWeek) return 'No value for the same time last week';
  const then = formatMetricValue(metric, metric.lastWeek.v);
  if (metric.deviation === undefined) {
    return `Same time last week: ${then}`;
  }
  if (metric.deviation === 0) {
    return `Same as the same time last week (${then})`;
  }
  return `${formatShare(metric.deviation)} ${
    metric.deviation > 0 ? 'above' : 'below'
  } the same time last week (${then})`;
}

/** Why a flagged metric is flagged, as a sentence naming it. */
export function describeFlag(metric: BusinessMetricView): string | undefined {
  if (!metric.flagged) return undefined;
  const verdicts: Record<string, string> = {
    worse: 'worse than usual',
    better: 'better than usual, still worth a look',
  };
  const verdict = verdicts[metric.comparison] ?? 'unusual';
  return `${metric.title} is ${
    metric.reason ?? 'far from last week'
  }: ${verdict}.`;
}

/**
 * One freshness for the card from its metrics': the oldest fetch, stale
 * when any is, and their distinct errors.
 */
export function combinedFreshness(metrics: BusinessMetricView[]): Freshness {
  const fetched = metrics
    .map(m => m.fetchedAt)
    .filter((f): f is string => Boolean(f))
    .sort();
  const errors = [
    ...new Set(metrics.map(m => m.error).filter((e): e is string => !!e)),
  ];
  return {
    fetchedAt: fetched[0],
    stale: metrics.some(m => m.stale),
    error: errors.length > 0 ? errors.join(' ') : undefined,
  };
}

/** Hourly means of a series, for the table behind a chart. */
export function hourlyMeans(points: BusinessPoint[]): Map<number, number> {
  const sums = new Map<number, { sum: number; n: number }>();
  for (const p of points) {
    const hour = Math.floor(p.t / 3_600_000) * 3_600_000;
    const s = sums.get(hour) ?? { sum: 0, n: 0 };
    s.sum += p.v;
    s.n += 1;
    sums.set(hour, s);
  }
  return new Map([...sums].map(([h, s]) => [h, s.sum / s.n]));
}

/** A one-sentence summary of the 24-hour chart, for screen readers. */
export function describeChart(metric: BusinessMetricView): string {
  if (metric.series.length === 0) {
    return `${metric.title}: no data in the last 24 hours`;
  }
  const values = metric.series.map(p => p.v);
  const low = Math.min(...values);
  const high = Math.max(...values);
  return `${metric.title} over the last 24 hours, between ${formatMetricValue(
    metric,
    low,
  )} and ${formatMetricValue(
    metric,
    high,
  )}, with the same hours last week as a dashed line`;
}
