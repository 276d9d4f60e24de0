import { DateTime } from 'luxon';
import type {
  ChangePolicy,
  FreezePeriod,
  MaintenanceWindowRule,
} from './model';

/** One occurrence of the maintenance window. @public */
export interface MaintenanceWindow {
  /** ISO 8601 instant (UTC). */
  start: string;
  /** ISO 8601 instant (UTC). */
  end: string;
}

/** Answer of `GET /maintenance-windows`. @public */
export interface MaintenanceCalendar {
  /** The time zone the window is defined in. */
  timeZone: string;
  /** In words, e.g. "first Sunday of each month, 02:00–04:00 America/New_York". */
  description: string;
  windows: MaintenanceWindow[];
  freezes: FreezePeriod[];
}

/**
 * The window's start on one local day. The local start time is taken in the
 * rule's time zone, so the window follows daylight saving time (02:00 New
 * York is 07:00 UTC in winter and 06:00 UTC in summer). Where the local start
 * time does not exist (the hour skipped when clocks go forward) the window
 * starts when the clocks have jumped, at the same offset past the gap; it
 * always lasts `durationMinutes` of real time.
 */
function occurrenceOn(
  rule: MaintenanceWindowRule,
  year: number,
  month: number,
  day: number,
): MaintenanceWindow {
  const [hour, minute] = rule.startTime.split(':').map(Number);
  const start = DateTime.fromObject(
    { year, month, day, hour, minute },
    { zone: rule.timeZone },
  );
  const end = start.plus({ minutes: rule.durationMinutes });
  return { start: start.toUTC().toISO()!, end: end.toUTC().toISO()! };
}

/** The day of the month of the rule's weekday in a month, if there is one. */
function dayInMonth(
  rule: MaintenanceWindowRule,
  year: number,
  month: number,
): number | undefined {
  const first = DateTime.fromObject(
    { year, month, day: 1 },
    { zone: rule.timeZone },
  );
  const daysInMonth = first.daysInMonth!;
  if (rule.weekOfMonth === -1) {
    const last = first.set({ day: daysInMonth });
    return daysInMonth - ((last.weekday - rule.weekday + 7) % 7);
  }
  const day =
    1 + ((rule.weekday - first.weekday + 7) % 7) + 7 * (rule.weekOfMonth - 1);
  return day <= daysInMonth ? day : undefined;
}

/**
 * Occurrences of the maintenance window that overlap `[from, to)`, in order.
 * @public
 */
export function maintenanceWindowsBetween(
  rule: MaintenanceWindowRule,
  from: Date,
  to: Date,
): MaintenanceWindow[] {
  const windows: MaintenanceWindow[] = [];
  // Start a little early so that a window that began before `from` counts.
  let cursor = DateTime.fromJSDate(from, { zone: rule.timeZone })
    .minus({ minutes: rule.durationMinutes })
    .minus({ days: 1 })
    .startOf('day');
  const last = DateTime.fromJSDate(to, { zone: rule.timeZone }).endOf('day');
  const fromMs = from.getTime();
  const toMs = to.getTime();
  const push = (w: MaintenanceWindow) => {
    if (Date.parse(w.end) > fromMs && Date.parse(w.start) < toMs) {
      windows.push(w);
    }
  };

  if (rule.frequency === 'weekly') {
    cursor = cursor.plus({ days: (rule.weekday - cursor.weekday + 7) % 7 });
    while (cursor <= last) {
      push(occurrenceOn(rule, cursor.year, cursor.month, cursor.day));
      cursor = cursor.plus({ weeks: 1 });
    }
    return windows;
  }

  cursor = cursor.startOf('month');
  while (cursor <= last) {
    const day = dayInMonth(rule, cursor.year, cursor.month);
    if (day !== undefined) {
      push(occurrenceOn(rule, cursor.year, cursor.month, day));
    }
    cursor = cursor.plus({ months: 1 });
  }
  return windows;
}

/**
 * Whether `[start, end]` lies entirely inside one occurrence of the window.
 * @public
 */
export function isWithinMaintenanceWindow(
  rule: MaintenanceWindowRule,
  start: Date,
  end: Date,
): boolean {
  if (!(end.getTime() > start.getTime())) return false;
  return maintenanceWindowsBetween(rule, start, end).some(
    w =>
      Date.parse(w.start) <= start.getTime() &&
      end.getTime() <= Date.parse(w.end),
  );
}

/** The next window that starts at or after `after`. @public */
export function nextMaintenanceWindow(
  rule: MaintenanceWindowRule,
  after: Date,
): MaintenanceWindow | undefined {
  const horizon = new Date(after.getTime() + 400 * 24 * 3600_000);
  return maintenanceWindowsBetween(rule, after, horizon).find(
    w => Date.parse(w.start) >= after.getTime(),
  );
}

/**
 * The next window that starts at or after `after` and overlaps no freeze.
 * Freezes are end-exclusive instants, as `findFreezes` and the policy check
 * read them: a window that ends when a freeze starts, or starts when it ends,
 * is open.
 * @public
 */
export function nextOpenMaintenanceWindow(
  rule: MaintenanceWindowRule,
  freezes: FreezePeriod[],
  after: Date,
): MaintenanceWindow | undefined {
  let cursor = after;
  // Each round steps past the end of at least one freeze, so this ends.
  for (let round = 0; round <= freezes.length; round++) {
    const window = nextMaintenanceWindow(rule, cursor);
    if (!window) return undefined;
    const frozen = findFreezes(
      freezes,
      new Date(window.start),
      new Date(window.end),
    );
    if (frozen.length === 0) return window;
    // Every window lasts as long, so each one starting before the last of
    // these freezes ends overlaps it too: look from that end on.
    cursor = new Date(Math.max(...frozen.map(f => Date.parse(f.end))));
  }
  return undefined;
}

/**
 * The window to suggest for a change planned at `now`: the first one with
 * due notice (starting `noticeDays` or more from now) that lies in no
 * freeze, so that a change planned in it needs no justification and may be
 * submitted.
 * @public
 */
export function suggestedMaintenanceWindow(
  policy: Pick<ChangePolicy, 'maintenanceWindow' | 'noticeDays' | 'freezes'>,
  now: Date,
): MaintenanceWindow | undefined {
  return nextOpenMaintenanceWindow(
    policy.maintenanceWindow,
    policy.freezes,
    new Date(now.getTime() + policy.noticeDays * 24 * 3600_000),
  );
}

/** Freeze periods that overlap `[from, to)`. @public */
export function findFreezes(
  freezes: FreezePeriod[],
  from: Date,
  to: Date,
): FreezePeriod[] {
  return freezes.filter(
    f =>
      Date.parse(f.start) < to.getTime() && from.getTime() < Date.parse(f.end),
  );
}

/**
 * Whether two planned periods overlap (touching ends do not).
 * @public
 */
export function periodsOverlap(
  a: { plannedStart: string; plannedEnd: string },
  b: { plannedStart: string; plannedEnd: string },
): boolean {
  return (
    Date.parse(a.plannedStart) < Date.parse(b.plannedEnd) &&
    Date.parse(b.plannedStart) < Date.parse(a.plannedEnd)
  );
}
