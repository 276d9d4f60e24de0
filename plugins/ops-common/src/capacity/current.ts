import { TimeSeries } from './series';

/**
 * The period a "current" value covers, so that a page can say so ("17.2
 * req/s · last full hour").
 * @public
 */
export interface CapacityCurrentPeriod {
  /** Start of the period (ISO 8601). */
  start: string;
  /**
   * End of the period (ISO 8601); for a period still running when the
   * analysis ran, the time of the analysis.
   */
  end: string;
  /**
   * The period in words: `last full hour`, `last 9 min (hour in progress)`
   * or `latest full hour with data` (an older hour, when the recent ones
   * have no data).
   */
  label: string;
  /**
   * The statistic of the period's datapoints as the metrics provider was
   * asked for it: `Average`, `Maximum`, `p95`, `Sum` (for rates: the sum
   * divided by the period's seconds), ...
   */
  statistic?: string;
  /** True when the period was still running: the value covers its elapsed part. */
  partial?: boolean;
}

/** Statistics whose value grows with the period: a running period's value is incomplete. @public */
export function isSummedStatistic(statistic: string | undefined): boolean {
  return statistic === 'Sum' || statistic === 'SampleCount';
}

/** A period in words: `hour`, `5 min`, `minute`, `day`. */
function periodWords(periodSeconds: number): string {
  if (periodSeconds === 3600) return 'hour';
  if (periodSeconds === 86_400) return 'day';
  if (periodSeconds === 60) return 'minute';
  if (periodSeconds % 3600 === 0) return `${periodSeconds / 3600} h`;
  if (periodSeconds % 60 === 0) return `${periodSeconds / 60} min`;
  return `${periodSeconds} s`;
}

/**
 * The "current" value of a series of datapoints of `periodSeconds` (each
 * standing for the period that starts at its timestamp), and the period it
 * covers:
 *
 * 1. the last complete period, if it is the one just before the running
 *    period ("last full hour");
 * 2. otherwise the running period, whose datapoint covers only its elapsed
 *    part ("last 9 min (hour in progress)"): the series must hold that part
 *    in the metric's unit (for a rate: the partial sum divided by the
 *    elapsed seconds, not by the period's);
 * 3. otherwise the latest complete period with data ("latest full hour with
 *    data"), whose dates tell its age.
 *
 * Undefined when the series has no finite datapoint up to `now`.
 * @public
 */
export function currentValue(
  series: TimeSeries,
  options: { periodSeconds: number; now: number; statistic?: string },
): { value: number; period: CapacityCurrentPeriod } | undefined {
  const { periodSeconds, now, statistic } = options;
  const periodMs = periodSeconds * 1000;
  let complete: number | undefined;
  let running: number | undefined;
  for (let i = series.timestamps.length - 1; i >= 0; i--) {
    const t = series.timestamps[i];
    if (t > now || !Number.isFinite(series.values[i])) continue;
    if (t + periodMs > now) {
      running ??= i;
    } else {
      complete = i;
      break;
    }
  }
  const words = periodWords(periodSeconds);
  const make = (i: number, label: string, partial: boolean) => {
    const start = series.timestamps[i];
    const end = partial ? now : start + periodMs;
    const period: CapacityCurrentPeriod = {
      start: new Date(start).toISOString(),
      end: new Date(end).toISOString(),
      label,
    };
    if (statistic) period.statistic = statistic;
    if (partial) period.partial = true;
    return { value: series.values[i], period };
  };

  if (
    complete !== undefined &&
    series.timestamps[complete] + 2 * periodMs > now
  ) {
    return make(complete, `last full ${words}`, false);
  }
  if (running !== undefined) {
    const elapsedMinutes = Math.max(
      1,
      Math.round((now - series.timestamps[running]) / 60_000),
    );
    return make(
      running,
      `last ${elapsedMinutes} min (${words} in progress)`,
      true,
    );
  }
  if (complete !== undefined) {
    return make(complete, `latest full ${words} with data`, false);
  }
  return undefined;
}
