import { unit } from '../random';
import { AlarmHistoryEntry, AlarmStateValue } from './store';

/**
 * Alarm histories of the fake account, built from spells: the times an
 * alarm was out of OK. Between spells it is OK; the last spell may still be
 * open (the alarm's current state).
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** A time an alarm was not OK, [start, end) in epoch ms; open without `end`. */
export interface Spell {
  start: number;
  end?: number;
  /** Default ALARM. */
  state?: Exclude<AlarmStateValue, 'OK'>;
}

/** A history and the alarm state it leaves the alarm in. */
export interface BuiltHistory {
  history: AlarmHistoryEntry[];
  state: AlarmStateValue;
  /** When the last change happened; undefined without changes. */
  changedAt?: number;
}

/**
 * The state changes of an alarm that was OK outside `spells`: OK→ALARM at
 * each start, ALARM→OK at each end. Spells are sorted; an open spell must
 * be the last one and overlapping spells are refused (they would make a
 * history no alarm can have).
 */
export function historyOf(spells: Spell[]): BuiltHistory {
  const sorted = [...spells].sort((a, b) => a.start - b.start);
  const history: AlarmHistoryEntry[] = [];
  let state: AlarmStateValue = 'OK';
  let last = -Infinity;
  sorted.forEach((spell, i) => {
    const to = spell.state ?? 'ALARM';
    if (
      spell.start <= last ||
      (spell.end !== undefined && spell.end <= spell.start)
    ) {
      throw new Error(`Overlapping or empty alarm spell at ${spell.start}`);
    }
    if (spell.end === undefined && i !== sorted.length - 1) {
      throw new Error('Only the last alarm spell can be open');
    }
    history.push({ at: new Date(spell.start), from: 'OK', to });
    state = to;
    last = spell.start;
    if (spell.end !== undefined) {
      history.push({ at: new Date(spell.end), from: to, to: 'OK' });
      state = 'OK';
      last = spell.end;
    }
  });
  return {
    history,
    state,
    changedAt: history.length
      ? history[history.length - 1].at.getTime()
      : undefined,
  };
}

/** The start of the UTC day `daysAgo` days before the one holding `anchor`. */
export function utcDay(anchor: number, daysAgo: number): number {
  return Math.floor(anchor / DAY) * DAY - daysAgo * DAY;
}

/**
 * `count` short spells in the UTC day starting at `dayStart`, one in each
 * of `count` equal slots between 01:00 and 23:00, lasting 4 to 25 minutes,
 * at times fixed by `key`: `count` ALARM→OK round trips that day.
 */
export function spellsInDay(
  key: string,
  dayStart: number,
  count: number,
): Spell[] {
  const slot = (22 * HOUR) / count;
  const spells: Spell[] = [];
  for (let i = 0; i < count; i++) {
    const lasts =
      4 * MINUTE + Math.floor(unit(`${key}|${i}|len`) * 21) * MINUTE;
    const slack = Math.max(0, slot - lasts - MINUTE);
    const start =
      dayStart +
      HOUR +
      i * slot +
      Math.floor((unit(`${key}|${i}|at`) * slack) / MINUTE) * MINUTE;
    spells.push({ start, end: start + lasts });
  }
  return spells;
}

/**
 * A flapping alarm's spells: on each of `daysAgo` (UTC days before the
 * anchor's), 3 to `3 + extra` round trips, fixed by `key`.
 */
export function flappingSpells(
  key: string,
  anchor: number,
  daysAgo: number[],
  extra = 3,
): Spell[] {
  return daysAgo.flatMap(d =>
    spellsInDay(
      `${key}|${d}`,
      utcDay(anchor, d),
      3 + Math.floor(unit(`${key}|${d}|n`) * (extra + 1)),
    ),
  );
}

/** One spell that ended `endedAgoMs` before the anchor and lasted `lastedMs`. */
export function firedOnce(
  anchor: number,
  endedAgoMs: number,
  lastedMs: number,
): Spell {
  return { start: anchor - endedAgoMs - lastedMs, end: anchor - endedAgoMs };
}
