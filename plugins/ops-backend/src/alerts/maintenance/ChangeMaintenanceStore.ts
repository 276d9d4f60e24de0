import {
  ChangeMaintenanceWindow,
  MaintenancePeriod,
} from '@opsportal/plugin-ops-common';
import { Knex } from 'knex';
import { isUniqueViolation } from '../../reviews/ReviewsStore';

const TABLE = 'ops_change_maintenance_windows';

/** Longest error text kept in a row. */
const MAX_ERROR_LENGTH = 1000;

type Time = Date | string | number;

interface Row {
  change_request_id: string;
  service_ids: string;
  start_at: Time;
  end_at: Time;
  status: ChangeMaintenanceWindow['status'];
  window_id: string | null;
  html_url: string | null;
  error: string | null;
  attempts: number | string;
  updated_at: Time;
}

/** A stored row, with what the writers' conditional updates compare. */
export interface StoredChangeMaintenance extends ChangeMaintenanceWindow {
  /** Creation attempts started so far (the claim of the one under way included). */
  attempts: number;
  /** ISO 8601. */
  updatedAt: string;
}

/**
 * The PagerDuty maintenance windows the portal opened for change requests,
 * one row per change (`ops_change_maintenance_windows`). Every write that
 * moves a row on is conditional on the status (and, for creations, the
 * attempt number) the writer read, so that replicas never both create a
 * window for one change:
 *
 * - `claim` inserts a `pending` row at attempt 1; a duplicate key means
 *   another replica (or an earlier attempt) owns the change.
 * - `claimRetry` moves a `failed` row, or a `pending` one whose owner has
 *   been silent for longer than a lease, to the next attempt.
 * - `markOpen` / `markFailed` finish the attempt that is still current.
 * - `markEnded` ends a row in the statuses given.
 */
export class ChangeMaintenanceStore {
  constructor(private readonly knex: Knex) {}

  /**
   * Takes the creation of the change's window: true when this caller
   * inserted the row (and must now create the window), false when a row
   * already existed.
   */
  async claim(row: {
    changeRequestId: string;
    serviceIds: string[];
    start: Date;
    end: Date;
    now: Date;
  }): Promise<boolean> {
    try {
      await this.knex(TABLE).insert({
        change_request_id: row.changeRequestId,
        service_ids: JSON.stringify(row.serviceIds),
        start_at: row.start,
        end_at: row.end,
        status: 'pending',
        window_id: null,
        html_url: null,
        error: null,
        attempts: 1,
        updated_at: row.now,
      });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /**
   * Takes another creation attempt of a row read at `attempts`: a `failed`
   * row, or a `pending` one not touched since `staleBefore` (its owner
   * crashed or hung). True when this caller won; the row is then `pending`
   * at `attempts + 1` with the new period.
   */
  async claimRetry(options: {
    changeRequestId: string;
    attempts: number;
    staleBefore: Date;
    serviceIds: string[];
    start: Date;
    end: Date;
    now: Date;
  }): Promise<boolean> {
    const updated = await this.knex(TABLE)
      .where({
        change_request_id: options.changeRequestId,
        attempts: options.attempts,
      })
      .andWhere(q =>
        q
          .where('status', 'failed')
          .orWhere(p =>
            p
              .where('status', 'pending')
              .andWhere('updated_at', '<', options.staleBefore),
          ),
      )
      .update({
        status: 'pending',
        attempts: options.attempts + 1,
        service_ids: JSON.stringify(options.serviceIds),
        start_at: options.start,
        end_at: options.end,
        updated_at: options.now,
      });
    return updated === 1;
  }

  /** Finishes the current attempt with the window created; false if the attempt is no longer current. */
  async markOpen(options: {
    changeRequestId: string;
    attempts: number;
    windowId: string;
    htmlUrl?: string;
    start: Date;
    end: Date;
    now: Date;
  }): Promise<boolean> {
    const updated = await this.knex(TABLE)
      .where({
        change_request_id: options.changeRequestId,
        attempts: options.attempts,
        status: 'pending',
      })
      .update({
        status: 'open',
        window_id: options.windowId.slice(0, 64),
        html_url: options.htmlUrl?.slice(0, 512) ?? null,
        start_at: options.start,
        end_at: options.end,
        error: null,
        updated_at: options.now,
      });
    return updated === 1;
  }

  /** Finishes the current attempt as failed; false if it is no longer current. */
  async markFailed(options: {
    changeRequestId: string;
    attempts: number;
    error: string;
    now: Date;
  }): Promise<boolean> {
    const updated = await this.knex(TABLE)
      .where({
        change_request_id: options.changeRequestId,
        attempts: options.attempts,
        status: 'pending',
      })
      .update({
        status: 'failed',
        error: options.error.slice(0, MAX_ERROR_LENGTH),
        updated_at: options.now,
      });
    return updated === 1;
  }

  /**
   * Ends a row that is in one of `from` (and, for an open one, still names
   * `windowId`): the period now stops at `end` when that is earlier than
   * planned. False when the row had moved on.
   */
  async markEnded(options: {
    changeRequestId: string;
    from: Array<ChangeMaintenanceWindow['status']>;
    windowId?: string;
    end: Date;
    now: Date;
  }): Promise<boolean> {
    const row = await this.getRow(options.changeRequestId);
    if (!row || !options.from.includes(row.status)) return false;
    const plannedEnd = toDate(row.end_at);
    const query = this.knex(TABLE)
      .where({ change_request_id: options.changeRequestId })
      .whereIn('status', options.from);
    if (options.windowId !== undefined) {
      query.andWhere('window_id', options.windowId);
    }
    const updated = await query.update({
      status: 'ended',
      end_at:
        plannedEnd.getTime() > options.end.getTime() ? options.end : plannedEnd,
      updated_at: options.now,
    });
    return updated === 1;
  }

  /** Keeps an error on an open row (its end failed), leaving it open for the next try. */
  async noteError(options: {
    changeRequestId: string;
    status: ChangeMaintenanceWindow['status'];
    error: string;
    now: Date;
  }): Promise<void> {
    await this.knex(TABLE)
      .where({
        change_request_id: options.changeRequestId,
        status: options.status,
      })
      .update({
        error: options.error.slice(0, MAX_ERROR_LENGTH),
        updated_at: options.now,
      });
  }

  async get(
    changeRequestId: string,
  ): Promise<StoredChangeMaintenance | undefined> {
    const row = await this.getRow(changeRequestId);
    return row ? toStored(row) : undefined;
  }

  /** Rows in these statuses (the reconciliation's work), oldest update first. */
  async listByStatus(
    statuses: Array<ChangeMaintenanceWindow['status']>,
    limit = 500,
  ): Promise<StoredChangeMaintenance[]> {
    const rows: Row[] = await this.knex(TABLE)
      .whereIn('status', statuses)
      .orderBy('updated_at', 'asc')
      .limit(limit);
    return rows.map(toStored);
  }

  /**
   * Windows that were (or are) open in PagerDuty and overlap [since, until),
   * oldest first.
   */
  async listPeriods(since: Date, until: Date): Promise<MaintenancePeriod[]> {
    const rows: Row[] = await this.knex(TABLE)
      .whereIn('status', ['open', 'ended'])
      .whereNotNull('window_id')
      .andWhere('start_at', '<', until)
      .andWhere('end_at', '>', since)
      .orderBy('start_at', 'asc')
      .orderBy('change_request_id', 'asc');
    return rows
      .filter(
        row => toDate(row.end_at).getTime() > toDate(row.start_at).getTime(),
      )
      .map(row => ({
        start: iso(row.start_at),
        end: iso(row.end_at),
        serviceIds: parseIds(row.service_ids),
        changeRequestId: row.change_request_id,
      }));
  }

  private async getRow(changeRequestId: string): Promise<Row | undefined> {
    return this.knex(TABLE)
      .where({ change_request_id: changeRequestId })
      .first();
  }
}

function toStored(row: Row): StoredChangeMaintenance {
  return {
    changeRequestId: row.change_request_id,
    ...(row.window_id ? { windowId: row.window_id } : {}),
    serviceIds: parseIds(row.service_ids),
    start: iso(row.start_at),
    end: iso(row.end_at),
    status: row.status,
    ...(row.error ? { error: row.error } : {}),
    ...(row.html_url ? { htmlUrl: row.html_url } : {}),
    attempts: Number(row.attempts),
    updatedAt: iso(row.updated_at),
  };
}

/** A stored time; SQLite hands back epoch ms, the others Dates. */
function toDate(value: Time): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'number' || /^\d+$/.test(value)) {
    return new Date(Number(value));
  }
  return new Date(value);
}

function iso(value: Time): string {
  return toDate(value).toISOString();
}

function parseIds(text: string): string[] {
  try {
    const ids = JSON.parse(text);
    return Array.isArray(ids) ? ids.filter(i => typeof i === 'string') : [];
  } catch {
    return [];
  }
}
