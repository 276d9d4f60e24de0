import { AlarmStateValue, AlarmTransition } from '@opsportal/plugin-ops-common';
import { AlarmStateChange } from '@opsportal/plugin-ops-node';
import { Knex } from 'knex';

const TRANSITIONS = 'ops_alarm_transitions';
const MARKS = 'ops_alarm_history_marks';

/** Rows per insert statement: under every database's parameter limit. */
const INSERT_CHUNK = 200;
/** Names per `IN (...)` list. */
const READ_CHUNK = 500;

/** How far a region's alarm history has been read. */
export interface HistoryMark {
  /** Earliest time the stored history covers (ISO 8601). */
  observedSince: string;
  /** History before this time has been read (ISO 8601). */
  readUntil: string;
  updatedAt: string;
}

type Time = Date | string | number;

/** A stored time as ISO 8601; SQLite hands back epoch ms, the others Dates. */
function iso(value: Time): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || /^\d+$/.test(value)) {
    return new Date(Number(value)).toISOString();
  }
  return new Date(value).toISOString();
}

const STATES: readonly string[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];

function state(value: unknown): AlarmStateValue | undefined {
  return typeof value === 'string' && STATES.includes(value)
    ? (value as AlarmStateValue)
    : undefined;
}

/**
 * The alarm state changes read from CloudWatch's alarm history (which keeps
 * 30 days), kept in ops_alarm_transitions so that 90-day questions can be
 * answered, and per region how far the history has been read. Inserting is
 * idempotent (unique region, alarm, time and target state): refreshes that
 * read overlapping ranges, or run on two replicas, store each change once.
 * Regions are keyed by name, `''` for the provider's default region.
 */
export class AlarmHistoryStore {
  constructor(private readonly db: Knex) {}

  /** Stores state changes, ignoring those already stored. Answers how many were offered. */
  async insertTransitions(
    region: string,
    changes: AlarmStateChange[],
  ): Promise<number> {
    const unique = new Map<string, Record<string, unknown>>();
    for (const change of changes) {
      const at = new Date(change.at);
      if (Number.isNaN(at.getTime()) || !state(change.to)) continue;
      if (!change.alarmName || change.alarmName.length > 255) continue;
      const key = `${change.alarmName}\u0000${at.getTime()}\u0000${change.to}`;
      unique.set(key, {
        region,
        alarm_name: change.alarmName,
        at,
        from_state: state(change.from) ?? null,
        to_state: change.to,
      });
    }
    const rows = [...unique.values()];
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      await this.db(TRANSITIONS)
        .insert(rows.slice(i, i + INSERT_CHUNK))
        .onConflict(['region', 'alarm_name', 'at', 'to_state'])
        .ignore();
    }
    return rows.length;
  }

  /** State changes of these alarms of one region in [since, until), oldest first, by alarm name. */
  async transitions(
    region: string,
    alarmNames: string[],
    since: Date,
    until: Date,
  ): Promise<Map<string, AlarmTransition[]>> {
    const result = new Map<string, AlarmTransition[]>();
    const names = [...new Set(alarmNames)];
    for (let i = 0; i < names.length; i += READ_CHUNK) {
      const rows: {
        alarm_name: string;
        at: Time;
        from_state: string | null;
        to_state: string;
      }[] = await this.db(TRANSITIONS)
        .where({ region })
        .whereIn('alarm_name', names.slice(i, i + READ_CHUNK))
        .andWhere('at', '>=', since)
        .andWhere('at', '<', until)
        .orderBy([{ column: 'alarm_name' }, { column: 'at' }, { column: 'id' }])
        .select('alarm_name', 'at', 'from_state', 'to_state');
      for (const row of rows) {
        const to = state(row.to_state);
        if (!to) continue;
        const from = state(row.from_state);
        const list = result.get(row.alarm_name) ?? [];
        list.push({ at: iso(row.at), ...(from ? { from } : {}), to });
        result.set(row.alarm_name, list);
      }
    }
    return result;
  }

  async getMark(region: string): Promise<HistoryMark | undefined> {
    const row = await this.db(MARKS).where({ region }).first();
    return row ? toMark(row) : undefined;
  }

  /** Every region's mark, by region. */
  async listMarks(): Promise<Map<string, HistoryMark>> {
    const rows = await this.db(MARKS).select();
    return new Map(rows.map(row => [row.region as string, toMark(row)]));
  }

  /** Records how far a region's history has been read (after the changes are stored). */
  async setMark(
    region: string,
    mark: { observedSince: Date; readUntil: Date; now: Date },
  ): Promise<void> {
    await this.db(MARKS)
      .insert({
        region,
        observed_since: mark.observedSince,
        read_until: mark.readUntil,
        updated_at: mark.now,
      })
      .onConflict(['region'])
      .merge(['observed_since', 'read_until', 'updated_at']);
  }

  /**
   * Removes state changes before `before` (the retention), and moves each
   * mark's observed-since up to it. Answers how many changes were removed.
   */
  async trim(before: Date): Promise<number> {
    const removed = await this.db(TRANSITIONS)
      .where('at', '<', before)
      .delete();
    await this.db(MARKS)
      .where('observed_since', '<', before)
      .update({ observed_since: before });
    return removed;
  }
}

function toMark(row: {
  observed_since: Time;
  read_until: Time;
  updated_at: Time;
}): HistoryMark {
  return {
    observedSince: iso(row.observed_since),
    readUntil: iso(row.read_until),
    updatedAt: iso(row.updated_at),
  };
}
