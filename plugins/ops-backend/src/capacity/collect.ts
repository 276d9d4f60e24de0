import {
  CAPACITY_TRIGGER_WINDOW_DAYS,
  CapacitySeries,
} from '@opsportal/plugin-ops-common';
import {
  MetricQuery,
  MetricSeries,
  MetricsProvider,
} from '@opsportal/plugin-ops-node';
import { CapacityTarget } from './targets';

const DAY = 86_400_000;
/** Days of history behind trends and forecasts. */
export const TREND_DAYS = 90;
/** Finest period the trigger rules need: three datapoints per 15 minutes. */
const TRIGGER_RESOLUTION_SECONDS = 300;

/**
 * The coarsest period CloudWatch still keeps for data this old: 60 s for
 * 15 days, 300 s for 63 days, hourly beyond.
 */
export function retentionPeriod(days: number): number {
  if (days <= 15) return 60;
  if (days <= 63) return 300;
  return 3600;
}

/** The period for a window: what retention allows and what the math needs. */
export function periodFor(days: number, neededSeconds: number): number {
  return Math.max(retentionPeriod(days), neededSeconds);
}

/** One metric's data as the analysis takes it. */
export interface CollectedMetric {
  hourly: CapacitySeries;
  fine?: { series: CapacitySeries; periodSeconds: number };
  problems: string[];
}

interface Wanted {
  entityRef: string;
  metricId: string;
  window: 'hourly' | 'fine';
  period: number;
  transform?: (value: number, period: number) => number;
}

/**
 * Fetches the capacity data of many targets of one region: one provider
 * request for the 90-day hourly window (trends, forecasts, 90-day chart)
 * and one for the 30-day 5-minute window of the metrics with triggers. The
 * provider packs each into as few upstream calls as its limits allow.
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
  const windows = {
    hourly: {
      period: hourlyPeriod,
      start: floorTo(now, hourlyPeriod) - TREND_DAYS * DAY,
      queries: [] as MetricQuery[],
    },
    fine: {
      period: finePeriod,
      start: floorTo(now, finePeriod) - CAPACITY_TRIGGER_WINDOW_DAYS * DAY,
      queries: [] as MetricQuery[],
    },
  };
  const wanted = new Map<string, Wanted>();

  targets.forEach((target, t) => {
    target.metrics.forEach((plan, m) => {
      for (const window of ['hourly', 'fine'] as const) {
        if (window === 'fine' && !plan.fine) continue;
        const w = windows[window];
        const { queries, resultId } = plan.source.build(
          `t${t}m${m}${window === 'hourly' ? 'h' : 'f'}`,
          w.period,
        );
        w.queries.push(...queries);
        wanted.set(resultId, {
          entityRef: target.entityRef,
          metricId: plan.definition.id,
          window,
          period: w.period,
          transform: plan.source.transform,
        });
      }
    });
  });

  const answers: MetricSeries[] = [];
  for (const w of Object.values(windows)) {
    if (w.queries.length === 0) continue;
    answers.push(
      ...(await provider.getMetricData({
        queries: w.queries,
        start: new Date(w.start),
        end: new Date(now),
        region: options.region,
        signal: options.signal,
      })),
    );
  }

  const result = new Map<string, Map<string, CollectedMetric>>();
  for (const target of targets) {
    const metrics = new Map<string, CollectedMetric>();
    for (const plan of target.metrics) {
      metrics.set(plan.definition.id, {
        hourly: { timestamps: [], values: [] },
        problems: [],
      });
    }
    result.set(target.entityRef, metrics);
  }
  for (const series of answers) {
    const want = wanted.get(series.id);
    if (!want) continue;
    const collected = result.get(want.entityRef)!.get(want.metricId)!;
    const values = want.transform
      ? series.values.map(v => want.transform!(v, want.period))
      : series.values;
    const data = { timestamps: series.timestamps, values };
    if (want.window === 'hourly') collected.hourly = data;
    else collected.fine = { series: data, periodSeconds: want.period };
    if (series.status === 'Forbidden' || series.status === 'InternalError') {
      collected.problems.push(
        `the ${want.window} data could not be read (${series.status}${
          series.messages?.length ? `: ${series.messages.join('; ')}` : ''
        })`,
      );
    }
  }
  return result;
}

function floorTo(t: number, periodSeconds: number): number {
  const ms = periodSeconds * 1000;
  return Math.floor(t / ms) * ms;
}
