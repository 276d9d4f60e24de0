/**
 * Small helpers over metric time series: regular grids with gaps, bucketing
 * for charts, robust statistics. Time is epoch milliseconds throughout.
 */

/** A metric series: ascending timestamps (epoch ms) and their values. @public */
export interface TimeSeries {
  timestamps: number[];
  values: number[];
}

/**
 * A series whose arrays may also be typed arrays: long finer series (15 days
 * of 1-minute values) are kept in them, outside the JavaScript heap.
 * @public
 */
export interface DenseTimeSeries {
  timestamps: number[] | Float64Array;
  values: number[] | Float64Array;
}

/** One hour in milliseconds. @public */
export const HOUR_MS = 3_600_000;
/** One day in milliseconds. @public */
export const DAY_MS = 86_400_000;

/**
 * Puts a series on a regular grid of `stepMs` from `from` (inclusive) to `to`
 * (exclusive): each slot holds the mean of the points falling in it, or NaN
 * where there are none (a gap).
 * @public
 */
export function toGrid(
  series: TimeSeries,
  stepMs: number,
  from: number,
  to: number,
): Float64Array {
  const length = Math.max(0, Math.ceil((to - from) / stepMs));
  const sums = new Float64Array(length);
  const counts = new Uint32Array(length);
  for (let i = 0; i < series.timestamps.length; i++) {
    const value = series.values[i];
    if (!Number.isFinite(value)) continue;
    const slot = Math.floor((series.timestamps[i] - from) / stepMs);
    if (slot < 0 || slot >= length) continue;
    sums[slot] += value;
    counts[slot] += 1;
  }
  const grid = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    grid[i] = counts[i] > 0 ? sums[i] / counts[i] : NaN;
  }
  return grid;
}

/** A chart bucket: its start, the mean and the maximum of the points in it. @public */
export interface Bucket {
  t: number;
  avg: number;
  max: number;
}

/**
 * Aggregates a series into buckets of `stepMs` aligned to `from`; buckets
 * without points are left out (the chart shows the gap).
 * @public
 */
export function bucketize(
  series: TimeSeries,
  stepMs: number,
  from: number,
  to: number,
): Bucket[] {
  return bucketizeParts([series], stepMs, from, to);
}

/**
 * {@link bucketize} over several series taken one after another, as if
 * concatenated (the same sums in the same order, so the same buckets).
 */
export function bucketizeParts(
  parts: DenseTimeSeries[],
  stepMs: number,
  from: number,
  to: number,
): Bucket[] {
  const length = Math.max(0, Math.ceil((to - from) / stepMs));
  const sums = new Float64Array(length);
  const maxes = new Float64Array(length).fill(-Infinity);
  const counts = new Uint32Array(length);
  for (const series of parts) {
    for (let i = 0; i < series.timestamps.length; i++) {
      const value = series.values[i];
      if (!Number.isFinite(value)) continue;
      const slot = Math.floor((series.timestamps[i] - from) / stepMs);
      if (slot < 0 || slot >= length) continue;
      sums[slot] += value;
      counts[slot] += 1;
      if (value > maxes[slot]) maxes[slot] = value;
    }
  }
  const buckets: Bucket[] = [];
  for (let i = 0; i < length; i++) {
    if (counts[i] === 0) continue;
    buckets.push({
      t: from + i * stepMs,
      avg: sums[i] / counts[i],
      max: maxes[i],
    });
  }
  return buckets;
}

/** The q-quantile (0..1) of the finite values, linear interpolation; NaN when empty. @public */
export function quantile(values: ArrayLike<number>, q: number): number {
  const sorted = finiteSorted(values);
  return quantileSorted(sorted, q);
}

/** The median of the finite values; NaN when empty. @public */
export function median(values: ArrayLike<number>): number {
  return quantile(values, 0.5);
}

/** Quantile of an already sorted array of finite numbers. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const position = Math.min(Math.max(q, 0), 1) * (n - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const weight = position - lower;
  return sorted[lower] * (1 - weight) + sorted[upper] * weight;
}

function finiteSorted(values: ArrayLike<number>): Float64Array {
  // Straight into a typed array (no intermediate list): called per slot of
  // every forecast.
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) n++;
  }
  const out = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) out[k++] = values[i];
  }
  return out.sort();
}

/** Mean of the finite values; NaN when there are none. @public */
export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) {
      sum += values[i];
      n += 1;
    }
  }
  return n > 0 ? sum / n : NaN;
}

/** Population variance of the finite values; NaN when there are none. @public */
export function variance(values: ArrayLike<number>): number {
  const m = mean(values);
  let sum = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) {
      sum += (values[i] - m) ** 2;
      n += 1;
    }
  }
  return n > 0 ? sum / n : NaN;
}

/** Rounds to a number of significant digits, to keep stored JSON small. @public */
export function roundSignificant(value: number, digits = 4): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const factor = 10 ** (digits - 1 - magnitude);
  return Math.round(value * factor) / factor;
}
