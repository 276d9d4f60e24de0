import { findBreachEpisodes, BreachEpisode } from './episodes';
import {
  ForecastModel,
  ForecastResult,
  GrowthRate,
  fitForecast,
  forecastCrossing,
  forecastEnvelope,
  growthPerWeek,
} from './forecast';
import {
  Bucket,
  DAY_MS,
  HOUR_MS,
  TimeSeries,
  bucketize,
  quantile,
  roundSignificant,
} from './series';
import {
  CAPACITY_RANGES,
  CAPACITY_RANGE_DAYS,
  CAPACITY_RANGE_STEP_MS,
  CAPACITY_TRIGGER_WINDOW_DAYS,
  CapacityMetricDefinition,
  CapacityMetricView,
  CapacityRange,
  CapacityReviewMetric,
  ruleLimit,
} from './types';

/** The data one metric's analysis starts from. @public */
export interface CapacityMetricInput {
  definition: CapacityMetricDefinition;
  /** Hourly values over the last 90 days. */
  hourly: TimeSeries;
  /** Finer values (e.g. 5-minute) over the trigger window, for breach episodes. */
  fine?: { series: TimeSeries; periodSeconds: number };
}

/**
 * A metric analysed at one time: what the capacity views and the review
 * need, small enough to keep as a snapshot (charts pre-bucketed per range,
 * the forecast as its model).
 * @public
 */
export interface CapacityMetricAnalysis extends CapacityMetricDefinition {
  analysedAt: number;
  current?: number;
  peak7d?: number;
  headroom?: number;
  headroomPercent?: number;
  growth?: GrowthRate;
  model?: ForecastModel;
  forecast: ForecastResult;
  /** Breach episodes over the trigger window (30 days). */
  episodes: BreachEpisode[];
  triggers30d: number;
  coverage: number;
  /** History per range: start, step and [mean, max] per bucket (null = gap). */
  charts: Record<
    CapacityRange,
    {
      from: number;
      stepMs: number;
      avg: (number | null)[];
      max: (number | null)[];
    }
  >;
}

/** Options of {@link analyseCapacityMetric}. @public */
export interface AnalyseOptions {
  now: number;
  horizonDays?: number;
}

/**
 * Analyses one metric: current value, typical peak and headroom, growth per
 * week, forecast of the limit, breach episodes and scaling triggers of the
 * last 30 days, and chart buckets for 7, 30 and 90 days.
 * @public
 */
export function analyseCapacityMetric(
  input: CapacityMetricInput,
  options: AnalyseOptions,
): CapacityMetricAnalysis {
  const { definition, hourly, fine } = input;
  const { now } = options;
  const limit = ruleLimit(definition.rule);

  const model = fitForecast(hourly, { now });
  const forecast = forecastCrossing(model, {
    now,
    limit,
    horizonDays: options.horizonDays,
  });

  const lastWeek = valuesSince(hourly, now - 7 * DAY_MS);
  const peak7d = lastWeek.length > 0 ? quantile(lastWeek, 0.95) : undefined;
  const current =
    hourly.values.length > 0
      ? hourly.values[hourly.values.length - 1]
      : undefined;
  const headroom =
    limit !== undefined && peak7d !== undefined ? limit - peak7d : undefined;

  let episodes: BreachEpisode[] = [];
  if (definition.rule.threshold !== undefined) {
    const source = fine ?? { series: hourly, periodSeconds: 3600 };
    const since = now - CAPACITY_TRIGGER_WINDOW_DAYS * DAY_MS;
    episodes = findBreachEpisodes(
      clip(source.series, since),
      {
        threshold: definition.rule.threshold,
        sustainMinutes: definition.rule.sustainMinutes,
      },
      source.periodSeconds,
    );
  }

  const charts = {} as CapacityMetricAnalysis['charts'];
  for (const range of CAPACITY_RANGES) {
    const stepMs = CAPACITY_RANGE_STEP_MS[range];
    const to = Math.ceil(now / stepMs) * stepMs;
    const from = to - CAPACITY_RANGE_DAYS[range] * DAY_MS;
    // Fine data shows short peaks in the maxima where it covers the range.
    const source =
      fine && range !== '90d' ? mergeFine(hourly, fine.series, from) : hourly;
    const buckets = bucketize(source, stepMs, from, to);
    const slots = Math.round((to - from) / stepMs);
    const avg: (number | null)[] = new Array(slots).fill(null);
    const max: (number | null)[] = new Array(slots).fill(null);
    for (const b of buckets) {
      const i = Math.round((b.t - from) / stepMs);
      avg[i] = roundSignificant(b.avg);
      max[i] = roundSignificant(b.max);
    }
    charts[range] = { from, stepMs, avg, max };
  }

  const hoursInWindow = 90 * 24;
  const hoursWithData = new Set(
    hourly.timestamps
      .filter(t => t >= now - 90 * DAY_MS)
      .map(t => Math.floor(t / HOUR_MS)),
  ).size;

  return {
    ...definition,
    analysedAt: now,
    current,
    peak7d,
    headroom,
    headroomPercent:
      headroom !== undefined && limit ? (headroom / limit) * 100 : undefined,
    growth: growthPerWeek(model, now),
    model,
    forecast,
    episodes,
    triggers30d: episodes.filter(e => e.sustained).length,
    coverage: Math.min(1, hoursWithData / hoursInWindow),
    charts,
  };
}

/** The view of an analysed metric for one chart range. @public */
export function capacityMetricView(
  analysis: CapacityMetricAnalysis,
  range: CapacityRange,
): CapacityMetricView {
  const chart = analysis.charts[range];
  const history: Bucket[] = [];
  chart.avg.forEach((avg, i) => {
    const max = chart.max[i];
    if (avg !== null && max !== null) {
      history.push({ t: chart.from + i * chart.stepMs, avg, max });
    }
  });
  const rangeMs = CAPACITY_RANGE_DAYS[range] * DAY_MS;
  const bandFrom =
    Math.floor(analysis.analysedAt / chart.stepMs) * chart.stepMs;
  const band = analysis.model
    ? forecastEnvelope(
        analysis.model,
        bandFrom,
        bandFrom + rangeMs,
        chart.stepMs,
      ).map(p => ({
        t: p.t,
        center: roundSignificant(p.center),
        lower: roundSignificant(p.lower),
        upper: roundSignificant(p.upper),
      }))
    : [];
  const rangeStart = analysis.analysedAt - rangeMs;
  return {
    id: analysis.id,
    label: analysis.label,
    unit: analysis.unit,
    rule: analysis.rule,
    current: analysis.current,
    peak7d: analysis.peak7d,
    headroom: analysis.headroom,
    headroomPercent: analysis.headroomPercent,
    growth: analysis.growth,
    forecast: analysis.forecast,
    episodes: analysis.episodes.filter(e => Date.parse(e.end) >= rangeStart),
    triggers30d: analysis.triggers30d,
    stepMs: chart.stepMs,
    history,
    band,
    coverage: analysis.coverage,
  };
}

/** The review's summary of an analysed metric. @public */
export function capacityReviewMetric(
  analysis: CapacityMetricAnalysis,
): CapacityReviewMetric {
  return {
    id: analysis.id,
    label: analysis.label,
    unit: analysis.unit,
    limit: ruleLimit(analysis.rule),
    current: analysis.current,
    peak7d: analysis.peak7d,
    headroom: analysis.headroom,
    forecast: analysis.forecast,
    growth: analysis.growth,
    triggers30d: analysis.triggers30d,
  };
}

function valuesSince(series: TimeSeries, since: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < series.timestamps.length; i++) {
    if (series.timestamps[i] >= since && Number.isFinite(series.values[i])) {
      out.push(series.values[i]);
    }
  }
  return out;
}

function clip(series: TimeSeries, since: number): TimeSeries {
  const timestamps: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < series.timestamps.length; i++) {
    if (series.timestamps[i] >= since) {
      timestamps.push(series.timestamps[i]);
      values.push(series.values[i]);
    }
  }
  return { timestamps, values };
}

/** Hourly data before the fine series starts, then the fine series. */
function mergeFine(
  hourly: TimeSeries,
  fine: TimeSeries,
  from: number,
): TimeSeries {
  const fineStart = fine.timestamps.length > 0 ? fine.timestamps[0] : Infinity;
  if (fineStart <= from) return fine;
  const timestamps: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < hourly.timestamps.length; i++) {
    if (hourly.timestamps[i] < fineStart) {
      timestamps.push(hourly.timestamps[i]);
      values.push(hourly.values[i]);
    }
  }
  return {
    timestamps: timestamps.concat(fine.timestamps),
    values: values.concat(fine.values),
  };
}
