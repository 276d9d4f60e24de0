import { DefaultSchedulerService } from '@backstage/backend-defaults/scheduler';
import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Knex } from 'knex';
import { applyDatabaseMigrations } from '../database/migrations';
import { DatabaseSnapshotStore } from '../snapshots/SnapshotStore';
import { scheduleFeatureTasks, shardedTasks } from './feature';
import {
  inShard,
  readShardCount,
  shardOf,
  shardSchedules,
  shardTaskId,
} from './shards';

jest.setTimeout(120_000);

const refs = Array.from(
  { length: 10_000 },
  (_, i) => `component:default/svc-${i}`,
);

describe('shardOf', () => {
  it('gives every key the same shard in every process (a fixed hash, not a random one)', () => {
    // SHA-1 of the lower-cased ref, first 4 bytes, modulo the count: these
    // values are what any replica computes.
    expect(shardOf('component:default/svc-0', 8)).toBe(5);
    expect(shardOf('component:default/svc-1', 8)).toBe(3);
    expect(shardOf('component:default/order-service', 4)).toBe(1);
    expect(shardOf('Component:default/Order-Service', 4)).toBe(1);
    expect(shardOf('system:default/shop', 8)).toBe(0);
  });

  it('puts every key in exactly one shard, and no shard is a quarter off even', () => {
    for (const count of [1, 2, 3, 8, 16]) {
      const seen = new Map<string, number>();
      for (let index = 0; index < count; index++) {
        for (const ref of refs.slice(0, 2000)) {
          if (inShard(ref, { index, count })) {
            seen.set(ref, (seen.get(ref) ?? 0) + 1);
          }
        }
      }
      expect(seen.size).toBe(2000);
      expect([...seen.values()].every(n => n === 1)).toBe(true);
      const sizes = Array.from(
        { length: count },
        (_, index) =>
          refs.slice(0, 2000).filter(r => inShard(r, { index, count })).length,
      );
      const even = 2000 / count;
      for (const size of sizes) {
        expect(Math.abs(size - even)).toBeLessThan(even * 0.25);
      }
    }
  });
});

describe('shard configuration', () => {
  it('reads the feature count, then ops.refresh.shards, else 1', () => {
    const config = new ConfigReader({
      ops: { refresh: { shards: 8 }, capacity: { shards: 4 } },
    });
    expect(readShardCount(config, 'capacity')).toBe(4);
    expect(readShardCount(config, 'slo')).toBe(8);
    expect(readShardCount(new ConfigReader({}), 'slo')).toBe(1);
  });

  it('refuses a count that is not a whole number from 1 to 64', () => {
    for (const shards of [0, 2.5, 65, -1]) {
      expect(() =>
        readShardCount(new ConfigReader({ ops: { slo: { shards } } }), 'slo'),
      ).toThrow(`ops.slo.shards must be a whole number from 1 to 64`);
    }
  });

  it('names the shard tasks and spreads their first runs over the interval', () => {
    expect(shardTaskId('ops-slo-refresh', { index: 0, count: 1 })).toBe(
      'ops-slo-refresh',
    );
    expect(shardTaskId('ops-slo-refresh', { index: 2, count: 8 })).toBe(
      'ops-slo-refresh-shard-3-of-8',
    );
    const schedules = shardSchedules(
      {
        frequency: { minutes: 10 },
        timeout: { minutes: 5 },
        initialDelay: { seconds: 15 },
      },
      4,
    );
    expect(schedules.map(s => s.initialDelay)).toEqual([
      { milliseconds: 15_000 },
      { milliseconds: 165_000 },
      { milliseconds: 315_000 },
      { milliseconds: 465_000 },
    ]);
    expect(schedules.every(s => s.timeout)).toBe(true);
  });
});

describe('shardedTasks', () => {
  it('works on at most two shards of a feature at once in one replica, the others after', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    const tasks = shardedTasks({
      id: 'ops-test-refresh',
      schedule: { frequency: { minutes: 10 }, timeout: { minutes: 1 } },
      shards: 5,
      fn: async shard => {
        running += 1;
        most = Math.max(most, running);
        await new Promise(r => setTimeout(r, 20));
        running -= 1;
        done.push(shard.index);
      },
    });
    // The scheduler may hand this replica every shard at once.
    await Promise.all(tasks.map(t => t.fn(new AbortController().signal)));
    expect(most).toBe(2);
    expect(done.sort()).toEqual([0, 1, 2, 3, 4]);
  });
});

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'SQLITE_3'],
});

describe.each(databases.eachSupportedId())('shards on %s', id => {
  it('removes only its own deleted keys when a shard retains', async () => {
    const knex = await databases.init(id);
    await applyDatabaseMigrations(knex);
    const store = new DatabaseSnapshotStore(knex);
    const keys = refs.slice(0, 40);
    for (const key of keys) await store.put('capacity', key, { key });
    const count = 4;
    // svc-0 … svc-9 were deleted from the catalog; every shard retains
    // what it still sees of its own keys.
    const remaining = keys.slice(10);
    let removed = 0;
    for (let index = 0; index < count; index++) {
      const shard = { index, count };
      const own = remaining.filter(k => inShard(k, shard));
      removed += await store.retain('capacity', own, k => inShard(k, shard));
      // Nothing of another shard goes, even though this shard did not list it.
      const left = (await store.list('capacity')).map(s => s.key);
      for (const key of remaining) expect(left).toContain(key);
    }
    expect(removed).toBe(10);
    expect((await store.list('capacity')).map(s => s.key).sort()).toEqual(
      [...remaining].sort(),
    );
  });

  it('runs each shard once across two schedulers on one database', async () => {
    const knex = await databases.init(id);
    const runs: { replica: string; task: string; keys: string[] }[] = [];
    const keys = refs.slice(0, 200);
    const schedulers = ['a', 'b'].map(replica => ({
      replica,
      scheduler: replicaScheduler(knex),
    }));
    const controller = new AbortController();
    for (const { replica, scheduler } of schedulers) {
      const tasks = shardedTasks({
        id: 'ops-test-refresh',
        schedule: { frequency: { minutes: 10 }, timeout: { minutes: 1 } },
        shards: 4,
        spread: { seconds: 0 },
        fn: async shard => {
          // Long enough that the other scheduler polls while it runs.
          await new Promise(r => setTimeout(r, 300));
          runs.push({
            replica,
            task: `shard-${shard.index + 1}-of-${shard.count}`,
            keys: keys.filter(k => inShard(k, shard)),
          });
        },
      });
      for (const task of tasks) {
        await scheduler.scheduleTask({ ...task, signal: controller.signal });
      }
    }
    const deadline = Date.now() + 30_000;
    while (runs.length < 4 && Date.now() < deadline) {
      await new Promise(r => setTimeout(r, 200));
    }
    // Both schedulers poll again (every 5 s) before the next interval.
    await new Promise(r => setTimeout(r, 6_000));
    controller.abort();

    expect(runs.map(r => r.task).sort()).toEqual([
      'shard-1-of-4',
      'shard-2-of-4',
      'shard-3-of-4',
      'shard-4-of-4',
    ]);
    const refreshed = runs.flatMap(r => r.keys);
    expect(refreshed.length).toBe(keys.length);
    expect(new Set(refreshed).size).toBe(keys.length);
  });
});

describe.each(databases.eachSupportedId())('busy replicas on %s', id => {
  it('gives a shard back while it works on as many as it may, so that another replica runs it', async () => {
    const knex = await databases.init(id);
    const runs: { replica: string; shard: number }[] = [];
    const controller = new AbortController();
    for (const replica of ['a', 'b']) {
      const scheduler = replicaScheduler(knex);
      // All four shards fall due at once; each replica works on one at a
      // time. The replica whose poll comes first claims all four; without
      // giving back it would work through them alone while the other idles.
      const tasks = shardedTasks({
        id: 'ops-test-refresh',
        schedule: { frequency: { minutes: 10 }, timeout: { minutes: 1 } },
        shards: 4,
        spread: { seconds: 0 },
        concurrency: 1,
        fn: async shard => {
          await new Promise(r => setTimeout(r, 1_500));
          runs.push({ replica, shard: shard.index });
        },
      });
      await scheduleFeatureTasks(scheduler, [{ tasks }], {
        signal: controller.signal,
      });
      // The other replica starts (and polls) half a poll period later: the
      // first has claimed all four by then.
      if (replica === 'a') await new Promise(r => setTimeout(r, 2_500));
    }
    const deadline = Date.now() + 60_000;
    while (runs.length < 4 && Date.now() < deadline) {
      await new Promise(r => setTimeout(r, 200));
    }
    // Both schedulers poll again (every 5 s) before the next interval.
    await new Promise(r => setTimeout(r, 6_000));
    controller.abort();

    // Each shard once (a shard given back is not refreshed by the replica
    // that gave it back), and both replicas did some.
    expect(runs.map(r => r.shard).sort()).toEqual([0, 1, 2, 3]);
    expect(new Set(runs.map(r => r.replica))).toEqual(new Set(['a', 'b']));
  });
});

/** The ops plugin's scheduler of one replica on the shared database. */
function replicaScheduler(knex: Knex) {
  return DefaultSchedulerService.create({
    database: database(knex),
    logger: mockServices.logger.mock(),
    metrics: metricsStub(),
    rootLifecycle: mockServices.rootLifecycle.mock(),
    httpRouter: mockServices.httpRouter.mock(),
    pluginMetadata: { getId: () => 'ops' },
  });
}

function database(knex: Knex) {
  return {
    getClient: async () => knex,
    migrations: { skip: false },
  };
}

function metricsStub(): any {
  const instrument = { add() {}, record() {}, addCallback() {} };
  return {
    createCounter: () => instrument,
    createHistogram: () => instrument,
    createGauge: () => instrument,
    createUpDownCounter: () => instrument,
    createObservableGauge: () => instrument,
    createObservableCounter: () => instrument,
    createObservableUpDownCounter: () => instrument,
  };
}
