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

/** A CloudWatch metric alarm of the fake account. */
export interface AlarmDefinition {
  name: string;
  description?: string;
  state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  stateReason: string;
  stateUpdatedAt: Date;
  metric: MetricKey;
  statistic?: string;
  period: number;
  evaluationPeriods: number;
  threshold: number;
  comparisonOperator: string;
  tags?: Record<string, string>;
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
