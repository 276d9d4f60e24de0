import { HumanDuration } from '@backstage/types';
import {
  SchedulerService,
  SchedulerServiceTaskInvocationDefinition,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import express from 'express';
import { RefreshShard, shardSchedules, shardTaskId } from './shards';

/** A refresh task of a feature, as the plugin hands it to the scheduler. */
export type OpsTask = SchedulerServiceTaskScheduleDefinition &
  Pick<SchedulerServiceTaskInvocationDefinition, 'id' | 'fn'> & {
    /**
     * True while this replica has no room for a run of the task (e.g. it
     * works on as many shards of the feature as it may): a run the
     * scheduler hands it then is given back (see `scheduleFeatureTasks`).
     */
    busy?: () => boolean;
  };

/** How long after giving a run back it is asked for again. */
const HAND_BACK_DELAY_MS = 1_000;
/** Attempts at asking for it again (the release may not be written yet). */
const HAND_BACK_ATTEMPTS = 10;

/**
 * The one face of every feature folder: `createXFeature(deps)` answers its
 * routes, its service (the only way other features read its data) and its
 * refresh tasks, which the plugin schedules (global ones run on one replica
 * at a time).
 */
export interface OpsFeature<TService> {
  router: express.Router;
  service: TService;
  tasks: OpsTask[];
}

/**
 * Schedules the tasks of every feature. With `refreshes`, every task is
 * wrapped once, here, so that each run is timed, recorded in the refresh
 * metrics and in `ops_refresh_status` (docs/telemetry.md); `gate` wraps
 * the instrumented tasks again (e.g. waiting for the catalog's first read,
 * which therefore does not count as the run's duration).
 *
 * A task that says it is `busy` when the scheduler hands this replica a run
 * gives the run back: it returns at once (not recorded as a refresh) and a
 * second later asks the scheduler to run the task now, so that whichever
 * replica polls first takes it, this one again only once it has room.
 * Without this a replica keeps every run it claims: Backstage's scheduler
 * gives a due task to the replica whose poll comes first, and the shards'
 * due times keep their phase to the polls, so one replica could claim
 * every shard and work through them two at a time while another idles.
 */
export async function scheduleFeatureTasks(
  scheduler: SchedulerService,
  features: { tasks: OpsTask[] }[],
  options: {
    refreshes?: { instrument(task: OpsTask): OpsTask };
    gate?: (tasks: OpsTask[]) => OpsTask[];
    /** Stops the tasks (tests; the scheduler stops them at shutdown). */
    signal?: AbortSignal;
  } = {},
): Promise<void> {
  for (const feature of features) {
    let tasks = feature.tasks;
    if (options.refreshes) {
      tasks = tasks.map(task => options.refreshes!.instrument(task));
    }
    if (options.gate) tasks = options.gate(tasks);
    for (const task of tasks) {
      const { busy, ...definition } = handBackWhenBusy(scheduler, task);
      void busy;
      await scheduler.scheduleTask({
        ...definition,
        ...(options.signal && { signal: options.signal }),
      });
    }
  }
}

function handBackWhenBusy(scheduler: SchedulerService, task: OpsTask) {
  const { busy } = task;
  if (!busy) return task;
  return {
    ...task,
    fn: async (signal: AbortSignal) => {
      if (!busy()) {
        await task.fn(signal);
        return;
      }
      void askAgain(scheduler, task.id);
    },
  };
}

/** Asks the scheduler to run `id` now, once this run's release is written. */
async function askAgain(scheduler: SchedulerService, id: string) {
  for (let attempt = 0; attempt < HAND_BACK_ATTEMPTS; attempt++) {
    await new Promise(resolve =>
      setTimeout(resolve, HAND_BACK_DELAY_MS).unref(),
    );
    try {
      await scheduler.triggerTask(id);
      return;
    } catch (error) {
      // Still marked as running (the release is not written yet): again.
      if ((error as Error)?.name !== 'ConflictError') return;
    }
  }
}

/** At most `size` functions at a time in this process, the rest in order. */
class LocalSlots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  /** True while `size` functions run. */
  full(): boolean {
    return this.running >= this.size;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.size) {
      await new Promise<void>(resolve => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}

/**
 * A feature's refresh as one global task per shard (see `lib/shards.ts`):
 * Backstage's scheduler runs each shard once per interval on whichever
 * replica claims it first, so replicas share the work without any locking
 * of ours. One shard keeps the plain task id.
 */
export function shardedTasks(options: {
  id: string;
  schedule: SchedulerServiceTaskScheduleDefinition;
  shards: number;
  fn: (shard: RefreshShard, signal: AbortSignal) => Promise<void>;
  /** Over how long the shards' first runs are spread; default the frequency. */
  spread?: HumanDuration;
  /**
   * Shards of this feature one replica works on at once (default 2), so
   * that a replica's memory stays that of this many shards: a shard the
   * scheduler hands it while as many run is given back for any replica to
   * take (see `scheduleFeatureTasks`); one started directly waits for one.
   */
  concurrency?: number;
}): OpsTask[] {
  const schedules = shardSchedules(
    options.schedule,
    options.shards,
    options.spread,
  );
  const slots = new LocalSlots(options.concurrency ?? 2);
  return schedules.map((schedule, index) => {
    const shard: RefreshShard = { index, count: options.shards };
    return {
      ...schedule,
      id: shardTaskId(options.id, shard),
      scope: 'global',
      fn: async signal => {
        await slots.run(() => options.fn(shard, signal as AbortSignal));
      },
      // A shard claimed while this replica works on as many as it may is
      // given back, so that another replica can take it.
      busy: () => slots.full(),
    };
  });
}
