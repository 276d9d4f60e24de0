import { z } from 'zod';
import {
  checkCloudWatchStatistic,
  MissingDataPolicy,
  parseDurationShorthand,
} from '@opsportal/plugin-ops-common';

// The OpenSLO v1 documents the ops portal reads, with the messages users
// see. What only the whole file can tell (references, duplicates, an
// objective against its SLI) is checked in openslo.ts.

/** Label on an OpenSLO SLO that sets its category (`availability`, `latency`, `error-rate`). */
export const OPENSLO_CATEGORY_LABEL = 'opsportal.dev/category';
/** Annotation on an OpenSLO SLO that says how slices without data count (`good`, `bad`, `ignore`). */
export const OPENSLO_MISSING_DATA_ANNOTATION = 'opsportal.dev/missing-data';

/** A refinement whose message is a whole sentence, shown without its path. */
function sentence(message: string, path?: string[]) {
  return { message, ...(path && { path }), params: { sentence: true } };
}

/** An object whose unknown fields are reported (as warnings: they are ignored). */
function strict<T extends z.ZodRawShape>(shape: T, fields: string) {
  return z.strictObject(shape, {
    error: issue =>
      issue.code === 'unrecognized_keys'
        ? `unknown field, ignored: ${fields}`
        : undefined,
  });
}

const op = z.enum(['lt', 'lte', 'gt', 'gte']);

/** A duration (`30d`, `1h`, `5m`), read as seconds. */
const duration = z
  .union([z.string(), z.number()])
  .refine(v => parseDurationShorthand(v) !== undefined, {
    message: 'must be a duration such as 30d, 1h or 5m',
  })
  .transform(v => parseDurationShorthand(v)!);

const metadata = z.object({
  name: z.string().min(1),
  displayName: z.string().optional(),
  labels: z.record(z.string(), z.unknown()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

/** What every document has; its spec is read by kind, when it is used. */
export const envelope = z.object({
  apiVersion: z.string().refine(v => v === 'openslo/v1', {
    error: issue =>
      `apiVersion ${issue.input} is not supported: use openslo/v1`,
    params: { sentence: true },
  }),
  kind: z.enum([
    'SLO',
    'SLI',
    'AlertPolicy',
    'AlertCondition',
    'AlertNotificationTarget',
    'DataSource',
    'Service',
  ]),
  metadata,
  spec: z.record(z.string(), z.unknown()),
});

/**
 * A statistic CloudWatch accepts, as it spells it (`sum` is read as `Sum`).
 * One refused statistic fails the whole GetMetricData call it is sent in.
 */
const statistic = z
  .string()
  .min(1, { abort: true })
  .transform((written, ctx) => {
    const check = checkCloudWatchStatistic(written);
    if (check.valid) return { written, ...check };
    ctx.issues.push({ code: 'custom', message: check.message, input: written });
    return z.NEVER;
  });

/** A metric source's spec: the ops portal's own format, so it is strict. */
export const cloudWatchMetric = strict(
  {
    region: z.string().optional(),
    namespace: z.string().min(1),
    metricName: z.string().min(1),
    stat: statistic.optional(),
    dimensions: z
      .array(
        strict(
          { name: z.string().min(1), value: z.string() },
          'a dimension has name and value',
        ),
      )
      .optional(),
  },
  'a CloudWatch metric has region, namespace, metricName, stat and dimensions',
).transform(({ stat, dimensions, ...metric }) => ({
  ...metric,
  stat: stat?.statistic ?? 'Sum',
  /** The statistic as written, when CloudWatch spells it differently. */
  respelled: stat?.normalised ? stat.written : undefined,
  dimensions: Object.fromEntries(
    (dimensions ?? []).map(d => [d.name, d.value]),
  ),
}));

/**
 * A Prometheus metric source's spec: the PromQL in `query` (OpenSLO's and
 * Sloth's field) or `promql`. Strict like the CloudWatch spec.
 */
export const prometheusQuery = strict(
  {
    query: z.string().trim().min(1).optional(),
    promql: z.string().trim().min(1).optional(),
  },
  'a Prometheus metric source has query (or promql)',
)
  .refine(
    q => q.query !== undefined || q.promql !== undefined,
    sentence(
      'a Prometheus metric source needs its PromQL in spec.query (or spec.promql)',
    ),
  )
  .refine(
    q => q.query === undefined || q.promql === undefined,
    sentence('give the PromQL in spec.query or in spec.promql, not both'),
  )
  .transform(q => (q.query ?? q.promql)!);

/** A sum of CloudWatch metrics. */
export const cloudWatchMetrics = strict(
  { region: z.string().optional(), metrics: z.array(cloudWatchMetric).min(1) },
  'a sum of CloudWatch metrics has region and metrics',
);

const metricSource = z.object({
  metricSourceRef: z.string().optional(),
  type: z.string().optional(),
  spec: z.record(z.string(), z.unknown()),
});
const ratioPart = z.object({ metricSource });

export const sliSpec = z
  .object({
    description: z.string().max(1050).optional(),
    thresholdMetric: z.object({ metricSource }).optional(),
    ratioMetric: z
      .object({
        counter: z.boolean().optional(),
        good: ratioPart.optional(),
        bad: ratioPart.optional(),
        total: ratioPart.optional(),
        rawType: z.enum(['success', 'failure']).optional(),
        raw: ratioPart.optional(),
      })
      .refine(
        r => !r.raw,
        sentence(
          'raw (precomputed) ratio metrics are not supported: give good or bad with total',
          ['raw'],
        ),
      )
      .refine(
        r => !!r.raw || (!!r.total && !r.good !== !r.bad),
        sentence('ratioMetric needs total and exactly one of good and bad'),
      )
      .optional(),
  })
  .refine(
    s => !(s.ratioMetric && s.thresholdMetric),
    sentence('give either ratioMetric or thresholdMetric, not both'),
  )
  .refine(
    s => !!(s.ratioMetric || s.thresholdMetric),
    sentence('the SLI needs a ratioMetric or a thresholdMetric'),
  );

const objective = z
  .object({
    displayName: z.string().optional(),
    op: op.optional(),
    value: z.number().optional(),
    target: z.number().gt(0).lt(1).optional(),
    targetPercent: z.number().gt(0).lt(100).optional(),
    timeSliceTarget: z.number().gt(0).lte(1).optional(),
    timeSliceWindow: duration.optional(),
  })
  .refine(o => (o.target === undefined) !== (o.targetPercent === undefined), {
    message: 'give exactly one of target and targetPercent',
  })
  .transform(o => ({
    ...o,
    target: o.target ?? Number((o.targetPercent! / 100).toFixed(12)),
  }));

const timeWindow = z
  .object({
    duration: duration.refine(
      seconds => seconds % 3600 === 0,
      sentence('the time window must be whole hours'),
    ),
    isRolling: z.boolean().optional(),
    calendar: z
      .object({ startTime: z.unknown(), timeZone: z.string() })
      .optional(),
  })
  .refine(
    w => !w.calendar && w.isRolling !== false,
    sentence(
      'calendar-aligned time windows are not supported yet: use a rolling window (isRolling: true)',
    ),
  );

/** An entry naming a document of `kind` by reference, or holding it inline. */
function refOrInline(kind: string, ref: string) {
  return z.union([
    z.object({ [ref]: z.string() }),
    z.object({ kind: z.literal(kind), metadata, spec: z.unknown() }),
  ]);
}

export const alertConditionSpec = z.object({
  description: z.string().optional(),
  severity: z.string().min(1),
  condition: z.object({
    kind: z.literal('burnrate').optional(),
    op,
    threshold: z.number().positive(),
    lookbackWindow: duration,
    alertAfter: duration.optional(),
  }),
});

export const alertPolicySpec = z.object({
  description: z.string().optional(),
  alertWhenNoData: z.boolean().optional(),
  alertWhenResolved: z.boolean().optional(),
  alertWhenBreaching: z.boolean().optional(),
  conditions: z.array(refOrInline('AlertCondition', 'conditionRef')).min(1),
  notificationTargets: z.array(z.unknown()).optional(),
});

const sloSpec = z.object({
  description: z.string().max(1050).optional(),
  service: z.string().optional(),
  indicator: z.object({ metadata, spec: z.unknown() }).optional(),
  indicatorRef: z.string().optional(),
  timeWindow: z
    .array(timeWindow)
    .length(1, 'give exactly one time window')
    .optional(),
  budgetingMethod: z
    .enum(['Occurrences', 'Timeslices', 'RatioTimeslices'])
    .refine(
      m => m !== 'RatioTimeslices',
      sentence(
        'budgetingMethod RatioTimeslices is not supported yet: use Occurrences or Timeslices',
      ),
    ),
  objectives: z.array(objective).min(1),
  alertPolicies: z
    .array(refOrInline('AlertPolicy', 'alertPolicyRef'))
    .optional(),
});

export const sloDocument = z.object({ metadata, spec: sloSpec });

/** How an SLO counts slices without data: its missing-data annotation. */
export const missingData = z
  .string()
  .refine(
    v => ['good', 'bad', 'ignore'].includes(v),
    sentence(`${OPENSLO_MISSING_DATA_ANNOTATION} must be good, bad or ignore`),
  )
  .transform(v => v as MissingDataPolicy)
  .default('ignore');

export type SourceDocument = z.output<typeof envelope>;
export type SloSpec = z.output<typeof sloSpec>;
export type SliSpec = z.output<typeof sliSpec>;
export type Objective = z.output<typeof objective>;
export type MetricSource = z.output<typeof metricSource>;
export type CloudWatchMetric = z.output<typeof cloudWatchMetric>;
