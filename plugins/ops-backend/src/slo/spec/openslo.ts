import { Document, LineCounter, parseAllDocuments } from 'yaml';
import { z } from 'zod';
import {
  BurnRateRule,
  checkCloudWatchStatistic,
  formatDurationShorthand,
  MissingDataPolicy,
  parseDurationShorthand,
  SloBudgetingMethod,
  SloCategory,
  SloProblem,
} from '@opsportal/plugin-ops-common';
import {
  CloudWatchMetricStat,
  describeMetric,
  percentText,
  SliDefinition,
  SloDefinition,
  SloDefinitionSet,
  ThresholdOp,
} from './definitions';

/** Label on an OpenSLO SLO that sets its category (`availability`, `latency`, `error-rate`). */
export const OPENSLO_CATEGORY_LABEL = 'opsportal.dev/category';
/** Annotation on an OpenSLO SLO that says how slices without data count (`good`, `bad`, `ignore`). */
export const OPENSLO_MISSING_DATA_ANNOTATION = 'opsportal.dev/missing-data';

type Path = (string | number)[];

const duration = z
  .union([z.string(), z.number()])
  .refine(v => parseDurationShorthand(v) !== undefined, {
    message: 'must be a duration such as 30d, 1h or 5m',
  });

const metadata = z.object({
  name: z.string().min(1),
  displayName: z.string().optional(),
  labels: z.record(z.string(), z.unknown()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

const envelope = z.object({
  apiVersion: z.string(),
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

const metricSource = z.object({
  metricSourceRef: z.string().optional(),
  type: z.string().optional(),
  spec: z.record(z.string(), z.unknown()),
});
const ratioPart = z.object({ metricSource });

const sliSpec = z.object({
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
    .optional(),
});

const objective = z
  .object({
    displayName: z.string().optional(),
    op: z.enum(['lt', 'lte', 'gt', 'gte']).optional(),
    value: z.number().optional(),
    target: z.number().gt(0).lt(1).optional(),
    targetPercent: z.number().gt(0).lt(100).optional(),
    timeSliceTarget: z.number().gt(0).lte(1).optional(),
    timeSliceWindow: duration.optional(),
  })
  .refine(o => (o.target === undefined) !== (o.targetPercent === undefined), {
    message: 'give exactly one of target and targetPercent',
  });

const alertConditionSpec = z.object({
  description: z.string().optional(),
  severity: z.string().min(1),
  condition: z.object({
    kind: z.literal('burnrate').optional(),
    op: z.enum(['lt', 'lte', 'gt', 'gte']),
    threshold: z.number().positive(),
    lookbackWindow: duration,
    alertAfter: duration.optional(),
  }),
});

const alertPolicySpec = z.object({
  description: z.string().optional(),
  alertWhenNoData: z.boolean().optional(),
  alertWhenResolved: z.boolean().optional(),
  alertWhenBreaching: z.boolean().optional(),
  conditions: z
    .array(
      z.union([
        z.object({ conditionRef: z.string() }),
        z.object({
          kind: z.literal('AlertCondition'),
          metadata,
          spec: z.unknown(),
        }),
      ]),
    )
    .min(1),
  notificationTargets: z.array(z.unknown()).optional(),
});

const sloSpec = z.object({
  description: z.string().max(1050).optional(),
  service: z.string().optional(),
  indicator: z.object({ metadata, spec: z.unknown() }).optional(),
  indicatorRef: z.string().optional(),
  timeWindow: z
    .array(
      z.object({
        duration,
        isRolling: z.boolean().optional(),
        calendar: z
          .object({ startTime: z.unknown(), timeZone: z.string() })
          .optional(),
      }),
    )
    .length(1, 'give exactly one time window')
    .optional(),
  budgetingMethod: z.enum(['Occurrences', 'Timeslices', 'RatioTimeslices']),
  objectives: z.array(objective).min(1),
  alertPolicies: z
    .array(
      z.union([
        z.object({ alertPolicyRef: z.string() }),
        z.object({
          kind: z.literal('AlertPolicy'),
          metadata,
          spec: z.unknown(),
        }),
      ]),
    )
    .optional(),
});

const cloudWatchMetric = z.object({
  region: z.string().optional(),
  namespace: z.string().min(1),
  metricName: z.string().min(1),
  stat: z.string().min(1).optional(),
  dimensions: z
    .array(z.object({ name: z.string().min(1), value: z.string() }))
    .optional(),
});
const cloudWatchMetrics = z.object({
  region: z.string().optional(),
  metrics: z.array(cloudWatchMetric).min(1),
});

interface SourceObject {
  kind: z.infer<typeof envelope>['kind'];
  name: string;
  value: z.infer<typeof envelope>;
  doc: Document;
  /** Path of the object inside its document (inline objects sit deeper). */
  path: Path;
}

/** Options of {@link parseOpenSlo}. */
export interface OpenSloOptions {
  /** Where the text came from, for messages. */
  location: string;
  /** Burn-rate rules of SLOs without alert policies. */
  defaultRules: readonly BurnRateRule[];
}

/**
 * Reads an OpenSLO v1 file (several YAML documents: SLO, SLI, AlertPolicy,
 * AlertCondition, DataSource, Service) into SLO definitions over CloudWatch
 * metrics. Every problem is reported with the line at fault; an invalid SLO
 * is left out, the others are kept.
 */

const OPS: Record<string, string> = { lt: '<', lte: '≤', gt: '>', gte: '≥' };

/**
 * The finest period CloudWatch keeps for a whole window: 1 minute for 15
 * days, 5 minutes for 63 days, 1 hour beyond.
 */
function finestPeriodSeconds(windowSeconds: number): number {
  if (windowSeconds <= 15 * 86_400) return 60;
  if (windowSeconds <= 63 * 86_400) return 300;
  return 3600;
}

export function parseOpenSlo(
  text: string,
  options: OpenSloOptions,
): SloDefinitionSet {
  const { location } = options;
  const problems: SloProblem[] = [];
  const definitions: SloDefinition[] = [];
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter });
  const docs = Array.isArray(parsed) ? parsed : [];

  const lineOf = (doc: Document, path: Path): number | undefined => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = doc.getIn(path.slice(0, depth), true) as
        | { range?: [number, number, number] }
        | undefined;
      if (node && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  const report = (
    severity: SloProblem['severity'],
    doc: Document | undefined,
    path: Path,
    message: string,
  ) => {
    problems.push({
      severity,
      message,
      source: location,
      ...(doc ? { line: lineOf(doc, path) } : {}),
    });
  };
  const reportIssues = (doc: Document, base: Path, error: z.ZodError) => {
    for (const issue of error.issues) {
      const path = [...base, ...(issue.path as Path)];
      report(
        'error',
        doc,
        path,
        `${path.join('.') || 'document'}: ${issue.message}`,
      );
    }
  };

  const objects: SourceObject[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        problems.push({
          severity: 'error',
          message: `YAML: ${error.message.split('\n')[0].replace(/:$/, '')}`,
          source: location,
          line: error.linePos?.[0].line,
        });
      }
      continue;
    }
    const value = doc.toJS();
    if (value === null || value === undefined) continue;
    const result = envelope.safeParse(value);
    if (!result.success) {
      reportIssues(doc, [], result.error);
      continue;
    }
    if (result.data.apiVersion !== 'openslo/v1') {
      report(
        'error',
        doc,
        ['apiVersion'],
        `apiVersion ${result.data.apiVersion} is not supported: use openslo/v1`,
      );
      continue;
    }
    objects.push({
      kind: result.data.kind,
      name: result.data.metadata.name,
      value: result.data,
      doc,
      path: [],
    });
  }

  const byKind = (kind: SourceObject['kind']) => {
    const map = new Map<string, SourceObject>();
    for (const object of objects.filter(o => o.kind === kind)) {
      if (map.has(object.name)) {
        report(
          'error',
          object.doc,
          ['metadata', 'name'],
          `${kind} ${object.name} is defined twice`,
        );
      }
      map.set(object.name, object);
    }
    return map;
  };
  const slis = byKind('SLI');
  const policies = byKind('AlertPolicy');
  const conditions = byKind('AlertCondition');
  const dataSources = byKind('DataSource');
  const usedPolicies = new Set<string>();

  /** The metrics of one metricSource, or undefined after reporting why not. */
  function metricsOf(
    doc: Document,
    path: Path,
    source: z.infer<typeof metricSource>,
  ): CloudWatchMetricStat[] | undefined {
    let type = source.type;
    let region: string | undefined;
    if (source.metricSourceRef) {
      const ds = dataSources.get(source.metricSourceRef);
      if (!ds) {
        report(
          'error',
          doc,
          [...path, 'metricSourceRef'],
          `DataSource ${source.metricSourceRef} is not defined in this file`,
        );
        return undefined;
      }
      type ??= String(ds.value.spec.type ?? '');
      const details = ds.value.spec.connectionDetails as
        | Record<string, unknown>
        | undefined;
      if (typeof details?.region === 'string') region = details.region;
    }
    if (!type) {
      report(
        'error',
        doc,
        path,
        'metricSource needs a type (CloudWatch) or a metricSourceRef to a DataSource',
      );
      return undefined;
    }
    if (type.toLocaleLowerCase('en-US') !== 'cloudwatch') {
      report(
        'error',
        doc,
        [...path, 'type'],
        `metric source type ${type} is not supported: the ops portal reads CloudWatch`,
      );
      return undefined;
    }
    const specPath = [...path, 'spec'];
    /** The metric, or undefined after reporting a statistic CloudWatch would refuse. */
    const toStat = (
      m: z.infer<typeof cloudWatchMetric>,
      statPath: Path,
      fallbackRegion?: string,
    ): CloudWatchMetricStat | undefined => {
      const stat = statisticOf(doc, statPath, m.stat);
      if (stat === undefined) return undefined;
      const r = m.region ?? fallbackRegion ?? region;
      return {
        namespace: m.namespace,
        metricName: m.metricName,
        stat,
        dimensions: Object.fromEntries(
          (m.dimensions ?? []).map(d => [d.name, d.value]),
        ),
        ...(r ? { region: r } : {}),
      };
    };
    let metrics: (CloudWatchMetricStat | undefined)[];
    if ('metrics' in source.spec) {
      const many = cloudWatchMetrics.safeParse(source.spec);
      if (!many.success) {
        reportIssues(doc, specPath, many.error);
        return undefined;
      }
      metrics = many.data.metrics.map((m, i) =>
        toStat(m, [...specPath, 'metrics', i, 'stat'], many.data.region),
      );
    } else {
      const one = cloudWatchMetric.safeParse(source.spec);
      if (!one.success) {
        reportIssues(doc, specPath, one.error);
        return undefined;
      }
      metrics = [toStat(one.data, [...specPath, 'stat'])];
    }
    return metrics.every(m => m !== undefined)
      ? (metrics as CloudWatchMetricStat[])
      : undefined;
  }

  /**
   * A metric's statistic as CloudWatch spells it (`Sum` when absent), or
   * undefined after reporting why CloudWatch would refuse it: one refused
   * statistic fails the whole GetMetricData call it is sent in.
   */
  function statisticOf(
    doc: Document,
    path: Path,
    stat: string | undefined,
  ): string | undefined {
    if (stat === undefined) return 'Sum';
    const check = checkCloudWatchStatistic(stat);
    if (!check.valid) {
      report('error', doc, path, `${path.join('.')}: ${check.message}`);
      return undefined;
    }
    if (check.normalised) {
      report(
        'info',
        doc,
        path,
        `${path.join('.')}: ${stat} is read as ${
          check.statistic
        } (CloudWatch statistics are case-sensitive)`,
      );
    }
    return check.statistic;
  }

  /** The burn-rate rules of an SLO's alert policies. */
  function rulesOf(
    slo: SourceObject,
    spec: z.infer<typeof sloSpec>,
  ): BurnRateRule[] | undefined {
    if (!spec.alertPolicies || spec.alertPolicies.length === 0) {
      return [...options.defaultRules];
    }
    const rules: BurnRateRule[] = [];
    let ok = true;
    spec.alertPolicies.forEach((entry, i) => {
      let policy: { doc: Document; path: Path; name: string; spec: unknown };
      if ('alertPolicyRef' in entry) {
        const found = policies.get(entry.alertPolicyRef);
        if (!found) {
          report(
            'error',
            slo.doc,
            [...slo.path, 'spec', 'alertPolicies', i, 'alertPolicyRef'],
            `AlertPolicy ${entry.alertPolicyRef} is not defined in this file`,
          );
          ok = false;
          return;
        }
        usedPolicies.add(found.name);
        policy = {
          doc: found.doc,
          path: found.path,
          name: found.name,
          spec: found.value.spec,
        };
      } else {
        policy = {
          doc: slo.doc,
          path: [...slo.path, 'spec', 'alertPolicies', i],
          name: entry.metadata.name,
          spec: entry.spec,
        };
      }
      const parsedPolicy = alertPolicySpec.safeParse(policy.spec);
      if (!parsedPolicy.success) {
        reportIssues(policy.doc, [...policy.path, 'spec'], parsedPolicy.error);
        ok = false;
        return;
      }
      parsedPolicy.data.conditions.forEach((c, j) => {
        let doc = policy.doc;
        let path: Path = [...policy.path, 'spec', 'conditions', j];
        let conditionSpec: unknown;
        if ('conditionRef' in c) {
          const found = conditions.get(c.conditionRef);
          if (!found) {
            report(
              'error',
              doc,
              [...path, 'conditionRef'],
              `AlertCondition ${c.conditionRef} is not defined in this file`,
            );
            ok = false;
            return;
          }
          doc = found.doc;
          path = found.path;
          conditionSpec = found.value.spec;
        } else {
          conditionSpec = c.spec;
        }
        const condition = alertConditionSpec.safeParse(conditionSpec);
        if (!condition.success) {
          reportIssues(doc, [...path, 'spec'], condition.error);
          ok = false;
          return;
        }
        const { severity, condition: burn } = condition.data;
        if (burn.op === 'lt' || burn.op === 'lte') {
          report(
            'warning',
            doc,
            [...path, 'spec', 'condition', 'op'],
            `op ${burn.op} would alert while the budget is safe; the burn-rate condition is read as gte`,
          );
        }
        const long = parseDurationShorthand(burn.lookbackWindow)!;
        // The SRE workbook's short window is 1/12 of the long one (5m for 1h).
        const short = Math.max(60, Math.ceil(long / 12 / 60) * 60);
        rules.push({
          severity: /page|crit|sev-?1|p1\b/i.test(severity) ? 'page' : 'ticket',
          burnRate: burn.threshold,
          longWindow: formatDurationShorthand(long),
          shortWindow: formatDurationShorthand(short),
          name: policy.name,
        });
      });
    });
    return ok ? rules : undefined;
  }

  /** The SLI of an SLO, inline or by reference. */
  function indicatorOf(
    slo: SourceObject,
    spec: z.infer<typeof sloSpec>,
  ):
    | {
        doc: Document;
        path: Path;
        name: string;
        spec: z.infer<typeof sliSpec>;
      }
    | undefined {
    let doc = slo.doc;
    let path: Path;
    let raw: unknown;
    let name: string;
    if (spec.indicator) {
      path = [...slo.path, 'spec', 'indicator'];
      raw = spec.indicator.spec;
      name = spec.indicator.metadata.name;
    } else if (spec.indicatorRef) {
      const found = slis.get(spec.indicatorRef);
      if (!found) {
        report(
          'error',
          slo.doc,
          [...slo.path, 'spec', 'indicatorRef'],
          `SLI ${spec.indicatorRef} is not defined in this file`,
        );
        return undefined;
      }
      doc = found.doc;
      path = found.path;
      raw = found.value.spec;
      name = found.name;
    } else {
      report(
        'error',
        slo.doc,
        [...slo.path, 'spec'],
        `SLO ${slo.name} needs an indicator or an indicatorRef`,
      );
      return undefined;
    }
    const result = sliSpec.safeParse(raw);
    if (!result.success) {
      reportIssues(doc, [...path, 'spec'], result.error);
      return undefined;
    }
    return { doc, path: [...path, 'spec'], name, spec: result.data };
  }

  for (const slo of objects.filter(o => o.kind === 'SLO')) {
    const result = sloSpec.safeParse(slo.value.spec);
    if (!result.success) {
      reportIssues(slo.doc, ['spec'], result.error);
      continue;
    }
    const spec = result.data;
    const sloPath = [...slo.path, 'spec'];

    if (spec.budgetingMethod === 'RatioTimeslices') {
      report(
        'error',
        slo.doc,
        [...sloPath, 'budgetingMethod'],
        'budgetingMethod RatioTimeslices is not supported yet: use Occurrences or Timeslices',
      );
      continue;
    }
    const window = spec.timeWindow?.[0];
    if (window && (window.calendar || window.isRolling === false)) {
      report(
        'error',
        slo.doc,
        [...sloPath, 'timeWindow', 0],
        'calendar-aligned time windows are not supported yet: use a rolling window (isRolling: true)',
      );
      continue;
    }
    const windowSeconds = window
      ? parseDurationShorthand(window.duration)!
      : 30 * 86_400;
    if (windowSeconds % 3600 !== 0) {
      report(
        'error',
        slo.doc,
        [...sloPath, 'timeWindow', 0, 'duration'],
        'the time window must be whole hours',
      );
      continue;
    }

    const indicator = indicatorOf(slo, spec);
    const rules = rulesOf(slo, spec);
    if (!indicator || !rules) continue;

    const missingRaw =
      slo.value.metadata.annotations?.[OPENSLO_MISSING_DATA_ANNOTATION];
    let missingData: MissingDataPolicy = 'ignore';
    if (missingRaw !== undefined) {
      if (['good', 'bad', 'ignore'].includes(missingRaw)) {
        missingData = missingRaw as MissingDataPolicy;
      } else {
        report(
          'error',
          slo.doc,
          [
            ...slo.path,
            'metadata',
            'annotations',
            OPENSLO_MISSING_DATA_ANNOTATION,
          ],
          `${OPENSLO_MISSING_DATA_ANNOTATION} must be good, bad or ignore`,
        );
        continue;
      }
    }

    // The SLI: a ratio of summed metrics, or a threshold on one metric.
    let sli:
      | {
          type: 'ratio';
          good?: CloudWatchMetricStat[];
          bad?: CloudWatchMetricStat[];
          total: CloudWatchMetricStat[];
        }
      | { type: 'threshold'; metric: CloudWatchMetricStat }
      | undefined;
    const { spec: sliValue, doc: sliDoc, path: sliPath } = indicator;
    if (sliValue.ratioMetric && sliValue.thresholdMetric) {
      report(
        'error',
        sliDoc,
        sliPath,
        'give either ratioMetric or thresholdMetric, not both',
      );
      continue;
    }
    if (sliValue.ratioMetric) {
      const ratio = sliValue.ratioMetric;
      const ratioPath = [...sliPath, 'ratioMetric'];
      if (ratio.raw) {
        report(
          'error',
          sliDoc,
          [...ratioPath, 'raw'],
          'raw (precomputed) ratio metrics are not supported: give good or bad with total',
        );
        continue;
      }
      if (!ratio.total || !ratio.good === !ratio.bad) {
        report(
          'error',
          sliDoc,
          ratioPath,
          'ratioMetric needs total and exactly one of good and bad',
        );
        continue;
      }
      const total = metricsOf(
        sliDoc,
        [...ratioPath, 'total', 'metricSource'],
        ratio.total.metricSource,
      );
      const part = ratio.good ? 'good' : 'bad';
      const counted = metricsOf(
        sliDoc,
        [...ratioPath, part, 'metricSource'],
        (ratio.good ?? ratio.bad)!.metricSource,
      );
      if (!total || !counted) continue;
      sli = { type: 'ratio', total, [part]: counted };
    } else if (sliValue.thresholdMetric) {
      const metrics = metricsOf(
        sliDoc,
        [...sliPath, 'thresholdMetric', 'metricSource'],
        sliValue.thresholdMetric.metricSource,
      );
      if (!metrics) continue;
      if (metrics.length !== 1) {
        report(
          'error',
          sliDoc,
          [...sliPath, 'thresholdMetric'],
          'a threshold metric reads one metric, not a sum',
        );
        continue;
      }
      sli = {
        type: 'threshold',
        metric: { ...metrics[0], stat: metrics[0].stat },
      };
    } else {
      report(
        'error',
        sliDoc,
        sliPath,
        'the SLI needs a ratioMetric or a thresholdMetric',
      );
      continue;
    }

    const category = categoryOf(
      slo.value.metadata.labels?.[OPENSLO_CATEGORY_LABEL],
      `${slo.name} ${indicator.name} ${slo.value.metadata.displayName ?? ''}`,
    );

    spec.objectives.forEach((o, i) => {
      const objectivePath = [...sloPath, 'objectives', i];
      const target = o.target ?? Number((o.targetPercent! / 100).toFixed(12));
      let budgetingMethod: SloBudgetingMethod =
        spec.budgetingMethod as SloBudgetingMethod;
      let timeSlice: { window: string; target?: number } | undefined;
      let definition: SliDefinition;
      let objectiveText: string;
      let indicatorText: string;

      if (budgetingMethod === 'Timeslices' || sli!.type === 'threshold') {
        let sliceSeconds: number;
        if (budgetingMethod === 'Timeslices') {
          if (o.timeSliceWindow === undefined) {
            report(
              'error',
              slo.doc,
              objectivePath,
              'Timeslices needs timeSliceWindow on the objective',
            );
            return;
          }
          sliceSeconds = parseDurationShorthand(o.timeSliceWindow)!;
        } else {
          // Occurrences of a threshold metric: each datapoint at the finest
          // period CloudWatch keeps for the whole window is one occurrence.
          sliceSeconds = finestPeriodSeconds(windowSeconds);
        }
        const minimum = finestPeriodSeconds(windowSeconds);
        if (
          sliceSeconds % minimum !== 0 ||
          windowSeconds % sliceSeconds !== 0
        ) {
          report(
            'error',
            slo.doc,
            [...objectivePath, 'timeSliceWindow'],
            `time slices of ${formatDurationShorthand(
              sliceSeconds,
            )} do not fit a ${formatDurationShorthand(
              windowSeconds,
            )} window: CloudWatch keeps ${formatDurationShorthand(
              minimum,
            )} data that long, so use a multiple of ${formatDurationShorthand(
              minimum,
            )} that divides the window`,
          );
          return;
        }
        timeSlice = { window: formatDurationShorthand(sliceSeconds) };
        if (sli!.type === 'threshold') {
          if (!o.op || o.value === undefined) {
            report(
              'error',
              slo.doc,
              objectivePath,
              'a threshold SLI needs op and value on the objective',
            );
            return;
          }
          definition = {
            type: 'threshold',
            metric: sli!.metric,
            op: o.op as ThresholdOp,
            value: o.value,
          };
          const sliceWords =
            budgetingMethod === 'Timeslices'
              ? `${timeSlice.window} slices`
              : `${timeSlice.window} datapoints`;
          objectiveText = `${percentText(target)} of ${sliceWords} with ${
            sli!.metric.metricName
          } ${sli!.metric.stat} ${OPS[o.op]} ${o.value}`;
          indicatorText = `Share of ${sliceWords} where ${describeMetric(
            sli!.metric,
          )} ${OPS[o.op]} ${o.value}`;
        } else {
          if (o.timeSliceTarget === undefined) {
            report(
              'error',
              slo.doc,
              objectivePath,
              'Timeslices on a ratio SLI needs timeSliceTarget on the objective',
            );
            return;
          }
          timeSlice.target = o.timeSliceTarget;
          definition = sli!;
          objectiveText = `${percentText(target)} of ${
            timeSlice.window
          } slices reach ${percentText(o.timeSliceTarget)} good`;
          indicatorText = ratioText(sli!);
        }
      } else {
        budgetingMethod = 'Occurrences';
        definition = sli!;
        objectiveText = `${percentText(target)} of events are good`;
        indicatorText = ratioText(sli!);
      }

      // One objective: the SLO's name; several: the SLO's and the objective's.
      const sloName = slo.value.metadata.displayName ?? slo.name;
      const displayName =
        spec.objectives.length === 1
          ? slo.value.metadata.displayName ?? o.displayName ?? slo.name
          : `${sloName}: ${o.displayName ?? `objective ${i + 1}`}`;
      definitions.push({
        info: {
          id:
            spec.objectives.length === 1
              ? slo.name
              : `${slo.name}-${slugify(o.displayName) || i + 1}`,
          name: displayName,
          ...(spec.description ? { description: spec.description } : {}),
          category,
          target,
          window: formatDurationShorthand(windowSeconds),
          windowSeconds,
          budgetingMethod,
          ...(timeSlice ? { timeSlice } : {}),
          missingData,
          indicator: indicatorText,
          objective: objectiveText,
          burnRateRules: rules,
          source: {
            form: 'openslo',
            location,
            line: lineOf(slo.doc, [...slo.path, 'metadata', 'name']),
          },
        },
        indicator: definition,
      });
    });
  }

  for (const policy of policies.values()) {
    if (!usedPolicies.has(policy.name)) {
      report(
        'info',
        policy.doc,
        ['metadata', 'name'],
        `AlertPolicy ${policy.name} is not used by any SLO`,
      );
    }
  }
  if (problems.length === 0 && !objects.some(o => o.kind === 'SLO')) {
    problems.push({
      severity: 'warning',
      message: 'The file defines no SLO (kind: SLO)',
      source: location,
    });
  }
  return { definitions, problems };
}

function ratioText(sli: {
  good?: CloudWatchMetricStat[];
  bad?: CloudWatchMetricStat[];
  total: CloudWatchMetricStat[];
}): string {
  const sum = (metrics: CloudWatchMetricStat[]) =>
    metrics.map(describeMetric).join(' + ');
  return sli.good
    ? `(${sum(sli.good)}) / (${sum(sli.total)})`
    : `1 - (${sum(sli.bad!)}) / (${sum(sli.total)})`;
}

function categoryOf(label: unknown, names: string): SloCategory {
  if (
    label === 'availability' ||
    label === 'latency' ||
    label === 'error-rate' ||
    label === 'other'
  ) {
    return label;
  }
  const text = names.toLocaleLowerCase('en-US');
  if (/availab|uptime/.test(text)) return 'availability';
  if (/latenc|response|duration|p9\d/.test(text)) return 'latency';
  if (/error|fail/.test(text)) return 'error-rate';
  return 'other';
}

function slugify(value: string | undefined): string {
  return (value ?? '')
    .toLocaleLowerCase('en-US')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
