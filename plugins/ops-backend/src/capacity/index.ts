import {
  AuthService,
  DatabaseService,
  HttpAuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { MetricsProvider } from '@opsportal/plugin-ops-node';
import { Clock, systemClock } from '../lib/clock';
import { OpsFeature, shardedTasks } from '../lib/feature';
import { readShardCount } from '../lib/shards';
import { SnapshotStore } from '../snapshots/SnapshotStore';
import { CapacityService } from './CapacityService';
import { readCapacityConfig } from './config';
import { createCapacityRouter } from './router';
import { CapacitySeriesStore } from './seriesStore';

export { CapacityService } from './CapacityService';
export { readCapacityConfig } from './config';

/**
 * The capacity feature: its service, the scheduled refresh (one global
 * task per shard, `ops.capacity.shards` or `ops.refresh.shards`, so that
 * replicas share it) and its routes.
 */
export function createCapacityFeature(options: {
  config: Config;
  logger: LoggerService;
  catalog: CatalogService;
  auth: AuthService;
  httpAuth: HttpAuthService;
  snapshots: SnapshotStore;
  metrics: MetricsProvider | undefined;
  clock?: Clock;
  /**
   * The plugin's database, for the stored series (`ops_capacity_series`):
   * without it, every refresh reads every window in full.
   */
  database?: DatabaseService;
}): OpsFeature<CapacityService> {
  const config = readCapacityConfig(options.config);
  const logger = options.logger.child({ feature: 'capacity' });
  const service = new CapacityService({
    config,
    snapshots: options.snapshots,
    catalog: options.catalog,
    auth: options.auth,
    metrics: options.metrics,
    logger,
    clock: options.clock ?? systemClock,
    series: options.database
      ? new CapacitySeriesStore(() => options.database!.getClient())
      : undefined,
  });
  return {
    router: createCapacityRouter({ service, httpAuth: options.httpAuth }),
    service,
    tasks: shardedTasks({
      id: 'ops-capacity-refresh',
      schedule: config.schedule,
      shards: readShardCount(options.config, 'capacity'),
      fn: async (shard, signal) => {
        await service.refreshAll(signal, shard);
      },
    }),
  };
}
