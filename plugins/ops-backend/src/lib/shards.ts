import { HumanDuration } from '@backstage/types';
import { createHash } from 'node:crypto';
import { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { Duration } from 'luxon';

/**
 * One part of a feature's refresh: the keys (entity refs) whose stable hash
 * falls into `index` of `count`. Each shard is its own global scheduler task,
 * so the replicas sharing a database run every shard once between them.
 */
export interface RefreshShard {
  /** 0-based. */
  index: number;
  count: number;
}

/** The whole refresh as one shard. */
export const ALL_KEYS: RefreshShard = { index: 0, count: 1 };

/** Largest shard count accepted (each shard is a scheduler task). */
const MAX_SHARDS = 64;

/**
 * The shard a key belongs to: the first 4 bytes of its SHA-1 modulo the
 * count. Stable across processes, Node.js versions and restarts, so two
 * replicas agree without talking to each other. Keys are compared as the
 * catalog spells refs (lower case), so `Component:default/A` and
 * `component:default/a` land together.
 */
export function shardOf(key: string, count: number): number {
  if (count <= 1) return 0;
  const digest = createHash('sha1')
    .update(key.toLocaleLowerCase('en-US'))
    .digest();
  return digest.readUInt32BE(0) % count;
}

/** Whether a key belongs to the shard. */
export function inShard(key: string, shard: RefreshShard): boolean {
  return shard.count <= 1 || shardOf(key, shard.count) === shard.index;
}

/**
 * The shard count of a feature: `ops.<feature>.shards`, else
 * `ops.refresh.shards`, else 1 (one task, as before sharding).
 */
export function readShardCount(root: Config, feature: string): number {
  const own = root.getOptionalNumber(`ops.${feature}.shards`);
  const key =
    own !== undefined ? `ops.${feature}.shards` : 'ops.refresh.shards';
  const count = own ?? root.getOptionalNumber('ops.refresh.shards') ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > MAX_SHARDS) {
    throw new Error(
      `${key} must be a whole number from 1 to ${MAX_SHARDS}, not ${count}`,
    );
  }
  return count;
}

/** Task id of a shard: the base id alone for one shard, else `<id>-shard-<n>-of-<count>` (1-based). */
export function shardTaskId(baseId: string, shard: RefreshShard): string {
  return shard.count <= 1
    ? baseId
    : `${baseId}-shard-${shard.index + 1}-of-${shard.count}`;
}

function toMillis(
  value: SchedulerServiceTaskScheduleDefinition['frequency'] | HumanDuration,
): number | undefined {
  if (typeof value === 'object' && 'cron' in value) return undefined;
  if (typeof value === 'object' && 'trigger' in value) return undefined;
  if (Duration.isDuration(value)) return value.toMillis();
  return Duration.fromObject(value as HumanDuration).toMillis();
}

/**
 * The schedule of each shard: the feature's schedule, with the shards'
 * first runs spread over one interval (shard i starts i / count of the
 * frequency, or of `spread`, later), so that they do not all start at once
 * and the replicas pick them up one after another. Cron schedules are left
 * as they are.
 */
export function shardSchedules(
  schedule: SchedulerServiceTaskScheduleDefinition,
  count: number,
  spread?: HumanDuration,
): SchedulerServiceTaskScheduleDefinition[] {
  const frequency = spread ? toMillis(spread) : toMillis(schedule.frequency);
  const initial = schedule.initialDelay
    ? toMillis(schedule.initialDelay) ?? 0
    : 0;
  return Array.from({ length: count }, (_, i) => {
    if (frequency === undefined || count <= 1) return { ...schedule };
    return {
      ...schedule,
      initialDelay: {
        milliseconds: initial + Math.floor((i * frequency) / count),
      },
    };
  });
}
