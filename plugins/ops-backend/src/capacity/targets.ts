import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ANNOTATION_ALB,
  ANNOTATION_ALB_TARGET_GROUP,
  ANNOTATION_AUTOSCALING,
  ANNOTATION_CLOUDWATCH_REGION,
  ANNOTATION_CONTAINER_SERVICE,
  ANNOTATION_PROMETHEUS_JOB,
  ANNOTATION_PROMETHEUS_SELECTOR,
  ANNOTATION_SQS_QUEUE,
  AutoscalingBounds,
  BUILTIN_CAPACITY_METRICS,
  CAPACITY_ANNOTATIONS,
  CapacityMetricDefinition,
  CapacityRule,
  isCapacityConfigured,
  parseAutoscalingAnnotation,
  splitAnnotation,
} from '@opsportal/plugin-ops-common';
import { MetricQuery } from '@opsportal/plugin-ops-node';
import { CapacityConfig, CustomMetricConfig } from './config';

type Metric = NonNullable<MetricQuery['metric']>;

/** How one capacity metric is read from the metrics provider. */
export interface MetricSource {
  /** Queries for one time window; `prefix` makes their ids unique. */
  build(
    prefix: string,
    period: number,
  ): { queries: MetricQuery[]; resultId: string };
  /** The statistic asked for: `Average`, `Sum`, `p95`, ..., `PromQL`. */
  statistic: string;
  /** The metrics provider that answers it; CloudWatch when absent. */
  provider?: 'prometheus';
  /**
   * Turns an answered value into the metric's unit (a Sum into a rate),
   * given the seconds it covers: the period's, or for the running period
   * the elapsed part of it.
   */
  transform?: (value: number, seconds: number) => number;
}

/** One metric of a target: what it is, and where it comes from. */
export interface MetricPlan {
  definition: CapacityMetricDefinition;
  source: MetricSource;
  /** Fetch 1- and 5-minute data over the trigger window (metrics with a threshold). */
  fine: boolean;
}

/** A service whose capacity the refresh computes. */
export interface CapacityTarget {
  entityRef: string;
  title?: string;
  region?: string;
  autoscaling: AutoscalingBounds;
  metrics: MetricPlan[];
  /** Problems with the annotations, shown on the card. */
  warnings: string[];
}

/** The annotations that switch capacity on for an entity (from ops-common). */
export { CAPACITY_ANNOTATIONS };

/** Whether an entity has any annotation the capacity feature reads: isCapacityConfigured. */
export function hasCapacityAnnotations(entity: Entity): boolean {
  return isCapacityConfigured(entity);
}

function single(metric: Metric, stat: string): MetricSource {
  return {
    statistic: stat,
    build: (prefix, period) => ({
      queries: [{ id: prefix, metric, stat, period, label: metric.metricName }],
      resultId: prefix,
    }),
  };
}

/** `expression` over inputs a, b, ... (e.g. `a + b`), sent together. */
function math(
  inputs: Metric[],
  stat: string,
  expression: (ids: string[]) => string,
): MetricSource {
  return {
    statistic: stat,
    build: (prefix, period) => {
      const ids = inputs.map((_, i) => `${prefix}_${i}`);
      const queries: MetricQuery[] = inputs.map((metric, i) => ({
        id: ids[i],
        metric,
        stat,
        period,
        returnData: false,
        group: prefix,
      }));
      queries.push({
        id: prefix,
        expression: expression(ids),
        period,
        group: prefix,
        label: inputs.map(m => m.metricName).join('+'),
      });
      return { queries, resultId: prefix };
    },
  };
}

const perSecond = (value: number, seconds: number) => value / seconds;

/** A PromQL string literal. */
function promqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** One PromQL query, evaluated once per period (`$period`) by the Prometheus module. */
function prometheusSource(promql: string): MetricSource {
  return {
    statistic: 'PromQL',
    provider: 'prometheus',
    build: (prefix, period) => ({
      queries: [{ id: prefix, promql, period, label: promql }],
      resultId: prefix,
    }),
  };
}

/**
 * The capacity metrics of an entity's Prometheus job: each configured query
 * (`ops.capacity.prometheus.queries`) with `$selector` replaced by the
 * job's label matchers and `opsportal.dev/prometheus-selector`.
 */
function prometheusSources(
  job: string,
  extra: string | undefined,
  queries: Record<string, string>,
): Map<string, MetricSource> {
  const matchers = [`job=${promqlString(job)}`];
  const more = extra?.trim().replace(/,+$/, '');
  if (more) matchers.push(more);
  const selector = matchers.join(',');
  return new Map(
    Object.entries(queries).map(([id, template]) => [
      id,
      prometheusSource(template.split('$selector').join(selector)),
    ]),
  );
}

/** Container Insights sources for `<cluster>/<service>` (ECS) or `<cluster>/<namespace>/<service>` (EKS). */
function containerSources(
  value: string,
):
  | { sources: Record<string, MetricSource>; vars: Record<string, string> }
  | string {
  const parts = value.split('/').map(p => p.trim());
  if (parts.some(p => !p) || parts.length < 2 || parts.length > 3) {
    return `${ANNOTATION_CONTAINER_SERVICE} "${value}" should be <cluster>/<service> (ECS) or <cluster>/<namespace>/<service> (EKS)`;
  }
  if (parts.length === 3) {
    const [cluster, namespace, service] = parts;
    const dims = {
      ClusterName: cluster,
      Namespace: namespace,
      Service: service,
    };
    const eks = (metricName: string): Metric => ({
      namespace: 'ContainerInsights',
      metricName,
      dimensions: dims,
    });
    return {
      vars: { cluster, namespace, service },
      sources: {
        cpu: single(eks('pod_cpu_utilization_over_pod_limit'), 'Average'),
        memory: single(eks('pod_memory_utilization_over_pod_limit'), 'Average'),
        network: math(
          [eks('pod_network_rx_bytes'), eks('pod_network_tx_bytes')],
          'Average',
          ([rx, tx]) => `${rx} + ${tx}`,
        ),
        replicas: single(eks('service_number_of_running_pods'), 'Average'),
      },
    };
  }
  const [cluster, service] = parts;
  const dims = { ClusterName: cluster, ServiceName: service };
  const ecs = (metricName: string): Metric => ({
    namespace: 'ECS/ContainerInsights',
    metricName,
    dimensions: dims,
  });
  return {
    vars: { cluster, service },
    sources: {
      cpu: math(
        [ecs('CpuUtilized'), ecs('CpuReserved')],
        'Average',
        ([used, reserved]) => `100 * ${used} / ${reserved}`,
      ),
      memory: math(
        [ecs('MemoryUtilized'), ecs('MemoryReserved')],
        'Average',
        ([used, reserved]) => `100 * ${used} / ${reserved}`,
      ),
      network: math(
        [ecs('NetworkRxBytes'), ecs('NetworkTxBytes')],
        'Average',
        ([rx, tx]) => `${rx} + ${tx}`,
      ),
      replicas: single(ecs('RunningTaskCount'), 'Average'),
    },
  };
}

function resolveRule(
  id: string,
  base: CapacityRule,
  config: CapacityConfig,
  autoscaling: AutoscalingBounds,
): CapacityRule {
  const override = config.rules[id] ?? {};
  const rule: CapacityRule = {
    threshold: override.threshold ?? base.threshold,
    sustainMinutes: override.sustainMinutes ?? base.sustainMinutes,
    limit: override.limit ?? base.limit,
  };
  // An entity's own autoscaling targets are its scaling triggers.
  if (autoscaling.source === 'annotation') {
    if (id === 'cpu' && autoscaling.targetCpu !== undefined) {
      rule.threshold = autoscaling.targetCpu;
    }
    if (id === 'memory' && autoscaling.targetMemory !== undefined) {
      rule.threshold = autoscaling.targetMemory;
    }
  }
  if (id === 'replicas') {
    rule.limit =
      autoscaling.source === 'annotation'
        ? autoscaling.maxReplicas
        : override.limit ?? autoscaling.maxReplicas;
  }
  return rule;
}

function fillTemplate(
  template: string,
  vars: Record<string, string>,
): string | undefined {
  let missing = false;
  const value = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (vars[name] === undefined) missing = true;
    return vars[name] ?? '';
  });
  return missing ? undefined : value;
}

function customSource(
  custom: CustomMetricConfig,
  vars: Record<string, string>,
): MetricSource | undefined {
  const dimensions: Record<string, string> = {};
  for (const [name, template] of Object.entries(custom.dimensions)) {
    const value = fillTemplate(template, vars);
    if (value === undefined) return undefined;
    dimensions[name] = value;
  }
  return single(
    { namespace: custom.namespace, metricName: custom.metricName, dimensions },
    custom.stat,
  );
}

/**
 * What the refresh fetches for an entity: the metrics its annotations make
 * available (Container Insights, ALB, SQS, custom metrics from config), each
 * with its rule from the seed's defaults, config and the entity's
 * autoscaling annotation. Undefined when the entity has no capacity
 * annotations.
 */
export function capacityTarget(
  entity: Entity,
  config: CapacityConfig,
): CapacityTarget | undefined {
  if (!hasCapacityAnnotations(entity)) return undefined;
  const a = entity.metadata.annotations ?? {};
  const warnings: string[] = [];
  const { bounds: autoscaling, problems } = parseAutoscalingAnnotation(
    a[ANNOTATION_AUTOSCALING],
    config.autoscaling,
  );
  for (const problem of problems) {
    warnings.push(`${ANNOTATION_AUTOSCALING}: ${problem}`);
  }

  const sources = new Map<string, MetricSource>();
  const vars: Record<string, string> = { name: entity.metadata.name };

  const container = a[ANNOTATION_CONTAINER_SERVICE]?.trim();
  if (container) {
    const found = containerSources(container);
    if (typeof found === 'string') warnings.push(found);
    else {
      Object.assign(vars, found.vars);
      for (const [id, source] of Object.entries(found.sources)) {
        sources.set(id, source);
      }
    }
  }

  const targetGroup = a[ANNOTATION_ALB_TARGET_GROUP]?.trim();
  const loadBalancer = a[ANNOTATION_ALB]?.trim();
  if (targetGroup && !loadBalancer) {
    warnings.push(
      `${ANNOTATION_ALB_TARGET_GROUP} needs ${ANNOTATION_ALB} as well: CloudWatch names target group metrics by both`,
    );
  } else if (targetGroup && loadBalancer) {
    Object.assign(vars, { targetGroup, loadBalancer });
    const alb = (metricName: string): Metric => ({
      namespace: 'AWS/ApplicationELB',
      metricName,
      dimensions: { LoadBalancer: loadBalancer, TargetGroup: targetGroup },
    });
    sources.set('requestRate', {
      ...single(alb('RequestCount'), 'Sum'),
      transform: perSecond,
    });
    sources.set('latencyP50', single(alb('TargetResponseTime'), 'p50'));
    sources.set('latencyP95', single(alb('TargetResponseTime'), 'p95'));
    sources.set('latencyP99', single(alb('TargetResponseTime'), 'p99'));
  }

  // Prometheus gives the metrics the CloudWatch annotations do not.
  const job = a[ANNOTATION_PROMETHEUS_JOB]?.trim();
  if (job) {
    const prometheus = prometheusSources(
      job,
      a[ANNOTATION_PROMETHEUS_SELECTOR],
      config.prometheus,
    );
    for (const [id, source] of prometheus) {
      if (!sources.has(id)) sources.set(id, source);
    }
  }

  const queues = splitAnnotation(a[ANNOTATION_SQS_QUEUE]);
  if (queues.length > 0) vars.queue = queues[0];

  const plans: MetricPlan[] = [];
  const add = (definition: CapacityMetricDefinition, source: MetricSource) => {
    if (config.rules[definition.id]?.enabled === false) return;
    plans.push({
      definition,
      source,
      fine: definition.rule.threshold !== undefined,
    });
  };

  const custom = new Map(config.customMetrics.map(c => [c.id, c]));
  for (const builtin of BUILTIN_CAPACITY_METRICS) {
    if (builtin.id === 'queueDepth') {
      const rule = resolveRule(builtin.id, builtin.rule, config, autoscaling);
      for (const queue of queues) {
        add(
          {
            id: queues.length > 1 ? `queueDepth-${queue}` : 'queueDepth',
            label: queues.length > 1 ? `Queue depth (${queue})` : builtin.label,
            unit: builtin.unit,
            rule,
          },
          single(
            {
              namespace: 'AWS/SQS',
              metricName: 'ApproximateNumberOfMessagesVisible',
              dimensions: { QueueName: queue },
            },
            'Maximum',
          ),
        );
      }
      continue;
    }
    const override = custom.get(builtin.id);
    const source = override
      ? customSource(override, vars)
      : sources.get(builtin.id);
    if (!source) continue;
    const definition = override
      ? {
          ...builtin,
          label: override.label,
          unit: override.unit,
          rule: override.rule,
        }
      : builtin;
    add(
      {
        ...definition,
        rule: resolveRule(builtin.id, definition.rule, config, autoscaling),
      },
      source,
    );
  }
  for (const c of config.customMetrics) {
    if (BUILTIN_CAPACITY_METRICS.some(b => b.id === c.id)) continue;
    const source = customSource(c, vars);
    if (!source) continue;
    add(
      {
        id: c.id,
        label: c.label,
        unit: c.unit,
        rule: resolveRule(c.id, c.rule, config, autoscaling),
      },
      source,
    );
  }

  return {
    entityRef: stringifyEntityRef(entity),
    title: entity.metadata.title,
    region: a[ANNOTATION_CLOUDWATCH_REGION]?.trim() || undefined,
    autoscaling,
    metrics: plans,
    warnings,
  };
}
