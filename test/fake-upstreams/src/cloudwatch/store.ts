/** A metric as CloudWatch identifies it: namespace, name and the exact dimension set. */
export interface MetricKey {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
}

/**
 * Computes one statistic of a metric over the bucket
 * [bucketStart, bucketStart + period): `Sum`, `Average`, `Maximum`,
 * `Minimum`, `SampleCount`, `pNN`, ... Answers undefined where there is no data.
 */
export type SeriesGenerator = (
  bucketStartMs: number,
  periodSeconds: number,
  stat: string,
) => number | undefined;

export interface SeriesDefinition {
  key: MetricKey;
  generate: SeriesGenerator;
}

/** A CloudWatch alarm state. */
export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** One state change in an alarm's history (DescribeAlarmHistory's StateUpdate item). */
export interface AlarmHistoryEntry {
  at: Date;
  from: AlarmStateValue;
  to: AlarmStateValue;
  /** The new state's reason; a generic one when absent. */
  reason?: string;
  /**
   * `HistoryData` served verbatim instead of the JSON built from the
   * entry, for tests of readers facing an item they cannot parse.
   */
  historyData?: string;
}

/** A CloudWatch metric alarm of the fake account. */
export interface AlarmDefinition {
  name: string;
  description?: string;
  state: AlarmStateValue;
  stateReason: string;
  stateUpdatedAt: Date;
  metric: MetricKey;
  statistic?: string;
  period: number;
  evaluationPeriods: number;
  threshold: number;
  comparisonOperator: string;
  tags?: Record<string, string>;
  /** Action ARNs (SNS topics...) per target state; none when absent. */
  actions?: {
    alarm?: string[];
    ok?: string[];
    insufficientData?: string[];
  };
  /** Whether the actions run. Default true. */
  actionsEnabled?: boolean;
  /**
   * State changes, oldest first; the last one (if any) goes to `state` at
   * `stateUpdatedAt`. The fake serves the last 30 days of it, as
   * CloudWatch keeps no more.
   */
  history?: AlarmHistoryEntry[];
}

export function keyString(key: MetricKey): string {
  const dims = Object.keys(key.dimensions)
    .sort()
    .map(d => `${d}=${key.dimensions[d]}`)
    .join(',');
  return `${key.namespace}|${key.metricName}|${dims}`;
}

/** The metrics and alarms the fake CloudWatch serves. */
export class MetricStore {
  private readonly series = new Map<string, SeriesDefinition>();
  readonly alarms: AlarmDefinition[] = [];

  add(definition: SeriesDefinition): this {
    this.series.set(keyString(definition.key), definition);
    return this;
  }

  addAlarm(alarm: AlarmDefinition): this {
    this.alarms.push(alarm);
    return this;
  }

  find(key: MetricKey): SeriesDefinition | undefined {
    return this.series.get(keyString(key));
  }

  list(): SeriesDefinition[] {
    return [...this.series.values()];
  }
}
