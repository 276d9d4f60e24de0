import {
  AuthService,
  HttpAuthService,
  LoggerService,
  RootConfigService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { MetricsProvider } from '@opsportal/plugin-ops-node';
import { Clock } from '../lib/clock';
import { EntityLocationReader } from '../lib/EntityLocationReader';
import { SnapshotStore } from '../snapshots/SnapshotStore';
import { readSloConfig } from './config';
import { createSloRouter } from './router';
import { SloDefinitionLoader } from './SloDefinitionLoader';
import { SloService } from './SloService';

export { SloService, SLO_SNAPSHOT_KIND } from './SloService';
export type {
  SloUptimeSource,
  EntitySloSnapshot,
  SloRefreshSummary,
} from './SloService';
import { OpsFeature, shardedTasks } from '../lib/feature';
import { readShardCount } from '../lib/shards';

/** What the SLO feature is built from. */
export interface SloFeatureOptions {
  config: RootConfigService;
  logger: LoggerService;
  catalog: CatalogService;
  auth: AuthService;
  httpAuth: HttpAuthService;
  urlReader: UrlReaderService;
  snapshots: SnapshotStore;
  metrics?: MetricsProvider;
  clock?: Clock;
}

/**
 * The SLO feature: its service (also the KPIs' uptime source), its refresh
 * tasks (`ops.slo.schedule`, default every 10 minutes; one global task per
 * shard, `ops.slo.shards` or `ops.refresh.shards`) and its router.
 */
export function createSloFeature(
  options: SloFeatureOptions,
): OpsFeature<SloService> {
  const config = readSloConfig(options.config);
  const service = new SloService({
    catalog: options.catalog,
    auth: options.auth,
    logger: options.logger,
    snapshots: options.snapshots,
    loader: new SloDefinitionLoader(
      new EntityLocationReader({ urlReader: options.urlReader }),
      config.rules,
      config.prometheus,
    ),
    config,
    metrics: options.metrics,
    clock: options.clock,
  });
  if (!options.metrics) {
    options.logger.warn(
      'No metrics provider is installed: SLOs cannot be evaluated (add @opsportal/plugin-ops-backend-module-cloudwatch)',
    );
  }
  return {
    service,
    router: createSloRouter({
      service,
      httpAuth: options.httpAuth,
      catalog: options.catalog,
    }),
    tasks: shardedTasks({
      id: 'ops-slo-refresh',
      schedule: config.schedule,
      shards: readShardCount(options.config, 'slo'),
      fn: async shard => {
        await service.refreshAll(shard);
      },
    }),
  };
}
