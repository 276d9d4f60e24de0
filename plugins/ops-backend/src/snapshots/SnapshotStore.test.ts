import { TestDatabases } from '@backstage/backend-test-utils';
import {
  applyDatabaseMigrations,
  rollbackDatabaseMigrations,
} from '../database/migrations';
import { DatabaseSnapshotStore } from './SnapshotStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'MYSQL_8', 'SQLITE_3'],
});

describe.each(databases.eachSupportedId())(
  'DatabaseSnapshotStore on %s',
  id => {
    async function setup(start = '2026-11-20T10:00:00.000Z') {
      const knex = await databases.init(id);
      await applyDatabaseMigrations(knex);
      let now = new Date(start);
      const clock = { now: () => now };
      const store = new DatabaseSnapshotStore(knex, clock);
      return {
        knex,
        store,
        setNow: (iso: string) => {
          now = new Date(iso);
        },
      };
    }

    it('keeps the last good data with its age when a refresh fails', async () => {
      const { store, setNow } = await setup();
      await store.put('slo', 'component:default/order-service', { sli: 99.95 });
      setNow('2026-11-20T10:05:00.000Z');
      await store.markFailed(
        'slo',
        'component:default/order-service',
        'Throttling: Rate exceeded',
      );

      const snapshot = await store.get<{ sli: number }>(
        'slo',
        'component:default/order-service',
      );
      expect(snapshot).toMatchObject({
        data: { sli: 99.95 },
        fetchedAt: '2026-11-20T10:00:00.000Z',
        attemptedAt: '2026-11-20T10:05:00.000Z',
        stale: true,
        error: 'Throttling: Rate exceeded',
      });

      setNow('2026-11-20T10:10:00.000Z');
      await store.put('slo', 'component:default/order-service', { sli: 99.97 });
      expect(
        await store.get('slo', 'component:default/order-service'),
      ).toMatchObject({
        data: { sli: 99.97 },
        stale: false,
        error: undefined,
      });
    });

    it('says there is no data when the very first refresh fails', async () => {
      const { store } = await setup();
      await store.markFailed('oncall', 'group:default/sre-team', 'HTTP 401');
      expect(await store.get('oncall', 'group:default/sre-team')).toMatchObject(
        {
          data: undefined,
          fetchedAt: undefined,
          stale: true,
          error: 'HTTP 401',
        },
      );
    });

    it('records one history entry per day and reads them back in order', async () => {
      const { store, setNow } = await setup('2026-11-18T23:00:00.000Z');
      await store.put('slo', 'a', { v: 1 }, { history: true });
      setNow('2026-11-19T01:00:00.000Z');
      await store.put('slo', 'a', { v: 2 }, { history: true });
      setNow('2026-11-19T05:00:00.000Z');
      await store.put('slo', 'a', { v: 3 }, { history: true });

      const history = await store.history<{ v: number }>(
        'slo',
        'a',
        new Date('2026-11-01T00:00:00Z'),
      );
      expect(history).toEqual([
        { day: '2026-11-18', data: { v: 1 } },
        { day: '2026-11-19', data: { v: 3 } },
      ]);
    });

    it('reads many keys at once and forgets keys that are gone', async () => {
      const { store } = await setup();
      await store.put('capacity', 'a', 1);
      await store.put('capacity', 'b', 2);
      await store.put('capacity', 'c', 3);
      await store.put('slo', 'a', 'other kind');

      const many = await store.getMany<number>('capacity', ['a', 'c', 'x']);
      expect([...many.keys()].sort()).toEqual(['a', 'c']);

      expect(await store.retain('capacity', ['a'])).toBe(2);
      expect((await store.list('capacity')).map(s => s.key)).toEqual(['a']);
      expect(await store.get('slo', 'a')).toMatchObject({ data: 'other kind' });
    });

    it('stores many snapshots in one go, clearing errors and recording history where asked', async () => {
      const { store, setNow } = await setup();
      await store.put('slo', 'component:default/a', { sli: 1 });
      await store.markFailed('slo', 'component:default/a', 'Throttling');
      setNow('2026-11-21T08:00:00.000Z');
      const entries = Array.from({ length: 250 }, (_, i) => ({
        key: `component:default/s${i}`,
        data: { sli: i },
        history: i % 2 === 0,
      }));
      entries.push({
        key: 'component:default/a',
        data: { sli: 2 },
        history: true,
      });
      await store.putMany('slo', entries);

      const all = await store.list<{ sli: number }>('slo');
      expect(all).toHaveLength(251);
      expect(await store.get('slo', 'component:default/a')).toMatchObject({
        data: { sli: 2 },
        fetchedAt: '2026-11-21T08:00:00.000Z',
        stale: false,
        error: undefined,
      });
      expect(
        await store.history(
          'slo',
          'component:default/s4',
          new Date('2026-11-21'),
        ),
      ).toEqual([{ day: '2026-11-21', data: { sli: 4 } }]);
      expect(
        await store.history(
          'slo',
          'component:default/s5',
          new Date('2026-11-21'),
        ),
      ).toEqual([]);
    });

    it('migrates down cleanly', async () => {
      const { knex } = await setup();
      await rollbackDatabaseMigrations(knex);
      expect(await knex.schema.hasTable('ops_snapshots')).toBe(false);
      expect(await knex.schema.hasTable('ops_snapshot_history')).toBe(false);
    });
  },
);
