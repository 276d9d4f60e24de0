import {
  AlarmFlag,
  AlarmNoise,
  AlarmStateValue,
  AlarmWindowStats,
  AlarmTransition,
  MaintenancePeriod,
  NoiseThresholds,
} from './types';

/** Input of {@link analyzeAlarmNoise}: one alarm's history and current state. @public */
export interface AlarmNoiseInput {
  /** State changes known for the alarm, any order. */
  transitions: AlarmTransition[];
  /** Current state and since when (ISO 8601), from DescribeAlarms. */
  state: AlarmStateValue;
  since?: string;
  /** Earliest time the portal has history for (ISO 8601). */
  observedSince: string;
  /** Maintenance windows that cover the alarm's services. */
  maintenance: MaintenancePeriod[];
  hasActions: boolean;
  hasRunbook: boolean;
  thresholds: NoiseThresholds;
  now: Date;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The analysis windows: 7 and 30 days back from the analysis time. */
const WEEK_DAYS = 7;
const MONTH_DAYS = 30;

interface Point {
  /** Epoch milliseconds. */
  at: number;
  to: AlarmStateValue;
  /** The state before, as recorded (first point only matters). */
  from?: AlarmStateValue;
}

interface Entry {
  at: number;
  inMaintenance: boolean;
}

interface RoundTrip {
  /** When the alarm returned to OK. */
  at: number;
  /** Whether the entry into ALARM that began it was inside maintenance. */
  inMaintenance: boolean;
}

function time(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const at = Date.parse(iso);
  return Number.isFinite(at) ? at : undefined;
}

/**
 * The alarm's state changes as a timeline: valid transitions up to `now`,
 * without duplicates, oldest first, ending in the current state.
 */
function timeline(input: AlarmNoiseInput, now: number): Point[] {
  const seen = new Set<string>();
  const points: Point[] = [];
  for (const t of input.transitions) {
    const at = time(t.at);
    if (at === undefined || at > now) continue;
    const key = `${at}|${t.from ?? ''}|${t.to}`;
    if (seen.has(key)) continue;
    seen.add(key);
    points.push({ at, to: t.to, from: t.from });
  }
  points.sort((a, b) => a.at - b.at);
  // The current state (DescribeAlarms) is authoritative for now: when the
  // history does not end in it, the alarm changed into it at `since`, or,
  // when `since` is unknown or earlier than the last recorded change, right
  // after that change.
  const since = time(input.since);
  const last = points[points.length - 1];
  if (!last) {
    if (since !== undefined && since <= now) {
      points.push({ at: since, to: input.state });
    }
  } else if (last.to !== input.state) {
    const at =
      since !== undefined && since <= now && since >= last.at ? since : last.at;
    points.push({ at, to: input.state, from: last.to });
  }
  return points;
}

function inMaintenance(at: number, periods: MaintenancePeriod[]): boolean {
  return periods.some(p => {
    const start = time(p.start);
    const end = time(p.end);
    return start !== undefined && end !== undefined && at >= start && at < end;
  });
}

function overlap(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}

function windowStats(
  days: number,
  now: number,
  entries: Entry[],
  trips: RoundTrip[],
  alarmSpans: [number, number][],
  thresholds: NoiseThresholds,
): AlarmWindowStats {
  const start = now - days * DAY_MS;
  const inWindow = (at: number) => at >= start && at <= now;
  let alarmCount = 0;
  let alarmsInMaintenance = 0;
  for (const e of entries) {
    if (!inWindow(e.at)) continue;
    if (e.inMaintenance) alarmsInMaintenance++;
    if (!e.inMaintenance || !thresholds.excludeMaintenance) alarmCount++;
  }
  let ms = 0;
  for (const [from, to] of alarmSpans) ms += overlap(from, to, start, now);
  const perDay = new Map<number, number>();
  for (const trip of trips) {
    if (!inWindow(trip.at)) continue;
    if (trip.inMaintenance && thresholds.excludeMaintenance) continue;
    const day = Math.floor(trip.at / DAY_MS);
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }
  let flappingDays = 0;
  let maxRoundTripsPerDay = 0;
  for (const count of perDay.values()) {
    if (count >= thresholds.flappingRoundTripsPerDay) flappingDays++;
    maxRoundTripsPerDay = Math.max(maxRoundTripsPerDay, count);
  }
  return {
    days,
    alarmCount,
    minutesInAlarm: Math.round(ms / MINUTE_MS),
    flappingDays,
    maxRoundTripsPerDay,
    alarmsInMaintenance,
  };
}

/**
 * The noise score of {@link analyzeAlarmNoise}: ALARM transitions over 30
 * days, plus twice those of the last 7 days, plus 5 per flapping day over 30
 * days, plus 10 when stuck. Zero for a quiet alarm.
 * @public
 */
export function alarmNoiseScore(
  figures: Pick<AlarmNoise, 'week' | 'month' | 'flags'>,
): number {
  return (
    figures.month.alarmCount +
    2 * figures.week.alarmCount +
    5 * figures.month.flappingDays +
    (figures.flags.includes('stuck') ? 10 : 0)
  );
}

/**
 * The noise figures of one alarm over the last 7 and 30 days: ALARM count,
 * time in ALARM, flapping days, stuck, never fired, and its flags and
 * noise score. Pure; definitions in docs/alerts.md.
 * @public
 */
export function analyzeAlarmNoise(
  input: AlarmNoiseInput,
): Pick<
  AlarmNoise,
  'week' | 'month' | 'lastFiredAt' | 'observedDays' | 'flags' | 'noiseScore'
> {
  const { thresholds } = input;
  const now = input.now.getTime();
  const observedSince = time(input.observedSince) ?? now;
  const points = timeline(input, now);

  // Walk the timeline: entries into ALARM, spans in ALARM, round trips.
  const entries: Entry[] = [];
  const trips: RoundTrip[] = [];
  const alarmSpans: [number, number][] = [];
  // Before the first recorded change the alarm was in that change's `from`
  // state (or, without any change, in its current state) since the portal
  // began observing it.
  const first = points[0];
  let state: AlarmStateValue | undefined = first ? first.from : input.state;
  let stateStart = first ? Math.min(observedSince, first.at) : observedSince;
  // The entry into ALARM that the next return to OK completes.
  let pending: Entry | undefined;
  for (const point of points) {
    if (point.to === state) continue;
    if (state === 'ALARM') alarmSpans.push([stateStart, point.at]);
    if (point.to === 'ALARM') {
      const entry = {
        at: point.at,
        inMaintenance: inMaintenance(point.at, input.maintenance),
      };
      entries.push(entry);
      pending = entry;
    } else if (point.to === 'OK' && pending) {
      trips.push({ at: point.at, inMaintenance: pending.inMaintenance });
      pending = undefined;
    }
    state = point.to;
    stateStart = point.at;
  }
  if (state === 'ALARM') alarmSpans.push([stateStart, now]);

  const week = windowStats(
    WEEK_DAYS,
    now,
    entries,
    trips,
    alarmSpans,
    thresholds,
  );
  const month = windowStats(
    MONTH_DAYS,
    now,
    entries,
    trips,
    alarmSpans,
    thresholds,
  );

  let lastFired = entries.length ? entries[entries.length - 1].at : undefined;
  const since = time(input.since);
  if (input.state === 'ALARM' && since !== undefined && since <= now) {
    lastFired = Math.max(lastFired ?? since, since);
  }
  const observedDays = Math.min(
    thresholds.neverFiredDays,
    Math.max(0, Math.floor((now - observedSince) / DAY_MS)),
  );

  const flags: AlarmFlag[] = [];
  if (week.alarmCount >= thresholds.noisyAlarmsPerWeek) flags.push('noisy');
  if (month.flappingDays > 0) flags.push('flapping');
  if (
    input.state === 'ALARM' &&
    now - stateStart > thresholds.stuckAfterHours * HOUR_MS
  ) {
    flags.push('stuck');
  }
  const neverFiredSince = now - thresholds.neverFiredDays * DAY_MS;
  if (
    input.state !== 'ALARM' &&
    (lastFired === undefined || lastFired < neverFiredSince) &&
    (observedDays >= thresholds.neverFiredDays ||
      (since !== undefined && since < neverFiredSince))
  ) {
    flags.push('never-fired');
  }
  if (!input.hasActions) flags.push('no-actions');
  if (!input.hasRunbook) flags.push('no-runbook');

  return {
    week,
    month,
    lastFiredAt:
      lastFired === undefined ? undefined : new Date(lastFired).toISOString(),
    observedDays,
    flags,
    noiseScore: alarmNoiseScore({ week, month, flags }),
  };
}

/**
 * Noisiest first: by noise score, then minutes in ALARM over 30 days, then
 * name (alphabetically). Returns a new array.
 * @public
 */
export function rankAlarms<
  T extends Pick<AlarmNoise, 'noiseScore' | 'month' | 'alarmName'>,
>(alarms: T[]): T[] {
  return [...alarms].sort(
    (a, b) =>
      b.noiseScore - a.noiseScore ||
      b.month.minutesInAlarm - a.month.minutesInAlarm ||
      byName(a.alarmName, b.alarmName),
  );
}

function byName(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
