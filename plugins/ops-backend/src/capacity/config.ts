import {
  SchedulerServiceTaskScheduleDefinition,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  AutoscalingBounds,
  BUILTIN_CAPACITY_METRICS,
  CapacityRule,
  CapacityUnit,
  DEFAULT_AUTOSCALING,
} from '@opsportal/plugin-ops-common';

/** A metric read from any CloudWatch namespace, declared in config. */
export interface CustomMetricConfig {
  /** Id; a built-in id (e.g. `diskIo`) takes over its label, unit and rule. */
  id: string;
  label: string;
  unit: CapacityUnit;
  namespace: string;
  metricName: string;
  stat: string;
  /**
   * Dimension values may use `{cluster}`, `{namespace}`, `{service}` (from
   * the container-service annotation), `{loadBalancer}`, `{targetGroup}`,
   * `{queue}` and `{name}` (the entity's name).
   */
  dimensions: Record<string, string>;
  rule: CapacityRule;
}

/** The capacity feature's settings (`ops.capacity`). */
export interface CapacityConfig {
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** How far the forecasts look ahead. */
  horizonDays: number;
  /**
   * Services whose metrics are fetched in one provider request. Bounds the
   * refresh's memory (about 6 MiB of heap a service while its 1-minute
   * trigger data is read); calls are packed per request, so small batches
   * cost a few more calls, not more metrics.
   */
  servicesPerBatch: number;
  /**
   * Minutes before the last refresh that a refresh reads again, for
   * datapoints CloudWatch received late; the rest comes from the stored
   * series (`ops_capacity_series`).
   */
  lateDataMinutes: number;
  /** Rule overrides per metric id; `enabled: false` switches a metric off. */
  rules: Record<string, Partial<CapacityRule> & { enabled?: boolean }>;
  customMetrics: CustomMetricConfig[];
  autoscaling: AutoscalingBounds;
  /**
   * PromQL per built-in metric id for entities with `prometheus.io/job`
   * (`ops.capacity.prometheus.queries`): `$selector` stands for the
   * entity's label matchers, `$period` for the period. A metric the
   * entity's CloudWatch annotations give is read from CloudWatch.
   */
  prometheus: Record<string, string>;
}

/**
 * The capacity metrics read from Prometheus by default: request rate and
 * latency percentiles from the usual HTTP client-library metrics. CPU,
 * memory, network and replicas have no metric every setup exports in the
 * built-in units (percent of the limit...), so they are configured.
 */
export const DEFAULT_PROMETHEUS_CAPACITY_QUERIES: Record<string, string> = {
  requestRate: 'sum(rate(http_requests_total{$selector}[$period]))',
  latencyP50:
    'histogram_quantile(0.5, sum by (le) (rate(http_request_duration_seconds_bucket{$selector}[$period])))',
  latencyP95:
    'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{$selector}[$period])))',
  latencyP99:
    'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{$selector}[$period])))',
};

const UNITS: CapacityUnit[] = [
  'percent',
  'count',
  'seconds',
  'bytesPerSecond',
  'requestsPerSecond',
  'messages',
];

const DEFAULT_CAPACITY_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { hours: 1 },
  timeout: { minutes: 30 },
  initialDelay: { seconds: 15 },
};

/** Reads `ops.capacity`, with the seed's values as defaults. */
export function readCapacityConfig(root: Config): CapacityConfig {
  const config = root.getOptionalConfig('ops.capacity');
  const schedule = config?.has('schedule')
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
        config.getConfig('schedule'),
      )
    : DEFAULT_CAPACITY_SCHEDULE;

  const rules: CapacityConfig['rules'] = {};
  const metrics = config?.getOptionalConfig('metrics');
  for (const id of metrics?.keys() ?? []) {
    const m = metrics!.getConfig(id);
    rules[id] = {
      threshold: m.getOptionalNumber('threshold'),
      sustainMinutes: m.getOptionalNumber('sustainMinutes'),
      limit: m.getOptionalNumber('limit'),
      enabled: m.getOptionalBoolean('enabled'),
    };
  }

  const customMetrics = (
    config?.getOptionalConfigArray('customMetrics') ?? []
  ).map(c => {
    const id = c.getString('id');
    if (!/^[a-zA-Z][a-zA-Z0-9_-]*$/.test(id)) {
      throw new Error(
        `ops.capacity.customMetrics: id "${id}" must start with a letter and hold only letters, digits, "_" and "-"`,
      );
    }
    const builtin = BUILTIN_CAPACITY_METRICS.find(b => b.id === id);
    const unit = (c.getOptionalString('unit') ??
      builtin?.unit ??
      'count') as CapacityUnit;
    if (!UNITS.includes(unit)) {
      throw new Error(
        `ops.capacity.customMetrics ${id}: unit must be one of ${UNITS.join(
          ', ',
        )}`,
      );
    }
    const dims = c.getOptionalConfig('dimensions');
    return {
      id,
      label: c.getOptionalString('label') ?? builtin?.label ?? id,
      unit,
      namespace: c.getString('namespace'),
      metricName: c.getString('metricName'),
      stat: c.getOptionalString('stat') ?? 'Average',
      dimensions: Object.fromEntries(
        (dims?.keys() ?? []).map(k => [k, dims!.getString(k)]),
      ),
      rule: {
        threshold: c.getOptionalNumber('threshold') ?? builtin?.rule.threshold,
        sustainMinutes:
          c.getOptionalNumber('sustainMinutes') ??
          builtin?.rule.sustainMinutes ??
          0,
        limit: c.getOptionalNumber('limit') ?? builtin?.rule.limit,
      },
    };
  });

  const pods = config?.getOptionalConfig('autoscaling.pods');
  const nodes = config?.getOptionalConfig('autoscaling.nodeGroups');
  const d = DEFAULT_AUTOSCALING;
  const autoscaling: AutoscalingBounds = {
    minReplicas: pods?.getOptionalNumber('minReplicas') ?? d.minReplicas,
    maxReplicas: pods?.getOptionalNumber('maxReplicas') ?? d.maxReplicas,
    targetCpu: pods?.getOptionalNumber('targetCpu') ?? d.targetCpu,
    targetMemory: pods?.getOptionalNumber('targetMemory') ?? d.targetMemory,
    nodes: {
      min: nodes?.getOptionalNumber('min') ?? d.nodes!.min,
      max: nodes?.getOptionalNumber('max') ?? d.nodes!.max,
      targetCpu: nodes?.getOptionalNumber('targetCpu') ?? d.nodes!.targetCpu,
    },
    source: 'config',
  };

  const prometheus = { ...DEFAULT_PROMETHEUS_CAPACITY_QUERIES };
  const queries = config?.getOptionalConfig('prometheus.queries');
  for (const id of queries?.keys() ?? []) {
    const known = BUILTIN_CAPACITY_METRICS.some(
      b => b.id === id && b.id !== 'queueDepth',
    );
    if (!known) {
      throw new Error(
        `ops.capacity.prometheus.queries.${id}: not a capacity metric; use one of ${BUILTIN_CAPACITY_METRICS.filter(
          b => b.id !== 'queueDepth',
        )
          .map(b => b.id)
          .join(', ')}`,
      );
    }
    // Switched off like the others: ops.capacity.metrics.<id>.enabled: false.
    prometheus[id] = queries!.getString(id).trim();
  }

  return {
    schedule,
    prometheus,
    horizonDays: config?.getOptionalNumber('forecastHorizonDays') ?? 180,
    servicesPerBatch: config?.getOptionalNumber('servicesPerBatch') ?? 10,
    lateDataMinutes: Math.max(
      0,
      config?.getOptionalNumber('lateDataMinutes') ?? 15,
    ),
    rules,
    customMetrics,
    autoscaling,
  };
}
