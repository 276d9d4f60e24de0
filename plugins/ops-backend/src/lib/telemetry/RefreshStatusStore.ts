import { Knex } from 'knex';

/** How a refresh run ended. */
export type RefreshOutcome = 'success' | 'partial' | 'failure';

/** The stored status of one scheduler task (one shard). */
export interface RefreshStatusRow {
  taskId: string;
  feature: string;
  lastStartedAt?: Date;
  lastSuccessAt?: Date;
  lastFailureAt?: Date;
  lastError?: string;
  lastOutcome?: RefreshOutcome;
  lastDurationMs?: number;
}

/** Where the last runs of the refresh tasks are kept (`ops_refresh_status`). */
export interface RefreshStatusStore {
  started(taskId: string, feature: string, at: Date): Promise<void>;
  finished(run: {
    taskId: string;
    feature: string;
    at: Date;
    outcome: RefreshOutcome;
    durationMs: number;
    /** The failure's short message (outcome failure or partial). */
    error?: string;
  }): Promise<void>;
  list(): Promise<RefreshStatusRow[]>;
}

interface Row {
  task_id: string;
  feature: string;
  last_started_at: Date | string | number | null;
  last_success_at: Date | string | number | null;
  last_failure_at: Date | string | number | null;
  last_error: string | null;
  last_outcome: string | null;
  last_duration_ms: number | string | null;
}

/** A stored time; SQLite hands back epoch ms, the others Dates. */
function toDate(value: Date | string | number | null): Date | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value;
  if (typeof value === 'number' || /^\d+$/.test(value)) {
    return new Date(Number(value));
  }
  return new Date(value);
}

/**
 * {@link RefreshStatusStore} in the ops database: one row per task id,
 * upserted (`INSERT ... ON CONFLICT` / `ON DUPLICATE KEY UPDATE`) twice a
 * run, so replicas sharing the database see each other's runs.
 */
export class DatabaseRefreshStatusStore implements RefreshStatusStore {
  constructor(private readonly db: Knex) {}

  async started(taskId: string, feature: string, at: Date) {
    await this.db('ops_refresh_status')
      .insert({ task_id: taskId, feature, last_started_at: at })
      .onConflict('task_id')
      .merge(['feature', 'last_started_at']);
  }

  async finished(run: {
    taskId: string;
    feature: string;
    at: Date;
    outcome: RefreshOutcome;
    durationMs: number;
    error?: string;
  }) {
    const failed = run.outcome === 'failure';
    const row: Record<string, unknown> = {
      task_id: run.taskId,
      feature: run.feature,
      last_outcome: run.outcome,
      last_duration_ms: Math.max(0, Math.round(run.durationMs)),
    };
    if (failed) {
      row.last_failure_at = run.at;
      row.last_error = (run.error ?? 'failed').slice(0, 300);
    } else {
      row.last_success_at = run.at;
    }
    await this.db('ops_refresh_status')
      .insert(row)
      .onConflict('task_id')
      .merge(Object.keys(row).filter(k => k !== 'task_id'));
  }

  async list(): Promise<RefreshStatusRow[]> {
    const rows = (await this.db('ops_refresh_status').select()) as Row[];
    return rows.map(r => ({
      taskId: r.task_id,
      feature: r.feature,
      lastStartedAt: toDate(r.last_started_at),
      lastSuccessAt: toDate(r.last_success_at),
      lastFailureAt: toDate(r.last_failure_at),
      lastError: r.last_error ?? undefined,
      lastOutcome: (r.last_outcome ?? undefined) as RefreshOutcome | undefined,
      lastDurationMs:
        r.last_duration_ms === null ? undefined : Number(r.last_duration_ms),
    }));
  }
}
