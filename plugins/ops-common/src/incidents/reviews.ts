import { DateTime } from 'luxon';

/**
 * Business-calendar maths of post-incident reviews: a review is due a number
 * of business days after its incident (or emergency change), counted in the
 * organisation's calendar (working weekdays, public holidays, time zone).
 * Due dates are calendar dates (`YYYY-MM-DD`) in that time zone, and a
 * review is due by the end of its due date: it is overdue from the next day
 * on.
 */

/** A business calendar. @public */
export interface BusinessCalendar {
  /** ISO weekdays that are working days (1 = Monday ... 7 = Sunday); default Monday to Friday. */
  weekdays?: readonly number[];
  /** Dates (`YYYY-MM-DD`) that are not working days. */
  holidays?: readonly string[];
  /** IANA time zone the dates are read in; default `UTC`. */
  timeZone?: string;
}

/** Monday to Friday. @public */
export const DEFAULT_BUSINESS_WEEKDAYS: readonly number[] = [1, 2, 3, 4, 5];

/** Business days after an incident a review is due by default. @public */
export const DEFAULT_REVIEW_DUE_BUSINESS_DAYS = 5;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function zoneOf(calendar: BusinessCalendar): string {
  return calendar.timeZone ?? 'UTC';
}

function weekdaysOf(calendar: BusinessCalendar): readonly number[] {
  const days = calendar.weekdays ?? DEFAULT_BUSINESS_WEEKDAYS;
  if (days.length === 0) {
    throw new Error('a business calendar needs at least one working weekday');
  }
  return days;
}

/** A date or instant as the calendar day it falls on, at midnight in the zone. */
function dayOf(value: Date | string, zone: string): DateTime {
  const day =
    typeof value === 'string' && DATE.test(value)
      ? DateTime.fromISO(value, { zone })
      : DateTime.fromJSDate(new Date(value), { zone });
  if (!day.isValid) throw new Error(`not a date: ${String(value)}`);
  return day.startOf('day');
}

function isWorkingDay(
  day: DateTime,
  weekdays: readonly number[],
  holidays: ReadonlySet<string>,
): boolean {
  return weekdays.includes(day.weekday) && !holidays.has(day.toISODate()!);
}

/**
 * The calendar date (`YYYY-MM-DD`) an instant falls on in a time zone.
 * @public
 */
export function calendarDate(at: Date | string, timeZone = 'UTC'): string {
  return dayOf(at, timeZone).toISODate()!;
}

/**
 * Whether a date (or the day an instant falls on) is a working day.
 * @public
 */
export function isBusinessDay(
  date: Date | string,
  calendar: BusinessCalendar = {},
): boolean {
  const zone = zoneOf(calendar);
  return isWorkingDay(
    dayOf(date, zone),
    weekdaysOf(calendar),
    new Set(calendar.holidays ?? []),
  );
}

/**
 * The date `n` business days after the day `date` falls on in the
 * calendar's zone, counting from the day after: an incident on Friday with
 * n = 1 is due Monday (Tuesday when Monday is a holiday). With n = 0, the
 * day itself when it is a working day, otherwise the next working day.
 * Answers `YYYY-MM-DD`.
 * @public
 */
export function addBusinessDays(
  date: Date | string,
  n: number,
  calendar: BusinessCalendar = {},
): string {
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(`business days must be a whole number >= 0, not ${n}`);
  }
  const weekdays = weekdaysOf(calendar);
  const holidays = new Set(calendar.holidays ?? []);
  let day = dayOf(date, zoneOf(calendar));
  if (n === 0) {
    while (!isWorkingDay(day, weekdays, holidays)) day = day.plus({ days: 1 });
    return day.toISODate()!;
  }
  let left = n;
  while (left > 0) {
    day = day.plus({ days: 1 });
    if (isWorkingDay(day, weekdays, holidays)) left -= 1;
  }
  return day.toISODate()!;
}

/**
 * The last working day before a date (`YYYY-MM-DD`): when a review's owner
 * is reminded that it is due.
 * @public
 */
export function previousBusinessDay(
  date: string,
  calendar: BusinessCalendar = {},
): string {
  const weekdays = weekdaysOf(calendar);
  const holidays = new Set(calendar.holidays ?? []);
  let day = dayOf(date, zoneOf(calendar)).minus({ days: 1 });
  while (!isWorkingDay(day, weekdays, holidays)) day = day.minus({ days: 1 });
  return day.toISODate()!;
}

/**
 * Whether a due date (`YYYY-MM-DD`, due by the end of that day in the zone)
 * has passed at `now`.
 * @public
 */
export function isPastDue(
  dueDate: string,
  now: Date,
  timeZone = 'UTC',
): boolean {
  return calendarDate(now, timeZone) > dueDate;
}

/**
 * Whether a review is overdue: not completed and past its due date.
 * @public
 */
export function isReviewOverdue(
  review: { status: string; dueDate: string },
  now: Date,
  timeZone = 'UTC',
): boolean {
  return (
    review.status !== 'completed' && isPastDue(review.dueDate, now, timeZone)
  );
}

/**
 * Whether a review was completed on or before its due date (the day of its
 * completion in the zone); undefined while it is not completed.
 * @public
 */
export function reviewCompletedOnTime(
  review: { status: string; dueDate: string; completedAt?: string },
  timeZone = 'UTC',
): boolean | undefined {
  if (review.status !== 'completed' || !review.completedAt) return undefined;
  return calendarDate(review.completedAt, timeZone) <= review.dueDate;
}

/**
 * Whether an action item is overdue: not done and past its due date.
 * @public
 */
export function isActionItemOverdue(
  item: { status: string; dueDate: string },
  now: Date,
  timeZone = 'UTC',
): boolean {
  return item.status !== 'done' && isPastDue(item.dueDate, now, timeZone);
}

/**
 * The instants a due date (`YYYY-MM-DD`) spans in a time zone: from its
 * start (the period it counts in) to its end (from then on it is overdue).
 * @public
 */
export function dueDateSpan(
  dueDate: string,
  timeZone = 'UTC',
): { start: Date; end: Date } {
  const start = dayOf(dueDate, timeZone);
  return {
    start: start.toJSDate(),
    end: start.plus({ days: 1 }).toJSDate(),
  };
}

/** Formats a review's database id as `PIR-<n>`. @public */
export function formatReviewId(dbId: number): string {
  return `PIR-${dbId}`;
}

/** Formats an action item's database id as `AI-<n>`. @public */
export function formatActionItemId(dbId: number): string {
  return `AI-${dbId}`;
}

const MAX_DB_ID = 2_147_483_647;

function parseId(prefix: string, id: string): number | undefined {
  const match = new RegExp(`^${prefix}-(\\d{1,10})$`, 'i').exec(id.trim());
  if (!match) return undefined;
  const n = Number(match[1]);
  return n >= 1 && n <= MAX_DB_ID ? n : undefined;
}

/** The database id of `PIR-<n>`, or undefined when it is not one. @public */
export function parseReviewId(id: string): number | undefined {
  return parseId('PIR', id);
}

/** The database id of `AI-<n>`, or undefined when it is not one. @public */
export function parseActionItemId(id: string): number | undefined {
  return parseId('AI', id);
}
