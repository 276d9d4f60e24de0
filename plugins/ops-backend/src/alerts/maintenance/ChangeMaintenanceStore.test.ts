import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { applyDatabaseMigrations } from '../../database/migrations';
import { ChangeMaintenanceStore } from './ChangeMaintenanceStore';

jest.setTimeout(120_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'MYSQL_8', 'SQLITE_3'],
});

const t0 = new Date('2026-12-06T07:10:00.000Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

let changes = 0;
const nextId = () => `CHG-${2000 + (changes += 1)}`;

describe.each(databases.eachSupportedId())(
  'ChangeMaintenanceStore on %s',
  id => {
    let knex: Knex;
    let store: ChangeMaintenanceStore;

    beforeAll(async () => {
      knex = await databases.init(id);
      await applyDatabaseMigrations(knex);
      store = new ChangeMaintenanceStore(knex);
    });

    const claim = (changeRequestId: string, s = store) =>
      s.claim({
        changeRequestId,
        serviceIds: ['PSVORDR', 'PSVPAYM'],
        start: t0,
        end: at(90),
        now: t0,
      });

    it('lets exactly one of several replicas claim a change', async () => {
      const changeRequestId = nextId();
      const stores = [store, new ChangeMaintenanceStore(knex)];
      const claims = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          claim(changeRequestId, stores[i % 2]),
        ),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await store.get(changeRequestId)).toEqual({
        changeRequestId,
        serviceIds: ['PSVORDR', 'PSVPAYM'],
        start: t0.toISOString(),
        end: at(90).toISOString(),
        status: 'pending',
        attempts: 1,
        updatedAt: t0.toISOString(),
      });
      // Later attempts (a restart replaying the start) do not claim it again.
      expect(await claim(changeRequestId)).toBe(false);
    });

    it('records the window of the current attempt only', async () => {
      const changeRequestId = nextId();
      await claim(changeRequestId);
      const open = (attempts: number) =>
        store.markOpen({
          changeRequestId,
          attempts,
          windowId: 'PMW0001',
          htmlUrl: 'https://pd.example/maintenance_windows/PMW0001',
          start: at(1),
          end: at(91),
          now: at(1),
        });
      expect(await open(2)).toBe(false);
      expect(await open(1)).toBe(true);
      // Once open, neither a second answer nor a failure moves it.
      expect(await open(1)).toBe(false);
      expect(
        await store.markFailed({
          changeRequestId,
          attempts: 1,
          error: 'late',
          now: at(2),
        }),
      ).toBe(false);
      expect(await store.get(changeRequestId)).toMatchObject({
        status: 'open',
        windowId: 'PMW0001',
        htmlUrl: 'https://pd.example/maintenance_windows/PMW0001',
        start: at(1).toISOString(),
        end: at(91).toISOString(),
        attempts: 1,
      });
    });

    it('retries a failed creation on one replica only, counting attempts', async () => {
      const changeRequestId = nextId();
      await claim(changeRequestId);
      expect(
        await store.markFailed({
          changeRequestId,
          attempts: 1,
          error: 'PagerDuty answered 500',
          now: at(1),
        }),
      ).toBe(true);
      expect(await store.get(changeRequestId)).toMatchObject({
        status: 'failed',
        error: 'PagerDuty answered 500',
        attempts: 1,
      });
      const retry = (s: ChangeMaintenanceStore) =>
        s.claimRetry({
          changeRequestId,
          attempts: 1,
          staleBefore: at(-10),
          serviceIds: ['PSVORDR'],
          start: at(5),
          end: at(95),
          now: at(5),
        });
      const results = await Promise.all([
        retry(store),
        retry(new ChangeMaintenanceStore(knex)),
        retry(store),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.get(changeRequestId)).toMatchObject({
        status: 'pending',
        attempts: 2,
        serviceIds: ['PSVORDR'],
        start: at(5).toISOString(),
        end: at(95).toISOString(),
      });
      // The first attempt's late answer no longer counts.
      expect(
        await store.markOpen({
          changeRequestId,
          attempts: 1,
          windowId: 'PMWLATE',
          start: at(5),
          end: at(95),
          now: at(6),
        }),
      ).toBe(false);
    });

    it('takes a pending creation over only once its owner has been silent past the lease', async () => {
      const changeRequestId = nextId();
      await claim(changeRequestId);
      const takeOver = (staleBefore: Date) =>
        store.claimRetry({
          changeRequestId,
          attempts: 1,
          staleBefore,
          serviceIds: ['PSVORDR'],
          start: at(20),
          end: at(110),
          now: at(20),
        });
      // Updated at t0: not older than t0 - 1 minute.
      expect(await takeOver(at(-1))).toBe(false);
      expect(await takeOver(at(1))).toBe(true);
      expect(await store.get(changeRequestId)).toMatchObject({
        status: 'pending',
        attempts: 2,
      });
    });

    it('ends a window, keeping the earlier of the planned and the actual end', async () => {
      const early = nextId();
      await claim(early);
      await store.markOpen({
        changeRequestId: early,
        attempts: 1,
        windowId: 'PMWEARLY',
        start: t0,
        end: at(90),
        now: t0,
      });
      // Wrong window id: someone else's row.
      expect(
        await store.markEnded({
          changeRequestId: early,
          from: ['open'],
          windowId: 'PMWOTHER',
          end: at(30),
          now: at(30),
        }),
      ).toBe(false);
      expect(
        await store.markEnded({
          changeRequestId: early,
          from: ['open'],
          windowId: 'PMWEARLY',
          end: at(30),
          now: at(30),
        }),
      ).toBe(true);
      expect(await store.get(early)).toMatchObject({
        status: 'ended',
        end: at(30).toISOString(),
      });

      const late = nextId();
      await claim(late);
      expect(
        await store.markEnded({
          changeRequestId: late,
          from: ['open'],
          end: at(200),
          now: at(200),
        }),
      ).toBe(false);
      expect(
        await store.markEnded({
          changeRequestId: late,
          from: ['pending', 'failed'],
          end: at(200),
          now: at(200),
        }),
      ).toBe(true);
      expect(await store.get(late)).toMatchObject({
        status: 'ended',
        end: at(90).toISOString(),
      });
      expect(await store.get(late)).not.toHaveProperty('windowId');
    });

    it('lists the periods of windows that were open in a range', async () => {
      await knex('ops_change_maintenance_windows').delete();
      const rows: Array<{
        id: string;
        start: number;
        end: number;
        status: string;
        windowId: string | null;
      }> = [
        {
          id: 'CHG-3001',
          start: 0,
          end: 60,
          status: 'ended',
          windowId: 'PMW1',
        },
        {
          id: 'CHG-3002',
          start: 100,
          end: 200,
          status: 'open',
          windowId: 'PMW2',
        },
        // Never opened in PagerDuty: no period.
        {
          id: 'CHG-3003',
          start: 10,
          end: 50,
          status: 'failed',
          windowId: null,
        },
        { id: 'CHG-3004', start: 10, end: 50, status: 'ended', windowId: null },
        {
          id: 'CHG-3005',
          start: 10,
          end: 50,
          status: 'pending',
          windowId: null,
        },
        // Entirely before the range.
        {
          id: 'CHG-3006',
          start: -100,
          end: -30,
          status: 'ended',
          windowId: 'PMW6',
        },
      ];
      await knex('ops_change_maintenance_windows').insert(
        rows.map(r => ({
          change_request_id: r.id,
          service_ids: JSON.stringify([`P${r.id.slice(4)}`]),
          start_at: at(r.start),
          end_at: at(r.end),
          status: r.status,
          window_id: r.windowId,
          html_url: null,
          error: null,
          attempts: 1,
          updated_at: t0,
        })),
      );
      expect(await store.listPeriods(at(-30), at(150))).toEqual([
        {
          start: at(0).toISOString(),
          end: at(60).toISOString(),
          serviceIds: ['P3001'],
          changeRequestId: 'CHG-3001',
        },
        {
          start: at(100).toISOString(),
          end: at(200).toISOString(),
          serviceIds: ['P3002'],
          changeRequestId: 'CHG-3002',
        },
      ]);
      // The range's ends are open: a window ending as it starts is out.
      expect(await store.listPeriods(at(60), at(100))).toEqual([]);
      expect(
        (await store.listByStatus(['pending', 'failed', 'open'])).map(
          r => r.changeRequestId,
        ),
      ).toEqual(expect.arrayContaining(['CHG-3002', 'CHG-3003', 'CHG-3005']));
    });
  },
);
