import { TestDatabases } from '@backstage/backend-test-utils';
import { applyDatabaseMigrations } from '../database/migrations';
import { DatabaseSnapshotStore } from '../snapshots/SnapshotStore';
import { SnapshotReadCache } from './SnapshotReadCache';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'MYSQL_8', 'SQLITE_3'],
});

const REF = 'component:default/order-service';

describe.each(databases.eachSupportedId())('SnapshotReadCache on %s', id => {
  async function setup(options: { maxChars?: number } = {}) {
    const knex = await databases.init(id);
    await applyDatabaseMigrations(knex);
    let clock = Date.parse('2026-11-20T10:00:00.000Z');
    const time = { now: () => new Date(clock) };
    // Two replicas sharing one database: each has its own store and cache.
    const other = new DatabaseSnapshotStore(knex, time);
    const cache = new SnapshotReadCache(
      new DatabaseSnapshotStore(knex, time),
      knex,
      { revalidateMs: 1000, now: () => clock, ...options },
    );
    return {
      knex,
      cache,
      other,
      advance: (ms: number) => {
        clock += ms;
      },
    };
  }

  it('serves a refresh written through it at once', async () => {
    const { cache, advance } = await setup();
    await cache.put('oncall', REF, { onCall: 'ada' });
    expect((await cache.get('oncall', REF))?.data).toEqual({
      onCall: 'ada',
    });
    advance(10);
    await cache.put('oncall', REF, { onCall: 'grace' });
    expect((await cache.get('oncall', REF))?.data).toEqual({
      onCall: 'grace',
    });
  });

  it("serves another replica's refresh once the copy is revalidated", async () => {
    const { cache, other, advance } = await setup();
    await other.put('oncall', REF, { onCall: 'ada' });
    const first = await cache.get('oncall', REF);
    expect(first?.data).toEqual({ onCall: 'ada' });

    advance(500);
    await other.put('oncall', REF, { onCall: 'grace' });
    // Within the revalidation window the kept copy is served.
    expect(await cache.get('oncall', REF)).toBe(first);
    advance(500);
    expect((await cache.get('oncall', REF))?.data).toEqual({
      onCall: 'grace',
    });
  });

  it('serves the same parsed copy while the version holds', async () => {
    const { cache, other, advance } = await setup();
    await other.put('slo', REF, { sli: 99.9 });
    const first = await cache.get('slo', REF);
    advance(60_000);
    expect(await cache.get('slo', REF)).toBe(first);
    expect(cache.stats().entries).toBe(1);
  });

  it("shows another replica's failed refresh with the last good data", async () => {
    const { cache, other, advance } = await setup();
    await other.put('slo', REF, { sli: 99.9 });
    await cache.get('slo', REF);
    advance(2_000);
    await other.markFailed('slo', REF, 'Throttling: Rate exceeded');
    expect(await cache.get('slo', REF)).toMatchObject({
      data: { sli: 99.9 },
      stale: true,
      error: 'Throttling: Rate exceeded',
    });
  });

  it('forgets snapshots that were removed', async () => {
    const { cache, other, advance } = await setup();
    await other.put('slo', REF, { sli: 99.9 });
    await cache.get('slo', REF);
    await other.retain('slo', []);
    advance(1_000);
    expect(await cache.get('slo', REF)).toBeUndefined();
    expect(cache.stats().entries).toBe(0);
  });

  it('hands out frozen data, so one reader cannot change what the next is served', async () => {
    const { cache, other } = await setup();
    await other.put('oncall', REF, { people: [{ name: 'ada' }] });
    const snapshot = await cache.get<{ people: { name: string }[] }>(
      'oncall',
      REF,
    );
    expect(() => {
      snapshot!.data!.people[0].name = 'mallory';
    }).toThrow(TypeError);
    expect((await cache.get('oncall', REF))?.data).toEqual({
      people: [{ name: 'ada' }],
    });
  });

  it('keeps the history with its snapshot and reads it again after a refresh', async () => {
    const { cache, other, advance } = await setup();
    const since = new Date('2026-11-01T00:00:00.000Z');
    await other.put('slo', REF, { sli: 99.9 }, { history: true });
    const first = await cache.history('slo', REF, since);
    expect(first.map(e => e.data)).toEqual([{ sli: 99.9 }]);
    expect(await cache.history('slo', REF, since)).toBe(first);

    // The next day's refresh, written by another replica.
    advance(24 * 3600_000);
    await other.put('slo', REF, { sli: 99.5 }, { history: true });
    advance(1_000);
    const second = await cache.history('slo', REF, since);
    expect(second.map(e => e.data)).toEqual([{ sli: 99.9 }, { sli: 99.5 }]);
    // Another window is read, not served from the kept one.
    const later = await cache.history(
      'slo',
      REF,
      new Date(Date.parse('2026-11-21T00:00:00.000Z')),
    );
    expect(later.map(e => e.data)).toEqual([{ sli: 99.5 }]);
  });

  it('keeps at most maxChars of JSON, least recently used out first', async () => {
    const { cache, other } = await setup({ maxChars: 4_000 });
    const big = { text: 'x'.repeat(400) };
    for (let i = 0; i < 20; i++) {
      await other.put('runbooks', `component:default/s${i}`, big);
      await cache.get('runbooks', `component:default/s${i}`);
    }
    expect(cache.stats().chars).toBeLessThanOrEqual(4_000);
    expect(cache.stats().entries).toBeLessThan(20);
    // A snapshot larger than an eighth of the budget is served, not kept.
    await other.put('capacity', REF, { text: 'y'.repeat(1_000) });
    expect((await cache.get('capacity', REF))?.data).toEqual({
      text: 'y'.repeat(1_000),
    });
    expect(cache.stats().chars).toBeLessThanOrEqual(4_000);
  });
});
