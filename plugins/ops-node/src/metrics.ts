/**
 * One query of a metrics request: either a metric statistic or a metric-math
 * expression over other queries of the same group.
 * @public
 */
export interface MetricQuery {
  /** Unique within a request; starts with a lower-case letter, then letters, digits or `_`. */
  id: string;
  /** The metric to read; absent for expressions. */
  metric?: {
    namespace: string;
    metricName: string;
    dimensions: Record<string, string>;
  };
  /** Statistic for `metric`: `Sum`, `Average`, `Maximum`, `SampleCount`, `p95`, `TM(0:500)`... */
  stat?: string;
  /** Metric-math expression over other queries' ids (same `group`). */
  expression?: string;
  /** Period in seconds; a multiple of 60 (CloudWatch allows 1/5/10/30 for high-resolution metrics). */
  period: number;
  /** Whether the series is wanted in the answer (false for inputs of expressions). */
  returnData?: boolean;
  /** Queries sharing a group are sent in the same upstream call (expressions need their inputs). */
  group?: string;
  /** Label shown in errors and logs. */
  label?: string;
  /**
   * A PromQL expression, for providers that speak PromQL (the Prometheus
   * module); absent for CloudWatch queries. It is evaluated once per period
   * over the request's range, and `$period` in it stands for the period as a
   * PromQL duration (`300s`), so that
   * `sum(increase(http_requests_total{job="orders"}[$period]))` answers the
   * requests of each period. As with CloudWatch, each answered datapoint is
   * timestamped at the start of its period (Prometheus evaluates at the
   * end). `metric`, `stat` and `expression` are unset on such a query.
   */
  promql?: string;
}

/** A series answered for one query. @public */
export interface MetricSeries {
  id: string;
  label?: string;
  /** Epoch milliseconds, ascending. */
  timestamps: number[];
  values: number[];
  /** Complete when every datapoint of the range was returned. */
  status: 'Complete' | 'PartialData' | 'InternalError' | 'Forbidden';
  messages?: string[];
  /**
   * Set when the upstream refused this query (an invalid statistic or
   * dimension), in its words; the other queries of the request are answered.
   * The series is then empty and its status `InternalError`, so callers that
   * only read the status see a failure too.
   */
  error?: string;
}

/** A request for metric data over a time range. @public */
export interface MetricDataRequest {
  queries: MetricQuery[];
  start: Date;
  end: Date;
  /** Region override (entity annotation); the provider's default otherwise. */
  region?: string;
  /**
   * Id of the metrics provider the request is for (`cloudwatch`,
   * `prometheus`). Absent: the default provider (CloudWatch when it is
   * installed, else the first registered). The ops backend routes each
   * request to the provider of that id; a request for a provider that is
   * not installed fails with an error that names it.
   */
  provider?: string;
  signal?: AbortSignal;
}

/** Counters a provider keeps so benchmarks and logs can tell its cost. @public */
export interface MetricsProviderStats {
  calls: number;
  metricsRequested: number;
  datapoints: number;
}

/**
 * Source of metric time series (CloudWatch, or another backend module).
 * Implementations batch the queries into as few upstream calls as the
 * upstream's limits allow, follow pagination, and retry throttling. A query
 * the upstream refuses fails alone (its series carries `error`); a failure
 * that is not about queries (throttling, outage) rejects the request.
 * @public
 */
export interface MetricsProvider {
  readonly id: string;
  getMetricData(request: MetricDataRequest): Promise<MetricSeries[]>;
  /** Counters since start, if the provider keeps them. */
  stats?(): MetricsProviderStats;
}

/** A CloudWatch-style alarm. @public */
export interface Alarm {
  name: string;
  arn?: string;
  description?: string;
  state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  stateReason?: string;
  /** ISO 8601. */
  stateUpdatedAt?: string;
  metric?: {
    namespace: string;
    metricName: string;
    dimensions: Record<string, string>;
  };
  threshold?: number;
  comparisonOperator?: string;
  /** Statistic the alarm evaluates (`Average`, `Sum`, `p95`...). */
  statistic?: string;
  /** Seconds per evaluated datapoint. */
  period?: number;
  evaluationPeriods?: number;
  /** Whether the alarm's actions run on state changes. */
  actionsEnabled?: boolean;
  /** Action ARNs (SNS topics, Auto Scaling policies...) per target state. */
  actions?: {
    alarm: string[];
    ok: string[];
    insufficientData: string[];
  };
  tags?: Record<string, string>;
}

/** One state change of an alarm, from its history. @public */
export interface AlarmStateChange {
  alarmName: string;
  /** When the state changed (ISO 8601). */
  at: string;
  from?: Alarm['state'];
  to: Alarm['state'];
}

/** Query of {@link AlarmsProvider.getAlarmHistory}. @public */
export interface AlarmHistoryQuery {
  /** State changes at or after this time... */
  since: Date;
  /** ...and before this one. */
  until: Date;
  /**
   * Only these alarms (one paged call per alarm). Without names, one paged
   * scan of the region's whole history, for callers that want most alarms.
   */
  alarmNames?: string[];
  region?: string;
  signal?: AbortSignal;
}

/** Filter for listing alarms. @public */
export interface AlarmFilter {
  /**
   * Alarms whose name starts with one of these. When neither `namePrefixes`
   * nor `names` is given, every alarm of the region is listed (one paged
   * scan, cheaper than one call per prefix when there are many prefixes).
   */
  namePrefixes?: string[];
  names?: string[];
  region?: string;
  signal?: AbortSignal;
}

/** Source of alarms (CloudWatch). @public */
export interface AlarmsProvider {
  readonly id: string;
  listAlarms(filter: AlarmFilter): Promise<Alarm[]>;
  /**
   * Tags of alarms by ARN (e.g. `Severity: P1`), for the alarms asked for
   * only. Providers may cache them, tags change rarely. Alarms without tags
   * or unknown ARNs are absent from the answer.
   */
  getAlarmTags?(
    arns: string[],
    options?: { region?: string; signal?: AbortSignal },
  ): Promise<Map<string, Record<string, string>>>;
  /**
   * State changes (ALARM, OK, INSUFFICIENT_DATA) of metric alarms in a time
   * range, oldest first, read from the alarm history (CloudWatch keeps 30
   * days of it). Paged and retried on throttling like every other call; a
   * failure rejects the whole query so callers keep their last good data.
   */
  getAlarmHistory?(query: AlarmHistoryQuery): Promise<AlarmStateChange[]>;
}
