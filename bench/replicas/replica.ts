/*
 * One backend replica of the two-replica benchmark, in a process of its own:
 * the ops plugin and the CloudWatch module started with startTestBackend,
 * with Backstage's real scheduler and database service on the shared
 * PostgreSQL database, the real cache service on Redis, and a catalog of the
 * benchmark's entities (the same in both replicas).
 *
 *   replica.ts <json options>  → prints "ready" once started, then one
 *   "stats {json}" line a second (RSS, heap, CPU, outgoing HTTP requests).
 *   On SIGUSR2 it writes a heap snapshot into BENCH_HEAP_SNAPSHOT_DIR (or
 *   the working directory) and prints "snapshot <file>".
 */
import diagnostics from 'node:diagnostics_channel';
import path from 'node:path';
import v8 from 'node:v8';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { cacheServiceFactory } from '@backstage/backend-defaults/cache';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import opsPlugin from '../../plugins/ops-backend/src';
import cloudWatchModule from '../../plugins/ops-backend-module-cloudwatch/src';
import { ReplicaOptions, benchEntities } from './entities';

async function main() {
  const options: ReplicaOptions = JSON.parse(process.argv[2]);
  let requests = 0;
  diagnostics.subscribe('http.client.request.start', () => {
    requests += 1;
  });
  const backend = await startTestBackend({
    features: [
      opsPlugin,
      cloudWatchModule,
      catalogServiceMock.factory({ entities: benchEntities(options) }),
      schedulerServiceFactory,
      databaseServiceFactory,
      cacheServiceFactory,
      mockServices.rootLogger.factory({
        level: process.env.BENCH_REPLICA_LOG ? 'info' : 'warn',
      }),
      mockServices.rootConfig.factory({
        data: {
          backend: {
            baseUrl: 'http://localhost:0',
            database: {
              client: 'pg',
              connection: options.postgres,
              pluginDivisionMode: 'database',
              prefix: `${options.database}_`,
            },
            cache: { store: 'redis', connection: options.redis },
          },
          ops: {
            refresh: { shards: options.shards },
            cloudwatch: {
              region: 'us-east-1',
              endpoint: options.cloudwatch,
              requestTimeoutMs: 300_000,
            },
            slo: {
              schedule: {
                frequency: { minutes: options.sloIntervalMinutes },
                timeout: { minutes: options.sloIntervalMinutes * 2 },
                initialDelay: { seconds: options.initialDelaySeconds },
              },
            },
            capacity: {
              servicesPerBatch: options.batch,
              schedule: {
                frequency: { minutes: options.capacityIntervalMinutes },
                timeout: { minutes: options.capacityIntervalMinutes * 2 },
                initialDelay: { seconds: options.initialDelaySeconds },
              },
            },
          },
        },
      }),
    ],
  });
  process.stdout.write('ready\n');
  setInterval(() => {
    const cpu = process.cpuUsage();
    const memory = process.memoryUsage();
    process.stdout.write(
      `stats ${JSON.stringify({
        rss: memory.rss,
        heapUsed: memory.heapUsed,
        external: memory.external,
        cpuMs: (cpu.user + cpu.system) / 1000,
        requests,
      })}\n`,
    );
  }, 1000);
  process.on('SIGUSR2', () => {
    const file = v8.writeHeapSnapshot(
      path.join(
        process.env.BENCH_HEAP_SNAPSHOT_DIR ?? process.cwd(),
        `replica-${options.name}-${Date.now()}.heapsnapshot`,
      ),
    );
    process.stdout.write(`snapshot ${file}\n`);
  });
  process.on('SIGTERM', () => {
    backend.stop().finally(() => process.exit(0));
  });
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
