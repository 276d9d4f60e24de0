import { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_ALB,
  ANNOTATION_ALB_TARGET_GROUP,
  ANNOTATION_CLOUDWATCH_REGION,
  ANNOTATION_PROMETHEUS_JOB,
  ANNOTATION_PROMETHEUS_SELECTOR,
  ANNOTATION_SLO_AVAILABILITY,
  ANNOTATION_SLO_ERROR_RATE,
  ANNOTATION_SLO_LATENCY_P95,
  ANNOTATION_SLO_SOURCE,
  BurnRateRule,
  checkCloudWatchStatistic,
  SloProblem,
} from '@opsportal/plugin-ops-common';
import {
  CloudWatchMetricStat,
  describeMetric,
  percentText,
  PrometheusQuery,
  secondsText,
  SliMetric,
  SloDefinition,
  SloDefinitionSet,
} from './definitions';
import {
  leMatcher,
  PERIOD_PLACEHOLDER,
  promqlSelector,
  promqlString,
} from './promql';

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

/**
 * The Prometheus series the compact form reads (`ops.slo.prometheus`):
 * a request counter with a status-code label and a latency histogram.
 */
export interface PrometheusSloDefaults {
  /** Counter of requests, e.g. `http_requests_total`. */
  requestsMetric: string;
  /** Histogram of request durations in seconds (its `_bucket` series are read). */
  durationMetric: string;
  /** Label of `requestsMetric` with the HTTP status code, e.g. `code`. */
  statusLabel: string;
}

/** The usual names of Prometheus client libraries' HTTP metrics. */
export const DEFAULT_PROMETHEUS_SLO: PrometheusSloDefaults = {
  requestsMetric: 'http_requests_total',
  durationMetric: 'http_request_duration_seconds',
  statusLabel: 'code',
};

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

interface PrometheusSource {
  /** Label matchers of the entity's series (job and the extra selector). */
  matchers: string[];
  described: string;
}

function prometheusSource(entity: Entity): PrometheusSource | undefined {
  const a = entity.metadata.annotations ?? {};
  const job = a[ANNOTATION_PROMETHEUS_JOB]?.trim();
  if (!job) return undefined;
  const extra = a[ANNOTATION_PROMETHEUS_SELECTOR]?.trim().replace(/,+$/, '');
  return {
    matchers: [`job=${promqlString(job)}`, ...(extra ? [extra] : [])],
    described: `Prometheus job ${job}${extra ? ` {${extra}}` : ''}`,
  };
}

/** The events of each period counted by a counter: `sum(increase(...[$period]))`. */
function counted(name: string, matchers: string[]): PrometheusQuery {
  return {
    provider: 'prometheus',
    promql: `sum(increase(${promqlSelector(
      name,
      matchers,
    )}[${PERIOD_PLACEHOLDER}]))`,
  };
}

/** The SLIs of the compact annotations over one source, CloudWatch or Prometheus. */
interface CompactMetrics {
  described: string;
  /** Requests without a 5xx: bad and total. */
  availability: { bad: SliMetric[]; total: SliMetric[] };
  /** Requests answered within `seconds`: good and total. */
  latency(seconds: number): { good: SliMetric[]; total: SliMetric[] };
  /** Requests without a 4xx or 5xx: bad and total. */
  errorRate: { bad: SliMetric[]; total: SliMetric[] };
}

function prometheusMetrics(
  source: PrometheusSource,
  names: PrometheusSloDefaults,
): CompactMetrics {
  const { matchers } = source;
  const status = (pattern: string) =>
    `${names.statusLabel}=~${promqlString(pattern)}`;
  const total = [counted(names.requestsMetric, matchers)];
  const histogram = names.durationMetric.replace(/_bucket$/, '');
  return {
    described: source.described,
    availability: {
      bad: [counted(names.requestsMetric, [...matchers, status('5..')])],
      total,
    },
    latency: seconds => ({
      good: [
        counted(`${histogram}_bucket`, [
          ...matchers,
          `le=~${promqlString(leMatcher(seconds))}`,
        ]),
      ],
      total: [counted(`${histogram}_bucket`, [...matchers, 'le="+Inf"'])],
    }),
    errorRate: {
      bad: [counted(names.requestsMetric, [...matchers, status('[45]..')])],
      total,
    },
  };
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
function albMetrics(source: AlbSource, region?: string): CompactMetrics {
  const requests = [metric(source, 'RequestCount', 'Sum', region)];
  const bad5xx = [metric(source, 'HTTPCode_Target_5XX_Count', 'Sum', region)];
  if (source.loadBalancerWide) {
    bad5xx.push(metric(source, 'HTTPCode_ELB_5XX_Count', 'Sum', region));
  }
  const bad4xx5xx = [
    metric(source, 'HTTPCode_Target_4XX_Count', 'Sum', region),
    metric(source, 'HTTPCode_Target_5XX_Count', 'Sum', region),
  ];
  if (source.loadBalancerWide) {
    bad4xx5xx.push(metric(source, 'HTTPCode_ELB_4XX_Count', 'Sum', region));
    bad4xx5xx.push(metric(source, 'HTTPCode_ELB_5XX_Count', 'Sum', region));
  }
  return {
    described: source.described,
    availability: { bad: bad5xx, total: requests },
    // Requests within the threshold are counted by CloudWatch: TC(:X),
    // checked by compactDefinitions before this is called.
    latency: seconds => {
      const check = checkCloudWatchStatistic(`TC(:${seconds})`);
      const stat = check.valid ? check.statistic : `TC(:${seconds})`;
      return {
        good: [metric(source, 'TargetResponseTime', stat, region)],
        total: [metric(source, 'TargetResponseTime', 'SampleCount', region)],
      };
    },
    errorRate: { bad: bad4xx5xx, total: requests },
  };
}

const SOURCES = ['cloudwatch', 'prometheus'] as const;

/**
 * The compact SLO annotations as SLO definitions over the entity's ALB
 * metrics or its Prometheus job's series (see docs/slo.md for why these
 * metrics):
 *
 * - availability: requests without a 5xx, over all requests (CloudWatch:
 *   the targets' 5xx, load balancer wide also the load balancer's own;
 *   Prometheus: the requests counter with a `5..` status label);
 * - latency p95 `X`: 95 % of requests answered within X, so p95 <= X over
 *   the window exactly when the SLI reaches 95 % (CloudWatch: the trimmed
 *   count `TC(:X)` of `TargetResponseTime` over its sample count;
 *   Prometheus: the histogram's `le="X"` bucket over its `+Inf` bucket);
 * - error rate `Y %`: requests without a 4xx or 5xx, target `100 - Y %`.
 *
 * The source: `opsportal.dev/slo-source` when set, else CloudWatch when
 * the ALB annotations are there, else Prometheus when `prometheus.io/job`
 * is. On a System without either, availability is computed from its
 * member components' availability SLOs.
 */
export function compactDefinitions(
  entity: Entity,
  rules: readonly BurnRateRule[],
  prometheus: PrometheusSloDefaults = DEFAULT_PROMETHEUS_SLO,
): SloDefinitionSet {
  const a = entity.metadata.annotations ?? {};
  const problems: SloProblem[] = [];
  const definitions: SloDefinition[] = [];
  const region = a[ANNOTATION_CLOUDWATCH_REGION]?.trim() || undefined;
  const alb = albSource(entity);
  const job = prometheusSource(entity);
  const present = COMPACT_ANNOTATIONS.filter(x => a[x] !== undefined);

  const written = a[ANNOTATION_SLO_SOURCE]?.trim();
  const explicit = SOURCES.find(x => x === written?.toLocaleLowerCase('en-US'));
  if (written && !explicit && present.length > 0) {
    problems.push({
      severity: 'error',
      source: ANNOTATION_SLO_SOURCE,
      message: `${ANNOTATION_SLO_SOURCE} is "${written}": use cloudwatch or prometheus.`,
    });
  }
  let chosen: (typeof SOURCES)[number] | undefined = explicit;
  if (!chosen) {
    if (alb) chosen = 'cloudwatch';
    else if (job) chosen = 'prometheus';
  }
  let source: CompactMetrics | undefined;
  if (chosen === 'cloudwatch' && alb) source = albMetrics(alb, region);
  if (chosen === 'prometheus' && job) {
    source = prometheusMetrics(job, prometheus);
  }

  const base = {
    window: COMPACT_WINDOW,
    windowSeconds: COMPACT_WINDOW_SECONDS,
    budgetingMethod: 'Occurrences' as const,
    missingData: 'ignore' as const,
    burnRateRules: [...rules],
  };
  const cloudWatchNeeds = `${ANNOTATION_ALB} (and ${ANNOTATION_ALB_TARGET_GROUP} for one service behind a shared load balancer) to find its CloudWatch metrics`;
  const prometheusNeeds = `${ANNOTATION_PROMETHEUS_JOB} (and optionally ${ANNOTATION_PROMETHEUS_SELECTOR}) to find its Prometheus series`;
  const needSource = (annotation: string) => {
    let needs = `${cloudWatchNeeds}, or ${prometheusNeeds}`;
    if (chosen === 'cloudwatch') needs = cloudWatchNeeds;
    if (chosen === 'prometheus') needs = prometheusNeeds;
    const because = explicit
      ? ` (${ANNOTATION_SLO_SOURCE} is ${explicit})`
      : '';
    problems.push({
      severity: 'error',
      source: annotation,
      message: `${annotation} needs ${needs}${because}.`,
    });
  };

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
      const { bad, total } = source.availability;
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
    // CloudWatch counts requests within the threshold with TC(:X).
    const check =
      seconds === undefined || chosen !== 'cloudwatch'
        ? undefined
        : checkCloudWatchStatistic(`TC(:${seconds})`);
    if (seconds === undefined) {
      problems.push({
        severity: 'error',
        source: ANNOTATION_SLO_LATENCY_P95,
        message: `${ANNOTATION_SLO_LATENCY_P95} is "${latency}": give a duration in ms or s, e.g. '500ms'.`,
      });
    } else if (check && !check.valid) {
      problems.push({
        severity: 'error',
        source: ANNOTATION_SLO_LATENCY_P95,
        message: `${ANNOTATION_SLO_LATENCY_P95} is "${latency}", which CloudWatch cannot count requests against: ${check.message}. Give the threshold with at most 10 decimals of a second, e.g. '250ms'.`,
      });
    } else if (source) {
      const { good, total } = source.latency(seconds);
      const bucket =
        chosen === 'prometheus'
          ? ` (a bucket of ${prometheus.durationMetric.replace(
              /_bucket$/,
              '',
            )} at ${seconds} s is needed)`
          : '';
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
          )} / ${describeMetric(total[0])}${bucket}`,
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
      const { bad, total } = source.errorRate;
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
