import { TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { Knex } from 'knex';
import {
  applyDatabaseMigrations,
  rollbackDatabaseMigrations,
} from '../../database/migrations';
import { DatabaseIncidentRoleStore } from './IncidentRoleStore';

jest.setTimeout(120_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'MYSQL_8', 'SQLITE_3'],
});

const t0 = new Date('2026-12-05T10:05:00.123Z');
const t1 = new Date('2026-12-05T10:07:30.000Z');

describe.each(databases.eachSupportedId())(
  'DatabaseIncidentRoleStore on %s',
  id => {
    let knex: Knex;
    let store: DatabaseIncidentRoleStore;

    beforeAll(async () => {
      knex = await databases.init(id);
      await applyDatabaseMigrations(knex);
      store = new DatabaseIncidentRoleStore(knex);
    });

    it('stores an assignment with who and when, and replaces it at its version', async () => {
      const first = await store.assign({
        incidentId: 'Q1ORDER',
        role: 'commander',
        userRef: 'user:default/ana-silva',
        assignedBy: 'user:default/guest',
        now: t0,
      });
      expect(first).toEqual({
        incidentId: 'Q1ORDER',
        role: 'commander',
        userRef: 'user:default/ana-silva',
        assignedBy: 'user:default/guest',
        assignedAt: t0.toISOString(),
        version: 1,
      });
      const second = await store.assign({
        incidentId: 'Q1ORDER',
        role: 'commander',
        userRef: 'user:default/ben-okafor',
        assignedBy: 'user:default/ana-silva',
        now: t1,
        expectedVersion: 1,
      });
      expect(second.version).toBe(2);
      await store.assign({
        incidentId: 'Q1ORDER',
        role: 'technical-lead',
        userRef: 'user:default/ana-silva',
        assignedBy: 'user:default/guest',
        now: t1,
      });

      expect(await store.list('Q1ORDER')).toEqual([
        {
          incidentId: 'Q1ORDER',
          role: 'commander',
          userRef: 'user:default/ben-okafor',
          assignedBy: 'user:default/ana-silva',
          assignedAt: t1.toISOString(),
          version: 2,
        },
        {
          incidentId: 'Q1ORDER',
          role: 'technical-lead',
          userRef: 'user:default/ana-silva',
          assignedBy: 'user:default/guest',
          assignedAt: t1.toISOString(),
          version: 1,
        },
      ]);
      const history = await store.history('Q1ORDER');
      expect(
        history.map(h => [h.role, h.userRef, h.assignedBy, h.assignedAt]),
      ).toEqual([
        [
          'commander',
          'user:default/ana-silva',
          'user:default/guest',
          t0.toISOString(),
        ],
        [
          'commander',
          'user:default/ben-okafor',
          'user:default/ana-silva',
          t1.toISOString(),
        ],
        [
          'technical-lead',
          'user:default/ana-silva',
          'user:default/guest',
          t1.toISOString(),
        ],
      ]);
      expect(await store.list('OTHER')).toEqual([]);
    });

    it('refuses a stale version and a second first assignment, storing nothing', async () => {
      await store.assign({
        incidentId: 'Q2',
        role: 'communications-lead',
        userRef: 'user:default/ana-silva',
        assignedBy: 'user:default/guest',
        now: t0,
      });
      await expect(
        store.assign({
          incidentId: 'Q2',
          role: 'communications-lead',
          userRef: 'user:default/ben-okafor',
          assignedBy: 'user:default/guest',
          now: t1,
        }),
      ).rejects.toThrow(ConflictError);
      await expect(
        store.assign({
          incidentId: 'Q2',
          role: 'communications-lead',
          userRef: 'user:default/ben-okafor',
          assignedBy: 'user:default/guest',
          now: t1,
          expectedVersion: 7,
        }),
      ).rejects.toThrow(ConflictError);
      expect((await store.list('Q2')).map(r => r.userRef)).toEqual([
        'user:default/ana-silva',
      ]);
      expect(await store.history('Q2')).toHaveLength(1);
    });

    it('lets exactly one of two concurrent assignments at the same version win', async () => {
      const base = await store.assign({
        incidentId: 'Q3',
        role: 'commander',
        userRef: 'user:default/guest',
        assignedBy: 'user:default/guest',
        now: t0,
      });
      const results = await Promise.allSettled(
        ['user:default/ana-silva', 'user:default/ben-okafor'].map(userRef =>
          store.assign({
            incidentId: 'Q3',
            role: 'commander',
            userRef,
            assignedBy: 'user:default/guest',
            now: t1,
            expectedVersion: base.version,
          }),
        ),
      );
      expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.filter(r => r.status === 'rejected');
      expect(rejected).toHaveLength(1);
      expect((rejected[0] as PromiseRejectedResult).reason).toBeInstanceOf(
        ConflictError,
      );
      const [row] = await store.list('Q3');
      expect(row.version).toBe(2);
      expect(await store.history('Q3')).toHaveLength(2);

      const firsts = await Promise.allSettled(
        ['user:default/ana-silva', 'user:default/ben-okafor'].map(userRef =>
          store.assign({
            incidentId: 'Q4',
            role: 'commander',
            userRef,
            assignedBy: 'user:default/guest',
            now: t1,
          }),
        ),
      );
      expect(firsts.filter(r => r.status === 'fulfilled')).toHaveLength(1);
      expect(await store.history('Q4')).toHaveLength(1);
    });

    it('migrates down cleanly and up again', async () => {
      const fresh = await databases.init(id);
      await applyDatabaseMigrations(fresh);
      expect(await fresh.schema.hasTable('ops_incident_roles')).toBe(true);
      await rollbackDatabaseMigrations(fresh);
      expect(await fresh.schema.hasTable('ops_incident_roles')).toBe(false);
      expect(await fresh.schema.hasTable('ops_incident_role_history')).toBe(
        false,
      );
      await applyDatabaseMigrations(fresh);
      expect(await fresh.schema.hasTable('ops_incident_roles')).toBe(true);
    });
  },
);
