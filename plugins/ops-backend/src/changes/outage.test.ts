import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import knexFactory, { Knex } from 'knex';
import request from 'supertest';
import { opsPlugin } from '../plugin';
import {
  DATABASE_OUTAGE_NOTE,
  DatabaseSnapshotStore,
} from '../snapshots/SnapshotStore';
import { applyDatabaseMigrations } from '../database/migrations';
import { TcpProxy } from '../testing/TcpProxy';

/**
 * The database goes away while change requests are written (as when
 * PostgreSQL or MySQL restarts): every write is either acknowledged and then
 * present, or answered 503 with Retry-After within 2 s; snapshots already
 * read keep being served, marked stale.
 */

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'MYSQL_8'] });
const servers = databases.eachSupportedId();

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payment-service', namespace: 'default' },
    spec: { type: 'service', owner: 'group:default/dev-team' },
  },
];

const USER = 'user:default/guest';

/** A knex that reaches the test database through a proxy we can cut. */
async function behindProxy(id: (typeof servers)[number][0]) {
  const direct = await databases.init(id);
  const config = direct.client.config as Knex.Config;
  // The settings knex resolved (the config's copy may lack the password).
  const connection = (
    direct.client as unknown as { connectionSettings: Knex.ConnectionConfig }
  ).connectionSettings as Knex.ConnectionConfig & { port?: number };
  // knex keeps no password in its settings: take it from the test URL.
  const url = new URL(
    process.env[
      id === 'MYSQL_8'
        ? 'BACKSTAGE_TEST_DATABASE_MYSQL8_CONNECTION_STRING'
        : 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING'
    ]!,
  );
  const password = decodeURIComponent(url.password) || undefined;
  const proxy = new TcpProxy({
    host: connection.host ?? '127.0.0.1',
    port: Number(connection.port ?? (id === 'MYSQL_8' ? 3306 : 5432)),
  });
  const port = await proxy.start();
  const knex = knexFactory({
    client: config.client,
    connection: { ...connection, password, host: '127.0.0.1', port },
  });
  return { direct, knex, proxy };
}

interface Answer {
  status: number;
  ms: number;
  retryAfter?: string;
  message?: string;
  id?: string;
  title: string;
  during: 'before' | 'outage' | 'after';
}

if (servers.length === 0) {
  it('needs PostgreSQL or MySQL to take away', () => {
    // npm test starts both; CI must not pass without them.
    expect(process.env.CI).not.toBe('true');
  });
} else {
  describe.each(servers)('a database outage on %s', id => {
    it('answers writes 503 with Retry-After within 2 s and loses nothing acknowledged', async () => {
      const { direct, knex, proxy } = await behindProxy(id);
      const { server } = await startTestBackend({
        features: [
          opsPlugin,
          catalogServiceMock.factory({ entities }),
          mockServices.database.factory({ knex }),
        ],
      });
      const auth = mockCredentials.user.header(USER);
      let phase: Answer['during'] = 'before';
      const answers: Answer[] = [];
      let n = 0;

      const write = async () => {
        const title = `Rotate the payments key ${++n}`;
        const started = Date.now();
        const during = phase;
        const res = await request(server)
          .post('/api/ops/change-requests')
          .set('Authorization', auth)
          .send({
            title,
            category: 'emergency',
            risk: 'low',
            entityRefs: ['component:default/payment-service'],
            plannedStart: '2031-01-05T07:00:00.000Z',
            plannedEnd: '2031-01-05T08:00:00.000Z',
            action: 'start',
          });
        answers.push({
          status: res.status,
          ms: Date.now() - started,
          retryAfter: res.headers['retry-after'],
          message: res.body?.error?.message,
          id: res.body?.change?.id,
          title,
          during,
        });
      };
      const writers = async (until: () => boolean) => {
        await Promise.all(
          Array.from({ length: 4 }, async () => {
            while (!until()) await write();
          }),
        );
      };
      const count = (during: Answer['during'], status: number) =>
        answers.filter(a => a.during === during && a.status === status).length;

      await writers(() => count('before', 201) >= 8);
      phase = 'outage';
      await proxy.cut();
      await writers(
        () => answers.filter(a => a.during === 'outage').length >= 24,
      );
      phase = 'after';
      await proxy.restore();
      await writers(() => count('after', 201) >= 8);

      for (const a of answers) {
        expect([a.during, [201, 503].includes(a.status)]).toEqual([
          a.during,
          true,
        ]);
      }
      for (const a of answers.filter(x => x.status === 503)) {
        expect(a.ms).toBeLessThanOrEqual(2000);
        expect(a.retryAfter).toBe('5');
        expect(a.message).toMatch(
          /^The ops database is not available at the moment: try again in a few seconds \(logId=[0-9a-f]+\)$/,
        );
      }
      expect(count('outage', 503)).toBeGreaterThanOrEqual(20);

      // Everything acknowledged is there, whole: row, entity link, history.
      const acknowledged = answers.filter(a => a.status === 201);
      for (const a of acknowledged) {
        const res = await request(server)
          .get(`/api/ops/change-requests/${a.id}`)
          .set('Authorization', auth);
        expect([a.id, res.status]).toEqual([a.id, 200]);
        expect(res.body.change).toMatchObject({
          title: a.title,
          status: 'in-progress',
          version: 2,
          entityRefs: ['component:default/payment-service'],
        });
        expect(res.body.history).toHaveLength(2);
      }
      // A write answered 503 may have committed just before the connection
      // went (its acknowledgement lost); none is ever half written.
      const rows = await direct('ops_change_requests').select('id', 'version');
      expect(rows.length).toBeGreaterThanOrEqual(acknowledged.length);
      for (const row of rows) {
        const [h] = await direct('ops_change_request_history')
          .where({ change_id: row.id })
          .count({ n: '*' });
        expect(Number(h.n)).toBe(Number(row.version));
      }
      await knex.destroy();
    });

    it('serves the snapshots it read last, marked stale, while the database is away', async () => {
      const { knex, proxy } = await behindProxy(id);
      await applyDatabaseMigrations(knex);
      const store = new DatabaseSnapshotStore(knex);
      await store.put('slo', 'component:default/payment-service', { n: 1 });
      await store.put('slo', 'component:default/order-service', { n: 2 });
      await store.put('slo', 'component:default/never-read', { n: 3 });
      expect(
        await store.get('slo', 'component:default/payment-service'),
      ).toMatchObject({ data: { n: 1 }, stale: false });
      await store.getMany('slo', ['component:default/order-service']);

      await proxy.cut();
      expect(
        await store.get('slo', 'component:default/payment-service'),
      ).toMatchObject({
        data: { n: 1 },
        stale: true,
        error: DATABASE_OUTAGE_NOTE,
      });
      const many = await store.getMany('slo', [
        'component:default/order-service',
        'component:default/payment-service',
        'component:default/never-read',
      ]);
      expect([...many.keys()].sort()).toEqual([
        'component:default/order-service',
        'component:default/payment-service',
      ]);
      await expect(
        store.get('slo', 'component:default/never-read'),
      ).rejects.toThrow();
      await expect(store.put('slo', 'x', { n: 4 })).rejects.toThrow();

      await proxy.restore();
      expect(
        await store.get('slo', 'component:default/payment-service'),
      ).toMatchObject({ data: { n: 1 }, stale: false });
      await knex.destroy();
    });
  });
}
