import { CacheManager } from '@backstage/backend-defaults/cache';
import {
  TestCaches,
  TestDatabases,
  mockCredentials,
  mockServices,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  FakeCloudWatch,
  MetricStore,
  startFakeCloudWatch,
} from '@internal/fake-upstreams';
import { CloudWatchProvider } from '@opsportal/plugin-ops-backend-module-cloudwatch';
import { Knex } from 'knex';
import { applyDatabaseMigrations } from '../database/migrations';
import { EntityLocationReader } from '../lib/EntityLocationReader';
import { inShard } from '../lib/shards';
import { DatabaseSnapshotStore } from '../snapshots/SnapshotStore';
import { defaultRunbooksConfig } from './config';
import { RunbookCollector } from './RunbookCollector';
import { ALARMS_KIND, RunbooksService } from './RunbooksService';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const caches = TestCaches.create({ ids: ['REDIS_7'] });

const TEAMS = 12;

function entity(i: number): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: `svc-${i}`,
      namespace: 'default',
      annotations: { 'opsportal.dev/alarm-prefix': `svc-${i}-` },
    },
    spec: { type: 'service', owner: 'group:default/team' },
  };
}

function store(): MetricStore {
  const s = new MetricStore();
  for (let i = 0; i < TEAMS; i++) {
    s.addAlarm({
      name: `svc-${i}-errors`,
      stateReason: 'Threshold Crossed',
      metric: {
        namespace: 'AWS/ApplicationELB',
        metricName: 'HTTPCode_Target_5XX_Count',
        dimensions: { TargetGroup: `tg-${i}` },
      },
      period: 60,
      evaluationPeriods: 3,
      threshold: 5,
      comparisonOperator: 'GreaterThanThreshold',
      state: 'ALARM',
      stateUpdatedAt: new Date('2026-11-25T11:20:00Z'),
      tags: { Severity: i % 2 ? 'P1' : 'P3' },
    });
  }
  return s;
}

describe.each(databases.eachSupportedId())(
  'runbooks on two replicas (%s)',
  databaseId => {
    let cloudwatch: FakeCloudWatch;
    beforeAll(async () => {
      cloudwatch = await startFakeCloudWatch({ store: store(), port: 0 });
    });
    afterAll(() => cloudwatch.close());

    /** One replica: its own provider (and so its own in-process tag memory). */
    function replica(
      knex: Knex,
      cacheConnection: string | undefined,
      namespace = 'ops',
    ) {
      const logger = mockServices.logger.mock();
      const cache = cacheConnection
        ? CacheManager.fromConfig(
            mockServices.rootConfig({
              data: {
                backend: {
                  cache: { store: 'redis', connection: cacheConnection },
                },
              },
            }),
          ).forPlugin(namespace)
        : undefined;
      return new RunbooksService({
        catalog: catalogServiceMock({
          entities: Array.from({ length: TEAMS }, (_, i) => entity(i)),
        }),
        auth: mockServices.auth(),
        snapshots: new DatabaseSnapshotStore(knex),
        collector: new RunbookCollector(
          new EntityLocationReader({
            urlReader: mockServices.urlReader.mock(),
          }),
          { techdocsBasePath: '/docs' },
        ),
        alarms: new CloudWatchProvider({
          region: 'us-east-1',
          endpoint: cloudwatch.url,
          credentials: async () => ({
            accessKeyId: 'test',
            secretAccessKey: 'test',
          }),
          maxAttempts: 1,
          requestTimeoutMs: 5_000,
          concurrency: 2,
          logger,
        }),
        config: defaultRunbooksConfig,
        logger,
        tagCache: cache,
      });
    }

    it.each(caches.eachSupportedId())(
      'reads each alarm tag once across replicas and shards with the shared cache (%s)',
      async cacheId => {
        const { connection } = await caches.init(cacheId);
        const knex = await databases.init(databaseId);
        await applyDatabaseMigrations(knex);
        // One namespace per run: the Redis instance outlives the test.
        const namespace = `ops-${databaseId}-${Date.now()}`;
        const a = replica(knex, connection, namespace);
        const b = replica(knex, connection, namespace);
        const before = cloudwatch.stats.listTagsForResourceCalls;
        // Two shards on replica a, the other two on b, then all again on b.
        const count = 4;
        await a.refreshAlarms(undefined, { index: 0, count });
        await b.refreshAlarms(undefined, { index: 1, count });
        await a.refreshAlarms(undefined, { index: 2, count });
        await b.refreshAlarms(undefined, { index: 3, count });
        for (let index = 0; index < count; index++) {
          await b.refreshAlarms(undefined, { index, count });
        }
        expect(cloudwatch.stats.listTagsForResourceCalls - before).toBe(TEAMS);

        // Severity from the tags, whichever replica read them.
        const user = mockCredentials.user();
        for (const i of [0, 1]) {
          const view = await a.getEntityRunbooks(
            `component:default/svc-${i}`,
            user,
          );
          expect(view.alarms.map(al => al.severity)).toEqual([
            i % 2 ? 'P1' : 'P3',
          ]);
        }
      },
    );

    it('without the shared cache, each replica asks for the tags again', async () => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      const a = replica(knex, undefined);
      const b = replica(knex, undefined);
      const before = cloudwatch.stats.listTagsForResourceCalls;
      await a.refreshAlarms();
      await b.refreshAlarms();
      expect(cloudwatch.stats.listTagsForResourceCalls - before).toBe(
        2 * TEAMS,
      );
    });

    it('removes alarm snapshots of deleted entities per shard, and only its own', async () => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      const snapshots = new DatabaseSnapshotStore(knex);
      const a = replica(knex, undefined);
      await a.refreshAlarms();
      // A deleted entity's snapshot, as a refresh before its deletion left it.
      const gone = 'component:default/deleted-service';
      await snapshots.put(ALARMS_KIND, gone, { prefixes: ['x-'], alarms: [] });
      const count = 3;
      const owner = [0, 1, 2].find(index => inShard(gone, { index, count }))!;
      for (let index = 0; index < count; index++) {
        if (index === owner) continue;
        await a.refreshAlarms(undefined, { index, count });
        expect(await snapshots.get(ALARMS_KIND, gone)).toBeDefined();
      }
      await a.refreshAlarms(undefined, { index: owner, count });
      expect(await snapshots.get(ALARMS_KIND, gone)).toBeUndefined();
      expect((await snapshots.list(ALARMS_KIND)).length).toBe(TEAMS);
    });
  },
);
