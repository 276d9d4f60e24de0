import {
  formatDurationShorthand,
  SloBudgetingMethod,
  SloCategory,
} from '@opsportal/plugin-ops-common';
import {
  describeMetric,
  percentText,
  SliDefinition,
  SliMetric,
} from './definitions';
import { Path } from './positions';
import { Objective } from './schemas';

// How a valid objective of an OpenSLO SLO is measured, once its SLI's
// metrics are read.

/** An SLI with its metrics read. */
export type Sli =
  | { type: 'ratio'; good?: Metrics; bad?: Metrics; total: Metrics }
  | { type: 'threshold'; metric: SliMetric };
type Metrics = SliMetric[];

const OPS: Record<string, string> = { lt: '<', lte: '≤', gt: '>', gte: '≥' };

/** How an objective is measured: what the card says, and the SLI to evaluate. */
export interface Measure {
  budgetingMethod: SloBudgetingMethod;
  timeSlice?: { window: string; target?: number };
  indicator: string;
  objective: string;
  definition: SliDefinition;
}

/**
 * How one objective is measured, or undefined after `fail` was told why it
 * cannot be (with the path under the objective).
 */
export function measure(
  o: Objective,
  sli: Sli,
  method: SloBudgetingMethod,
  windowSeconds: number,
  fail: (path: Path, message: string) => undefined,
): Measure | undefined {
  const share = percentText(o.target);
  if (method === 'Occurrences' && sli.type === 'ratio') {
    const objective = `${share} of events are good`;
    return {
      budgetingMethod: method,
      indicator: ratioText(sli),
      objective,
      definition: sli,
    };
  }
  // Occurrences of a threshold metric: each datapoint at the finest period
  // CloudWatch keeps for the whole window is one occurrence. Prometheus
  // queries are read at the same periods, so both sources mean the same.
  const finest = finestPeriodSeconds(windowSeconds);
  let sliceSeconds = finest;
  if (method === 'Timeslices') {
    if (o.timeSliceWindow === undefined) {
      return fail([], 'Timeslices needs timeSliceWindow on the objective');
    }
    sliceSeconds = o.timeSliceWindow;
  }
  if (sliceSeconds % finest !== 0 || windowSeconds % sliceSeconds !== 0) {
    const [slice, window, period] = [sliceSeconds, windowSeconds, finest].map(
      formatDurationShorthand,
    );
    const read =
      sli.type === 'threshold'
        ? [sli.metric]
        : [...(sli.good ?? sli.bad ?? []), ...sli.total];
    const why = read.some(m => m.provider === 'prometheus')
      ? `the portal reads ${period} data over a window that long`
      : `CloudWatch keeps ${period} data that long`;
    return fail(
      ['timeSliceWindow'],
      `time slices of ${slice} do not fit a ${window} window: ${why}, so use a multiple of ${period} that divides the window`,
    );
  }
  const slices = formatDurationShorthand(sliceSeconds);
  if (sli.type === 'threshold') {
    if (!o.op || o.value === undefined) {
      return fail([], 'a threshold SLI needs op and value on the objective');
    }
    const { metric } = sli;
    const words = `${slices} ${
      method === 'Timeslices' ? 'slices' : 'datapoints'
    }`;
    const condition = `${OPS[o.op]} ${o.value}`;
    return {
      budgetingMethod: method,
      timeSlice: { window: slices },
      indicator: `Share of ${words} where ${describeMetric(
        metric,
      )} ${condition}`,
      objective: `${share} of ${words} with ${
        metric.provider === 'prometheus'
          ? metric.promql
          : `${metric.metricName} ${metric.stat}`
      } ${condition}`,
      definition: { type: 'threshold', metric, op: o.op, value: o.value },
    };
  }
  if (o.timeSliceTarget === undefined) {
    return fail(
      [],
      'Timeslices on a ratio SLI needs timeSliceTarget on the objective',
    );
  }
  const good = percentText(o.timeSliceTarget);
  return {
    budgetingMethod: method,
    timeSlice: { window: slices, target: o.timeSliceTarget },
    indicator: ratioText(sli),
    objective: `${share} of ${slices} slices reach ${good} good`,
    definition: sli,
  };
}

/**
 * The finest period CloudWatch keeps for a whole window: 1 minute for 15
 * days, 5 minutes for 63 days, 1 hour beyond.
 */
function finestPeriodSeconds(windowSeconds: number): number {
  if (windowSeconds <= 15 * 86_400) return 60;
  if (windowSeconds <= 63 * 86_400) return 300;
  return 3600;
}

function ratioText(sli: { good?: Metrics; bad?: Metrics; total: Metrics }) {
  const sum = (metrics: Metrics) => metrics.map(describeMetric).join(' + ');
  return sli.good
    ? `(${sum(sli.good)}) / (${sum(sli.total)})`
    : `1 - (${sum(sli.bad!)}) / (${sum(sli.total)})`;
}

const CATEGORIES: unknown[] = [
  'availability',
  'latency',
  'error-rate',
  'other',
];

export function categoryOf(label: unknown, names: string): SloCategory {
  if (CATEGORIES.includes(label)) return label as SloCategory;
  const text = names.toLocaleLowerCase('en-US');
  if (/availab|uptime/.test(text)) return 'availability';
  if (/latenc|response|duration|p9\d/.test(text)) return 'latency';
  if (/error|fail/.test(text)) return 'error-rate';
  return 'other';
}

export function slugify(value: string | undefined): string {
  return (value ?? '')
    .toLocaleLowerCase('en-US')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
