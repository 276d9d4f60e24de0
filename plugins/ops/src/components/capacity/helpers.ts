import { Entity } from '@backstage/catalog-model';
import {
  BreachEpisode,
  CapacityUnit,
  ForecastResult,
  formatCapacityValue,
  isCapacityConfigured,
} from '@opsportal/plugin-ops-common';
import { DateTime } from 'luxon';

/** Path of the Capacity tab of an entity page. */
export const CAPACITY_TAB_PATH = 'capacity';

/**
 * Whether an entity has a source of capacity metrics: Container Insights,
 * an ALB target group or an SQS queue.
 * @public
 */
export function isCapacityAvailable(entity: Entity): boolean {
  return isCapacityConfigured(entity);
}

/** A date for people: `14 Apr 2026`. */
export function formatDay(iso: string | undefined): string {
  if (!iso) return '–';
  return DateTime.fromISO(iso).toFormat('d LLL yyyy');
}

/** A date and time for people: `14 Apr, 13:40`. */
export function formatMoment(iso: string): string {
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
