import {
  CAPACITY_TRIGGER_WINDOW_DAYS,
  CapacityFineSeries,
  CapacitySeries,
  isSummedStatistic,
} from '@opsportal/plugin-ops-common';
import {
  MetricQuery,
  MetricSeries,
  MetricsProvider,
} from '@opsportal/plugin-ops-node';
import { CapacityTarget } from './targets';

const DAY = 86_400_000;
/** Days of history behind trends and forecasts. */
const TREND_DAYS = 90;
/**
 * The period trigger rules are evaluated at: "CPU > 70 % for 15 minutes" is
 * 15 consecutive 1-minute datapoints. CloudWatch keeps 1-minute data for
 * 15 days; older parts of the trigger window are read at the finest period
 * still kept (5 minutes: 3 consecutive datapoints).
 */
const TRIGGER_RESOLUTION_SECONDS = 60;
/** How long CloudWatch keeps 1-minute data. */
const MINUTE_DATA_DAYS = 15;

/**
 * The coarsest period CloudWatch still keeps for data this old: 60 s for
 * 15 days, 300 s for 63 days, hourly beyond.
 */
function retentionPeriod(days: number): number {
  if (days <= 15) return 60;
  if (days <= 63) return 300;
  return 3600;
}

/** The period for a window: what retention allows and what the math needs. */
function periodFor(days: number, neededSeconds: number): number {
  return Math.max(retentionPeriod(days), neededSeconds);
}

/** One metric's data as the analysis takes it. */
export interface CollectedMetric {
  /** Hourly values; a running hour's value covers its elapsed part. */
  hourly: CapacitySeries;
  /** Finer data over the trigger window, oldest window first. */
  fine?: CapacityFineSeries[];
  /** The statistic asked for (`Average`, `Sum`, `p95`, ...). */
  statistic?: string;
  problems: string[];
}

type WindowName = 'hourly' | 'fine' | 'minute';

interface Wanted {
  entityRef: string;
  metricId: string;
  window: WindowName;
  period: number;
  statistic: string;
  transform?: (value: number, seconds: number) => number;
}

/**
 * The values of a series in the metric's unit. A datapoint stands for the
 * period from its timestamp; the running period's (its end after `now`)
 * covers only the elapsed part. For a summed statistic that part is
 * incomplete: a rate (a `transform` such as sum / seconds) is taken over the
 * elapsed seconds, not the period's (nine minutes of requests divided by
 * 3,600 s would read 6.7 times too low); without a transform the partial
 * sum is left out, as it is not comparable with whole periods.
 */
function periodValues(
  series: { timestamps: number[]; values: number[] },
  want: {
    period: number;
    statistic: string;
    transform?: (value: number, seconds: number) => number;
  },
  now: number,
): CapacitySeries {
  const periodMs = want.period * 1000;
  const summed = isSummedStatistic(want.statistic);
  const n = series.timestamps.length;
  // Exactly sized (no growth slack): 1-minute series are long.
  let timestamps: number[] = new Array(n);
  let values: number[] = new Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const t = series.timestamps[i];
    const value = series.values[i];
    const running = t + periodMs > now;
    if (running && summed && !want.transform) continue;
    const seconds =
      running && summed
        ? Math.min(want.period, Math.max(1, (now - t) / 1000))
        : want.period;
    timestamps[k] = t;
    values[k] = want.transform ? want.transform(value, seconds) : value;
    k++;
  }
  if (k < n) {
    timestamps = timestamps.slice(0, k);
    values = values.slice(0, k);
  }
  return { timestamps, values };
}

/**
 * Fetches the capacity data of many targets of one region: one provider
 * request for the 90-day hourly window (trends, forecasts, 90-day chart);
 * for the metrics with triggers, one for the last 15 days at 1 minute and
 * one for the rest of the 30-day trigger window at 5 minutes (CloudWatch
 * keeps no older 1-minute data). The provider packs each into as few
 * upstream calls as its limits allow.
 */
export async function collectCapacityData(
  provider: MetricsProvider,
  targets: CapacityTarget[],
  options: { now: number; region?: string; signal?: AbortSignal },
): Promise<Map<string, Map<string, CollectedMetric>>> {
  const { now } = options;
  const hourlyPeriod = periodFor(TREND_DAYS, 3600);
  const finePeriod = periodFor(
    CAPACITY_TRIGGER_WINDOW_DAYS,
    TRIGGER_RESOLUTION_SECONDS,
  );
  const triggerStart =
    floorTo(now, finePeriod) - CAPACITY_TRIGGER_WINDOW_DAYS * DAY;
  // 1-minute data from where CloudWatch still keeps it, on a 5-minute
  // boundary so that the two windows meet without overlapping.
  const minuteStart = Math.max(
    triggerStart,
    ceilTo(now - MINUTE_DATA_DAYS * DAY, finePeriod),
  );
  const windows: Record<
    WindowName,
    { period: number; start: number; end: number; queries: MetricQuery[] }
  > = {
    hourly: {
      period: hourlyPeriod,
      start: floorTo(now, hourlyPeriod) - TREND_DAYS * DAY,
      end: now,
      queries: [],
    },
    fine: {
      period: finePeriod,
      start: triggerStart,
      end: minuteStart,
      queries: [],
    },
    minute: {
      period: periodFor(MINUTE_DATA_DAYS, TRIGGER_RESOLUTION_SECONDS),
      start: minuteStart,
      end: now,
      queries: [],
    },
  };
  const wanted = new Map<string, Wanted>();
  const suffix: Record<WindowName, string> = {
    hourly: 'h',
    fine: 'f',
    minute: 'm',
  };

  targets.forEach((target, t) => {
    target.metrics.forEach((plan, m) => {
      for (const window of ['hourly', 'fine', 'minute'] as const) {
        const w = windows[window];
        if (window !== 'hourly' && !plan.fine) continue;
        if (w.end <= w.start) continue;
        const { queries, resultId } = plan.source.build(
          `t${t}m${m}${suffix[window]}`,
          w.period,
        );
        w.queries.push(...queries);
        wanted.set(resultId, {
          entityRef: target.entityRef,
          metricId: plan.definition.id,
          window,
          period: w.period,
          statistic: plan.source.statistic,
          transform: plan.source.transform,
        });
      }
    });
  });

  const result = new Map<string, Map<string, CollectedMetric>>();
  for (const target of targets) {
    const metrics = new Map<string, CollectedMetric>();
    for (const plan of target.metrics) {
      metrics.set(plan.definition.id, {
        hourly: { timestamps: [], values: [] },
        statistic: plan.source.statistic,
        problems: [],
      });
    }
    result.set(target.entityRef, metrics);
  }
  // One window at a time: its answer is turned into the analysis' series
  // (exactly sized arrays) and dropped before the next window is asked for,
  // so that at most one window's raw answer is held at once.
  for (const w of Object.values(windows)) {
    if (w.queries.length === 0) continue;
    let answers: MetricSeries[] | undefined = await provider.getMetricData({
      queries: w.queries,
      start: new Date(w.start),
      end: new Date(w.end),
      region: options.region,
      signal: options.signal,
    });
    w.queries = [];
    for (let i = 0; i < answers.length; i++) {
      const series = answers[i];
      const want = wanted.get(series.id);
      if (!want) continue;
      const collected = result.get(want.entityRef)!.get(want.metricId)!;
      const data = periodValues(series, want, now);
      // The raw series is not needed any more.
      series.timestamps = [];
      series.values = [];
      if (want.window === 'hourly') collected.hourly = data;
      else {
        const fw = windows[want.window];
        collected.fine = [
          ...(collected.fine ?? []),
          {
            series: data,
            periodSeconds: want.period,
            from: fw.start,
            to: fw.end,
          },
        ].sort((a, b) => a.from! - b.from!);
      }
      if (series.status === 'Forbidden' || series.status === 'InternalError') {
        collected.problems.push(
          `the ${want.window} data could not be read (${series.status}${
            series.messages?.length ? `: ${series.messages.join('; ')}` : ''
          })`,
        );
      }
    }
    answers = undefined;
  }
  return result;
}

function floorTo(t: number, periodSeconds: number): number {
  const ms = periodSeconds * 1000;
  return Math.floor(t / ms) * ms;
}

function ceilTo(t: number, periodSeconds: number): number {
  const ms = periodSeconds * 1000;
  return Math.ceil(t / ms) * ms;
}
