import {
  BreachEpisode,
  CapacityCurrentPeriod,
  CapacityMetricView,
  CapacityUnit,
  ForecastResult,
  datapointsForDuration,
  formatCapacityValue,
} from '@opsportal/plugin-ops-common';
import { DateTime } from 'luxon';

// Defined in ../availability, which the plugin's entry points import
// without this module's dependencies.
export { isCapacityAvailable } from '../availability';

/** Path of the Capacity tab of an entity page. */
export const CAPACITY_TAB_PATH = 'capacity';

/** A date for people: `14 Apr 2026`. */
export function formatDay(iso: string | undefined): string {
  if (!iso) return '–';
  return DateTime.fromISO(iso).toFormat('d LLL yyyy');
}

/** A date and time for people: `14 Apr, 13:40`. */
function formatMoment(iso: string): string {
  return DateTime.fromISO(iso).toFormat('ccc d LLL, HH:mm');
}

/** Days as people say them: `under a day`, `1 day`, `23 days`. */
export function formatDays(days: number): string {
  if (days < 1) return 'under a day';
  const whole = Math.round(days);
  return `${whole} day${whole === 1 ? '' : 's'}`;
}

/** The forecast in one sentence, e.g. "Reaches 70 % in 23 days, around 14 Apr 2026." */
export function describeForecast(
  forecast: ForecastResult,
  unit: CapacityUnit,
): string {
  const limit = formatCapacityValue(forecast.limit, unit);
  switch (forecast.status) {
    case 'already-over':
      return `Already at its limit of ${limit}.`;
    case 'crossing':
      return `Reaches ${limit} in ${formatDays(
        forecast.daysToLimit ?? 0,
      )}, around ${formatDay(forecast.crossingAt)}.`;
    case 'no-limit-in-sight':
      return `No limit in sight: stays below ${limit} for the next ${forecast.horizonDays} days.`;
    case 'no-limit':
      return 'No limit set for this metric: trend only.';
    case 'insufficient-data':
    default:
      return 'Not enough data for a forecast yet (three days are needed).';
  }
}

/** The forecast's interval and confidence, e.g. "80 % interval 5 Apr – 24 Apr 2026; medium confidence." */
export function describeInterval(forecast: ForecastResult): string | undefined {
  if (forecast.status !== 'crossing' && !forecast.earliestAt) return undefined;
  if (forecast.status === 'no-limit-in-sight') {
    return `At the earliest ${formatDay(forecast.earliestAt)} (${Math.round(
      forecast.intervalLevel * 100,
    )} % band); ${forecast.confidence} confidence.`;
  }
  const latest = forecast.latestAt
    ? formatDay(forecast.latestAt)
    : `beyond ${forecast.horizonDays} days`;
  return `${Math.round(forecast.intervalLevel * 100)} % interval ${formatDay(
    forecast.earliestAt,
  )} – ${latest}; ${forecast.confidence} confidence.`;
}

/** An episode in words: "Mon 9 Mar, 13:20 for 50 min, peak 81.0 %". */
export function describeEpisode(
  episode: BreachEpisode,
  unit: CapacityUnit,
): string {
  return `${formatMoment(episode.start)} for ${Math.round(
    episode.durationMinutes,
  )} min, peak ${formatCapacityValue(episode.peak, unit)}`;
}

/** A time of day for people: `09:00`. */
function formatTime(iso: string): string {
  return DateTime.fromISO(iso).toFormat('HH:mm');
}

/**
 * The statistic behind a current value in words: `average`, `p95`,
 * `maximum`, `sum ÷ seconds` (a rate from a count).
 */
function describeStatistic(
  statistic: string | undefined,
  unit: CapacityUnit,
): string | undefined {
  switch (statistic) {
    case undefined:
    case '':
      return undefined;
    case 'Sum':
      return unit === 'requestsPerSecond' || unit === 'bytesPerSecond'
        ? 'sum ÷ seconds'
        : 'sum';
    case 'Average':
      return 'average';
    case 'Maximum':
      return 'maximum';
    case 'Minimum':
      return 'minimum';
    case 'SampleCount':
      return 'sample count';
    default:
      return statistic;
  }
}

/**
 * The period a current value covers: `last full hour`, or with `times`
 * `last full hour, 09:00–10:00, average`. Snapshots from before the period
 * was kept say `latest hourly value`.
 */
export function describeCurrentPeriod(
  period: CapacityCurrentPeriod | undefined,
  unit: CapacityUnit,
  options: { times?: boolean } = {},
): string {
  if (!period) return 'latest hourly value';
  const parts = [period.label];
  if (options.times) {
    parts.push(`${formatTime(period.start)}–${formatTime(period.end)}`);
    const statistic = describeStatistic(period.statistic, unit);
    if (statistic) parts.push(statistic);
  }
  return parts.join(', ');
}

/** A current value with its period: `17.2 req/s · last full hour`. */
export function describeCurrent(
  metric: Pick<CapacityMetricView, 'current' | 'currentPeriod' | 'unit'>,
  options: { times?: boolean } = {},
): string {
  const value = formatCapacityValue(metric.current, metric.unit);
  if (metric.current === undefined) return value;
  return `${value} · ${describeCurrentPeriod(
    metric.currentPeriod,
    metric.unit,
    options,
  )}`;
}

/** A rule's breach condition: `> 70.0 % for ≥ 15 min`, `> 100 messages`. */
function describeBreachCondition(
  metric: Pick<CapacityMetricView, 'rule' | 'unit'>,
): string {
  const { threshold, sustainMinutes } = metric.rule;
  if (threshold === undefined) return 'no threshold';
  return `> ${formatCapacityValue(threshold, metric.unit)}${
    sustainMinutes > 0 ? ` for ≥ ${sustainMinutes} min` : ''
  }`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * What the triggers of the last 30 days count, exactly: "3 trigger
 * episodes (> 70.0 % for ≥ 15 min), 110 breaching minutes; 1 shorter
 * breach (10 min), not counted". An episode is a run of consecutive
 * datapoints above the threshold and counts once however long it lasts;
 * the breaching minutes are those within the counted episodes.
 */
export function describeTriggers(metric: CapacityMetricView): string {
  if (metric.rule.threshold === undefined) return '–';
  const evaluation = metric.triggerEvaluation;
  let text = `${plural(
    metric.triggers30d,
    'trigger episode',
  )} (${describeBreachCondition(metric)})`;
  if (evaluation && metric.triggers30d > 0) {
    text += `, ${plural(
      Math.round(evaluation.triggerMinutes),
      'breaching minute',
    )}`;
  }
  if (evaluation && evaluation.shortBreaches > 0) {
    text += `; ${plural(
      evaluation.shortBreaches,
      'shorter breach',
      'shorter breaches',
    )} (${Math.round(evaluation.shortBreachMinutes)} min), not counted`;
  }
  return text;
}

/** A resolution in words: `1-min`, `5-min`, `hourly`. */
export function resolutionWords(periodSeconds: number): string {
  if (periodSeconds === 3600) return 'hourly';
  if (periodSeconds % 60 === 0) return `${periodSeconds / 60}-min`;
  return `${periodSeconds}-s`;
}

/**
 * Which data the triggers were evaluated on: "evaluated on 1-min data (15
 * consecutive points) since 3 Mar 2026, 5-min data (3 consecutive points)
 * before". `short` leaves out the points: "evaluated on 1-min data, 5-min
 * before 3 Mar 2026". Undefined when the snapshot does not say.
 */
export function describeEvaluation(
  metric: CapacityMetricView,
  options: { short?: boolean } = {},
): string | undefined {
  const evaluation = metric.triggerEvaluation;
  if (metric.rule.threshold === undefined || !evaluation) return undefined;
  const { sustainMinutes } = metric.rule;
  const [newest, ...older] = [...evaluation.windows].reverse();
  if (!newest) return undefined;
  const data = (periodSeconds: number) => {
    const words = `${resolutionWords(periodSeconds)} data`;
    if (options.short || sustainMinutes <= 0) return words;
    return `${words} (${plural(
      datapointsForDuration(sustainMinutes, periodSeconds),
      'consecutive point',
    )})`;
  };
  let text = `evaluated on ${data(newest.periodSeconds)}`;
  if (older.length > 0) {
    const before = older.map(w => data(w.periodSeconds)).join(', ');
    text += options.short
      ? `, ${before} before ${formatDay(newest.start)}`
      : ` since ${formatDay(newest.start)}, ${before} before`;
  }
  if (evaluation.approximate) {
    text += `; approximate: a datapoint longer than ${sustainMinutes} min counts when its mean is above the threshold`;
  }
  return text;
}

/**
 * What a metric's trigger episodes are, how long they lasted and the data
 * they were found in: "Trigger: > 70.0 % for ≥ 15 min; 110 breaching
 * minutes in the 3 episodes; evaluated on 1-min data, 5-min data
 * before 3 Mar 2026". Undefined for a metric without a threshold.
 */
export function describeTriggerRule(m: CapacityMetricView): string | undefined {
  if (m.rule.threshold === undefined) return undefined;
  const parts = [`Trigger: ${describeBreachCondition(m)}`];
  if (m.triggerEvaluation && m.triggers30d > 0) {
    parts.push(
      `${Math.round(m.triggerEvaluation.triggerMinutes)} breaching minutes in ${
        m.triggers30d === 1 ? 'the episode' : `the ${m.triggers30d} episodes`
      }`,
    );
  }
  const evaluation = describeEvaluation(m, { short: true });
  if (evaluation) parts.push(evaluation);
  return parts.join('; ');
}

/** Saves text as a file in the browser. */
export function downloadText(filename: string, text: string, type: string) {
  const blob = new Blob([text], { type });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}
