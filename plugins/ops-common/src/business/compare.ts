import {
  BusinessComparison,
  BusinessMetricUnit,
  BusinessPoint,
  BusinessRatePer,
} from './types';

/** One week in milliseconds: "the same time last week" is this much earlier. @public */
export const BUSINESS_WEEK_MS = 7 * 86_400_000;

const SECONDS_PER: Record<BusinessRatePer, number> = {
  second: 1,
  minute: 60,
  hour: 3600,
};

/**
 * What a period's value is multiplied by to express it per `per`: the
 * orders of a 300-second period are 1/5 of the orders per minute, the
 * revenue of a 300-second period 12 times less than the revenue per hour.
 * 1 without `per` (levels such as active users or a conversion rate).
 * @public
 */
export function rateFactor(
  periodSeconds: number,
  per: BusinessRatePer | undefined,
): number {
  return per ? SECONDS_PER[per] / periodSeconds : 1;
}

/**
 * The share by which `current` departs from `lastWeek`: 0.25 is 25 % more,
 * -0.4 is 40 % less. Undefined when last week's value is 0 (any change is
 * infinite) or either value is missing.
 * @public
 */
export function deviationShare(
  current: number | undefined,
  lastWeek: number | undefined,
): number | undefined {
  if (current === undefined || lastWeek === undefined) return undefined;
  if (!Number.isFinite(current) || !Number.isFinite(lastWeek)) return undefined;
  if (lastWeek === 0) return current === 0 ? 0 : undefined;
  return (current - lastWeek) / Math.abs(lastWeek);
}

/** The outcome of comparing a value with the same time last week. @public */
export interface BusinessDeviation {
  deviation?: number;
  flagged: boolean;
  comparison: BusinessComparison;
  /** Why it is flagged or cannot be compared, in words (without the metric's name). */
  reason?: string;
}

/** `34 %`, `2.5 %`, `0.4 %`: a share for people. @public */
export function formatShare(share: number): string {
  const percent = Math.abs(share) * 100;
  return `${percent >= 10 ? Math.round(percent) : percent.toFixed(1)} %`;
}

/**
 * Compares the current value with the same time last week: flagged when it
 * departs by more than `allowedShare` of last week's value, either way (a
 * sudden rise of orders is as worth a look as a fall); `worse` or `better`
 * by the metric's direction. A value where last week had 0 is flagged, as
 * any change from nothing exceeds every share.
 * @public
 */
export function compareWithLastWeek(options: {
  current?: number;
  lastWeek?: number;
  allowedShare: number;
  higherIsBetter: boolean;
}): BusinessDeviation {
  const { current, lastWeek, allowedShare, higherIsBetter } = options;
  if (current === undefined) {
    return {
      flagged: false,
      comparison: 'unknown',
      reason: 'No value for the last complete period',
    };
  }
  if (lastWeek === undefined) {
    return {
      flagged: false,
      comparison: 'unknown',
      reason: 'No value for the same time last week to compare with',
    };
  }
  const deviation = deviationShare(current, lastWeek);
  const up = current > lastWeek;
  const good = up === higherIsBetter;
  if (deviation === undefined) {
    // Last week was 0 and now it is not.
    return {
      flagged: true,
      comparison: good ? 'better' : 'worse',
      reason: `Last week at this time it was 0; now it is not`,
    };
  }
  if (Math.abs(deviation) <= allowedShare) {
    return { deviation, flagged: false, comparison: 'same' };
  }
  return {
    deviation,
    flagged: true,
    comparison: good ? 'better' : 'worse',
    reason: `${formatShare(deviation)} ${
      up ? 'above' : 'below'
    } the same time last week, more than the ${formatShare(
      allowedShare,
    )} allowed`,
  };
}

/**
 * Points of a series (epoch ms and values) as a business metric's points:
 * values scaled by `factor`, not-finite values and points outside
 * [from, to) left out, oldest first; `shiftMs` moves the timestamps (last
 * week's series by a week, to overlay today's).
 * @public
 */
export function toBusinessPoints(
  timestamps: number[],
  values: number[],
  options: { factor: number; from: number; to: number; shiftMs?: number },
): BusinessPoint[] {
  const { factor, from, to, shiftMs = 0 } = options;
  const points: BusinessPoint[] = [];
  for (let i = 0; i < timestamps.length; i++) {
    const t = timestamps[i];
    const v = values[i];
    if (t < from || t >= to || !Number.isFinite(v)) continue;
    points.push({ t: t + shiftMs, v: v * factor });
  }
  return points.sort((a, b) => a.t - b.t);
}

/**
 * The last complete period's point (the newest point whose period ended by
 * `end`) and the point of the same period in last week's series (already
 * shifted by a week to overlay, so at the same `t`). Last week's point
 * carries its own time, a week earlier.
 * @public
 */
export function currentAndLastWeek(
  series: BusinessPoint[],
  lastWeekSeries: BusinessPoint[],
  periodMs: number,
  end: number,
): { current?: BusinessPoint; lastWeek?: BusinessPoint } {
  let current: BusinessPoint | undefined;
  for (let i = series.length - 1; i >= 0; i--) {
    if (series[i].t + periodMs <= end) {
      current = series[i];
      break;
    }
  }
  if (!current) return {};
  const match = lastWeekSeries.find(p => p.t === current!.t);
  return {
    current,
    lastWeek: match && { t: match.t - BUSINESS_WEEK_MS, v: match.v },
  };
}

const UNIT_WORDS: Record<BusinessRatePer, string> = {
  second: 's',
  minute: 'min',
  hour: 'h',
};

/**
 * A business value for people: `12.4 / min`, `$48,200 / h`, `3,410 users`,
 * `2.9 %`.
 * @public
 */
export function formatBusinessValue(
  value: number | undefined,
  unit: BusinessMetricUnit,
  options: { currency?: string; per?: BusinessRatePer; locale?: string } = {},
): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  const { currency, per, locale = 'en-US' } = options;
  const suffix = per ? ` / ${UNIT_WORDS[per]}` : '';
  const digits = Math.abs(value) >= 100 ? 0 : 1;
  switch (unit) {
    case 'percent':
      return `${value.toFixed(Math.abs(value) >= 10 ? 1 : 2)} %`;
    case 'currency':
      return `${new Intl.NumberFormat(locale, {
        style: 'currency',
        currency: currency ?? 'USD',
        maximumFractionDigits: 0,
      }).format(value)}${suffix}`;
    case 'users':
      return `${new Intl.NumberFormat(locale, {
        maximumFractionDigits: 0,
      }).format(value)} users${suffix}`;
    case 'count':
    default:
      return `${new Intl.NumberFormat(locale, {
        maximumFractionDigits: digits,
        minimumFractionDigits: 0,
      }).format(value)}${suffix}`;
  }
}
