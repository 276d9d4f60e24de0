import { CapacityCurrentPeriod, currentValue } from './current';
import { BreachEpisode, findBreachEpisodesIn } from './episodes';
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
  DenseTimeSeries,
  HOUR_MS,
  TimeSeries,
  bucketize,
  bucketizeParts,
  quantile,
  roundSignificant,
} from './series';
import {
  CAPACITY_RANGES,
  CAPACITY_RANGE_DAYS,
  CAPACITY_RANGE_STEP_MS,
  CAPACITY_TRIGGER_WINDOW_DAYS,
  CapacityEvaluationWindow,
  CapacityMetricDefinition,
  CapacityMetricView,
  CapacityRange,
  CapacityReviewMetric,
  CapacityTriggerEvaluation,
  ruleLimit,
} from './types';

/**
 * Finer datapoints of one period over part of the trigger window, e.g. the
 * last 15 days at 60 s. `from` and `to` (epoch ms) are the window asked for;
 * without them, the data's own extent.
 * @public
 */
export interface CapacityFineSeries {
  series: DenseTimeSeries;
  periodSeconds: number;
  from?: number;
  to?: number;
}

/** The data one metric's analysis starts from. @public */
export interface CapacityMetricInput {
  definition: CapacityMetricDefinition;
  /**
   * Hourly values over the last 90 days, in the metric's unit. The running
   * hour's datapoint, if any, must hold its elapsed part in that unit (a
   * rate: the partial sum divided by the elapsed seconds).
   */
  hourly: TimeSeries;
  /**
   * Finer values over the trigger window, for breach episodes: one series,
   * or several of different periods that do not overlap (5-minute data for
   * 30 to 15 days ago, 1-minute data since). Without it, episodes are
   * looked for in the hourly data.
   */
  fine?: CapacityFineSeries | CapacityFineSeries[];
  /** The statistic the values were asked for (`Average`, `Sum`, `p95`, ...), said with the current value. */
  statistic?: string;
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
  currentPeriod?: CapacityCurrentPeriod;
  peak7d?: number;
  headroom?: number;
  headroomPercent?: number;
  growth?: GrowthRate;
  model?: ForecastModel;
  forecast: ForecastResult;
  /** Breach episodes over the trigger window (30 days). */
  episodes: BreachEpisode[];
  triggers30d: number;
  /** What `triggers30d` counts, and in which data; absent for metrics without a threshold. */
  triggerEvaluation?: CapacityTriggerEvaluation;
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
 * Analyses one metric: current value (the last full hour's, see
 * {@link currentValue}) and the period it covers, typical peak and
 * headroom, growth per week, forecast of the limit, breach episodes and
 * scaling triggers of the last 30 days (in the finest data given), and
 * chart buckets for 7, 30 and 90 days.
 * @public
 */
export function analyseCapacityMetric(
  input: CapacityMetricInput,
  options: AnalyseOptions,
): CapacityMetricAnalysis {
  const { definition, hourly } = input;
  const fine = fineParts(input.fine);
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
  const current = currentValue(hourly, {
    periodSeconds: HOUR_MS / 1000,
    now,
    statistic: input.statistic,
  });
  const headroom =
    limit !== undefined && peak7d !== undefined ? limit - peak7d : undefined;

  let episodes: BreachEpisode[] = [];
  let triggerEvaluation: CapacityTriggerEvaluation | undefined;
  if (definition.rule.threshold !== undefined) {
    const since = now - CAPACITY_TRIGGER_WINDOW_DAYS * DAY_MS;
    const sources: CapacityFineSeries[] =
      fine.length > 0
        ? fine
        : [{ series: hourly, periodSeconds: HOUR_MS / 1000 }];
    const rule = {
      threshold: definition.rule.threshold,
      sustainMinutes: definition.rule.sustainMinutes,
    };
    episodes = findBreachEpisodesIn(
      sources.map(p => ({
        series: clip(p.series, since),
        periodSeconds: p.periodSeconds,
      })),
      rule,
    );
    triggerEvaluation = evaluation(sources, episodes, rule, since, now);
  }

  const charts = {} as CapacityMetricAnalysis['charts'];
  for (const range of CAPACITY_RANGES) {
    const stepMs = CAPACITY_RANGE_STEP_MS[range];
    const to = Math.ceil(now / stepMs) * stepMs;
    const from = to - CAPACITY_RANGE_DAYS[range] * DAY_MS;
    // Fine data shows short peaks in the maxima where it covers the range.
    const buckets =
      fine.length > 0 && range !== '90d'
        ? bucketizeParts(withHourlyBefore(hourly, fine, from), stepMs, from, to)
        : bucketize(hourly, stepMs, from, to);
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
    current: current?.value,
    currentPeriod: current?.period,
    peak7d,
    headroom,
    headroomPercent:
      headroom !== undefined && limit ? (headroom / limit) * 100 : undefined,
    growth: growthPerWeek(model, now),
    model,
    forecast,
    episodes,
    triggers30d: episodes.filter(e => e.sustained).length,
    triggerEvaluation,
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
    currentPeriod: analysis.currentPeriod,
    peak7d: analysis.peak7d,
    headroom: analysis.headroom,
    headroomPercent: analysis.headroomPercent,
    growth: analysis.growth,
    forecast: analysis.forecast,
    episodes: analysis.episodes.filter(e => Date.parse(e.end) >= rangeStart),
    triggers30d: analysis.triggers30d,
    triggerEvaluation: analysis.triggerEvaluation,
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
    currentPeriod: analysis.currentPeriod,
    peak7d: analysis.peak7d,
    headroom: analysis.headroom,
    forecast: analysis.forecast,
    growth: analysis.growth,
    triggers30d: analysis.triggers30d,
  };
}

function fineParts(fine: CapacityMetricInput['fine']): CapacityFineSeries[] {
  if (fine === undefined) return [];
  const parts = Array.isArray(fine) ? fine : [fine];
  return [...parts].sort(
    (a, b) =>
      (a.from ?? a.series.timestamps[0] ?? 0) -
      (b.from ?? b.series.timestamps[0] ?? 0),
  );
}

/**
 * The series a chart of fine data is bucketed from, in order: the hourly
 * data before the fine data starts (unless that is before `from`), then
 * the fine parts. Taken part by part rather than concatenated, as 1-minute
 * series are long.
 */
function withHourlyBefore(
  hourly: TimeSeries,
  parts: CapacityFineSeries[],
  from: number,
): DenseTimeSeries[] {
  const fine = parts.map(p => p.series);
  let fineStart = Infinity;
  for (const series of fine) {
    if (series.timestamps.length > 0) {
      fineStart = series.timestamps[0];
      break;
    }
  }
  if (fineStart <= from) return fine;
  const timestamps: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < hourly.timestamps.length; i++) {
    if (hourly.timestamps[i] < fineStart) {
      timestamps.push(hourly.timestamps[i]);
      values.push(hourly.values[i]);
    }
  }
  return [{ timestamps, values }, ...fine];
}

/** What the triggers count, in which data. */
function evaluation(
  sources: CapacityFineSeries[],
  episodes: BreachEpisode[],
  rule: { sustainMinutes: number },
  since: number,
  now: number,
): CapacityTriggerEvaluation {
  const windows: CapacityEvaluationWindow[] = [];
  for (const part of sources) {
    const ts = part.series.timestamps;
    const from = Math.max(since, part.from ?? ts[0] ?? since);
    const to = Math.min(
      now,
      part.to ??
        (ts.length > 0 ? ts[ts.length - 1] + part.periodSeconds * 1000 : now),
    );
    if (to <= from) continue;
    windows.push({
      start: new Date(from).toISOString(),
      end: new Date(to).toISOString(),
      periodSeconds: part.periodSeconds,
    });
  }
  const minutes = (list: BreachEpisode[]) =>
    list.reduce((sum, e) => sum + e.durationMinutes, 0);
  const short = episodes.filter(e => !e.sustained);
  return {
    windows,
    triggerMinutes: minutes(episodes.filter(e => e.sustained)),
    shortBreaches: short.length,
    shortBreachMinutes: minutes(short),
    approximate: windows.some(
      w =>
        rule.sustainMinutes > 0 && w.periodSeconds > rule.sustainMinutes * 60,
    ),
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

function clip(series: DenseTimeSeries, since: number): DenseTimeSeries {
  // Ascending timestamps (the usual case): one slice from the first kept.
  const ts = series.timestamps;
  let first = 0;
  while (first < ts.length && ts[first] < since) first++;
  let ascending = first === ts.length || ts[first] >= since;
  for (let i = first + 1; i < ts.length && ascending; i++) {
    ascending = ts[i] >= ts[i - 1];
  }
  if (ascending) {
    return first === 0
      ? series
      : { timestamps: ts.slice(first), values: series.values.slice(first) };
  }
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
