import { CapacityCurrentPeriod } from './current';
import { BreachEpisode } from './episodes';
import { ForecastPoint, ForecastResult, GrowthRate } from './forecast';
import { Bucket, HOUR_MS } from './series';

/** Time ranges of the capacity charts. @public */
export const CAPACITY_RANGES = ['7d', '30d', '90d'] as const;

/** A capacity chart range. @public */
export type CapacityRange = (typeof CAPACITY_RANGES)[number];

/** Length of each range in days. @public */
export const CAPACITY_RANGE_DAYS: Record<CapacityRange, number> = {
  '7d': 7,
  '30d': 30,
  '90d': 90,
};

/** Chart bucket of each range (about 170–180 points per chart). @public */
export const CAPACITY_RANGE_STEP_MS: Record<CapacityRange, number> = {
  '7d': HOUR_MS,
  '30d': 4 * HOUR_MS,
  '90d': 12 * HOUR_MS,
};

/** Days over which trigger episodes are counted ("this month"). @public */
export const CAPACITY_TRIGGER_WINDOW_DAYS = 30;

/** Units of capacity metrics, for formatting. @public */
export type CapacityUnit =
  | 'percent'
  | 'count'
  | 'seconds'
  | 'bytesPerSecond'
  | 'requestsPerSecond'
  | 'messages';

/**
 * What counts as a breach of a metric, and the level its forecast runs
 * against.
 * @public
 */
export interface CapacityRule {
  /** A datapoint above this breaches; absent means no trigger for the metric. */
  threshold?: number;
  /** Minutes a breach must last to be a scaling trigger (0: any datapoint). */
  sustainMinutes: number;
  /**
   * The level whose crossing the forecast dates: the threshold unless set
   * (for replicas: the autoscaling maximum). Absent: trend only.
   */
  limit?: number;
}

/** A capacity metric as the portal knows it. @public */
export interface CapacityMetricDefinition {
  id: string;
  label: string;
  unit: CapacityUnit;
  rule: CapacityRule;
}

/**
 * The built-in metrics with the seed's defaults: scale when CPU > 70 % or
 * memory > 80 % for 15 minutes, queue depth > 100, or p95 > 1 s; disk I/O
 * below 80 %; replicas up to the autoscaling maximum.
 * @public
 */
export const BUILTIN_CAPACITY_METRICS: CapacityMetricDefinition[] = [
  {
    id: 'cpu',
    label: 'CPU utilisation',
    unit: 'percent',
    rule: { threshold: 70, sustainMinutes: 15 },
  },
  {
    id: 'memory',
    label: 'Memory utilisation',
    unit: 'percent',
    rule: { threshold: 80, sustainMinutes: 15 },
  },
  {
    id: 'diskIo',
    label: 'Disk I/O utilisation',
    unit: 'percent',
    rule: { threshold: 80, sustainMinutes: 15 },
  },
  {
    id: 'network',
    label: 'Network throughput',
    unit: 'bytesPerSecond',
    rule: { sustainMinutes: 0 },
  },
  {
    id: 'requestRate',
    label: 'Request rate',
    unit: 'requestsPerSecond',
    rule: { sustainMinutes: 0 },
  },
  {
    id: 'latencyP50',
    label: 'Latency p50',
    unit: 'seconds',
    rule: { sustainMinutes: 0 },
  },
  {
    id: 'latencyP95',
    label: 'Latency p95',
    unit: 'seconds',
    rule: { threshold: 1, sustainMinutes: 0 },
  },
  {
    id: 'latencyP99',
    label: 'Latency p99',
    unit: 'seconds',
    rule: { sustainMinutes: 0 },
  },
  {
    id: 'queueDepth',
    label: 'Queue depth',
    unit: 'messages',
    rule: { threshold: 100, sustainMinutes: 0 },
  },
  {
    id: 'replicas',
    label: 'Running replicas',
    unit: 'count',
    rule: { sustainMinutes: 0 },
  },
];

/** The level a rule's forecast runs against. @public */
export function ruleLimit(rule: CapacityRule): number | undefined {
  return rule.limit ?? rule.threshold;
}

/** Autoscaling bounds of a service (pods) and its cluster (node group). @public */
export interface AutoscalingBounds {
  minReplicas: number;
  maxReplicas: number;
  /** Target CPU utilisation in percent. */
  targetCpu?: number;
  /** Target memory utilisation in percent. */
  targetMemory?: number;
  nodes?: { min: number; max: number; targetCpu?: number };
  /** Where the bounds came from. */
  source: 'annotation' | 'config';
}

/** Data of one period that breach episodes were looked for in. @public */
export interface CapacityEvaluationWindow {
  /** ISO 8601. */
  start: string;
  /** ISO 8601. */
  end: string;
  /** Period of the datapoints: 60 (1-minute data), 300, 3600. */
  periodSeconds: number;
}

/**
 * What the scaling triggers of the last 30 days count, and in which data
 * they were found. A trigger is a breach episode (consecutive datapoints
 * above the threshold) lasting at least the rule's duration; it counts once
 * however long it lasts.
 * @public
 */
export interface CapacityTriggerEvaluation {
  /** The data searched, oldest first (e.g. 5-minute data, then 1-minute). */
  windows: CapacityEvaluationWindow[];
  /** Minutes above the threshold within the triggers. */
  triggerMinutes: number;
  /** Breach episodes shorter than the rule's duration (not triggers). */
  shortBreaches: number;
  /** Minutes above the threshold within those shorter breaches. */
  shortBreachMinutes: number;
  /**
   * True when a window's datapoints are longer than the rule's duration
   * (only hourly data for a 15-minute rule): a single datapoint above the
   * threshold then counts as a trigger, which is only an approximation.
   */
  approximate: boolean;
}

/** One metric of an entity's capacity view, for one chart range. @public */
export interface CapacityMetricView extends CapacityMetricDefinition {
  /**
   * The metric's current value: the last full hour's, or the elapsed part
   * of the running hour when the last full hour has no data (see
   * `currentPeriod`).
   */
  current?: number;
  /** The period `current` covers. Absent in snapshots from before it was kept. */
  currentPeriod?: CapacityCurrentPeriod;
  /** 95th percentile of the last 7 days' hourly values: the typical peak. */
  peak7d?: number;
  /** Limit minus the typical peak, in the metric's unit. */
  headroom?: number;
  /** Headroom as a percentage of the limit. */
  headroomPercent?: number;
  growth?: GrowthRate;
  forecast: ForecastResult;
  /** Breach episodes of the last 30 days within the range; sustained ones are triggers. */
  episodes: BreachEpisode[];
  /** Scaling triggers (sustained episodes) in the last 30 days. */
  triggers30d: number;
  /** What `triggers30d` counts; absent in snapshots from before it was kept. */
  triggerEvaluation?: CapacityTriggerEvaluation;
  /** Chart bucket (ms). */
  stepMs: number;
  /** History over the range: mean and maximum per bucket. */
  history: Bucket[];
  /** Forecast over as long again after now: peak envelope per bucket. */
  band: ForecastPoint[];
  /** Share of the last 90 days' hours with data. */
  coverage: number;
}

/** An entity's capacity: `GET /api/ops/capacity/entity`. @public */
export interface EntityCapacity {
  entityRef: string;
  range: CapacityRange;
  /** When the refresh computed this (ISO 8601). */
  computedAt: string;
  autoscaling: AutoscalingBounds;
  metrics: CapacityMetricView[];
  /** The metric that reaches its limit first, if any. */
  bindingMetricId?: string;
  /** Problems with the data: partial answers, bad annotations. */
  warnings: string[];
}

/** One metric in a capacity review row. @public */
export interface CapacityReviewMetric {
  id: string;
  label: string;
  unit: CapacityUnit;
  limit?: number;
  current?: number;
  /** The period `current` covers. Absent in snapshots from before it was kept. */
  currentPeriod?: CapacityCurrentPeriod;
  peak7d?: number;
  headroom?: number;
  forecast: ForecastResult;
  growth?: GrowthRate;
  triggers30d: number;
}

/** One service in the capacity review. @public */
export interface CapacityReviewRow {
  entityRef: string;
  title?: string;
  /** The metric that reaches its limit first (or the one closest to it). */
  binding?: CapacityReviewMetric;
  /** All scaling triggers of the last 30 days, over all metrics. */
  triggers30d: number;
  metrics: CapacityReviewMetric[];
  computedAt?: string;
  fetchedAt?: string;
  stale: boolean;
  error?: string;
}

/** The capacity review: `GET /api/ops/capacity/review`. @public */
export interface CapacityReview {
  generatedAt: string;
  /** Ranked: soonest limit first. */
  rows: CapacityReviewRow[];
}
