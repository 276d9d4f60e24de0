import { TimeSeries } from './series';

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

/** A stretch of consecutive datapoints above the threshold. @public */
export interface BreachEpisode {
  /** Start of the first breaching datapoint's period (ISO 8601). */
  start: string;
  /** End of the last breaching datapoint's period (ISO 8601). */
  end: string;
  durationMinutes: number;
  /** Highest value during the episode. */
  peak: number;
  /** True when it lasted long enough to be a scaling trigger. */
  sustained: boolean;
}

/**
 * Finds the episodes in which a series is above the rule's threshold.
 * Datapoints stand for the period that starts at their timestamp; a missing
 * datapoint (a gap) ends an episode, since nothing is known about it. An
 * episode is `sustained` when it lasts `sustainMinutes` or longer.
 *
 * @param periodSeconds - the period of the series' datapoints
 * @public
 */
export function findBreachEpisodes(
  series: TimeSeries,
  rule: BreachRule,
  periodSeconds: number,
): BreachEpisode[] {
  const periodMs = periodSeconds * 1000;
  const episodes: BreachEpisode[] = [];
  let start: number | undefined;
  let last = 0;
  let peak = -Infinity;

  const close = () => {
    if (start === undefined) return;
    const end = last + periodMs;
    const durationMinutes = (end - start) / 60_000;
    episodes.push({
      start: new Date(start).toISOString(),
      end: new Date(end).toISOString(),
      durationMinutes,
      peak,
      sustained: durationMinutes >= rule.sustainMinutes,
    });
    start = undefined;
    peak = -Infinity;
  };

  for (let i = 0; i < series.timestamps.length; i++) {
    const t = series.timestamps[i];
    const value = series.values[i];
    const breaching = Number.isFinite(value) && value > rule.threshold;
    if (start !== undefined && (!breaching || t - last > periodMs)) {
      close();
    }
    if (breaching) {
      if (start === undefined) start = t;
      last = t;
      peak = Math.max(peak, value);
    }
  }
  close();
  return episodes;
}

/** The sustained episodes only: the scaling triggers. @public */
export function scalingTriggers(episodes: BreachEpisode[]): BreachEpisode[] {
  return episodes.filter(e => e.sustained);
}
