import { BusinessMetricConfig } from './config';
import {
  BUSINESS_WEEK_MS,
  compareWithLastWeek,
  currentAndLastWeek,
  rateFactor,
  toBusinessPoints,
} from './compare';
import { BusinessMetricView } from './types';

/** One day in milliseconds: the chart's span. @public */
export const BUSINESS_CHART_MS = 86_400_000;

/** Raw datapoints of one window, as a metrics provider answers them. @public */
export interface BusinessRawSeries {
  timestamps: number[];
  values: number[];
}

/** A business metric's view without its freshness (which comes from the snapshot). @public */
export type BusinessMetricData = Omit<
  BusinessMetricView,
  'fetchedAt' | 'stale' | 'error'
>;

/**
 * The windows a refresh reads for metrics of this period, ending at `now`:
 * the last 24 hours up to the end of the last complete period, and the
 * same 24 hours a week earlier.
 * @public
 */
export function businessWindows(
  now: number,
  periodSeconds: number,
): {
  today: { start: number; end: number };
  lastWeek: { start: number; end: number };
} {
  const periodMs = periodSeconds * 1000;
  const end = Math.floor(now / periodMs) * periodMs;
  const start = end - BUSINESS_CHART_MS;
  return {
    today: { start, end },
    lastWeek: { start: start - BUSINESS_WEEK_MS, end: end - BUSINESS_WEEK_MS },
  };
}

/**
 * A metric's card data from the datapoints of its two windows: values as
 * rates where configured, last week's series shifted onto today's, the
 * last complete period against the same period last week, and the flag.
 * @public
 */
export function buildBusinessMetric(
  metric: BusinessMetricConfig,
  data: { today: BusinessRawSeries; lastWeek: BusinessRawSeries },
  now: number,
): BusinessMetricData {
  const factor = rateFactor(metric.period, metric.per);
  const windows = businessWindows(now, metric.period);
  const series = toBusinessPoints(data.today.timestamps, data.today.values, {
    factor,
    from: windows.today.start,
    to: windows.today.end,
  });
  const lastWeekSeries = toBusinessPoints(
    data.lastWeek.timestamps,
    data.lastWeek.values,
    {
      factor,
      from: windows.lastWeek.start,
      to: windows.lastWeek.end,
      shiftMs: BUSINESS_WEEK_MS,
    },
  );
  const { current, lastWeek } = currentAndLastWeek(
    series,
    lastWeekSeries,
    metric.period * 1000,
    windows.today.end,
  );
  const comparison = compareWithLastWeek({
    current: current?.v,
    lastWeek: lastWeek?.v,
    allowedShare: metric.deviationShare,
    higherIsBetter: metric.higherIsBetter,
  });
  return {
    id: metric.id,
    title: metric.title,
    unit: metric.unit,
    currency: metric.currency,
    per: metric.per,
    periodSeconds: metric.period,
    source: metric.prometheus ? 'prometheus' : 'cloudwatch',
    higherIsBetter: metric.higherIsBetter,
    deviationShare: metric.deviationShare,
    current,
    lastWeek,
    ...comparison,
    series,
    lastWeekSeries,
  };
}
