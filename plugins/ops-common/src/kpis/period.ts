import { DateTime } from 'luxon';

/**
 * The periods KPIs are shown for: the last 30 or 90 days (rolling), or a
 * calendar month (in a configured time zone; the current one runs up to now).
 */

/** @public */
export const kpiPeriods = ['30d', '90d', 'month'] as const;
/** @public */
export type KpiPeriod = (typeof kpiPeriods)[number];

/** A half-open time range [start, end), ISO 8601. @public */
export interface KpiRange {
  start: string;
  end: string;
}

/** The ranges of one period: the one shown, the one it is compared with, and the history points. @public */
export interface KpiPeriodRanges {
  period: KpiPeriod;
  /** `Last 30 days`, `March 2026`, `March 2026 (to date)`. */
  label: string;
  /** The calendar month, for `month` (YYYY-MM). */
  month?: string;
  current: KpiRange;
  /**
   * What the trend compares with: the 30 or 90 days before; the previous
   * month; for a month in progress, the previous month up to the same point.
   */
  previous: KpiRange;
  /** A month not over yet. */
  inProgress: boolean;
  /**
   * Windows of the small history charts, oldest first: for rolling periods a
   * window of the period's length ending every 7 days (the value as it was
   * shown that day); for a month, the month to date at the end of each week.
   */
  history: KpiRange[];
}

const DAY = 86_400_000;
const WEEK = 7 * DAY;

function range(start: number, end: number): KpiRange {
  return {
    start: new Date(start).toISOString(),
    end: new Date(end).toISOString(),
  };
}

/** Whether a string is a month `YYYY-MM`. @public */
export function isKpiMonth(value: string): boolean {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(value);
}

/**
 * The ranges of a period at `now`. A month must not start after `now`.
 * @public
 */
export function kpiPeriodRanges(
  period: KpiPeriod,
  now: Date,
  options: { month?: string; timeZone?: string } = {},
): KpiPeriodRanges {
  const end = now.getTime();
  if (period !== 'month') {
    const days = period === '30d' ? 30 : 90;
    const length = days * DAY;
    const history: KpiRange[] = [];
    for (let at = end - Math.floor(days / 7) * WEEK; at <= end; at += WEEK) {
      history.push(range(at - length, at));
    }
    return {
      period,
      label: `Last ${days} days`,
      current: range(end - length, end),
      previous: range(end - 2 * length, end - length),
      inProgress: false,
      history,
    };
  }

  const zone = options.timeZone ?? 'UTC';
  const monthStart = options.month
    ? DateTime.fromISO(`${options.month}-01`, { zone })
    : DateTime.fromJSDate(now, { zone }).startOf('month');
  if (!monthStart.isValid || (options.month && !isKpiMonth(options.month))) {
    throw new Error(`"${options.month}" is not a month (YYYY-MM)`);
  }
  if (monthStart.toMillis() > end) {
    throw new Error(`${monthStart.toFormat('yyyy-MM')} has not started yet`);
  }
  const monthEnd = monthStart.plus({ months: 1 });
  const previousStart = monthStart.minus({ months: 1 });
  const inProgress = monthEnd.toMillis() > end;
  const currentEnd = Math.min(monthEnd.toMillis(), end);
  const elapsed = currentEnd - monthStart.toMillis();
  const previousEnd = inProgress
    ? Math.min(previousStart.toMillis() + elapsed, monthStart.toMillis())
    : monthStart.toMillis();
  const history: KpiRange[] = [];
  for (
    let at = monthStart.toMillis() + WEEK;
    at < currentEnd;
    at = DateTime.fromMillis(at, { zone }).plus({ weeks: 1 }).toMillis()
  ) {
    history.push(range(monthStart.toMillis(), at));
  }
  history.push(range(monthStart.toMillis(), currentEnd));
  const name = monthStart.setLocale('en-US').toFormat('LLLL yyyy');
  return {
    period,
    label: inProgress ? `${name} (to date)` : name,
    month: monthStart.toFormat('yyyy-MM'),
    current: range(monthStart.toMillis(), currentEnd),
    previous: range(previousStart.toMillis(), previousEnd),
    inProgress,
    history,
  };
}

/** Length of a range in milliseconds. @public */
export function kpiRangeMs(r: KpiRange): number {
  return Date.parse(r.end) - Date.parse(r.start);
}
