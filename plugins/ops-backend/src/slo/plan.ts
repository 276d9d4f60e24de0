import {
  coarsen,
  occurrencesSeries,
  parseDurationShorthand,
  SliSeries,
  timeslicesSeries,
} from '@opsportal/plugin-ops-common';
import {
  MetricDataRequest,
  MetricQuery,
  MetricSeries,
} from '@opsportal/plugin-ops-node';
import {
  describeMetric,
  providerOf,
  SliMetric,
  SloDefinition,
  sourceName,
} from './spec/definitions';

const DAY_S = 86_400;
const HOUR_S = 3600;

/** One SLO to plan for: a key unique in the plan and its definition. */
export interface PlanItem {
  key: string;
  definition: SloDefinition;
}

/** How the plan's windows are chosen. */
export interface PlanOptions {
  /** The current time, epoch ms. */
  now: number;
  /** How far behind now the windows end (CloudWatch's ingestion delay), seconds. */
  delaySeconds: number;
  /** Windows whose burn rates every SLO reports, shorthand. */
  windows: readonly string[];
  /** Window of the forecast's burn rate, shorthand. */
  forecastWindow: string;
}

/** What one SLO gets from the answers: its buckets, or why there are none. */
export type PlanResult =
  | { ok: true; end: number; series: SliSeries[] }
  | { ok: false; end: number; error: string };

/** The metric requests of a set of SLOs, and how to read the answers back. */
export interface EvaluationPlan {
  /** One request per provider, region and time range; queries shared by SLOs are asked once. */
  requests: MetricDataRequest[];
  /**
   * The buckets of each planned SLO. `answers[i]` is the answer to
   * `requests[i]`, or the error it failed with.
   */
  collect(answers: (MetricSeries[] | Error)[]): Map<string, PlanResult>;
}

/** A series an SLO reads: one metric (or query) at one period over one range. */
interface Need {
  metric: SliMetric;
  period: number;
  start: number;
  end: number;
}

type Reader = (need: Need) => (number | undefined)[] | Error;

interface Recipe {
  key: string;
  end: number;
  needs: Need[];
  build(read: Reader): PlanResult;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * The finest period CloudWatch keeps over a window: 60 s data for 15 days,
 * 300 s for 63 days, hourly beyond.
 */
function retainedPeriod(windowSeconds: number): number {
  if (windowSeconds > 63 * DAY_S) return HOUR_S;
  if (windowSeconds > 15 * DAY_S) return 300;
  return 60;
}

/** Where the windows of an SLO end: CloudWatch rounds old start times to 5 minutes or the hour. */
export function windowEnd(
  windowSeconds: number,
  now: number,
  delaySeconds: number,
): number {
  const unit = (windowSeconds > 63 * DAY_S ? HOUR_S : 300) * 1000;
  return Math.floor((now - delaySeconds * 1000) / unit) * unit;
}

/**
 * The bucket sizes an Occurrences SLO needs so that every window is a
 * whole number of buckets ending now, with as few datapoints as that
 * allows: daily buckets over the SLO window (30 for 30 days: the window's
 * total, the 1 d and 3 d windows and the burn-down), and for the windows
 * that are not whole days one fine series as long as the longest of them,
 * in buckets of their greatest common divisor (72 five-minute buckets for
 * 5 m ... 6 h).
 */
export function occurrencesLayout(
  windowSeconds: number,
  windows: number[],
): { history: number; fine?: { step: number; span: number } } {
  let history = 300;
  if (windowSeconds % DAY_S === 0 && windowSeconds >= 2 * DAY_S)
    history = DAY_S;
  else if (windowSeconds % HOUR_S === 0) history = HOUR_S;
  const rest = [...new Set(windows)].filter(
    w => w <= windowSeconds && w % history !== 0,
  );
  if (rest.length === 0) return { history };
  const span = Math.max(...rest);
  let step = Math.max(60, rest.reduce(gcd));
  const minimum = retainedPeriod(span);
  if (step % minimum !== 0) step = Math.ceil(step / minimum) * minimum;
  return { history, fine: { step, span } };
}

function sum(arrays: (number | undefined)[][]): (number | undefined)[] {
  const length = arrays[0]?.length ?? 0;
  const out: (number | undefined)[] = new Array(length).fill(undefined);
  for (const array of arrays) {
    for (let i = 0; i < length; i++) {
      if (array[i] !== undefined) out[i] = (out[i] ?? 0) + array[i]!;
    }
  }
  return out;
}

function compare(op: string, value: number, threshold: number): boolean {
  switch (op) {
    case 'lt':
      return value < threshold;
    case 'lte':
      return value <= threshold;
    case 'gt':
      return value > threshold;
    default:
      return value >= threshold;
  }
}

function recipeOf(item: PlanItem, options: PlanOptions): Recipe | undefined {
  const { info, indicator } = item.definition;
  if (indicator.type === 'aggregate') return undefined;
  const W = info.windowSeconds;
  const end = windowEnd(W, options.now, options.delaySeconds);
  const start = end - W * 1000;
  const windowLabel = info.window;

  const readAll = (
    read: Reader,
    metrics: SliMetric[],
    period: number,
    from: number,
  ): (number | undefined)[][] | Error => {
    const out: (number | undefined)[][] = [];
    for (const metric of metrics) {
      const values = read({ metric, period, start: from, end });
      if (values instanceof Error) return values;
      out.push(values);
    }
    return out;
  };
  const noData = (metrics: SliMetric[]) =>
    `No data for ${metrics
      .map(describeMetric)
      .join(' + ')} in the last ${windowLabel}: ${
      metrics.some(m => m.provider === 'prometheus')
        ? 'check the metric and label names of the query, and that Prometheus scrapes them'
        : 'check the metric name and dimensions, and that it is published'
    }`;

  if (info.timeSlice) {
    // Time slices (or a threshold metric's datapoints) over the window.
    const slice = parseDurationShorthand(info.timeSlice.window)!;
    let coarse = slice;
    if (W % DAY_S === 0 && DAY_S % slice === 0) coarse = DAY_S;
    else if (W % HOUR_S === 0 && HOUR_S % slice === 0) coarse = HOUR_S;
    const build = (
      values: (number | undefined)[],
      isGood: (v: number) => boolean,
    ): PlanResult => {
      const slices = timeslicesSeries({
        start,
        step: slice * 1000,
        values,
        isGood,
        missing: info.missingData,
      });
      const series = [slices];
      if (coarse !== slice) series.push(coarsen(slices, coarse / slice));
      return { ok: true, end, series };
    };
    if (indicator.type === 'threshold') {
      const metric = indicator.metric;
      return {
        key: item.key,
        end,
        needs: [{ metric, period: slice, start, end }],
        build(read) {
          const values = read({ metric, period: slice, start, end });
          if (values instanceof Error)
            return { ok: false, end, error: values.message };
          if (values.every(v => v === undefined))
            return { ok: false, end, error: noData([metric]) };
          return build(values, v => compare(indicator.op, v, indicator.value));
        },
      };
    }
    const counted = indicator.good ?? indicator.bad!;
    const metrics = [...counted, ...indicator.total];
    return {
      key: item.key,
      end,
      needs: metrics.map(metric => ({ metric, period: slice, start, end })),
      build(read) {
        const parts = readAll(read, counted, slice, start);
        const totals = readAll(read, indicator.total, slice, start);
        if (parts instanceof Error)
          return { ok: false, end, error: parts.message };
        if (totals instanceof Error)
          return { ok: false, end, error: totals.message };
        const total = sum(totals);
        if (total.every(v => v === undefined))
          return { ok: false, end, error: noData(indicator.total) };
        const part = sum(parts);
        const ratios = total.map((t, i) => {
          if (t === undefined || !(t > 0)) return undefined;
          const p = part[i] ?? 0;
          return indicator.good ? p / t : 1 - p / t;
        });
        const target = info.timeSlice!.target ?? 1;
        return build(ratios, r => r >= target - 1e-12);
      },
    };
  }

  // Occurrences of events: sums over daily (or hourly) buckets and a fine tail.
  if (indicator.type !== 'ratio') return undefined;
  const windows = [
    ...options.windows,
    options.forecastWindow,
    ...info.burnRateRules.flatMap(r => [r.longWindow, r.shortWindow]),
  ]
    .map(w => parseDurationShorthand(w))
    .filter((w): w is number => w !== undefined);
  const layout = occurrencesLayout(W, windows);
  const counted = indicator.good ?? indicator.bad!;
  const metrics = [...counted, ...indicator.total];
  const ranges: { step: number; from: number }[] = [
    { step: layout.history, from: start },
  ];
  if (layout.fine) {
    ranges.push({
      step: layout.fine.step,
      from: end - layout.fine.span * 1000,
    });
  }
  return {
    key: item.key,
    end,
    needs: ranges.flatMap(r =>
      metrics.map(metric => ({ metric, period: r.step, start: r.from, end })),
    ),
    build(read) {
      const series: SliSeries[] = [];
      for (const range of ranges) {
        const totals = readAll(read, indicator.total, range.step, range.from);
        const parts = readAll(read, counted, range.step, range.from);
        if (totals instanceof Error)
          return { ok: false, end, error: totals.message };
        if (parts instanceof Error)
          return { ok: false, end, error: parts.message };
        const total = sum(totals);
        if (range.from === start && total.every(v => v === undefined)) {
          return { ok: false, end, error: noData(indicator.total) };
        }
        series.push(
          occurrencesSeries({
            start: range.from,
            step: range.step * 1000,
            total,
            ...(indicator.good ? { good: sum(parts) } : { bad: sum(parts) }),
          }),
        );
      }
      return { ok: true, end, series };
    },
  };
}

function metricKey(metric: SliMetric, period: number): string {
  if (metric.provider === 'prometheus') {
    return `promql|${metric.promql}|${period}`;
  }
  const dims = Object.keys(metric.dimensions)
    .sort()
    .map(k => `${k}=${metric.dimensions[k]}`)
    .join(',');
  return `${metric.namespace}|${metric.metricName}|${dims}|${metric.stat}|${period}`;
}

/**
 * Plans the metric requests for a set of SLOs: one request per provider
 * (CloudWatch, Prometheus), region and time range, each metric statistic
 * or PromQL query asked once per period however many SLOs read it, at the
 * coarsest period the math allows (see {@link occurrencesLayout}; the
 * layout follows CloudWatch's retention for Prometheus queries too, so
 * both sources are bucketed alike). The CloudWatch provider packs each
 * request into calls of up to 500 queries and 100,800 datapoints; the
 * Prometheus provider evaluates each query once per period.
 */
export function planEvaluation(
  items: PlanItem[],
  options: PlanOptions,
): EvaluationPlan {
  const recipes = items
    .map(item => recipeOf(item, options))
    .filter((r): r is Recipe => r !== undefined);

  const requests: MetricDataRequest[] = [];
  const requestIndex = new Map<string, number>();
  const queryIds: Map<string, string>[] = [];
  const where = (need: Need) => {
    const provider = providerOf(need.metric);
    const region =
      need.metric.provider === 'prometheus' ? '' : need.metric.region ?? '';
    const key = `${provider}|${region}|${need.start}|${need.end}`;
    let index = requestIndex.get(key);
    if (index === undefined) {
      index = requests.length;
      requestIndex.set(key, index);
      requests.push({
        queries: [],
        start: new Date(need.start),
        end: new Date(need.end),
        ...(region ? { region } : {}),
        provider,
      });
      queryIds.push(new Map());
    }
    return index;
  };
  for (const recipe of recipes) {
    for (const need of recipe.needs) {
      const index = where(need);
      const ids = queryIds[index];
      const key = metricKey(need.metric, need.period);
      if (!ids.has(key)) {
        const id = `q${ids.size}`;
        ids.set(key, id);
        const metric = need.metric;
        const query: MetricQuery =
          metric.provider === 'prometheus'
            ? {
                id,
                promql: metric.promql,
                period: need.period,
                label: describeMetric(metric),
              }
            : {
                id,
                metric: {
                  namespace: metric.namespace,
                  metricName: metric.metricName,
                  dimensions: metric.dimensions,
                },
                stat: metric.stat,
                period: need.period,
                label: describeMetric(metric),
              };
        requests[index].queries.push(query);
      }
    }
  }

  return {
    requests,
    collect(answers) {
      const byRequest = answers.map(answer =>
        answer instanceof Error
          ? answer
          : new Map(answer.map(series => [series.id, series])),
      );
      const read: Reader = need => {
        const index = where(need);
        const answer = byRequest[index];
        if (answer === undefined) return new Error('The request was not sent');
        if (answer instanceof Error) return answer;
        const series = answer.get(
          queryIds[index].get(metricKey(need.metric, need.period))!,
        );
        const length = Math.round(
          (need.end - need.start) / (need.period * 1000),
        );
        const values: (number | undefined)[] = new Array(length).fill(
          undefined,
        );
        if (!series) return values;
        if (series.error) {
          return new Error(
            `${sourceName(need.metric)} refused ${describeMetric(
              need.metric,
            )}: ${series.error}`,
          );
        }
        if (
          series.status === 'Forbidden' ||
          series.status === 'InternalError'
        ) {
          return new Error(
            `${sourceName(need.metric)} answered ${
              series.status
            } for ${describeMetric(need.metric)}${
              series.messages?.length ? `: ${series.messages.join('; ')}` : ''
            }`,
          );
        }
        for (let i = 0; i < series.timestamps.length; i++) {
          const offset =
            (series.timestamps[i] - need.start) / (need.period * 1000);
          if (Number.isInteger(offset) && offset >= 0 && offset < length) {
            values[offset] = series.values[i];
          }
        }
        return values;
      };
      const results = new Map<string, PlanResult>();
      for (const recipe of recipes) results.set(recipe.key, recipe.build(read));
      return results;
    },
  };
}
