import { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_ALB,
  ANNOTATION_ALB_TARGET_GROUP,
  ANNOTATION_CLOUDWATCH_REGION,
  ANNOTATION_SLO_AVAILABILITY,
  ANNOTATION_SLO_ERROR_RATE,
  ANNOTATION_SLO_LATENCY_P95,
  BurnRateRule,
  checkCloudWatchStatistic,
  SloProblem,
} from '@opsportal/plugin-ops-common';
import {
  CloudWatchMetricStat,
  describeMetric,
  percentText,
  secondsText,
  SloDefinition,
  SloDefinitionSet,
} from './definitions';

/** The compact form's window: the seed's tables all measure 30 days. */
const COMPACT_WINDOW = '30d';
const COMPACT_WINDOW_SECONDS = 30 * 86_400;
const ALB_NAMESPACE = 'AWS/ApplicationELB';

/** The compact annotations, in the order the card lists them. */
export const COMPACT_ANNOTATIONS = [
  ANNOTATION_SLO_AVAILABILITY,
  ANNOTATION_SLO_LATENCY_P95,
  ANNOTATION_SLO_ERROR_RATE,
];

/** `99.9`, `99.9%` or `0.01 %` as a share in (0, 1); undefined otherwise. */
export function parsePercent(value: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(value);
  if (!match) return undefined;
  const percent = Number(match[1]);
  return percent > 0 && percent < 100
    ? Number((percent / 100).toFixed(12))
    : undefined;
}

/** `500ms`, `0.5s` or `2s` as seconds; undefined otherwise. */
export function parseLatency(value: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*$/.exec(value);
  if (!match) return undefined;
  const seconds = Number(match[1]) / (match[2] === 'ms' ? 1000 : 1);
  return seconds > 0 ? seconds : undefined;
}

/** Removes binary noise from 1 - share (1 - 0.0001 is 0.9999). */
function complement(share: number): number {
  return Number((1 - share).toFixed(12));
}

interface AlbSource {
  /** Dimensions of the request, error and latency metrics. */
  dimensions: Record<string, string>;
  /** True when only the load balancer is known (no target group). */
  loadBalancerWide: boolean;
  described: string;
}

function albSource(entity: Entity): AlbSource | undefined {
  const a = entity.metadata.annotations ?? {};
  const alb = a[ANNOTATION_ALB]?.trim();
  const targetGroup = a[ANNOTATION_ALB_TARGET_GROUP]?.trim();
  if (alb && targetGroup) {
    return {
      dimensions: { LoadBalancer: alb, TargetGroup: targetGroup },
      loadBalancerWide: false,
      described: `target group ${targetGroup} of ${alb}`,
    };
  }
  if (alb) {
    return {
      dimensions: { LoadBalancer: alb },
      loadBalancerWide: true,
      described: `load balancer ${alb}`,
    };
  }
  return undefined;
}

function metric(
  source: AlbSource,
  metricName: string,
  stat: string,
  region?: string,
  dimensions: Record<string, string> = source.dimensions,
): CloudWatchMetricStat {
  return {
    namespace: ALB_NAMESPACE,
    metricName,
    dimensions,
    stat,
    ...(region ? { region } : {}),
  };
}

/**
 * The compact SLO annotations as SLO definitions over the entity's ALB
 * metrics (see docs/slo.md for why these metrics):
 *
 * - availability: requests without a 5xx from the targets, over all
 *   requests (load balancer wide: the load balancer's own 5xx count too);
 * - latency p95 `X`: 95 % of requests answered within X, counted with the
 *   trimmed count `TC(:X)` of `TargetResponseTime` over its sample count
 *   (so p95 <= X over the window exactly when the SLI reaches 95 %);
 * - error rate `Y %`: requests without a 4xx or 5xx, target `100 - Y %`.
 *
 * On a System without a load balancer, availability is computed from its
 * member components' availability SLOs.
 */
export function compactDefinitions(
  entity: Entity,
  rules: readonly BurnRateRule[],
): SloDefinitionSet {
  const a = entity.metadata.annotations ?? {};
  const problems: SloProblem[] = [];
  const definitions: SloDefinition[] = [];
  const region = a[ANNOTATION_CLOUDWATCH_REGION]?.trim() || undefined;
  const source = albSource(entity);
  const base = {
    window: COMPACT_WINDOW,
    windowSeconds: COMPACT_WINDOW_SECONDS,
    budgetingMethod: 'Occurrences' as const,
    missingData: 'ignore' as const,
    burnRateRules: [...rules],
  };
  const needSource = (annotation: string) =>
    problems.push({
      severity: 'error',
      source: annotation,
      message: `${annotation} needs ${ANNOTATION_ALB} (and ${ANNOTATION_ALB_TARGET_GROUP} for one service behind a shared load balancer) to find its CloudWatch metrics.`,
    });

  const availability = a[ANNOTATION_SLO_AVAILABILITY];
  if (availability !== undefined) {
    const target = parsePercent(availability);
    if (target === undefined) {
      problems.push({
        severity: 'error',
        source: ANNOTATION_SLO_AVAILABILITY,
        message: `${ANNOTATION_SLO_AVAILABILITY} is "${availability}": give a percentage between 0 and 100, e.g. '99.9'.`,
      });
    } else if (source) {
      const bad = [metric(source, 'HTTPCode_Target_5XX_Count', 'Sum', region)];
      if (source.loadBalancerWide) {
        bad.push(metric(source, 'HTTPCode_ELB_5XX_Count', 'Sum', region));
      }
      const total = [metric(source, 'RequestCount', 'Sum', region)];
      definitions.push({
        info: {
          ...base,
          id: 'availability',
          name: 'Availability',
          category: 'availability',
          target,
          objective: `${percentText(
            target,
          )} of requests answered without a server error (5xx)`,
          indicator: `Requests to ${source.described} without a 5xx: 1 - (${bad
            .map(describeMetric)
            .join(' + ')}) / ${describeMetric(total[0])}`,
          source: {
            form: 'annotation',
            annotation: ANNOTATION_SLO_AVAILABILITY,
          },
        },
        indicator: { type: 'ratio', bad, total },
      });
    } else if (entity.kind.toLocaleLowerCase('en-US') === 'system') {
      definitions.push({
        info: {
          ...base,
          id: 'availability',
          name: 'Availability',
          category: 'availability',
          target,
          objective: `${percentText(
            target,
          )} of requests to the system's services answered without a server error`,
          indicator:
            "All requests of the system's components with an availability SLO: their good requests over their requests, added up",
          source: { form: 'aggregate', members: [] },
        },
        indicator: { type: 'aggregate', category: 'availability' },
      });
    } else {
      needSource(ANNOTATION_SLO_AVAILABILITY);
    }
  }

  const latency = a[ANNOTATION_SLO_LATENCY_P95];
  if (latency !== undefined) {
    const seconds = parseLatency(latency);
    // Requests within the threshold are counted by CloudWatch: TC(:X).
    const counted =
      seconds === undefined
        ? undefined
        : checkCloudWatchStatistic(`TC(:${seconds})`);
    if (seconds === undefined) {
      problems.push({
        severity: 'error',
        source: ANNOTATION_SLO_LATENCY_P95,
        message: `${ANNOTATION_SLO_LATENCY_P95} is "${latency}": give a duration in ms or s, e.g. '500ms'.`,
      });
    } else if (counted && !counted.valid) {
      problems.push({
        severity: 'error',
        source: ANNOTATION_SLO_LATENCY_P95,
        message: `${ANNOTATION_SLO_LATENCY_P95} is "${latency}", which CloudWatch cannot count requests against: ${counted.message}. Give the threshold with at most 10 decimals of a second, e.g. '250ms'.`,
      });
    } else if (source && counted?.valid) {
      const good = [
        metric(source, 'TargetResponseTime', counted.statistic, region),
      ];
      const total = [
        metric(source, 'TargetResponseTime', 'SampleCount', region),
      ];
      definitions.push({
        info: {
          ...base,
          id: 'latency-p95',
          name: 'Latency p95',
          category: 'latency',
          target: 0.95,
          objective: `95 % of requests answered within ${secondsText(
            seconds,
          )} (p95 ≤ ${secondsText(seconds)})`,
          indicator: `Requests to ${
            source.described
          } answered within ${secondsText(seconds)}: ${describeMetric(
            good[0],
          )} / ${describeMetric(total[0])}`,
          source: {
            form: 'annotation',
            annotation: ANNOTATION_SLO_LATENCY_P95,
          },
        },
        indicator: { type: 'ratio', good, total },
      });
    } else {
      needSource(ANNOTATION_SLO_LATENCY_P95);
    }
  }

  const errorRate = a[ANNOTATION_SLO_ERROR_RATE];
  if (errorRate !== undefined) {
    const share = parsePercent(errorRate);
    if (share === undefined) {
      problems.push({
        severity: 'error',
        source: ANNOTATION_SLO_ERROR_RATE,
        message: `${ANNOTATION_SLO_ERROR_RATE} is "${errorRate}": give the highest error rate as a percentage, e.g. '1%'.`,
      });
    } else if (source) {
      const bad = [
        metric(source, 'HTTPCode_Target_4XX_Count', 'Sum', region),
        metric(source, 'HTTPCode_Target_5XX_Count', 'Sum', region),
      ];
      if (source.loadBalancerWide) {
        bad.push(metric(source, 'HTTPCode_ELB_4XX_Count', 'Sum', region));
        bad.push(metric(source, 'HTTPCode_ELB_5XX_Count', 'Sum', region));
      }
      const total = [metric(source, 'RequestCount', 'Sum', region)];
      const target = complement(share);
      definitions.push({
        info: {
          ...base,
          id: 'error-rate',
          name: 'Error rate',
          category: 'error-rate',
          target,
          objective: `Fewer than ${percentText(
            share,
          )} of requests fail (4xx or 5xx)`,
          indicator: `Requests to ${
            source.described
          } without a 4xx or 5xx: 1 - (${bad
            .map(describeMetric)
            .join(' + ')}) / ${describeMetric(total[0])}`,
          source: { form: 'annotation', annotation: ANNOTATION_SLO_ERROR_RATE },
        },
        indicator: { type: 'ratio', bad, total },
      });
    } else {
      needSource(ANNOTATION_SLO_ERROR_RATE);
    }
  }

  return { definitions, problems };
}
