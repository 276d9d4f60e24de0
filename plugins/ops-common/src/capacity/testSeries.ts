import { DAY_MS, HOUR_MS, TimeSeries } from './series';

/**
 * Synthetic series with a known shape, for the tests of the capacity math:
 * linear trend + daily sine + weekend dip + Gaussian noise, sampled hourly.
 * Not exported from the package.
 */
export interface SyntheticShape {
  /** Trend level at `now`. */
  levelNow: number;
  /** Trend growth per week. */
  slopePerWeek: number;
  /** Amplitude of the daily sine (peak at 14:00 UTC). */
  dailyAmplitude: number;
  /** Offset on Saturdays and Sundays (weekdays get the opposite share, mean 0). */
  weekendOffset: number;
  noiseSd: number;
}

/** Deterministic PRNG (mulberry32) with a normal sampler. */
export function random(seed: number) {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => {
    const u1 = Math.max(uniform(), 1e-12);
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * uniform());
  };
  return { uniform, normal };
}

/** The expected (noise-free) value of the shape at time t. */
export function expected(shape: SyntheticShape, now: number, t: number) {
  const trend =
    shape.levelNow + (shape.slopePerWeek * (t - now)) / (7 * DAY_MS);
  const hour = (t % DAY_MS) / HOUR_MS;
  const daily =
    shape.dailyAmplitude * Math.cos(((hour - 14) / 24) * 2 * Math.PI);
  const dow = new Date(t).getUTCDay();
  const weekend = dow === 0 || dow === 6;
  const weekly = weekend ? shape.weekendOffset : (-shape.weekendOffset * 2) / 5;
  return trend + daily + weekly;
}

/** Samples the shape hourly over `days` days before `now`. */
export function sample(
  shape: SyntheticShape,
  now: number,
  days: number,
  seed: number,
  keep: (t: number, rng: ReturnType<typeof random>) => boolean = () => true,
): TimeSeries {
  const rng = random(seed);
  const timestamps: number[] = [];
  const values: number[] = [];
  const start = Math.floor((now - days * DAY_MS) / HOUR_MS) * HOUR_MS;
  for (let t = start; t < now; t += HOUR_MS) {
    const noise = rng.normal() * shape.noiseSd;
    if (!keep(t, rng)) continue;
    timestamps.push(t);
    values.push(expected(shape, now, t + HOUR_MS / 2) + noise);
  }
  return { timestamps, values };
}

/** First hour at or after `now` where the expected value reaches `limit`. */
export function trueCrossing(
  shape: SyntheticShape,
  now: number,
  limit: number,
  horizonDays = 365,
): number | undefined {
  const start = Math.floor(now / HOUR_MS) * HOUR_MS;
  for (let t = start; t < now + horizonDays * DAY_MS; t += HOUR_MS) {
    if (expected(shape, now, t + HOUR_MS / 2) >= limit) return t;
  }
  return undefined;
}
