import { AsyncLocalStorage } from 'node:async_hooks';
import { LoggerService } from '@backstage/backend-plugin-api';
import { HumanDuration } from '@backstage/types';
import {
  RefreshHealth,
  RefreshHealthStatus,
} from '@opsportal/plugin-ops-common';
import { Duration } from 'luxon';
import { Clock, systemClock } from '../clock';
import { OpsTask } from '../feature';
import { summarizeError } from './errorSummary';
import {
  RefreshOutcome,
  RefreshStatusRow,
  RefreshStatusStore,
} from './RefreshStatusStore';

/** A refresh is stale when its last success is older than this many intervals. */
export const STALE_INTERVALS = 3;

const SHARD_SUFFIX = /-shard-\d+-of-\d+$/;

/** Task id without its shard suffix (`ops-slo-refresh-shard-2-of-4` is `ops-slo-refresh`). */
export function baseTaskId(id: string): string {
  return id.replace(SHARD_SUFFIX, '');
}

/** The feature of a task id `ops-<feature>-<what>` (`ops-oncall-refresh` is `oncall`). */
export function featureOfTask(id: string): string {
  const parts = id.split('-');
  return parts[0] === 'ops' && parts.length > 2 ? parts[1] : baseTaskId(id);
}

/** Milliseconds of a schedule's frequency; undefined for cron and manual ones. */
export function frequencyMillis(
  frequency: OpsTask['frequency'],
): number | undefined {
  if (!frequency || typeof frequency !== 'object') return undefined;
  if ('cron' in frequency || 'trigger' in frequency) return undefined;
  const ms = Duration.isDuration(frequency)
    ? frequency.toMillis()
    : Duration.fromObject(frequency as HumanDuration).toMillis();
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

/** What one run wrote to the snapshot store (see {@link RefreshRuns.noteSnapshot}). */
interface RunState {
  good: number;
  failed: number;
  firstError?: string;
}

interface KnownTask {
  id: string;
  base: string;
  feature: string;
  frequencyMs?: number;
}

/** What a run reports when it ends, for the refresh histogram. */
export interface RefreshRunRecord {
  task: string;
  feature: string;
  outcome: RefreshOutcome;
  seconds: number;
}

/**
 * Wraps each refresh task once (see `scheduleFeatureTasks`) so that every
 * run, on whichever replica, is timed, recorded in the refresh histogram
 * and upserted into `ops_refresh_status`; and reads that table back for
 * the health route.
 *
 * A run's outcome: `failure` when its function throws (or is cancelled),
 * or when every snapshot it wrote was a failure (the features catch
 * upstream failures and mark the snapshots failed: the task itself
 * succeeds); `partial` when some snapshots failed and some did not;
 * otherwise `success`. Snapshot writes are attributed to the run through
 * an AsyncLocalStorage, so page views refreshing an entity outside a run
 * do not count.
 */
export class RefreshRuns {
  private readonly tasks = new Map<string, KnownTask>();
  private readonly runs = new AsyncLocalStorage<RunState>();
  private readonly clock: Clock;
  private readonly startedAt: Date;

  constructor(
    private readonly options: {
      store: RefreshStatusStore;
      logger: LoggerService;
      record?: (run: RefreshRunRecord) => void;
      clock?: Clock;
    },
  ) {
    this.clock = options.clock ?? systemClock;
    this.startedAt = this.clock.now();
  }

  /** The task with its runs timed and recorded. */
  instrument(task: OpsTask): OpsTask {
    const base = baseTaskId(task.id);
    const known: KnownTask = {
      id: task.id,
      base,
      feature: featureOfTask(base),
      frequencyMs: frequencyMillis(task.frequency),
    };
    this.tasks.set(task.id, known);
    return {
      ...task,
      fn: async signal => {
        await this.run(
          known,
          async () => {
            await task.fn(signal);
          },
          signal as AbortSignal,
        );
      },
    };
  }

  /**
   * Counts a snapshot written by the run in progress, if any: good
   * (`put`, `putMany`) or failed (`markFailed`, with its message).
   */
  noteSnapshot(ok: boolean, count = 1, error?: string): void {
    const state = this.runs.getStore();
    if (!state) return;
    if (ok) state.good += count;
    else {
      state.failed += count;
      if (state.firstError === undefined && error) state.firstError = error;
    }
  }

  private async run(
    task: KnownTask,
    fn: () => Promise<void>,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const started = this.clock.now();
    await this.write(() =>
      this.options.store.started(task.id, task.feature, started),
    );
    const state: RunState = { good: 0, failed: 0 };
    let thrown: unknown;
    let threw = false;
    try {
      await this.runs.run(state, fn);
    } catch (error) {
      threw = true;
      thrown = error;
    }
    const ended = this.clock.now();
    const durationMs = ended.getTime() - started.getTime();
    let outcome: RefreshOutcome = 'success';
    let error: string | undefined;
    if (threw || signal?.aborted) {
      outcome = 'failure';
      error = threw
        ? summarizeError(thrown)
        : 'The run was cancelled (timeout or shutdown)';
    } else if (state.failed > 0) {
      outcome = state.good > 0 ? 'partial' : 'failure';
      error = `${state.failed} of ${
        state.good + state.failed
      } snapshots failed: ${summarizeError(state.firstError ?? 'failed')}`;
    }
    this.options.record?.({
      task: task.base,
      feature: task.feature,
      outcome,
      seconds: durationMs / 1000,
    });
    await this.write(() =>
      this.options.store.finished({
        taskId: task.id,
        feature: task.feature,
        at: ended,
        outcome,
        durationMs,
        error,
      }),
    );
    if (threw) throw thrown;
  }

  /** A status write that fails (database down) never fails the refresh. */
  private async write(fn: () => Promise<void>) {
    try {
      await fn();
    } catch (error) {
      this.options.logger.warn(
        `Could not record the refresh status: ${summarizeError(error)}`,
      );
    }
  }

  /**
   * The refresh tasks this backend schedules, shards taken together, with
   * their last runs from the database (every replica's), sorted by feature
   * and task.
   */
  async health(): Promise<RefreshHealth[]> {
    const rows = new Map<string, RefreshStatusRow>();
    for (const row of await this.options.store.list()) {
      rows.set(row.taskId, row);
    }
    const now = this.clock.now().getTime();
    const uptime = now - this.startedAt.getTime();
    const groups = new Map<string, KnownTask[]>();
    for (const task of this.tasks.values()) {
      const group = groups.get(task.base);
      if (group) group.push(task);
      else groups.set(task.base, [task]);
    }
    const out: RefreshHealth[] = [];
    for (const [base, shards] of groups) {
      const frequencyMs = shards[0].frequencyMs;
      const staleAfterMs =
        frequencyMs === undefined ? undefined : frequencyMs * STALE_INTERVALS;
      const statuses = shards.map(s => rows.get(s.id));
      const successes = statuses.map(r => r?.lastSuccessAt?.getTime());
      const everySucceeded = successes.every(t => t !== undefined);
      const oldest = everySucceeded
        ? Math.min(...(successes as number[]))
        : undefined;
      const failing = statuses.filter(
        r =>
          r?.lastFailureAt &&
          (!r.lastSuccessAt || r.lastFailureAt > r.lastSuccessAt),
      ) as RefreshStatusRow[];
      const newestFailure = failing.sort(
        (a, b) => b.lastFailureAt!.getTime() - a.lastFailureAt!.getTime(),
      )[0];
      const started = statuses
        .map(r => r?.lastStartedAt?.getTime())
        .filter((t): t is number => t !== undefined);
      const durations = statuses
        .map(r => r?.lastDurationMs)
        .filter((d): d is number => d !== undefined);

      let status: RefreshHealthStatus;
      if (newestFailure) status = 'failing';
      else if (oldest === undefined) {
        // Never succeeded everywhere yet: 'never' while the backend is
        // young, stale once it has been up for as long as a success may
        // be missing.
        status =
          staleAfterMs !== undefined && uptime > staleAfterMs
            ? 'stale'
            : 'never';
      } else if (staleAfterMs !== undefined && now - oldest > staleAfterMs) {
        status = 'stale';
      } else status = 'ok';

      out.push({
        task: base,
        feature: shards[0].feature,
        shards: shards.length,
        status,
        ...(oldest !== undefined
          ? {
              lastSuccessAt: new Date(oldest).toISOString(),
              ageSeconds: Math.max(0, Math.round((now - oldest) / 1000)),
            }
          : {}),
        ...(started.length
          ? { lastStartedAt: new Date(Math.max(...started)).toISOString() }
          : {}),
        ...(newestFailure
          ? {
              lastFailureAt: newestFailure.lastFailureAt!.toISOString(),
              lastError: newestFailure.lastError,
            }
          : {}),
        ...(durations.length ? { lastDurationMs: Math.max(...durations) } : {}),
        ...(staleAfterMs !== undefined
          ? { staleAfterSeconds: Math.round(staleAfterMs / 1000) }
          : {}),
      });
    }
    return out.sort(
      (a, b) =>
        a.feature.localeCompare(b.feature) || a.task.localeCompare(b.task),
    );
  }
}
