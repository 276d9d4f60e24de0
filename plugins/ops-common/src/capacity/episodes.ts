import { DenseTimeSeries, TimeSeries } from './series';

/**
 * When a metric is in breach: above `threshold` for at least `sustainMinutes`
 * (the seed's scaling triggers, e.g. CPU > 70 % for 15 minutes).
 * @public
 */
export interface BreachRule {
  threshold: number;
  /** How long a breach must last to count as a trigger; 0 = any datapoint. */
  sustainMinutes: number;
}

/**
 * A stretch of consecutive datapoints above the threshold (a breach
 * episode). It counts once however long it lasts; `durationMinutes` tells
 * how long that was.
 * @public
 */
export interface BreachEpisode {
  /** Start of the first breaching datapoint's period (ISO 8601). */
  start: string;
  /** End of the last breaching datapoint's period (ISO 8601). */
  end: string;
  /** Minutes from `start` to `end`: the breaching datapoints times their period. */
  durationMinutes: number;
  /** Highest value during the episode. */
  peak: number;
  /** True when it lasted long enough to be a scaling trigger. */
  sustained: boolean;
  /**
   * Period of the datapoints the episode was found in (the coarsest, if it
   * spans two resolutions). Absent in snapshots from before it was kept.
   */
  periodSeconds?: number;
  /**
   * True when one datapoint is longer than the rule's duration (e.g. an
   * hourly value for a 15-minute rule): the datapoint's mean was above the
   * threshold, which does not show that the metric stayed above it for the
   * whole duration. Absent otherwise.
   */
  approximate?: boolean;
}

/** Datapoints of one period, e.g. the last 15 days at 60 s. @public */
export interface BreachSeries {
  series: DenseTimeSeries;
  periodSeconds: number;
}

/**
 * How many consecutive datapoints of a period a rule's duration takes:
 * CPU > 70 % for 15 minutes is 15 one-minute points, 3 five-minute points,
 * or (approximately) 1 hourly point. 1 for a rule without a duration.
 * @public
 */
export function datapointsForDuration(
  sustainMinutes: number,
  periodSeconds: number,
): number {
  if (sustainMinutes <= 0) return 1;
  return Math.max(1, Math.ceil((sustainMinutes * 60) / periodSeconds));
}

/**
 * Finds the episodes in which a series is above the rule's threshold.
 * Datapoints stand for the period that starts at their timestamp; a missing
 * datapoint (a gap) ends an episode, since nothing is known about it. An
 * episode is `sustained` when its consecutive datapoints cover
 * `sustainMinutes` or longer: N = duration / period of them (15 at 1-minute
 * resolution, 3 at 5 minutes), so a single 5-minute point is never a
 * 15-minute trigger.
 *
 * @param periodSeconds - the period of the series' datapoints
 * @public
 */
export function findBreachEpisodes(
  series: TimeSeries,
  rule: BreachRule,
  periodSeconds: number,
): BreachEpisode[] {
  return findBreachEpisodesIn([{ series, periodSeconds }], rule);
}

/**
 * {@link findBreachEpisodes} over data of several resolutions, e.g. 5-minute
 * datapoints from 30 to 15 days ago and 1-minute ones since (each part at
 * its own period; parts must not overlap). An episode that runs from one
 * part into the next is one episode.
 * @public
 */
export function findBreachEpisodesIn(
  parts: BreachSeries[],
  rule: BreachRule,
): BreachEpisode[] {
  const episodes: BreachEpisode[] = [];
  let start: number | undefined;
  let end = 0;
  let peak = -Infinity;
  let coarsestMs = 0;

  const close = () => {
    if (start === undefined) return;
    const durationMinutes = (end - start) / 60_000;
    const episode: BreachEpisode = {
      start: new Date(start).toISOString(),
      end: new Date(end).toISOString(),
      durationMinutes,
      peak,
      sustained: durationMinutes >= rule.sustainMinutes,
      periodSeconds: coarsestMs / 1000,
    };
    if (rule.sustainMinutes > 0 && coarsestMs > rule.sustainMinutes * 60_000) {
      episode.approximate = true;
    }
    episodes.push(episode);
    start = undefined;
    peak = -Infinity;
    coarsestMs = 0;
  };

  const visit = (t: number, value: number, periodMs: number) => {
    const breaching = Number.isFinite(value) && value > rule.threshold;
    if (start !== undefined && (!breaching || t > end)) close();
    if (breaching) {
      if (start === undefined) {
        start = t;
        end = t + periodMs;
      } else end = Math.max(end, t + periodMs);
      peak = Math.max(peak, value);
      coarsestMs = Math.max(coarsestMs, periodMs);
    }
  };

  if (inTimeOrder(parts)) {
    // The usual case (parts in order, each ascending): no copy, no sort.
    for (const part of parts) {
      const periodMs = part.periodSeconds * 1000;
      const { timestamps, values } = part.series;
      for (let i = 0; i < timestamps.length; i++) {
        visit(timestamps[i], values[i], periodMs);
      }
    }
  } else {
    const points: { t: number; value: number; periodMs: number }[] = [];
    for (const part of parts) {
      const periodMs = part.periodSeconds * 1000;
      for (let i = 0; i < part.series.timestamps.length; i++) {
        points.push({
          t: part.series.timestamps[i],
          value: part.series.values[i],
          periodMs,
        });
      }
    }
    points.sort((a, b) => a.t - b.t);
    for (const { t, value, periodMs } of points) visit(t, value, periodMs);
  }
  close();
  return episodes;
}

/**
 * Whether the parts' datapoints, taken part by part, are already in strictly
 * ascending time order (then sorting them would not change their order).
 */
function inTimeOrder(parts: BreachSeries[]): boolean {
  let last = -Infinity;
  for (const part of parts) {
    const ts = part.series.timestamps;
    for (let i = 0; i < ts.length; i++) {
      if (!(ts[i] > last)) return false;
      last = ts[i];
    }
  }
  return true;
}

/** The sustained episodes only: the scaling triggers. @public */
export function scalingTriggers(episodes: BreachEpisode[]): BreachEpisode[] {
  return episodes.filter(e => e.sustained);
}
