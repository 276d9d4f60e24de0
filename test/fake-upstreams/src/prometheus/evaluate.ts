import { Expr, PromQLError } from './promql';
import { Labels, PrometheusStore, PromSeries } from './store';

/**
 * Evaluates a parsed query at one instant, as Prometheus does at each step
 * of a range query. Samples are on a one-minute grid (see store.ts); no
 * sample lies after the fake's `now`, and an instant selector looks back
 * 5 minutes for its latest sample, as Prometheus does by default.
 */

const MINUTE = 60_000;
const LOOKBACK = 5 * MINUTE;

export interface Sample {
  labels: Labels;
  value: number;
}

export type Value =
  | { kind: 'scalar'; value: number }
  | { kind: 'vector'; samples: Sample[] }
  | {
      kind: 'matrix';
      series: { labels: Labels; points: [number, number][] }[];
    };

/** A query that parsed but failed to run (Prometheus's `execution` errors, HTTP 422). */
export class ExecutionError extends Error {}

export interface EvalContext {
  store: PrometheusStore;
  /** The fake's clock (epoch ms): no sample is newer. */
  now: number;
}

/** The query's value at `t` (epoch ms). */
export function evaluateAt(expr: Expr, t: number, ctx: EvalContext): Value {
  switch (expr.type) {
    case 'number':
      return { kind: 'scalar', value: expr.value };
    case 'selector':
      return expr.range === undefined
        ? { kind: 'vector', samples: instant(expr.matchers, t, ctx) }
        : rangeSelector(expr, t, ctx);
    case 'call':
      return { kind: 'vector', samples: callRange(expr, t, ctx) };
    case 'aggregate':
      return {
        kind: 'vector',
        samples: aggregate(expr, vectorOf(expr.arg, t, ctx, expr.op)),
      };
    case 'quantile':
      return {
        kind: 'vector',
        samples: histogramQuantile(
          (expr.q as { value: number }).value,
          vectorOf(expr.arg, t, ctx, 'histogram_quantile'),
        ),
      };
    default:
      throw new PromQLError('unknown expression');
  }
}

function vectorOf(
  expr: Expr,
  t: number,
  ctx: EvalContext,
  where: string,
): Sample[] {
  const value = evaluateAt(expr, t, ctx);
  if (value.kind !== 'vector') {
    throw new PromQLError(
      `expected type instant vector in ${where}, got ${
        value.kind === 'scalar' ? 'scalar' : 'range vector'
      }`,
    );
  }
  return value.samples;
}

/** The sample minute an instant selector reads at `t`, or undefined. */
function latestMinute(t: number, now: number): number | undefined {
  const at = Math.min(t, now);
  const minute = Math.floor(at / MINUTE);
  return t - minute * MINUTE <= LOOKBACK ? minute : undefined;
}

function instant(
  matchers: Parameters<PrometheusStore['select']>[0],
  t: number,
  ctx: EvalContext,
): Sample[] {
  const minute = latestMinute(t, ctx.now);
  if (minute === undefined) return [];
  const out: Sample[] = [];
  for (const s of ctx.store.select(matchers)) {
    // The lookback: the latest sample within 5 minutes.
    for (let m = minute; t - m * MINUTE <= LOOKBACK; m--) {
      const value = s.sample(m);
      if (value !== undefined) {
        out.push({ labels: s.labels, value });
        break;
      }
      if (m < minute - 5) break;
    }
  }
  return out;
}

/** Epoch minutes of the samples in (t - range, t], none after now. */
function windowMinutes(t: number, range: number, now: number) {
  const last = Math.floor(Math.min(t, now) / MINUTE);
  const first = Math.floor((t - range) / MINUTE) + 1;
  return { first, last };
}

function rangeSelector(
  expr: Expr & { type: 'selector' },
  t: number,
  ctx: EvalContext,
): Value {
  const { first, last } = windowMinutes(t, expr.range!, ctx.now);
  const series = ctx.store.select(expr.matchers).flatMap(s => {
    const points: [number, number][] = [];
    for (let m = first; m <= last; m++) {
      const v = s.sample(m);
      if (v !== undefined) points.push([m * MINUTE, v]);
    }
    return points.length ? [{ labels: s.labels, points }] : [];
  });
  return { kind: 'matrix', series };
}

function withoutName(labels: Labels): Labels {
  const { __name__: _name, ...rest } = labels;
  return rest;
}

function callRange(
  expr: Expr & { type: 'call' },
  t: number,
  ctx: EvalContext,
): Sample[] {
  const selector = expr.arg as Expr & { type: 'selector' };
  const range = selector.range!;
  const { first, last } = windowMinutes(t, range, ctx.now);
  const out: Sample[] = [];
  for (const s of ctx.store.select(selector.matchers)) {
    const value =
      expr.func === 'rate' || expr.func === 'increase'
        ? increaseOf(s, first, last, range, expr.func)
        : overTime(s, first, last, expr.func);
    if (value !== undefined) out.push({ labels: withoutName(s.labels), value });
  }
  assertUnique(out, expr.func);
  return out;
}

function increaseOf(
  s: PromSeries,
  first: number,
  last: number,
  range: number,
  func: 'rate' | 'increase',
): number | undefined {
  // Prometheus needs two samples in the window.
  if (last - first < 1) return undefined;
  let increase: number | undefined;
  if (s.increase) {
    increase = s.increase(first - 1, last);
  } else {
    const a = s.sample(first);
    const b = s.sample(last);
    increase = a === undefined || b === undefined ? undefined : b - a;
  }
  if (increase === undefined) return undefined;
  return func === 'rate' ? increase / (range / 1000) : increase;
}

function overTime(
  s: PromSeries,
  first: number,
  last: number,
  func: string,
): number | undefined {
  let n = 0;
  let sum = 0;
  let max = -Infinity;
  let min = Infinity;
  for (let m = first; m <= last; m++) {
    const v = s.sample(m);
    if (v === undefined) continue;
    n++;
    sum += v;
    if (v > max) max = v;
    if (v < min) min = v;
  }
  if (n === 0) return undefined;
  switch (func) {
    case 'avg_over_time':
      return sum / n;
    case 'max_over_time':
      return max;
    case 'min_over_time':
      return min;
    default:
      return sum;
  }
}

function assertUnique(samples: Sample[], where: string) {
  const seen = new Set<string>();
  for (const s of samples) {
    const key = labelKey(s.labels);
    if (seen.has(key)) {
      throw new ExecutionError(
        `vector cannot contain metrics with the same labelset (in ${where})`,
      );
    }
    seen.add(key);
  }
}

export function labelKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map(k => `${k}=${JSON.stringify(labels[k])}`)
    .join(',');
}

function aggregate(expr: Expr & { type: 'aggregate' }, input: Sample[]) {
  const groups = new Map<string, { labels: Labels; values: number[] }>();
  for (const sample of input) {
    const labels: Labels = {};
    if (expr.grouping && !expr.grouping.without) {
      for (const l of expr.grouping.labels) {
        if (sample.labels[l] !== undefined) labels[l] = sample.labels[l];
      }
    } else if (expr.grouping?.without) {
      for (const [k, v] of Object.entries(sample.labels)) {
        if (k !== '__name__' && !expr.grouping.labels.includes(k)) {
          labels[k] = v;
        }
      }
    }
    const key = labelKey(labels);
    const group = groups.get(key) ?? { labels, values: [] };
    group.values.push(sample.value);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ labels, values }) => {
    let value: number;
    switch (expr.op) {
      case 'sum':
        value = values.reduce((a, b) => a + b, 0);
        break;
      case 'avg':
        value = values.reduce((a, b) => a + b, 0) / values.length;
        break;
      case 'max':
        value = maxIgnoringNaN(values, (a, b) => a > b);
        break;
      case 'min':
        value = maxIgnoringNaN(values, (a, b) => a < b);
        break;
      default:
        value = values.length;
    }
    return { labels, value };
  });
}

function maxIgnoringNaN(
  values: number[],
  better: (a: number, b: number) => boolean,
) {
  let best = NaN;
  for (const v of values) {
    if (Number.isNaN(best) || better(v, best)) best = v;
  }
  return best;
}

/**
 * histogram_quantile over classic buckets, as Prometheus computes it:
 * the buckets of each label set (without `le`) sorted by bound, the
 * quantile interpolated linearly inside the bucket it falls in; the
 * lowest bucket starts at 0, a quantile in the +Inf bucket is the
 * largest finite bound; no +Inf bucket or no observations give NaN.
 */
export function histogramQuantile(q: number, input: Sample[]): Sample[] {
  const groups = new Map<
    string,
    { labels: Labels; buckets: [number, number][] }
  >();
  for (const sample of input) {
    const le = sample.labels.le;
    if (le === undefined) continue;
    const { le: _le, __name__: _name, ...labels } = sample.labels;
    const bound = parseBound(le);
    if (Number.isNaN(bound)) continue;
    const key = labelKey(labels);
    const group = groups.get(key) ?? { labels, buckets: [] };
    group.buckets.push([bound, sample.value]);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ labels, buckets }) => ({
    labels,
    value: bucketQuantile(q, buckets),
  }));
}

function parseBound(le: string): number {
  if (le === '+Inf' || le === 'Inf' || le === '+inf') return Infinity;
  return Number(le);
}

function bucketQuantile(q: number, raw: [number, number][]): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const buckets = [...raw].sort((a, b) => a[0] - b[0]);
  if (buckets.length < 2 || buckets[buckets.length - 1][0] !== Infinity) {
    return NaN;
  }
  // Counts must not fall with the bound (rounding, scrapes at different times).
  for (let i = 1; i < buckets.length; i++) {
    if (buckets[i][1] < buckets[i - 1][1]) buckets[i][1] = buckets[i - 1][1];
  }
  const observations = buckets[buckets.length - 1][1];
  if (!(observations > 0)) return NaN;
  let rank = q * observations;
  let b = buckets.findIndex(([, count]) => count >= rank);
  if (b === -1) b = buckets.length - 1;
  if (b === buckets.length - 1) return buckets[buckets.length - 2][0];
  if (b === 0 && buckets[0][0] <= 0) return buckets[0][0];
  let start = 0;
  const end = buckets[b][0];
  let count = buckets[b][1];
  if (b > 0) {
    start = buckets[b - 1][0];
    count -= buckets[b - 1][1];
    rank -= buckets[b - 1][1];
  }
  return start + (end - start) * (rank / count);
}

/**
 * A sample value as Prometheus writes it: Go's shortest decimal form
 * without an exponent, `NaN`, `+Inf`, `-Inf`.
 */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  const text = String(value);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!m) return text;
  const [, sign, lead, frac = '', expText] = m;
  const exp = Number(expText);
  const digits = lead + frac;
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  return `${sign}${digits}${'0'.repeat(Math.max(0, exp - frac.length))}`;
}
