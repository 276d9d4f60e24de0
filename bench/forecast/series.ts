/*
 * Synthetic capacity series with known crossing times, for the forecast
 * backtest (run.ts). Written before the forecaster was changed and not tuned
 * to it: every family, parameter range and mix share below was fixed first,
 * and the only samples thrown away are physically impossible ones (a metric
 * below zero).
 *
 * What the product's forecaster receives is what the capacity refresh
 * fetches: one value per hour (the CloudWatch Average over the hour,
 * timestamped at the hour's start) over the last 90 days, with missing hours
 * simply absent (plugins/ops-backend/src/capacity/collect.ts). So each series
 * here is an hourly series over 90 days before `now`.
 *
 * Every series has a noise-free value f(t) (trend + daily + weekly pattern)
 * that the scaling trigger watches; the observations add noise (white or
 * autocorrelated), sometimes incident spikes, and lose hours or days. The
 * noise-free value of the hour starting at t is f at the hour's middle. The
 * TRUE CROSSING is the first hour at or after `now` whose noise-free value
 * reaches the limit, found by continuing the generating function hour by
 * hour for up to 365 days; undefined when it never does.
 */

export const HOUR = 3_600_000;
export const DAY = 86_400_000;
/** Days of hourly history the forecaster receives. */
export const HISTORY_DAYS = 90;
/** How far the true crossing is searched for. */
export const TRUTH_HORIZON_DAYS = 365;

/**
 * Seeded PRNG: sfc32 (a 128-bit small fast counter generator) seeded through
 * splitmix32, with a Box–Muller normal sampler. Deterministic across runs and
 * machines.
 */
export function prng(seed: number) {
  let s = seed >>> 0;
  const splitmix = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const next = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) next();
  const uniform = () => next() / 4294967296;
  const between = (lo: number, hi: number) => lo + (hi - lo) * uniform();
  const int = (lo: number, hi: number) =>
    lo + Math.floor(uniform() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)];
  const normal = () => {
    const u = Math.max(uniform(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
  return { uniform, between, int, pick, normal };
}

export type Rng = ReturnType<typeof prng>;

/** The families of the mix. */
export type Family =
  | 'steady growth'
  | 'growth change'
  | 'step change'
  | 'recent start'
  | 'plateau'
  | 'declining';

/** Share of each family in the mix (fixed before any forecast was run). */
export const FAMILY_SHARES: Record<Family, number> = {
  'steady growth': 0.22,
  'growth change': 0.16,
  'step change': 0.14,
  'recent start': 0.16,
  plateau: 0.24,
  declining: 0.08,
};

/** A generated series: what the forecaster sees, and the truth. */
export interface SyntheticSeries {
  id: number;
  family: Family;
  /** A short description of the parameters, for the per-series listing. */
  description: string;
  /** The time the forecast is made at: end of the observed window. */
  now: number;
  /** The level the forecast runs against. */
  limit: number;
  /** Hourly observations before `now` (missing hours are absent). */
  timestamps: number[];
  values: number[];
  /** Noise-free value of the hour starting at t. */
  expected: (t: number) => number;
  /** First hour at or after `now` whose noise-free value reaches the limit. */
  truth?: number;
  /**
   * For the oracle reference of run.ts only (never shown to the product's
   * forecaster): where the current trend piece starts, and the noise-free
   * seasonal offset (daily + weekly) of the hour starting at t.
   */
  regimeStart: number;
  seasonal: (t: number) => number;
}

/** One piece of the trend: from `from` (epoch ms) on, level + slope * days. */
interface TrendPiece {
  from: number;
  level: number;
  slopePerDay: number;
}

interface Shape {
  /** Pieces in ascending `from`; before the first one the metric is absent. */
  trend: TrendPiece[];
  /** Before this time the service did not exist: zeros or no data. */
  startedAt?: number;
  beforeStart?: 'zeros' | 'no data';
  dailyAmplitude: number;
  dailyShape: 'sine' | 'business hours';
  /** Hour of the daily peak (sine) or the start of business hours (UTC). */
  dailyHour: number;
  /** Offset on Saturdays and Sundays; weekdays get -2/5 of it (mean 0). */
  weekendOffset: number;
}

/** Base of `now`: a Monday, 00:00 UTC; each series adds a random hour of the week. */
const NOW_BASE = Date.UTC(2026, 2, 2, 0, 0, 0);

/** Daily pattern in [-?, 1] with maximum 1 and mean 0 over the day (before scaling). */
function dailyPattern(shape: Shape, hour: number): number {
  if (shape.dailyAmplitude === 0) return 0;
  if (shape.dailyShape === 'sine') {
    return Math.cos(((hour - shape.dailyHour) / 24) * 2 * Math.PI);
  }
  return businessHours(hour, shape.dailyHour);
}

/**
 * A smooth business-hours plateau: ~9 busy hours starting at `start`, with
 * one-hour ramps, scaled to maximum 1 and mean 0.
 */
function businessHours(hour: number, start: number): number {
  const raw = (h: number) => {
    const x = (((h - start) % 24) + 24) % 24;
    const up = 1 / (1 + Math.exp(-(x - 0.5) / 0.6));
    const down = 1 / (1 + Math.exp(-(x - 9.5) / 0.6));
    return up - down;
  };
  // Mean and max over a fine grid of the day (the same for every start hour).
  if (!businessScale) {
    let sum = 0;
    let max = -Infinity;
    for (let i = 0; i < 240; i++) {
      const v = raw(start + i / 10);
      sum += v;
      max = Math.max(max, v);
    }
    businessScale = { mean: sum / 240, max };
  }
  const { mean, max } = businessScale;
  return (raw(hour) - mean) / (max - mean);
}

let businessScale: { mean: number; max: number } | undefined;

function weeklyOffset(shape: Shape, t: number): number {
  const day = new Date(t).getUTCDay();
  return day === 0 || day === 6
    ? shape.weekendOffset
    : (-shape.weekendOffset * 2) / 5;
}

function trendAt(shape: Shape, t: number): number | undefined {
  let piece: TrendPiece | undefined;
  for (const p of shape.trend) if (t >= p.from) piece = p;
  if (!piece) return undefined;
  return piece.level + (piece.slopePerDay * (t - piece.from)) / DAY;
}

/** The noise-free value at instant t (0 before the service started). */
function valueAt(shape: Shape, t: number): number {
  if (shape.startedAt !== undefined && t < shape.startedAt) return 0;
  const trend = trendAt(shape, t) ?? 0;
  const hour = (((t % DAY) + DAY) % DAY) / HOUR;
  const value =
    trend +
    shape.dailyAmplitude * dailyPattern(shape, hour) +
    weeklyOffset(shape, t);
  return Math.max(0, value);
}

/** Highest seasonal offset over a week (daily + weekly): the peak above the trend. */
function peakOffset(shape: Shape): number {
  let peak = -Infinity;
  for (let h = 0; h < 7 * 24; h++) {
    const t = NOW_BASE + h * HOUR + HOUR / 2;
    const hour = (t % DAY) / HOUR;
    peak = Math.max(
      peak,
      shape.dailyAmplitude * dailyPattern(shape, hour) + weeklyOffset(shape, t),
    );
  }
  return peak;
}

/** Lowest seasonal offset over a week: the trough below the trend. */
function troughOffset(shape: Shape): number {
  let trough = Infinity;
  for (let h = 0; h < 7 * 24; h++) {
    const t = NOW_BASE + h * HOUR + HOUR / 2;
    const hour = (t % DAY) / HOUR;
    trough = Math.min(
      trough,
      shape.dailyAmplitude * dailyPattern(shape, hour) + weeklyOffset(shape, t),
    );
  }
  return trough;
}

/** Days before `now` when the series must be physically possible (>= 0). */
function lowestTrend(shape: Shape, now: number): number {
  const from = Math.max(now - HISTORY_DAYS * DAY, shape.startedAt ?? -Infinity);
  let lowest = Infinity;
  for (let t = from; t <= now + DAY; t += HOUR) {
    const trend = trendAt(shape, t);
    if (trend !== undefined) lowest = Math.min(lowest, trend);
  }
  return lowest;
}

/** Time of the crossing the generator aims at (days after now): mostly within 30 days. */
function targetDays(rng: Rng): number {
  return rng.uniform() < 0.75 ? rng.between(0.5, 30) : rng.between(30, 120);
}

/**
 * Draws the trend of one family. Levels are in "percent" units with the
 * limit at `limit`; the caller scales to the metric's unit. Answers
 * undefined for a physically impossible draw (negative values), which the
 * caller discards and draws again.
 */
function drawTrend(
  family: Family,
  rng: Rng,
  now: number,
  limit: number,
  shape: Shape,
): { shape: Shape; description: string } | undefined {
  const peak = peakOffset(shape);
  const trough = troughOffset(shape);
  const windowStart = now - HISTORY_DAYS * DAY;
  let description: string;
  const s: Shape = { ...shape };
  switch (family) {
    case 'steady growth': {
      const slope = rng.pick([0.05, 0.1, 0.2, 0.3, 0.5]);
      const days = targetDays(rng);
      const levelNow = limit - peak - slope * days;
      s.trend = [
        {
          from: windowStart,
          level: levelNow - slope * HISTORY_DAYS,
          slopePerDay: slope,
        },
      ];
      description = `+${slope}/day for 90 days, aimed at ${days.toFixed(1)} d`;
      break;
    }
    case 'growth change': {
      const before = rng.pick([0, 0, 0.05]);
      const after = rng.pick([0.25, 0.5, 1, 2]);
      const changeDaysAgo = rng.between(7, 60);
      const days = targetDays(rng);
      const levelNow = limit - peak - after * days;
      const levelAtChange = levelNow - after * changeDaysAgo;
      const changeAt = now - changeDaysAgo * DAY;
      s.trend = [
        {
          from: windowStart,
          level: levelAtChange - (before * (changeAt - windowStart)) / DAY,
          slopePerDay: before,
        },
        { from: changeAt, level: levelAtChange, slopePerDay: after },
      ];
      description = `+${before}/day, then +${after}/day since ${changeDaysAgo.toFixed(
        1,
      )} d ago, aimed at ${days.toFixed(1)} d`;
      break;
    }
    case 'step change': {
      const slope = rng.pick([0.1, 0.25, 0.5, 1]);
      const stepDaysAgo = rng.between(5, 60);
      const step = (rng.uniform() < 0.6 ? 1 : -1) * rng.between(5, 15);
      const days = targetDays(rng);
      const levelNow = limit - peak - slope * days;
      const stepAt = now - stepDaysAgo * DAY;
      const levelAfterStep = levelNow - slope * stepDaysAgo;
      s.trend = [
        {
          from: windowStart,
          level: levelAfterStep - step - (slope * (stepAt - windowStart)) / DAY,
          slopePerDay: slope,
        },
        { from: stepAt, level: levelAfterStep, slopePerDay: slope },
      ];
      description = `+${slope}/day, step ${step.toFixed(
        1,
      )} ${stepDaysAgo.toFixed(1)} d ago, aimed at ${days.toFixed(1)} d`;
      break;
    }
    case 'recent start': {
      const slope = rng.pick([0.25, 0.5, 1, 2]);
      const startedDaysAgo = rng.between(3.5, 45);
      const days = targetDays(rng);
      const levelNow = limit - peak - slope * days;
      const startedAt = now - startedDaysAgo * DAY;
      s.startedAt = startedAt;
      s.beforeStart = rng.uniform() < 0.5 ? 'zeros' : 'no data';
      s.trend = [
        {
          from: startedAt,
          level: levelNow - slope * startedDaysAgo,
          slopePerDay: slope,
        },
      ];
      description = `started ${startedDaysAgo.toFixed(1)} d ago (${
        s.beforeStart
      } before), +${slope}/day, aimed at ${days.toFixed(1)} d`;
      break;
    }
    case 'plateau': {
      const gap = rng.between(2, 25);
      const levelNow = limit - peak - gap;
      const variant = rng.pick(['flat', 'grew, then flat', 'step, then flat']);
      if (variant === 'flat') {
        s.trend = [{ from: windowStart, level: levelNow, slopePerDay: 0 }];
        description = `flat, peak ${gap.toFixed(1)} below the limit`;
      } else if (variant === 'grew, then flat') {
        const slope = rng.pick([0.1, 0.25, 0.5, 1]);
        const flatDaysAgo = rng.between(5, 45);
        const flatFrom = now - flatDaysAgo * DAY;
        s.trend = [
          {
            from: windowStart,
            level: levelNow - (slope * (flatFrom - windowStart)) / DAY,
            slopePerDay: slope,
          },
          { from: flatFrom, level: levelNow, slopePerDay: 0 },
        ];
        description = `+${slope}/day, flat for the last ${flatDaysAgo.toFixed(
          1,
        )} d, peak ${gap.toFixed(1)} below the limit`;
      } else {
        const stepDaysAgo = rng.between(5, 45);
        const step = rng.between(5, 15);
        s.trend = [
          { from: windowStart, level: levelNow - step, slopePerDay: 0 },
          {
            from: now - stepDaysAgo * DAY,
            level: levelNow,
            slopePerDay: 0,
          },
        ];
        description = `flat, step +${step.toFixed(1)} ${stepDaysAgo.toFixed(
          1,
        )} d ago, peak ${gap.toFixed(1)} below the limit`;
      }
      break;
    }
    case 'declining':
    default: {
      const gap = rng.between(2, 20);
      const slope = -rng.between(0.05, 0.3);
      const levelNow = limit - peak - gap;
      s.trend = [
        {
          from: windowStart,
          level: levelNow - slope * HISTORY_DAYS,
          slopePerDay: slope,
        },
      ];
      description = `${slope.toFixed(2)}/day, peak ${gap.toFixed(
        1,
      )} below the limit`;
      break;
    }
  }
  // Physically possible: the trend minus the seasonal trough stays >= 0
  // while the service exists, and the limit is not already reached at now.
  if (lowestTrend(s, now) + trough < 0) return undefined;
  return { shape: s, description };
}

const UNITS = [
  // [share, scale, label]: the same shapes in other units (limit 70 % ->
  // 1 s of latency, or 100 messages of queue depth).
  { share: 0.7, scale: 1, label: '%' },
  { share: 0.15, scale: 1 / 70, label: 's' },
  { share: 0.15, scale: 100 / 70, label: 'msgs' },
] as const;

/**
 * Generates `count` series (default 300) from `seed`. Families are assigned
 * by their shares (largest remainder), everything else is drawn.
 */
export function generateSeries(
  count = 300,
  seed = 20260302,
): SyntheticSeries[] {
  const rng = prng(seed);
  const families = assignFamilies(count);
  const out: SyntheticSeries[] = [];
  for (let id = 0; id < count; id++) {
    out.push(generateOne(id, families[id], rng));
  }
  return out;
}

function assignFamilies(count: number): Family[] {
  const entries = Object.entries(FAMILY_SHARES) as [Family, number][];
  const quotas = entries.map(([family, share]) => ({
    family,
    n: Math.floor(share * count),
    rest: share * count - Math.floor(share * count),
  }));
  let left = count - quotas.reduce((sum, q) => sum + q.n, 0);
  for (const q of [...quotas].sort((x, y) => y.rest - x.rest)) {
    if (left-- > 0) q.n += 1;
  }
  const families: Family[] = [];
  for (const q of quotas) for (let i = 0; i < q.n; i++) families.push(q.family);
  // Interleave deterministically so that a prefix of the list is a fair mix.
  const rng = prng(count);
  for (let i = families.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [families[i], families[j]] = [families[j], families[i]];
  }
  return families;
}

function generateOne(id: number, family: Family, rng: Rng): SyntheticSeries {
  const now = NOW_BASE + rng.int(0, 7 * 24 - 1) * HOUR;
  const baseLimit = rng.pick([70, 70, 80]);
  let unitRoll = rng.uniform();
  const unit =
    UNITS.find(u => (unitRoll -= u.share) < 0) ?? UNITS[UNITS.length - 1];

  let drawn: { shape: Shape; description: string } | undefined;
  for (let attempt = 0; !drawn; attempt++) {
    if (attempt > 1000) throw new Error(`no feasible draw for ${family}`);
    const base: Shape = {
      trend: [],
      dailyAmplitude: rng.pick([0, 2, 5, 10]),
      dailyShape: rng.uniform() < 0.6 ? 'sine' : 'business hours',
      dailyHour: rng.int(0, 23),
      weekendOffset: rng.pick([0, 0, -2, -5]),
    };
    drawn = drawTrend(family, rng, now, baseLimit, base);
  }
  const { shape } = drawn;

  // Noise: hourly AR(1) with marginal sd `noiseSd`; some incident spikes.
  const noiseSd = rng.pick([0.5, 1.5, 3]);
  const phi = rng.pick([0, 0.6]);
  const spikes = rng.uniform() < 0.2 ? rng.int(1, 6) : 0;
  // Missing data: random hours, an outage of days, or both.
  const missingRoll = rng.uniform();
  const randomMissing =
    missingRoll >= 0.45 && missingRoll < 0.7
      ? rng.pick([0.05, 0.2])
      : missingRoll >= 0.85
      ? rng.pick([0.05, 0.2])
      : 0;
  const outageDays = missingRoll >= 0.7 ? rng.between(1, 5) : 0;
  const outageStart = now - rng.between(outageDays + 1, HISTORY_DAYS - 1) * DAY;

  const start = now - HISTORY_DAYS * DAY;
  const hours = HISTORY_DAYS * 24;
  const spikeAt = new Map<number, number>();
  for (let k = 0; k < spikes; k++) {
    const at = rng.int(0, hours - 1);
    const length = rng.int(1, 3);
    const height = rng.between(10, 30);
    for (let h = at; h < Math.min(hours, at + length); h++) {
      spikeAt.set(h, height);
    }
  }

  const expected = (t: number) => valueAt(shape, t + HOUR / 2) * unit.scale;
  const timestamps: number[] = [];
  const values: number[] = [];
  let ar = 0;
  for (let h = 0; h < hours; h++) {
    const t = start + h * HOUR;
    ar = phi * ar + Math.sqrt(1 - phi * phi) * rng.normal();
    const missing = rng.uniform() < randomMissing;
    if (shape.startedAt !== undefined && t + HOUR <= shape.startedAt) {
      if (shape.beforeStart === 'zeros') {
        timestamps.push(t);
        values.push(0);
      }
      continue;
    }
    if (missing) continue;
    if (
      outageDays > 0 &&
      t >= outageStart &&
      t < outageStart + outageDays * DAY
    )
      continue;
    const value =
      valueAt(shape, t + HOUR / 2) + noiseSd * ar + (spikeAt.get(h) ?? 0);
    timestamps.push(t);
    values.push(Math.max(0, value) * unit.scale);
  }

  const limit = baseLimit * unit.scale;
  let truth: number | undefined;
  for (let t = now; t < now + TRUTH_HORIZON_DAYS * DAY; t += HOUR) {
    // Compare in the generating units: scaling must not round a tie away.
    if (valueAt(shape, t + HOUR / 2) >= baseLimit) {
      truth = t;
      break;
    }
  }

  const extras = [
    `daily ${shape.dailyAmplitude}${
      shape.dailyAmplitude ? ` (${shape.dailyShape})` : ''
    }`,
    `weekend ${shape.weekendOffset}`,
    `noise ${noiseSd}${phi ? ` AR ${phi}` : ''}`,
    spikes ? `${spikes} spikes` : '',
    randomMissing ? `${randomMissing * 100} % hours missing` : '',
    outageDays ? `${outageDays.toFixed(1)} d outage` : '',
    unit.label !== '%' ? `unit ${unit.label}` : '',
    `limit ${+limit.toPrecision(4)}`,
  ].filter(Boolean);
  const lastPiece = shape.trend[shape.trend.length - 1];
  const seasonal = (t: number) => {
    const middle = t + HOUR / 2;
    const hour = (((middle % DAY) + DAY) % DAY) / HOUR;
    return (
      (shape.dailyAmplitude * dailyPattern(shape, hour) +
        weeklyOffset(shape, middle)) *
      unit.scale
    );
  };
  return {
    id,
    family,
    description: `${drawn.description}; ${extras.join(', ')}`,
    now,
    limit,
    timestamps,
    values,
    expected,
    truth,
    regimeStart: Math.max(lastPiece.from, now - HISTORY_DAYS * DAY),
    seasonal,
  };
}
