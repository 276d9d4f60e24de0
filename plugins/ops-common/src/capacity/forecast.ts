import {
  DAY_MS,
  HOUR_MS,
  TimeSeries,
  mean,
  median,
  quantile,
  toGrid,
} from './series';

/**
 * Time-to-limit forecasts for capacity metrics.
 *
 * Method (explained for users in docs/capacity.md):
 * 1. The series is put on an hourly grid (gaps stay gaps). Hours before the
 *    first non-zero value are dropped: a service that started recently
 *    reports zeros, or nothing, before it existed.
 * 2. Daily profile: the data minus its centred 24-hour moving average (which
 *    removes growth and level shifts), averaged per UTC hour and reduced to
 *    the harmonics of the day that stand out from their own noise, measured
 *    from the spread of the days' contributions (so autocorrelated noise is
 *    not taken for a pattern). The profile's top is corrected for the excess
 *    that taking the highest of noisy estimates brings (by simulation).
 * 3. The de-seasonalised hours are averaged per UTC day (days weighted by
 *    their hours with data). Weekly profile: weekdays and weekend as two
 *    levels unless the weekdays differ among themselves, from the daily
 *    means minus their 7-day moving average, then minus each regime's line.
 * 4. Regimes: an optimal split of the daily means into linear pieces, each
 *    extra piece paying a BIC-like penalty in units of the daily noise; the
 *    last piece is at least five days. Level shifts, a change of growth and
 *    a service that started recently end a regime.
 * 5. The current regime: every place for its start since the previous
 *    regime's start is a candidate, as a bend (the slope changes, no jump),
 *    a level shift (growth unchanged) or a jump (new level and slope),
 *    weighted by how well it fits and by its number of parameters. The trend
 *    is the weighted average of their lines, with the spread between them
 *    added to their own uncertainty.
 * 6. Lines are weighted least squares on the daily means (one pass drops
 *    days far off the line: incidents, outages); their standard errors come
 *    from the residual spread of the regimes, inflated for autocorrelation.
 * 7. The forecast of an hour is trend + daily + weekly offset, so the limit
 *    is dated when the daily peak reaches it. The band is a confidence band
 *    of that expected hourly value: centre ± t quantile x the standard error
 *    of level, slope and seasonal offset. The first hours the centre and the
 *    band's upper and lower edges reach the limit are the crossing, earliest
 *    and latest dates.
 */

/** A fitted forecast model: small, serialisable, evaluated anywhere. @public */
export interface ForecastModel {
  /**
   * `seasonal-regime`: the current method. `seasonal-theil-sen`: models
   * stored before it (no standard errors), still evaluated the old way.
   */
  method: 'seasonal-regime' | 'seasonal-theil-sen';
  /**
   * The window the trend was fitted on (epoch ms): the current regime, or
   * from the previous one's start when the regime began with a bend or a
   * level shift (the data before then still tell the slope or level).
   */
  fittedFrom: number;
  fittedTo: number;
  /** Hours with data in the fitted window, in days. */
  daysOfData: number;
  /** Share of the fitted window's hours that had data (0..1). */
  coverage: number;
  /** `recent` when the current regime is shorter than the data. */
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
  /** Quantiles of the hourly remainder at the interval's edges (hour-to-hour noise). */
  residualLow: number;
  residualHigh: number;
  /** Coverage of the prediction interval, e.g. 0.8. */
  intervalLevel: number;
  /** Start of the current growth regime (epoch ms); absent in older models. */
  regimeStart?: number;
  /**
   * What is forecast: `daily peak` — the hourly value including the daily
   * and weekly pattern, so the limit is dated when the peak hours reach it.
   */
  basis?: 'daily peak';
  /** Highest seasonal offset (daily + weekly) above the trend. */
  peakOffset?: number;
  /** Standard error of the trend level at `pivotTime`. */
  levelSe?: number;
  /** Standard error of the slope, per day. */
  slopeSePerDay?: number;
  /** Standard error of a seasonal offset. */
  seasonalSe?: number;
  /** Multiplier of the standard error giving the band at `intervalLevel`. */
  bandMultiplier?: number;
}

/** Options of {@link fitForecast}. @public */
export interface FitOptions {
  /** The time the forecast is made at (epoch ms). */
  now: number;
  /** Days of history to use at most. Default 90. */
  maxDays?: number;
  /** Fewer days of data than this give no model. Default 3. */
  minDays?: number;
  /** Shortest regime (days) the change-point search may end on. Default 5. */
  minRegimeDays?: number;
  /** @deprecated Ignored: the current regime is found from the data. */
  recentDays?: number;
  /** Coverage of the prediction interval. Default 0.8. */
  intervalLevel?: number;
}

/** Confidence of the test that keeps a seasonal profile. */
const PROFILE_TEST_LEVEL = 0.999;
/** Penalty of an extra regime, in daily noise variances times ln(days). */
const REGIME_PENALTY = 5;
/** Simulations (and their fixed seed) behind the peak's bias correction. */
const PEAK_DRAWS = 200;
const PEAK_SEED = 12345;
/** Confidence of the test that keeps a harmonic of the daily profile. */
const HARMONIC_TEST_LEVEL = 0.99;
/** Hours a day needs for its mean to count. */
const MIN_HOURS_A_DAY = 6;
/** Robust clipping of hourly values, in robust standard deviations. */
const CLIP = 4;

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
  const minRegimeDays = options.minRegimeDays ?? 5;
  const level = options.intervalLevel ?? 0.8;

  const to = Math.ceil(options.now / HOUR_MS) * HOUR_MS;
  const from = to - maxDays * DAY_MS;
  const grid = toGrid(series, HOUR_MS, from, to);
  let last = grid.length - 1;
  while (last >= 0 && Number.isNaN(grid[last])) last--;
  let first = 0;
  while (first <= last && Number.isNaN(grid[first])) first++;
  // Before the first non-zero value the service did not exist yet.
  let firstNonZero = first;
  while (
    firstNonZero <= last &&
    (Number.isNaN(grid[firstNonZero]) || grid[firstNonZero] === 0)
  ) {
    firstNonZero++;
  }
  if (firstNonZero <= last) first = firstNonZero;
  if (last < first) return undefined;

  const y = grid.subarray(first, last + 1);
  const start = from + first * HOUR_MS;
  if (y.length < minDays * 24 || countFinite(y) < minDays * 12) {
    return undefined;
  }
  const n = y.length;
  const hourIndex = new Uint8Array(n);
  for (let i = 0; i < n; i++) hourIndex[i] = hourOfDay(start + i * HOUR_MS);

  // 1. The daily profile of all the data, and the de-seasonalised days.
  const overall = dailyProfile(y, hourIndex, 0, n);
  const noise = overall.noise;
  const allDays = dailyMeans(
    y,
    start,
    hourIndex,
    overall.profile?.offsets,
    0,
    n,
    noise,
  );

  // 2. Regimes and the weekly profile, in turn: the weekly profile from
  // the daily means minus their 7-day moving average first, then from the
  // residuals of each regime's own line (so level shifts do not leak in).
  // The noise of a daily mean is at least that of 24 independent hours.
  const dailyNoise = noise / Math.sqrt(24);
  let weekly = weeklyProfile(allDays);
  let starts = segmentStarts(
    allDays,
    deseasonalisedDays(allDays, weekly?.offsets),
    minRegimeDays,
    dailyNoise,
  );
  for (let round = 0; round < 2; round++) {
    weekly = weeklyBackfit(allDays, starts);
    if (round === 0) {
      starts = segmentStarts(
        allDays,
        deseasonalisedDays(allDays, weekly?.offsets),
        minRegimeDays,
        dailyNoise,
      );
    }
  }
  const zAll = deseasonalisedDays(allDays, weekly?.offsets);
  const pooled = Math.max(
    pooledVariance(allDays, zAll, starts),
    dailyNoise ** 2,
  );
  // 3. Where exactly the current regime starts, and whether with a jump or
  // a bend, is uncertain: the candidates are averaged (weights below).
  const regime = regimeTrend(allDays, zAll, starts, pooled, minRegimeDays);
  if (!regime) return undefined;
  let regimeHour = Math.max(0, Math.round((regime.startX * DAY_MS) / HOUR_MS));
  let fromX = regime.fromX;
  let line = regime.line;

  // 4. The regime's daily profile: its own when the pattern changed with
  // the regime, else the one of all the data (more days, less noise); the
  // trend again with it.
  let daily = overall.profile;
  if (regimeHour >= 48 && n - regimeHour >= 48) {
    const before = dailyProfile(y, hourIndex, 0, regimeHour);
    const within = dailyProfile(y, hourIndex, regimeHour, n);
    if (profilesDiffer(before.harmonics, within.harmonics)) {
      daily = within.profile;
      const days = dailyMeans(y, start, hourIndex, daily?.offsets, 0, n, noise);
      const again = regimeTrend(
        days,
        deseasonalisedDays(days, weekly?.offsets),
        starts,
        pooled,
        minRegimeDays,
      );
      if (again) {
        line = again.line;
        fromX = again.fromX;
        regimeHour = Math.max(0, Math.round((again.startX * DAY_MS) / HOUR_MS));
      }
    }
  }
  const trendFromHour = Math.max(
    0,
    Math.min(regimeHour, Math.round((fromX * DAY_MS) / HOUR_MS)),
  );

  const seasonal = (i: number) =>
    (daily ? daily.offsets[hourIndex[i]] : 0) +
    (weekly ? weekly.offsets[dayOfWeek(start + i * HOUR_MS)] : 0);
  const residual: number[] = [];
  for (let i = regimeHour; i < n; i++) {
    if (!Number.isFinite(y[i])) continue;
    residual.push(
      y[i] - line.level - line.slope * (i / 24 - line.pivot) - seasonal(i),
    );
  }
  const hoursWithData = countFinite(y.subarray(trendFromHour));

  const multiplier = tQuantile((1 + level) / 2, line.dof);
  const seasonalSe = Math.sqrt(
    (daily ? daily.se ** 2 : 0) + (weekly ? weekly.se ** 2 : 0),
  );
  let peakOffset = 0;
  if (daily || weekly) {
    peakOffset = -Infinity;
    for (let h = 0; h < 24; h++) {
      for (let d = 0; d < 7; d++) {
        peakOffset = Math.max(
          peakOffset,
          (daily ? daily.offsets[h] : 0) + (weekly ? weekly.offsets[d] : 0),
        );
      }
    }
  }
  const tail = (1 - level) / 2;
  const regimeStart = start + regimeHour * HOUR_MS;
  return {
    method: 'seasonal-regime',
    fittedFrom: start + trendFromHour * HOUR_MS,
    fittedTo: start + n * HOUR_MS,
    daysOfData: hoursWithData / 24,
    coverage: hoursWithData / (n - trendFromHour),
    window: regimeHour > 0 ? 'recent' : 'full',
    pivotTime: start + line.pivot * DAY_MS,
    pivotValue: line.level,
    slopePerDay: line.slope,
    slopeLowPerDay: line.slope - multiplier * line.slopeSe,
    slopeHighPerDay: line.slope + multiplier * line.slopeSe,
    daily: daily?.offsets,
    weekly: weekly?.offsets,
    residualLow: quantile(residual, tail),
    residualHigh: quantile(residual, 1 - tail),
    intervalLevel: level,
    regimeStart,
    basis: 'daily peak',
    peakOffset,
    levelSe: line.levelSe,
    slopeSePerDay: line.slopeSe,
    seasonalSe,
    bandMultiplier: multiplier,
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

/**
 * Evaluates the model for the hour starting at `t`: the expected hourly
 * value and its band at the model's interval level.
 * @public
 */
export function forecastAt(model: ForecastModel, t: number): ForecastPoint {
  const days = (t - model.pivotTime) / DAY_MS;
  const s = seasonalAt(model, t);
  const center = model.pivotValue + model.slopePerDay * days + s;
  if (model.bandMultiplier !== undefined) {
    const half =
      model.bandMultiplier *
      Math.sqrt(
        (model.levelSe ?? 0) ** 2 +
          ((model.slopeSePerDay ?? 0) * days) ** 2 +
          (model.seasonalSe ?? 0) ** 2,
      );
    return { t, center, lower: center - half, upper: center + half };
  }
  // Models stored before regimes: slope interval plus hourly remainder.
  const lowSlope = days >= 0 ? model.slopeLowPerDay : model.slopeHighPerDay;
  const highSlope = days >= 0 ? model.slopeHighPerDay : model.slopeLowPerDay;
  return {
    t,
    center,
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

  // A crossing in the second half of the horizon that the band's lower edge
  // never reaches is too uncertain to date (growth that cannot be told from
  // flat, a plateau just below the limit): "no limit in sight", with its
  // earliest plausible date. Models stored before regimes keep their old
  // reading.
  const undecided =
    model.bandMultiplier !== undefined &&
    !alreadyOver &&
    crossing !== undefined &&
    latest === undefined &&
    crossing - now > (horizonDays * DAY_MS) / 2;
  if (crossing === undefined || undecided) {
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

/** A seasonal profile: centred offsets and the standard error of one offset. */
interface Profile {
  offsets: number[];
  se: number;
}

/**
 * Harmonics 1..11 of a daily profile (cycles a day): cosine and sine
 * coefficients with their variances.
 */
interface Harmonics {
  a: number[];
  b: number[];
  varianceA: number[];
  varianceB: number[];
}

/**
 * The daily profile of y[from, to): per UTC hour, the clipped mean of the
 * data minus its centred 24-hour moving average (which removes growth and
 * level shifts but keeps the daily pattern), reduced to the harmonics of
 * the day that stand out from their noise. The noise of a harmonic is
 * measured from the spread of the days' contributions to it (days are
 * independent; hours of one day need not be), so autocorrelated noise is
 * not taken for a pattern. Also answers the robust spread of the hourly
 * noise, used to clip outliers. The profile is undefined when the
 * harmonics together do not stand out (chi-square, 99.9 %).
 */
function dailyProfile(
  y: Float64Array,
  hourIndex: Uint8Array,
  from: number,
  to: number,
): { profile?: Profile; noise: number; harmonics?: Harmonics } {
  const r = movingResiduals(y, from, to, 12);
  const slots: number[][] = Array.from({ length: 24 }, () => []);
  for (let i = from; i < to; i++) {
    if (Number.isFinite(r[i])) slots[hourIndex[i]].push(r[i]);
  }
  const medians = slots.map(slot => (slot.length > 0 ? median(slot) : NaN));
  const deviations: number[] = [];
  slots.forEach((slot, h) =>
    slot.forEach(v => deviations.push(v - medians[h])),
  );
  const noise = robustScale(deviations);
  if (slots.some(slot => slot.length < 2)) return { noise };
  const clip = (v: number, h: number) =>
    noise > 0
      ? clamp(v, medians[h] - CLIP * noise, medians[h] + CLIP * noise)
      : v;
  const means = slots.map((slot, h) => mean(slot.map(v => clip(v, h))));
  const counts = slots.map(slot => slot.length);

  const cos: number[][] = [];
  const sin: number[][] = [];
  for (let k = 1; k <= 11; k++) {
    cos.push(
      Array.from({ length: 24 }, (_, h) =>
        Math.cos((2 * Math.PI * k * h) / 24),
      ),
    );
    sin.push(
      Array.from({ length: 24 }, (_, h) =>
        Math.sin((2 * Math.PI * k * h) / 24),
      ),
    );
  }
  const harmonics: Harmonics = {
    a: [],
    b: [],
    varianceA: [],
    varianceB: [],
  };
  for (let k = 0; k < 11; k++) {
    let a = 0;
    let b = 0;
    for (let h = 0; h < 24; h++) {
      a += (means[h] * cos[k][h]) / 12;
      b += (means[h] * sin[k][h]) / 12;
    }
    harmonics.a.push(a);
    harmonics.b.push(b);
  }
  // Each day's contribution to each coefficient, around the slot means.
  const contributionA = new Float64Array(11);
  const contributionB = new Float64Array(11);
  const sumA = new Float64Array(11);
  const sumB = new Float64Array(11);
  let daysSeen = 0;
  let day = -1;
  const flush = () => {
    for (let k = 0; k < 11; k++) {
      sumA[k] += contributionA[k] ** 2;
      sumB[k] += contributionB[k] ** 2;
    }
    contributionA.fill(0);
    contributionB.fill(0);
  };
  for (let i = from; i < to; i++) {
    if (!Number.isFinite(r[i])) continue;
    const d = Math.floor(i / 24);
    if (d !== day) {
      if (day >= 0) flush();
      day = d;
      daysSeen++;
    }
    const h = hourIndex[i];
    const deviation = (clip(r[i], h) - means[h]) / counts[h];
    for (let k = 0; k < 11; k++) {
      contributionA[k] += (deviation * cos[k][h]) / 12;
      contributionB[k] += (deviation * sin[k][h]) / 12;
    }
  }
  if (day >= 0) flush();
  if (daysSeen < 2) return { noise };
  const correction = daysSeen / (daysSeen - 1);
  const scale = Math.max(...means.map(Math.abs)) + noise;
  const floor = (1e-9 * scale) ** 2;
  let total = 0;
  for (let k = 0; k < 11; k++) {
    harmonics.varianceA.push(Math.max(floor, sumA[k] * correction));
    harmonics.varianceB.push(Math.max(floor, sumB[k] * correction));
    const statistic =
      harmonics.a[k] ** 2 / harmonics.varianceA[k] +
      harmonics.b[k] ** 2 / harmonics.varianceB[k];
    total += statistic;
  }
  const kept = selectHarmonics(
    harmonics.a,
    harmonics.b,
    harmonics.varianceA,
    harmonics.varianceB,
  );
  if (
    to - from < 48 ||
    total <= chiSquareQuantile(PROFILE_TEST_LEVEL, 22) ||
    !kept.some(Boolean)
  ) {
    return { noise, harmonics };
  }
  const build = (a: number[], b: number[], keep: boolean[]) => {
    const offsets = new Array(24).fill(0);
    for (let k = 0; k < 11; k++) {
      if (!keep[k]) continue;
      for (let h = 0; h < 24; h++) {
        offsets[h] += a[k] * cos[k][h] + b[k] * sin[k][h];
      }
    }
    return offsets;
  };
  const offsets = build(harmonics.a, harmonics.b, kept);
  let variance = 0;
  for (let k = 0; k < 11; k++) {
    if (kept[k]) {
      variance += (harmonics.varianceA[k] + harmonics.varianceB[k]) / 2;
    }
  }
  // The highest of noisy hours overstates the peak: the excess is measured
  // by re-running the estimate on the fitted profile plus simulated noise.
  const gauss = gaussianSource(PEAK_SEED);
  const a: number[] = new Array(11);
  const b: number[] = new Array(11);
  const peak = Math.max(...offsets);
  let sum = 0;
  for (let draw = 0; draw < PEAK_DRAWS; draw++) {
    for (let k = 0; k < 11; k++) {
      a[k] =
        (kept[k] ? harmonics.a[k] : 0) +
        gauss() * Math.sqrt(harmonics.varianceA[k]);
      b[k] =
        (kept[k] ? harmonics.b[k] : 0) +
        gauss() * Math.sqrt(harmonics.varianceB[k]);
    }
    const selected = selectHarmonics(
      a,
      b,
      harmonics.varianceA,
      harmonics.varianceB,
    );
    sum += Math.max(...build(a, b, selected));
  }
  const excess = sum / PEAK_DRAWS - peak;
  return {
    profile: {
      offsets: excess > 0 ? lowerPeak(offsets, peak - excess) : offsets,
      se: Math.sqrt(variance),
    },
    noise,
    harmonics,
  };
}

/**
 * Which harmonics of the day to keep: each one whose amplitude stands out
 * from its noise (chi-square, 2 degrees of freedom, at HARMONIC_TEST_LEVEL).
 */
function selectHarmonics(
  a: number[],
  b: number[],
  varianceA: number[],
  varianceB: number[],
): boolean[] {
  const threshold = -2 * Math.log(1 - HARMONIC_TEST_LEVEL);
  return a.map(
    (_, k) => a[k] ** 2 / varianceA[k] + b[k] ** 2 / varianceB[k] > threshold,
  );
}

/** Offsets with their top cut at `ceiling` (the peak's bias correction). */
function lowerPeak(offsets: number[], ceiling: number): number[] {
  return offsets.map(v => Math.min(v, ceiling));
}

/** A deterministic standard normal sampler (xorshift32 and Box–Muller). */
function gaussianSource(seed: number): () => number {
  let state = seed >>> 0 || 1;
  const uniform = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return (state + 0.5) / 4294967296;
  };
  return () =>
    Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/**
 * Whether two daily profiles (before and within the current regime) differ
 * by more than their noise: the squared differences of their harmonics
 * over their variances, against chi-square with 22 degrees of freedom.
 */
function profilesDiffer(x?: Harmonics, y?: Harmonics): boolean {
  if (!x || !y) return false;
  let statistic = 0;
  for (let k = 0; k < x.a.length; k++) {
    statistic +=
      (x.a[k] - y.a[k]) ** 2 / (x.varianceA[k] + y.varianceA[k]) +
      (x.b[k] - y.b[k]) ** 2 / (x.varianceB[k] + y.varianceB[k]);
  }
  return statistic > chiSquareQuantile(PROFILE_TEST_LEVEL, 2 * x.a.length);
}

/** Days (UTC) with their de-seasonalised mean. */
interface Days {
  /** Time of each day's mean, in days since the series start. */
  x: number[];
  v: number[];
  weekday: number[];
  /** UTC day number (epoch days): consecutive days differ by 1. */
  dayNumber: number[];
  /** Start of each UTC day (epoch ms), and in days since the series start. */
  dayStart: number[];
  dayStartX: number[];
  /** Hours with data over 24: a day's weight in the trend fits. */
  weight: number[];
}

/**
 * The mean of each UTC day of y[from, to) minus the daily profile, its hours
 * clipped to the day's median ± CLIP noise spreads (incident spikes), for
 * days with at least MIN_HOURS_A_DAY hours.
 */
function dailyMeans(
  y: Float64Array,
  start: number,
  hourIndex: Uint8Array,
  daily: number[] | undefined,
  from: number,
  to: number,
  noise: number,
): Days {
  const out: Days = {
    x: [],
    v: [],
    weekday: [],
    dayNumber: [],
    dayStart: [],
    dayStartX: [],
    weight: [],
  };
  let i = from;
  while (i < to) {
    const dayNumber = Math.floor((start + i * HOUR_MS) / DAY_MS);
    const values: number[] = [];
    const times: number[] = [];
    for (
      ;
      i < to && Math.floor((start + i * HOUR_MS) / DAY_MS) === dayNumber;
      i++
    ) {
      if (Number.isFinite(y[i])) {
        values.push(y[i] - (daily ? daily[hourIndex[i]] : 0));
        times.push(i / 24);
      }
    }
    if (values.length < MIN_HOURS_A_DAY) continue;
    const m = median(values);
    let sum = 0;
    for (const value of values) {
      sum +=
        noise > 0 ? clamp(value, m - CLIP * noise, m + CLIP * noise) : value;
    }
    out.x.push(mean(times));
    out.v.push(sum / values.length);
    out.weekday.push(new Date(dayNumber * DAY_MS).getUTCDay());
    out.dayNumber.push(dayNumber);
    out.dayStart.push(dayNumber * DAY_MS);
    out.dayStartX.push((dayNumber * DAY_MS - start) / DAY_MS);
    out.weight.push(values.length / 24);
  }
  return out;
}

/**
 * A first weekly profile, before the regimes are known: the daily means
 * minus the mean of the complete week centred on each (which removes growth
 * and, but for a week around it, a level shift), per UTC weekday (see
 * weeklyFromSlots).
 */
function weeklyProfile(days: Days): Profile | undefined {
  const n = days.v.length;
  if (n < 7) return undefined;
  const slots: number[][] = Array.from({ length: 7 }, () => []);
  let j0 = 0;
  let j1 = 0;
  let sum = 0;
  for (let k = 0; k < n; k++) {
    const day = days.dayNumber[k];
    while (j1 < n && days.dayNumber[j1] <= day + 3) sum += days.v[j1++];
    while (days.dayNumber[j0] < day - 3) sum -= days.v[j0++];
    // Only a complete week around the day: a missing weekend day would
    // bias its average by the very pattern being measured.
    if (j1 - j0 === 7) slots[days.weekday[k]].push(days.v[k] - sum / 7);
  }
  const estimate = weeklyFromSlots(slots);
  return estimate?.significant ? estimate.profile : undefined;
}

/**
 * Clipped means of slots of residuals, centred to mean zero, with the
 * spread of the noise and whether the profile stands out from it: under
 * "no pattern", sum(count * offset^2) / noise^2 is about chi-square with
 * slots - 1 degrees of freedom.
 */
function slotMeans(slots: number[][]):
  | {
      profile: Profile;
      noise: number;
      significant: boolean;
      /** Pooled variance of a value around its slot's mean. */
      pooled: number;
    }
  | undefined {
  const medians = slots.map(s => (s.length > 0 ? median(s) : NaN));
  const deviations: number[] = [];
  slots.forEach((s, k) => s.forEach(v => deviations.push(v - medians[k])));
  if (deviations.length === 0) return undefined;
  const noise = robustScale(deviations);
  const means: number[] = [];
  let varianceOfMeans = 0;
  let used = 0;
  let sumSquares = 0;
  let within = 0;
  let withinCount = 0;
  slots.forEach((s, k) => {
    if (s.length === 0) {
      means.push(NaN);
      return;
    }
    const clipped = s.map(v =>
      noise > 0
        ? clamp(v, medians[k] - CLIP * noise, medians[k] + CLIP * noise)
        : v,
    );
    const m = mean(clipped);
    means.push(m);
    let ss = 0;
    for (const v of clipped) ss += (v - m) ** 2;
    within += ss;
    withinCount += clipped.length - 1;
    if (clipped.length > 1) {
      varianceOfMeans += ss / (clipped.length - 1) / clipped.length;
      used++;
    }
  });
  const centre = mean(means);
  const offsets = means.map(m => (Number.isFinite(m) ? m - centre : 0));
  const slotsWithData = means.filter(Number.isFinite).length;
  const pooled = withinCount > 0 ? within / withinCount : 0;
  slots.forEach((s, k) => {
    sumSquares += s.length * offsets[k] ** 2;
  });
  const df = slotsWithData - 1;
  const significant =
    df > 0 &&
    withinCount > 0 &&
    (pooled === 0
      ? sumSquares > 0
      : sumSquares / pooled > chiSquareQuantile(PROFILE_TEST_LEVEL, df));
  return {
    profile: {
      offsets,
      se: used > 0 ? Math.sqrt(varianceOfMeans / used) : 0,
    },
    noise,
    significant,
    pooled,
  };
}

/**
 * y minus its centred moving average over 2 * half + 1 points with half
 * weights at both ends (a 2 x 24 average for half = 12, which removes a
 * daily pattern exactly); NaN where the window leaves [from, to) or has
 * less than three quarters of its weight in data.
 */
function movingResiduals(
  y: Float64Array,
  from: number,
  to: number,
  half: number,
): Float64Array {
  const r = new Float64Array(y.length).fill(NaN);
  const sums = new Float64Array(to - from + 1);
  const counts = new Float64Array(to - from + 1);
  for (let i = from; i < to; i++) {
    const finite = Number.isFinite(y[i]);
    sums[i - from + 1] = sums[i - from] + (finite ? y[i] : 0);
    counts[i - from + 1] = counts[i - from] + (finite ? 1 : 0);
  }
  const total = 2 * half;
  for (let i = from + half; i + half < to; i++) {
    if (!Number.isFinite(y[i])) continue;
    const a = i - half - from;
    const b = i + half - from;
    // Inner points weigh 1, the two end points 1/2.
    let sum = sums[b] - sums[a + 1];
    let weight = counts[b] - counts[a + 1];
    for (const end of [i - half, i + half]) {
      if (Number.isFinite(y[end])) {
        sum += y[end] / 2;
        weight += 0.5;
      }
    }
    if (weight >= 0.75 * total) r[i] = y[i] - sum / weight;
  }
  return r;
}

function deseasonalisedDays(
  days: Days,
  weekly: number[] | undefined,
): number[] {
  return days.v.map((v, k) => v - (weekly ? weekly[days.weekday[k]] : 0));
}

/**
 * Indexes of the first day of each regime, ascending from 0: the optimal
 * split (optimal partitioning) of the days into linear pieces by weighted
 * least squares, each extra piece costing REGIME_PENALTY x noise^2 x
 * ln(days, at least 30). The last piece is at least `minLength` days; one
 * before it may be a single day (the day of a level shift). The noise of a
 * day's mean comes from second differences of consecutive days, which a
 * linear trend does not affect, and is at least `minNoise`.
 */
function segmentStarts(
  days: Days,
  z: number[],
  minLength: number,
  minNoise: number,
): number[] {
  const n = z.length;
  if (n < 2 * minLength) return [0];
  const second: number[] = [];
  for (let k = 1; k + 1 < n; k++) {
    if (
      days.dayNumber[k] - days.dayNumber[k - 1] === 1 &&
      days.dayNumber[k + 1] - days.dayNumber[k] === 1
    ) {
      second.push(z[k + 1] - 2 * z[k] + z[k - 1]);
    }
  }
  const centre = median(z);
  let noise = second.length >= 5 ? robustScale(second) / Math.sqrt(6) : NaN;
  if (!(noise > 0)) noise = robustScale(z.map(v => v - centre));
  noise = Math.max(noise, minNoise);
  if (!(noise > 0)) return [0];
  // ln(days), but not less than for a month: with few days both the noise
  // and the split are estimated from little, and splits come too easily.
  const penalty = REGIME_PENALTY * noise * noise * Math.log(Math.max(n, 30));

  // Prefix sums (centred values, for precision).
  const S = new Float64Array(n + 1);
  const Sx = new Float64Array(n + 1);
  const Sy = new Float64Array(n + 1);
  const Sxx = new Float64Array(n + 1);
  const Sxy = new Float64Array(n + 1);
  const Syy = new Float64Array(n + 1);
  const x0 = days.x[0];
  for (let k = 0; k < n; k++) {
    const w = days.weight[k];
    const x = days.x[k] - x0;
    const v = z[k] - centre;
    S[k + 1] = S[k] + w;
    Sx[k + 1] = Sx[k] + w * x;
    Sy[k + 1] = Sy[k] + w * v;
    Sxx[k + 1] = Sxx[k] + w * x * x;
    Sxy[k + 1] = Sxy[k] + w * x * v;
    Syy[k + 1] = Syy[k] + w * v * v;
  }
  const cost = (a: number, b: number) => {
    const m = S[b] - S[a];
    const sx = Sx[b] - Sx[a];
    const sy = Sy[b] - Sy[a];
    const vxx = Sxx[b] - Sxx[a] - (sx * sx) / m;
    const vxy = Sxy[b] - Sxy[a] - (sx * sy) / m;
    const vyy = Syy[b] - Syy[a] - (sy * sy) / m;
    return Math.max(0, vyy - (vxx > 1e-12 ? (vxy * vxy) / vxx : 0));
  };
  const best = new Float64Array(n + 1).fill(Infinity);
  const previous = new Int32Array(n + 1);
  best[0] = -penalty;
  for (let b = 1; b <= n; b++) {
    // The last regime is at least minLength days; one before it may be a
    // single day (the day of a level shift, half before and half after).
    const longest = b === n ? b - minLength : b - 1;
    for (let a = 0; a <= longest; a++) {
      if (!Number.isFinite(best[a])) continue;
      const total = best[a] + cost(a, b) + penalty;
      if (total < best[b]) {
        best[b] = total;
        previous[b] = a;
      }
    }
  }
  if (!Number.isFinite(best[n])) return [0];
  const starts: number[] = [];
  for (let b = n; b > 0; b = previous[b]) starts.unshift(previous[b]);
  return starts;
}

/**
 * The weekly profile given the regimes: alternately each regime's line
 * through the daily means minus the profile, and the profile as the clipped
 * mean per weekday of the daily means minus their regime's line. Needs two
 * weeks of days; undefined when no weekly pattern stands out.
 */
function weeklyBackfit(days: Days, starts: number[]): Profile | undefined {
  const n = days.v.length;
  if (n < 7 || days.dayNumber[n - 1] - days.dayNumber[0] < 6) {
    return undefined;
  }
  // A regime shorter than two weeks would fold the weekly pattern into its
  // own line: only longer ones are used, when there are any.
  const long = starts.filter((from, j) => {
    const to = j + 1 < starts.length ? starts[j + 1] : n;
    return days.dayNumber[to - 1] - days.dayNumber[from] >= 13;
  });
  let offsets: number[] = new Array(7).fill(0);
  let estimate: ReturnType<typeof weeklyFromSlots>;
  for (let round = 0; round < 4; round++) {
    const slots: number[][] = Array.from({ length: 7 }, () => []);
    const current = offsets;
    starts.forEach((from, j) => {
      const to = j + 1 < starts.length ? starts[j + 1] : n;
      if (long.length > 0 && !long.includes(from)) return;
      const x = days.x.slice(from, to);
      const z = days.v
        .slice(from, to)
        .map((v, k) => v - current[days.weekday[from + k]]);
      const line = leastSquares(
        x,
        z,
        x.map(() => true),
      );
      const level = mean(z);
      for (let k = from; k < to; k++) {
        const trend = line ? line.at(days.x[k]) : level;
        slots[days.weekday[k]].push(days.v[k] - trend);
      }
    });
    estimate = weeklyFromSlots(slots);
    if (!estimate) return undefined;
    offsets = estimate.profile.offsets;
  }
  if (!estimate?.significant) return undefined;
  const { profile } = estimate;
  if (estimate.twoLevel) return profile;
  // As for the daily profile: the top weekday is corrected for the excess
  // that picking the highest of noisy estimates brings.
  const gauss = gaussianSource(PEAK_SEED);
  const peak = Math.max(...profile.offsets);
  let sum = 0;
  for (let draw = 0; draw < PEAK_DRAWS; draw++) {
    const noisy = profile.offsets.map(v => v + gauss() * profile.se);
    const centre = mean(noisy);
    sum += Math.max(...noisy) - centre;
  }
  const excess = sum / PEAK_DRAWS - peak;
  return excess > 0
    ? { ...profile, offsets: lowerPeak(profile.offsets, peak - excess) }
    : profile;
}

/**
 * A weekly profile from residuals per weekday: weekdays and weekend as two
 * levels when the days within each do not differ by more than their noise
 * (chi-square, 5 degrees of freedom, 99 %) or when there are too few weeks
 * to tell (fewer than two of some weekday), else one level per weekday.
 */
function weeklyFromSlots(
  slots: number[][],
): { profile: Profile; significant: boolean; twoLevel: boolean } | undefined {
  const weekend = (d: number) => d === 0 || d === 6;
  const endValues = [...slots[0], ...slots[6]];
  const workValues = slots.slice(1, 6).flat();
  if (endValues.length < 2 || workValues.length < 2) return undefined;
  const endMean = mean(endValues);
  const workMean = mean(workValues);
  let within = 0;
  for (const v of endValues) within += (v - endMean) ** 2;
  for (const v of workValues) within += (v - workMean) ** 2;
  const dof = endValues.length + workValues.length - 2;
  const twoLevelVariance = dof > 0 ? within / dof : 0;

  if (slots.every(slot => slot.length >= 2)) {
    const free = slotMeans(slots);
    if (!free) return undefined;
    let spread = 0;
    free.profile.offsets.forEach((v, d) => {
      const centre = mean(free.profile.offsets);
      const group = weekend(d) ? endMean : workMean;
      const groupCentre = (2 * endMean + 5 * workMean) / 7;
      spread += slots[d].length * (v - centre - (group - groupCentre)) ** 2;
    });
    if (
      !(free.pooled > 0) ||
      spread / free.pooled > chiSquareQuantile(0.99, 5)
    ) {
      return { ...free, twoLevel: false };
    }
  }
  const centre = (2 * endMean + 5 * workMean) / 7;
  const difference = endMean - workMean;
  const varianceOfDifference =
    twoLevelVariance * (1 / endValues.length + 1 / workValues.length);
  const critical = tQuantile(1 - (1 - PROFILE_TEST_LEVEL) / 2, dof);
  return {
    profile: {
      offsets: [0, 1, 2, 3, 4, 5, 6].map(d =>
        weekend(d) ? endMean - centre : workMean - centre,
      ),
      // An offset is the difference times 5/7 (weekend) or 2/7 (weekdays).
      se: (5 / 7) * Math.sqrt(varianceOfDifference),
    },
    significant:
      dof > 0 &&
      (varianceOfDifference > 0
        ? difference ** 2 / varianceOfDifference > critical ** 2
        : difference !== 0),
    twoLevel: true,
  };
}

/**
 * Residual variance of the daily means around their regimes' own lines,
 * over all regimes of at least three days.
 */
function pooledVariance(days: Days, z: number[], starts: number[]): number {
  let rss = 0;
  let dof = 0;
  starts.forEach((from, j) => {
    const to = j + 1 < starts.length ? starts[j + 1] : z.length;
    if (to - from < 3) return;
    const x = days.x.slice(from, to);
    const values = z.slice(from, to);
    const weight = days.weight.slice(from, to);
    const line = leastSquares(
      x,
      values,
      x.map(() => true),
      weight,
    );
    if (!line) return;
    values.forEach((v, k) => {
      rss += weight[k] * (v - line.at(x[k])) ** 2;
    });
    dof += to - from - 2;
  });
  return dof > 0 ? rss / dof : 0;
}

interface Line {
  /** The last piece passes through (pivot, level), in days since the series start. */
  pivot: number;
  level: number;
  /** Slope of the last piece per day. */
  slope: number;
  /** Standard errors of the level at the pivot and of the slope (uncorrelated). */
  levelSe: number;
  slopeSe: number;
  /** Points the line was fitted on, and its residual degrees of freedom. */
  count: number;
  dof: number;
}

/**
 * Least-squares trend through (x, z): a line, or with `hinge` a broken line
 * whose slope changes at x = hinge (continuous there), of which the piece
 * after the hinge is answered. Refitted once without points more than 3.5
 * robust spreads off the first fit. The standard errors use the residual
 * variance (at least `minVariance`), inflated by (1 + rho) / (1 - rho) for
 * the lag-1 autocorrelation rho of the residuals of consecutive days.
 */
function fitTrend(
  x: number[],
  z: number[],
  dayNumber: number[],
  weight: number[],
  minVariance: number,
  change?: { at: number; kind: 'bend' | 'shift'; skip?: number },
): Line | undefined {
  const x0 = mean(x);
  const rows = x.map(xi => {
    if (!change) return [1, xi - x0];
    if (change.kind === 'bend')
      return [1, xi - x0, Math.max(0, xi - change.at)];
    return [1, xi - x0, xi >= change.at ? 1 : 0];
  });
  let keep = x.map((_, k) => k !== change?.skip);
  let fit = regress(rows, z, keep, weight);
  if (!fit) return undefined;
  const first = fit;
  // Residuals in units of a full day's noise.
  const residuals = rows.map(
    (row, k) => (z[k] - dot(row, first.beta)) * Math.sqrt(weight[k]),
  );
  const spread = robustScale(residuals);
  if (spread > 0) {
    const trimmed = residuals.map(
      (r, k) => keep[k] && Math.abs(r) <= 3.5 * spread,
    );
    if (trimmed.filter(Boolean).length >= rows[0].length + 1) {
      const refit = regress(rows, z, trimmed, weight);
      if (refit) {
        keep = trimmed;
        fit = refit;
      }
    }
  }
  const fitted = fit;
  const used: number[] = [];
  const res: number[] = [];
  rows.forEach((row, k) => {
    if (keep[k]) {
      used.push(k);
      res.push((z[k] - dot(row, fitted.beta)) * Math.sqrt(weight[k]));
    }
  });
  const count = used.length;
  const parameters = rows[0].length;
  let rss = 0;
  for (const r of res) rss += r * r;
  // A short regime's own residuals understate the noise (its start was
  // chosen where they are smallest): the spread around all regimes' lines
  // is the floor.
  const variance = Math.max(
    minVariance,
    count > parameters ? rss / (count - parameters) : 0,
  );
  let numerator = 0;
  let denominator = 0;
  for (let j = 0; j < res.length; j++) {
    denominator += res[j] * res[j];
    if (j > 0 && dayNumber[used[j]] - dayNumber[used[j - 1]] === 1) {
      numerator += res[j] * res[j - 1];
    }
  }
  const rho = clamp(denominator > 0 ? numerator / denominator : 0, 0, 0.8);
  const inflated = (variance * (1 + rho)) / (1 - rho);

  // The last piece: intercept (at x = 0) and slope as combinations of the
  // coefficients, their variances, and the pivot where they are uncorrelated.
  let gIntercept = [1, -x0];
  let gSlope = [0, 1];
  if (change?.kind === 'bend') {
    gIntercept = [1, -x0, -change.at];
    gSlope = [0, 1, 1];
  } else if (change?.kind === 'shift') {
    gIntercept = [1, -x0, 1];
    gSlope = [0, 1, 0];
  }
  const intercept = dot(gIntercept, fitted.beta);
  const slope = dot(gSlope, fitted.beta);
  const quadratic = (g: number[], h: number[]) =>
    inflated *
    dot(
      g,
      fitted.inverse.map(row => dot(row, h)),
    );
  const varSlope = quadratic(gSlope, gSlope);
  const covariance = quadratic(gIntercept, gSlope);
  const varIntercept = quadratic(gIntercept, gIntercept);
  const pivot = varSlope > 0 ? -covariance / varSlope : x0;
  const varLevel =
    varSlope > 0 ? varIntercept - covariance ** 2 / varSlope : varIntercept;
  return {
    pivot,
    level: intercept + slope * pivot,
    slope,
    levelSe: Math.sqrt(Math.max(0, varLevel)),
    slopeSe: Math.sqrt(Math.max(0, varSlope)),
    count,
    dof: Math.max(1, count - parameters),
  };
}

/** Ordinary least squares on the kept rows: coefficients, inverse of X'X, residual sum of squares. */
function regress(
  rows: number[][],
  z: number[],
  keep: boolean[],
  weight?: number[],
): { beta: number[]; inverse: number[][]; rss: number } | undefined {
  const p = rows[0]?.length ?? 0;
  const xtx = Array.from({ length: p }, () => new Array(p).fill(0));
  const xtz = new Array(p).fill(0);
  let count = 0;
  rows.forEach((row, k) => {
    if (!keep[k]) return;
    const w = weight ? weight[k] : 1;
    count++;
    for (let i = 0; i < p; i++) {
      xtz[i] += w * row[i] * z[k];
      for (let j = 0; j < p; j++) xtx[i][j] += w * row[i] * row[j];
    }
  });
  if (count <= p) return undefined;
  const inverse = invert(xtx);
  if (!inverse) return undefined;
  const beta = inverse.map(row => dot(row, xtz));
  let rss = 0;
  rows.forEach((row, k) => {
    if (keep[k]) rss += (weight ? weight[k] : 1) * (z[k] - dot(row, beta)) ** 2;
  });
  return { beta, inverse, rss };
}

/** Inverse of a small symmetric positive definite matrix (Gauss–Jordan); undefined if singular. */
function invert(matrix: number[][]): number[][] | undefined {
  const p = matrix.length;
  const a = matrix.map((row, i) => [
    ...row,
    ...Array.from({ length: p }, (_, j) => (i === j ? 1 : 0)),
  ]);
  for (let col = 0; col < p; col++) {
    let pivotRow = col;
    for (let r = col + 1; r < p; r++) {
      if (Math.abs(a[r][col]) > Math.abs(a[pivotRow][col])) pivotRow = r;
    }
    const scale = Math.abs(matrix[col][col]) || 1;
    if (Math.abs(a[pivotRow][col]) < 1e-12 * scale) return undefined;
    [a[col], a[pivotRow]] = [a[pivotRow], a[col]];
    const d = a[col][col];
    for (let j = 0; j < 2 * p; j++) a[col][j] /= d;
    for (let r = 0; r < p; r++) {
      if (r === col) continue;
      const f = a[r][col];
      if (f === 0) continue;
      for (let j = 0; j < 2 * p; j++) a[r][j] -= f * a[col][j];
    }
  }
  return a.map(row => row.slice(p));
}

function dot(a: number[], b: number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

/** One candidate for the current regime and its fit. */
interface Candidate {
  /** Where the regime starts (days since the series start). */
  startX: number;
  /** First day the trend is fitted from (days since the series start). */
  fromX: number;
  logWeight: number;
  line: Line;
}

/**
 * The trend of the current regime. Without a change in the data, one line.
 * After a change, every place for it between the start of the previous
 * regime and the last few days is a candidate, both as a jump (two lines;
 * the day before the new regime is left out, as it may hold the change) and
 * as a bend (a broken line, continuous: the more usual change of growth,
 * where the data before helps to pin the level). Candidates are weighted by
 * exp(-RSS / 2 sigma^2) and a BIC-like ln(days) / 2 per parameter, and the
 * answer is their average: the level and slope averaged, the variance
 * within plus between candidates, so the interval also says how unsure the
 * start of the regime is.
 */
function regimeTrend(
  days: Days,
  z: number[],
  starts: number[],
  pooled: number,
  minRegimeDays: number,
): { line: Line; startX: number; fromX: number } | undefined {
  const n = z.length;
  const dayStartX = days.dayStartX;
  const lastStart = starts[starts.length - 1];
  const previousStart = starts.length > 1 ? starts[starts.length - 2] : 0;
  const single = (from: number) => {
    const line = fitTrend(
      days.x.slice(from),
      z.slice(from),
      days.dayNumber.slice(from),
      days.weight.slice(from),
      pooled,
    );
    return line && { line, startX: dayStartX[from], fromX: dayStartX[from] };
  };
  if (lastStart === 0) return single(0);
  // A change of a day of its own is a level shift at a known place.
  if (lastStart - previousStart === 1) return single(lastStart);

  const window = n - previousStart;
  const x = days.x.slice(previousStart);
  const values = z.slice(previousStart);
  const dayNumbers = days.dayNumber.slice(previousStart);
  const dayWeights = days.weight.slice(previousStart);
  const sigma2 = Math.max(pooled, 1e-300);
  const logPenalty = Math.log(window) / 2;
  const candidates: Candidate[] = [];
  const lastMin = Math.max(3, minRegimeDays - 1);
  for (let k = 2; k <= window - lastMin; k++) {
    const hinge = dayStartX[previousStart + k];
    // Bend at the start of day k.
    const rows = x.map(xi => [1, xi, Math.max(0, xi - hinge)]);
    const bend = regress(
      rows,
      values,
      rows.map(() => true),
      dayWeights,
    );
    const bendLine =
      bend &&
      fitTrend(x, values, dayNumbers, dayWeights, pooled, {
        at: hinge,
        kind: 'bend',
      });
    if (bend && bendLine) {
      candidates.push({
        startX: hinge,
        fromX: dayStartX[previousStart],
        logWeight: -bend.rss / (2 * sigma2) - 3 * logPenalty,
        line: bendLine,
      });
    }
    // Level shift at the start of day k, growth unchanged (one line, one
    // step), day k - 1 left out.
    if (k >= 3) {
      const shiftRows = x.map(xi => [1, xi, xi >= hinge ? 1 : 0]);
      const shift = regress(
        shiftRows,
        values,
        shiftRows.map((_, j) => j !== k - 1),
        dayWeights,
      );
      const shiftLine =
        shift &&
        fitTrend(x, values, dayNumbers, dayWeights, pooled, {
          at: hinge,
          kind: 'shift',
          skip: k - 1,
        });
      if (shift && shiftLine) {
        candidates.push({
          startX: hinge,
          fromX: dayStartX[previousStart],
          logWeight: -shift.rss / (2 * sigma2) - 4 * logPenalty,
          line: shiftLine,
        });
      }
    }
    // Jump at the start of day k, day k - 1 left out.
    if (k >= 3 && window - k >= minRegimeDays) {
      const before = lineFit(x, values, dayWeights, 0, k - 1);
      const after = lineFit(x, values, dayWeights, k, window);
      const afterLine = fitTrend(
        x.slice(k),
        values.slice(k),
        dayNumbers.slice(k),
        dayWeights.slice(k),
        pooled,
      );
      if (before !== undefined && after !== undefined && afterLine) {
        candidates.push({
          startX: hinge,
          fromX: hinge,
          logWeight: -(before + after) / (2 * sigma2) - 5 * logPenalty,
          line: afterLine,
        });
      }
    }
  }
  if (candidates.length === 0) return single(lastStart);

  const top = Math.max(...candidates.map(c => c.logWeight));
  let total = 0;
  for (const c of candidates) total += Math.exp(c.logWeight - top);
  const weights = candidates.map(c => Math.exp(c.logWeight - top) / total);
  // Average line A + S x and the variance c0 + c1 x + c2 x^2 of the mixture.
  let intercept = 0;
  let slope = 0;
  weights.forEach((weight, j) => {
    const l = candidates[j].line;
    intercept += weight * (l.level - l.slope * l.pivot);
    slope += weight * l.slope;
  });
  let c0 = 0;
  let c1 = 0;
  let c2 = 0;
  let best = 0;
  weights.forEach((weight, j) => {
    const l = candidates[j].line;
    // Within: levelSe^2 + slopeSe^2 (x - pivot)^2.
    c0 += weight * (l.levelSe ** 2 + l.slopeSe ** 2 * l.pivot ** 2);
    c1 += weight * (-2 * l.slopeSe ** 2 * l.pivot);
    c2 += weight * l.slopeSe ** 2;
    // Between: (line_j(x) - average(x))^2.
    const da = l.level - l.slope * l.pivot - intercept;
    const db = l.slope - slope;
    c0 += weight * da * da;
    c1 += weight * 2 * da * db;
    c2 += weight * db * db;
    if (weight > weights[best]) best = j;
  });
  const pivot = c2 > 0 ? -c1 / (2 * c2) : candidates[best].line.pivot;
  const levelVariance = c2 > 0 ? c0 - (c1 * c1) / (4 * c2) : c0;
  return {
    line: {
      pivot,
      level: intercept + slope * pivot,
      slope,
      levelSe: Math.sqrt(Math.max(0, levelVariance)),
      slopeSe: Math.sqrt(Math.max(0, c2)),
      count: candidates[best].line.count,
      dof: candidates[best].line.dof,
    },
    startX: candidates[best].startX,
    fromX: candidates[best].fromX,
  };
}

/** Weighted residual sum of squares of the least-squares line through (x, z)[from, to). */
function lineFit(
  x: number[],
  z: number[],
  weight: number[],
  from: number,
  to: number,
): number | undefined {
  const xs = x.slice(from, to);
  const fit = leastSquares(
    xs,
    z.slice(from, to),
    xs.map(() => true),
    weight.slice(from, to),
  );
  if (!fit) return undefined;
  let rss = 0;
  for (let k = from; k < to; k++) rss += weight[k] * (z[k] - fit.at(x[k])) ** 2;
  return rss;
}

/** Least-squares line through the kept points of (x, z), around the mean x. */
function leastSquares(
  x: number[],
  z: number[],
  keep: boolean[],
  weight?: number[],
):
  | {
      pivot: number;
      level: number;
      slope: number;
      sxx: number;
      at: (x: number) => number;
    }
  | undefined {
  let n = 0;
  let sw = 0;
  let sx = 0;
  let sz = 0;
  for (let k = 0; k < x.length; k++) {
    if (!keep[k]) continue;
    const w = weight ? weight[k] : 1;
    n++;
    sw += w;
    sx += w * x[k];
    sz += w * z[k];
  }
  if (n < 2) return undefined;
  const pivot = sx / sw;
  const level = sz / sw;
  let sxx = 0;
  let sxz = 0;
  for (let k = 0; k < x.length; k++) {
    if (!keep[k]) continue;
    const w = weight ? weight[k] : 1;
    sxx += w * (x[k] - pivot) ** 2;
    sxz += w * (x[k] - pivot) * (z[k] - level);
  }
  const slope = sxx > 0 ? sxz / sxx : 0;
  return {
    pivot,
    level,
    slope,
    sxx,
    at: (xi: number) => level + slope * (xi - pivot),
  };
}

/** 1.4826 x the median absolute deviation from the median (sd for normal data). */
function robustScale(values: ArrayLike<number>): number {
  const m = median(values);
  const deviations: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) deviations.push(Math.abs(values[i] - m));
  }
  const mad = median(deviations);
  return Number.isFinite(mad) ? 1.4826 * mad : 0;
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

/**
 * Student t quantile: exact for 1 and 2 degrees of freedom, otherwise the
 * Cornish–Fisher expansion around the normal quantile (Abramowitz & Stegun
 * 26.7.5; better than 1 % from 3 degrees of freedom on).
 */
export function tQuantile(p: number, dof: number): number {
  if (dof <= 1) return Math.tan(Math.PI * (p - 0.5));
  if (dof === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  const z = normalQuantile(p);
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  return (
    z +
    (z3 + z) / (4 * dof) +
    (5 * z5 + 16 * z3 + 3 * z) / (96 * dof ** 2) +
    (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * dof ** 3)
  );
}

/** Chi-square quantile by the Wilson–Hilferty approximation. */
function chiSquareQuantile(p: number, df: number): number {
  const z = normalQuantile(p);
  const a = 2 / (9 * df);
  return df * (1 - a + z * Math.sqrt(a)) ** 3;
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

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
