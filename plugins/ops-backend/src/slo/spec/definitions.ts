import {
  SloCategory,
  SloObjectiveInfo,
  SloProblem,
} from '@opsportal/plugin-ops-common';

/** One CloudWatch metric statistic an SLI reads. */
export interface CloudWatchMetricStat {
  /** Absent on CloudWatch metrics (it is the default source). */
  provider?: 'cloudwatch';
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  /** `Sum`, `SampleCount`, `p95`, `TC(:0.5)`... */
  stat: string;
  /** Region of the metric; the provider's default when absent. */
  region?: string;
}

/**
 * One PromQL query an SLI reads, evaluated once per period: `$period` in it
 * stands for the period as a PromQL duration (`300s`), so
 * `sum(increase(http_requests_total{job="orders"}[$period]))` counts the
 * requests of each period.
 */
export interface PrometheusQuery {
  provider: 'prometheus';
  promql: string;
}

/** What an SLI reads: a CloudWatch statistic or a Prometheus query. */
export type SliMetric = CloudWatchMetricStat | PrometheusQuery;

/** The id of the metrics provider that answers a metric (`MetricDataRequest.provider`). */
export function providerOf(metric: SliMetric): 'cloudwatch' | 'prometheus' {
  return metric.provider === 'prometheus' ? 'prometheus' : 'cloudwatch';
}

/** The source's name for sentences: CloudWatch or Prometheus. */
export function sourceName(metric: SliMetric): string {
  return metric.provider === 'prometheus' ? 'Prometheus' : 'CloudWatch';
}

/** Comparison of a threshold SLI: the slice is good when `value <op> threshold`. */
export type ThresholdOp = 'lt' | 'lte' | 'gt' | 'gte';

/**
 * How an SLI is measured. Lists of metrics are summed (bad requests can be
 * the target's 5xx plus the load balancer's own).
 */
export type SliDefinition =
  | {
      type: 'ratio';
      good?: SliMetric[];
      bad?: SliMetric[];
      total: SliMetric[];
    }
  | {
      type: 'threshold';
      metric: SliMetric;
      op: ThresholdOp;
      value: number;
    }
  | {
      /** A System's SLO over the events of its member components' SLOs of this category. */
      type: 'aggregate';
      category: SloCategory;
    };

/** An SLO ready to evaluate: what the card shows, and how to measure it. */
export interface SloDefinition {
  info: SloObjectiveInfo;
  indicator: SliDefinition;
}

/** The SLOs found for an entity, and what was wrong with its definitions. */
export interface SloDefinitionSet {
  definitions: SloDefinition[];
  problems: SloProblem[];
}

/**
 * A metric in words: `AWS/ApplicationELB RequestCount (TargetGroup=...) Sum`,
 * or `PromQL sum(increase(http_requests_total{job="orders"}[$period]))`.
 */
export function describeMetric(metric: SliMetric): string {
  if (metric.provider === 'prometheus') return `PromQL ${metric.promql}`;
  const dims = Object.entries(metric.dimensions)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return `${metric.namespace} ${metric.metricName}${dims ? ` (${dims})` : ''} ${
    metric.stat
  }`;
}

/** A percentage for sentences: 99.99 %, 95 %, 0.01 %. */
export function percentText(share: number): string {
  return `${Number((share * 100).toFixed(6))} %`;
}

/** Seconds for sentences: 500 ms, 1.5 s. */
export function secondsText(seconds: number): string {
  return seconds < 1
    ? `${Number((seconds * 1000).toFixed(3))} ms`
    : `${Number(seconds.toFixed(3))} s`;
}
