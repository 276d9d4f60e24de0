import {
  DAY_MS,
  HOUR_MS,
  TimeSeries,
  mean,
  median,
  quantile,
  toGrid,
  variance,
} from './series';

/**
 * Time-to-limit forecasts for capacity metrics.
 *
 * Method (explained for users in docs/capacity.md):
 * 1. The series is put on an hourly grid (gaps stay gaps).
 * 2. It is decomposed into trend + daily profile (24 hourly offsets) + weekly
 *    profile (7 day-of-week offsets) + remainder, by a few rounds of: robust
 *    trend on the de-seasonalised data, then medians of the de-trended data
 *    per hour of day and per day of week. A profile that explains too little
 *    of the variation (seasonal strength < 0.2) is dropped, so noise is not
 *    mistaken for a pattern.
 * 3. The trend is a Theil–Sen line through the daily means of the
 *    de-seasonalised data: the median of all pairwise slopes, insensitive to
 *    spikes, incidents and gaps. Sen's rank-based confidence interval of the
 *    slope, widened for autocorrelation of the daily means, says how sure the
 *    slope is.
 * 4. When the last four weeks' slope clearly disagrees with the whole
 *    window's (the whole window's slope lies outside the recent slope's 98 %
 *    interval, and they differ by more than a quarter), growth has changed
 *    and only the recent weeks are used.
 * 5. The forecast is trend + profiles; the prediction band adds the slope's
 *    interval and the remainder's quantiles. The limit is reached when the
 *    forecast (its daily peaks, since the profiles are included) first
 *    reaches it; the band's edges give the earliest and latest dates.
 */

/** A fitted forecast model: small, serialisable, evaluated anywhere. @public */
export interface ForecastModel {
  method: 'seasonal-theil-sen';
  /** The window the model was fitted on (epoch ms). */
  fittedFrom: number;
  fittedTo: number;
  /** Hours with data, in days. */
  daysOfData: number;
  /** Share of the window's hours that had data (0..1). */
  coverage: number;
  /** `recent` when growth changed and only the recent weeks were used. */
  window: 'full' | 'recent';
  /** The trend line passes through (pivotTime, pivotValue). */
  pivotTime: number;
  pivotValue: number;
  /** Trend slope in units per day, with its interval at `intervalLevel`. */
  slopePerDay: number;
  slopeLowPerDay: number;
  slopeHighPerDay: number;
  /** Offsets by UTC hour of day (24), when a daily pattern was found. */
  daily?: number[];
  /** Offsets by UTC day of week (7, 0 = Sunday), when a weekly pattern was found. */
  weekly?: number[];
  /** Quantiles of the remainder at the interval's edges. */
  residualLow: number;
  residualHigh: number;
  /** Coverage of the prediction interval, e.g. 0.8. */
  intervalLevel: number;
}

/** Options of {@link fitForecast}. @public */
export interface FitOptions {
  /** The time the forecast is made at (epoch ms). */
  now: number;
  /** Days of history to use at most. Default 90. */
  maxDays?: number;
  /** Fewer days of data than this give no model. Default 3. */
  minDays?: number;
  /** Length of the recent window checked for a change of growth. Default 28 days. */
  recentDays?: number;
  /** Coverage of the prediction interval. Default 0.8. */
  intervalLevel?: number;
}

/** Seasonal strength below which a profile is treated as noise. */
const MIN_SEASONAL_STRENGTH = 0.2;
const ROUNDS = 3;
/** Interval level of the test for a change of growth. */
const CHANGE_TEST_LEVEL = 0.98;

/**
 * Fits a {@link ForecastModel} to a series (any period up to an hour).
 * Answers undefined when there is too little data to say anything.
 * @public
 */
export function fitForecast(
  series: TimeSeries,
  options: FitOptions,
): ForecastModel | undefined {
  const maxDays = options.maxDays ?? 90;
  const minDays = options.minDays ?? 3;
  const recentDays = options.recentDays ?? 28;
  const level = options.intervalLevel ?? 0.8;

  const to = Math.ceil(options.now / HOUR_MS) * HOUR_MS;
  const from = to - maxDays * DAY_MS;
  const grid = toGrid(series, HOUR_MS, from, to);
  let first = 0;
  while (first < grid.length && Number.isNaN(grid[first])) first++;
  let last = grid.length - 1;
  while (last >= first && Number.isNaN(grid[last])) last--;
  if (last < first) return undefined;

  const y = grid.subarray(first, last + 1);
  const start = from + first * HOUR_MS;
  const hoursWithData = countFinite(y);
  if (y.length < minDays * 24 || hoursWithData < minDays * 12) {
    return undefined;
  }

  const full = decompose(y, start, level);
  if (!full) return undefined;
  let chosen = full;
  let window: ForecastModel['window'] = 'full';
  if (y.length >= recentDays * 24 * 1.5) {
    const offset = y.length - recentDays * 24;
    // The change test uses a strict interval (98 %) and asks for a material
    // difference, so that noise alone rarely switches windows.
    const recent = decompose(
      y.subarray(offset),
      start + offset * HOUR_MS,
      CHANGE_TEST_LEVEL,
    );
    const difference = recent ? Math.abs(recent.slope - full.slope) : 0;
    if (
      recent &&
      (full.slope < recent.slopeLow || full.slope > recent.slopeHigh) &&
      difference > 0.25 * Math.max(Math.abs(full.slope), Math.abs(recent.slope))
    ) {
      const refit = decompose(
        y.subarray(offset),
        start + offset * HOUR_MS,
        level,
      )!;
      chosen = refit;
      chosen = recent;
      window = 'recent';
    }
  }

  return {
    method: 'seasonal-theil-sen',
    fittedFrom: chosen.start,
    fittedTo: chosen.start + chosen.hours * HOUR_MS,
    daysOfData: chosen.hoursWithData / 24,
    coverage: chosen.hoursWithData / chosen.hours,
    window,
    pivotTime: chosen.pivotTime,
    pivotValue: chosen.pivotValue,
    slopePerDay: chosen.slope,
    slopeLowPerDay: chosen.slopeLow,
    slopeHighPerDay: chosen.slopeHigh,
    daily: chosen.daily,
    weekly: chosen.weekly,
    residualLow: chosen.residualLow,
    residualHigh: chosen.residualHigh,
    intervalLevel: level,
  };
}

/** The forecast at one time: expected value and the prediction band. @public */
export interface ForecastPoint {
  t: number;
  center: number;
  lower: number;
  upper: number;
}

/** Seasonal offset of the model at a time. */
function seasonalAt(model: ForecastModel, t: number): number {
  let s = 0;
  if (model.daily) s += model.daily[hourOfDay(t)];
  if (model.weekly) s += model.weekly[dayOfWeek(t)];
  return s;
}

/** The trend alone (no profiles) at a time. @public */
export function trendAt(model: ForecastModel, t: number): number {
  return (
    model.pivotValue + (model.slopePerDay * (t - model.pivotTime)) / DAY_MS
  );
}

/** Evaluates the model at a time. @public */
export function forecastAt(model: ForecastModel, t: number): ForecastPoint {
  const days = (t - model.pivotTime) / DAY_MS;
  const s = seasonalAt(model, t);
  const lowSlope = days >= 0 ? model.slopeLowPerDay : model.slopeHighPerDay;
  const highSlope = days >= 0 ? model.slopeHighPerDay : model.slopeLowPerDay;
  return {
    t,
    center: model.pivotValue + model.slopePerDay * days + s,
    lower: model.pivotValue + lowSlope * days + s + model.residualLow,
    upper: model.pivotValue + highSlope * days + s + model.residualHigh,
  };
}

/**
 * The forecast over [from, to) in buckets of `stepMs`, each bucket holding
 * the highest hourly value of the centre and of both edges (the peak
 * envelope, which is what reaches a limit first).
 * @public
 */
export function forecastEnvelope(
  model: ForecastModel,
  from: number,
  to: number,
  stepMs: number,
): ForecastPoint[] {
  const points: ForecastPoint[] = [];
  const firstHour = Math.ceil(from / HOUR_MS) * HOUR_MS;
  for (let bucket = from; bucket < to; bucket += stepMs) {
    let center = -Infinity;
    let lower = -Infinity;
    let upper = -Infinity;
    const end = Math.min(bucket + stepMs, to);
    for (
      let t = Math.max(firstHour, Math.ceil(bucket / HOUR_MS) * HOUR_MS);
      t < end;
      t += HOUR_MS
    ) {
      const p = forecastAt(model, t);
      center = Math.max(center, p.center);
      lower = Math.max(lower, p.lower);
      upper = Math.max(upper, p.upper);
    }
    if (center > -Infinity) points.push({ t: bucket, center, lower, upper });
  }
  return points;
}

/** What a forecast says about reaching a limit. @public */
export type ForecastStatus =
  /** The expected value already reached the limit in the last day. */
  | 'already-over'
  /** The expected value reaches the limit within the horizon. */
  | 'crossing'
  /** Flat, falling, or too slow to reach the limit within the horizon. */
  | 'no-limit-in-sight'
  /** The metric has no limit configured: trend only. */
  | 'no-limit'
  /** Too little data for a forecast. */
  | 'insufficient-data';

/** How sure a forecast is. @public */
export type ForecastConfidence = 'high' | 'medium' | 'low';

/** The answer to "when does this metric reach its limit?". @public */
export interface ForecastResult {
  status: ForecastStatus;
  limit?: number;
  /** When the expected value first reaches the limit (ISO 8601). */
  crossingAt?: string;
  /** When the band's upper edge first reaches it: the earliest plausible date. */
  earliestAt?: string;
  /** When the band's lower edge first reaches it; absent when beyond the horizon. */
  latestAt?: string;
  /** Days from now to `crossingAt` (0 when already over). */
  daysToLimit?: number;
  confidence: ForecastConfidence;
  /** Coverage of the interval between earliest and latest, e.g. 0.8. */
  intervalLevel: number;
  horizonDays: number;
}

/** Options of {@link forecastCrossing}. @public */
export interface CrossingOptions {
  now: number;
  /** The level that counts as reaching the limit (higher is worse). */
  limit?: number;
  /** How far ahead to look. Default 180 days. */
  horizonDays?: number;
}

/**
 * When the model reaches a limit, with the earliest and latest plausible
 * dates and a confidence. Metrics here are "higher is worse" (utilisation,
 * queue depth, latency, replicas against the autoscaling maximum).
 * @public
 */
export function forecastCrossing(
  model: ForecastModel | undefined,
  options: CrossingOptions,
): ForecastResult {
  const horizonDays = options.horizonDays ?? 180;
  const { now, limit } = options;
  if (!model) {
    return {
      status: 'insufficient-data',
      limit,
      confidence: 'low',
      intervalLevel: 0.8,
      horizonDays,
    };
  }
  const base = { limit, intervalLevel: model.intervalLevel, horizonDays };
  if (limit === undefined) {
    return { ...base, status: 'no-limit', confidence: 'high' };
  }

  const startHour = Math.floor(now / HOUR_MS) * HOUR_MS;
  let alreadyOver = false;
  for (let t = startHour - 23 * HOUR_MS; t <= startHour; t += HOUR_MS) {
    if (forecastAt(model, t).center >= limit) alreadyOver = true;
  }

  let crossing: number | undefined;
  let earliest: number | undefined;
  let latest: number | undefined;
  const end = startHour + horizonDays * DAY_MS;
  for (let t = startHour; t <= end; t += HOUR_MS) {
    const p = forecastAt(model, t);
    if (earliest === undefined && p.upper >= limit) earliest = t;
    if (crossing === undefined && p.center >= limit) crossing = t;
    if (latest === undefined && p.lower >= limit) latest = t;
    if (latest !== undefined) break;
  }
  if (alreadyOver) {
    crossing = now;
    earliest = Math.min(earliest ?? now, now);
  }

  const iso = (t: number | undefined) =>
    t === undefined ? undefined : new Date(Math.max(t, now)).toISOString();
  const downgrade = model.daysOfData < 14 || model.coverage < 0.6;

  if (crossing === undefined) {
    let confidence: ForecastConfidence = 'high';
    if (earliest !== undefined) {
      confidence =
        earliest - now > (horizonDays * DAY_MS) / 2 ? 'medium' : 'low';
    }
    return {
      ...base,
      status: 'no-limit-in-sight',
      earliestAt: iso(earliest),
      confidence: downgradeConfidence(confidence, downgrade),
    };
  }

  const daysToLimit = Math.max(0, (crossing - now) / DAY_MS);
  const spreadDays =
    ((latest ?? end) - Math.min(earliest ?? crossing, crossing)) / DAY_MS;
  const ratio = spreadDays / Math.max(daysToLimit, 1);
  let confidence: ForecastConfidence = 'low';
  if (ratio <= 0.5) confidence = 'high';
  else if (ratio <= 1.5) confidence = 'medium';
  return {
    ...base,
    status: alreadyOver ? 'already-over' : 'crossing',
    crossingAt: iso(crossing),
    earliestAt: iso(earliest),
    latestAt: iso(latest),
    daysToLimit,
    confidence: downgradeConfidence(confidence, downgrade),
  };
}

/** Growth of a metric's trend per week. @public */
export interface GrowthRate {
  /** Units per week. */
  perWeek: number;
  /** Percent of the current trend level per week; absent when the level is ~0. */
  percentPerWeek?: number;
}

/** The model's trend growth per week, absolute and relative to now. @public */
export function growthPerWeek(
  model: ForecastModel | undefined,
  now: number,
): GrowthRate | undefined {
  if (!model) return undefined;
  const perWeek = model.slopePerDay * 7;
  const level = trendAt(model, now);
  return {
    perWeek,
    percentPerWeek:
      Math.abs(level) > 1e-9 ? (perWeek / Math.abs(level)) * 100 : undefined,
  };
}

function downgradeConfidence(
  confidence: ForecastConfidence,
  downgrade: boolean,
): ForecastConfidence {
  if (!downgrade) return confidence;
  return confidence === 'high' ? 'medium' : 'low';
}

// ---------------------------------------------------------------------------

interface Decomposition {
  start: number;
  hours: number;
  hoursWithData: number;
  pivotTime: number;
  pivotValue: number;
  slope: number;
  slopeLow: number;
  slopeHigh: number;
  daily?: number[];
  weekly?: number[];
  residualLow: number;
  residualHigh: number;
}

function decompose(
  y: Float64Array,
  start: number,
  level: number,
): Decomposition | undefined {
  const n = y.length;
  const spanDays = n / 24;
  const hourIndex = new Uint8Array(n);
  const dayIndex = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const t = start + i * HOUR_MS;
    hourIndex[i] = hourOfDay(t);
    dayIndex[i] = dayOfWeek(t);
  }
  let daily: number[] | undefined = spanDays >= 2 ? zeros(24) : undefined;
  let weekly: number[] | undefined = spanDays >= 14 ? zeros(7) : undefined;

  const seasonal = new Float64Array(n);
  const deseasonalised = new Float64Array(n);
  const fillSeasonal = () => {
    for (let i = 0; i < n; i++) {
      seasonal[i] =
        (daily ? daily[hourIndex[i]] : 0) + (weekly ? weekly[dayIndex[i]] : 0);
      deseasonalised[i] = y[i] - seasonal[i];
    }
  };

  // The first trend uses nearly complete days only: a partial day's mean is
  // biased by the daily pattern that is not removed yet.
  fillSeasonal();
  let trend = fitTrend(deseasonalised, start, 18, level);
  if (!trend) trend = fitTrend(deseasonalised, start, 1, level);
  if (!trend) return undefined;

  const detrended = new Float64Array(n);
  for (let round = 0; round < ROUNDS && (daily || weekly); round++) {
    for (let i = 0; i < n; i++) {
      detrended[i] = y[i] - lineAt(trend, start + (i + 0.5) * HOUR_MS);
    }
    const weeklyNow = weekly;
    if (daily) {
      daily = profile(detrended, hourIndex, 24, i =>
        weeklyNow ? weeklyNow[dayIndex[i]] : 0,
      );
    }
    const dailyNow = daily;
    if (weekly) {
      weekly = profile(detrended, dayIndex, 7, i =>
        dailyNow ? dailyNow[hourIndex[i]] : 0,
      );
    }
    fillSeasonal();
    trend = fitTrend(deseasonalised, start, 4, level) ?? trend;
  }

  // Drop a profile that is mostly noise, then fit the trend once more.
  const residual = new Float64Array(n);
  const computeResidual = () => {
    for (let i = 0; i < n; i++) {
      residual[i] =
        y[i] - lineAt(trend!, start + (i + 0.5) * HOUR_MS) - seasonal[i];
    }
  };
  computeResidual();
  let dropped = false;
  if (
    daily &&
    strength(residual, i => daily![hourIndex[i]]) < MIN_SEASONAL_STRENGTH
  ) {
    daily = undefined;
    dropped = true;
  }
  if (
    weekly &&
    strength(residual, i => weekly![dayIndex[i]]) < MIN_SEASONAL_STRENGTH
  ) {
    weekly = undefined;
    dropped = true;
  }
  if (dropped) {
    fillSeasonal();
    trend = fitTrend(deseasonalised, start, daily ? 4 : 1, level) ?? trend;
    computeResidual();
  }

  const tail = (1 - level) / 2;
  return {
    start,
    hours: n,
    hoursWithData: countFinite(y),
    pivotTime: trend.pivotTime,
    pivotValue: trend.pivotValue,
    slope: trend.slope,
    slopeLow: trend.slopeLow,
    slopeHigh: trend.slopeHigh,
    daily,
    weekly,
    residualLow: quantile(residual, tail),
    residualHigh: quantile(residual, 1 - tail),
  };
}

/** Seasonal strength of a component: 1 - var(remainder) / var(remainder + component). */
function strength(
  residual: Float64Array,
  component: (i: number) => number,
): number {
  const withComponent = new Float64Array(residual.length);
  for (let i = 0; i < residual.length; i++) {
    withComponent[i] = residual[i] + component(i);
  }
  const total = variance(withComponent);
  if (!(total > 0)) return 0;
  return Math.max(0, 1 - variance(residual) / total);
}

/** Median of `values - other` per slot, centred to mean zero. */
function profile(
  values: Float64Array,
  slotOf: Uint8Array,
  slots: number,
  other: (i: number) => number,
): number[] {
  const buckets: number[][] = Array.from({ length: slots }, () => []);
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i]))
      buckets[slotOf[i]].push(values[i] - other(i));
  }
  const medians = buckets.map(b => (b.length > 0 ? median(b) : NaN));
  const centre = mean(medians);
  return medians.map(m => (Number.isFinite(m) ? m - centre : 0));
}

interface TrendLine {
  pivotTime: number;
  pivotValue: number;
  slope: number;
  slopeLow: number;
  slopeHigh: number;
}

function lineAt(line: TrendLine, t: number): number {
  return line.pivotValue + (line.slope * (t - line.pivotTime)) / DAY_MS;
}

/**
 * Theil–Sen line through the daily means of an hourly series (days with at
 * least `minHours` hours of data), with Sen's confidence interval of the
 * slope, widened for lag-1 autocorrelation of the daily means.
 */
function fitTrend(
  z: Float64Array,
  start: number,
  minHours: number,
  level: number,
): TrendLine | undefined {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let d = 0; d * 24 < z.length; d++) {
    let sum = 0;
    let sumX = 0;
    let count = 0;
    for (let h = d * 24; h < Math.min(z.length, d * 24 + 24); h++) {
      if (Number.isFinite(z[h])) {
        sum += z[h];
        sumX += (h + 0.5) / 24;
        count += 1;
      }
    }
    if (count >= minHours) {
      xs.push(sumX / count);
      ys.push(sum / count);
    }
  }
  const n = xs.length;
  if (n < 3) return undefined;

  const slopes: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (xs[j] !== xs[i]) slopes.push((ys[j] - ys[i]) / (xs[j] - xs[i]));
    }
  }
  slopes.sort((a, b) => a - b);
  const slope = median(slopes);
  const pivotX = median(xs);
  const intercept = median(ys.map((y, i) => y - slope * xs[i]));

  // Sen's interval: ranks (N ∓ C) / 2 of the sorted slopes.
  const residuals = ys.map((y, i) => y - intercept - slope * xs[i]);
  const rho = Math.min(0.9, Math.max(0, lag1Autocorrelation(residuals)));
  const varianceS = (n * (n - 1) * (2 * n + 5)) / 18;
  const c =
    normalQuantile((1 + level) / 2) *
    Math.sqrt(varianceS * ((1 + rho) / (1 - rho)));
  const count = slopes.length;
  const lowRank = Math.round((count - c) / 2);
  const highRank = Math.round((count + c) / 2);
  return {
    pivotTime: start + pivotX * DAY_MS,
    pivotValue: intercept + slope * pivotX,
    slope,
    slopeLow: slopes[clamp(lowRank - 1, 0, count - 1)],
    slopeHigh: slopes[clamp(highRank, 0, count - 1)],
  };
}

function lag1Autocorrelation(values: number[]): number {
  const m = mean(values);
  let numerator = 0;
  let denominator = 0;
  for (let i = 0; i < values.length; i++) {
    denominator += (values[i] - m) ** 2;
    if (i > 0) numerator += (values[i] - m) * (values[i - 1] - m);
  }
  return denominator > 0 ? numerator / denominator : 0;
}

/** Standard normal quantile, by bisection on an erf approximation (|error| < 1e-6). */
export function normalQuantile(p: number): number {
  let lo = -10;
  let hi = 10;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function normalCdf(x: number): number {
  // Abramowitz & Stegun 7.1.26 for erf.
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly =
    t *
    (0.254829592 +
      t *
        (-0.284496736 +
          t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

function hourOfDay(t: number): number {
  return Math.floor((((t % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS);
}

function dayOfWeek(t: number): number {
  return new Date(t).getUTCDay();
}

function countFinite(values: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) n++;
  return n;
}

function zeros(length: number): number[] {
  return new Array(length).fill(0);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
