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
  Pick<SchedulerServiceTaskInvocationDefinition, 'id' | 'fn'>;

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
 */
export async function scheduleFeatureTasks(
  scheduler: SchedulerService,
  features: { tasks: OpsTask[] }[],
  options: {
    refreshes?: { instrument(task: OpsTask): OpsTask };
    gate?: (tasks: OpsTask[]) => OpsTask[];
  } = {},
): Promise<void> {
  for (const feature of features) {
    let tasks = feature.tasks;
    if (options.refreshes) {
      tasks = tasks.map(task => options.refreshes!.instrument(task));
    }
    if (options.gate) tasks = options.gate(tasks);
    for (const task of tasks) {
      await scheduler.scheduleTask(task);
    }
  }
}

/** At most `size` functions at a time in this process, the rest in order. */
class LocalSlots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

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
   * Shards of this feature one replica works on at once (default 2): a
   * shard it claimed while as many run waits for one of them, so that a
   * replica's memory stays that of this many shards however many it claims.
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
    };
  });
}
