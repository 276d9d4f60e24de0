import { Freshness } from '../freshness';

/*
 * Business metrics (docs/business-metrics.md): the seed's orders per minute,
 * revenue per hour, active users, conversion rate and cart abandonment rate,
 * each read from a configured CloudWatch or Prometheus query and compared
 * with the same time a week earlier. Answer of
 * `GET /api/ops/business/entity?entityRef=`.
 */

/** How a business metric's values read. @public */
export const businessMetricUnits = [
  'count',
  'currency',
  'percent',
  'users',
] as const;

/** @public */
export type BusinessMetricUnit = (typeof businessMetricUnits)[number];

/** The time unit a metric is a rate per (`minute` for orders per minute). @public */
export const businessRatePers = ['second', 'minute', 'hour'] as const;

/** @public */
export type BusinessRatePer = (typeof businessRatePers)[number];

/** One point of a business metric's series. @public */
export interface BusinessPoint {
  /** Start of the period, epoch milliseconds. */
  t: number;
  /** The period's value, already expressed per `per` when the metric is a rate. */
  v: number;
}

/**
 * How the current value compares with the same time last week:
 * `better`/`worse` by the metric's direction, `same` within the allowed
 * share, `unknown` without a value to compare.
 * @public
 */
export type BusinessComparison = 'better' | 'worse' | 'same' | 'unknown';

/** One business metric as a card shows it. @public */
export interface BusinessMetricView extends Freshness {
  id: string;
  title: string;
  unit: BusinessMetricUnit;
  /** ISO 4217 code for `currency` units (e.g. `USD`). */
  currency?: string;
  /** Set when the values are a rate per this time unit. */
  per?: BusinessRatePer;
  /** Seconds each value covers. */
  periodSeconds: number;
  /** Where the values come from: `cloudwatch` or `prometheus`. */
  source: 'cloudwatch' | 'prometheus';
  /** True when a higher value is good news (orders); false for e.g. cart abandonment. */
  higherIsBetter: boolean;
  /** The share of departure from last week that raises the flag (0.3: 30 %). */
  deviationShare: number;
  /** The last complete period's value. */
  current?: BusinessPoint;
  /** The value of the same period a week earlier (its own `t`). */
  lastWeek?: BusinessPoint;
  /** (current − lastWeek) / lastWeek; absent when either is missing or last week was 0. */
  deviation?: number;
  /** True when the value departs from last week's by more than `deviationShare`. */
  flagged: boolean;
  comparison: BusinessComparison;
  /** Why the metric is flagged or cannot be compared, in words. */
  reason?: string;
  /** The last 24 hours, one point per period, oldest first. */
  series: BusinessPoint[];
  /** The same 24 hours a week earlier, shifted forward by 7 days to overlay `series`. */
  lastWeekSeries: BusinessPoint[];
}

/** A system's metrics, shown folded on the pages of its components. @public */
export interface BusinessMetricsGroup {
  entityRef: string;
  title?: string;
  metrics: BusinessMetricView[];
}

/** Answer of `GET /api/ops/business/entity`. @public */
export interface EntityBusinessMetricsResponse {
  entityRef: string;
  /** The metrics configured for this entity. */
  metrics: BusinessMetricView[];
  /**
   * For a component: the metrics of the system it is part of that are not
   * among its own (shown folded). Absent for systems and for components
   * without a system, or whose system the user may not see.
   */
  system?: BusinessMetricsGroup;
  /** When the answer was put together (ISO 8601). */
  generatedAt: string;
}
