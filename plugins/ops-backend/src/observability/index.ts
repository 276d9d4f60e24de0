import {
  AuthService,
  CacheService,
  HttpAuthService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  DashboardsProvider,
  LogsProvider,
  TracesProvider,
} from '@opsportal/plugin-ops-node';
import { OpsFeature, OpsTask, shardedTasks } from '../lib/feature';
import { readShardCount } from '../lib/shards';
import { SnapshotStore } from '../snapshots/SnapshotStore';
import { readObservabilityLogsConfig } from './config';
import { LogsService } from './LogsService';
import { ObservabilityService } from './ObservabilityService';
import { createObservabilityRouter } from './router';
import { TracesService } from './traces/TracesService';
import { DashboardsService } from './dashboards/DashboardsService';

export { ObservabilityService } from './ObservabilityService';
export { LogsService } from './LogsService';

/** What the observability feature is built from. */
export interface ObservabilityFeatureOptions {
  config: RootConfigService;
  logger: LoggerService;
  catalog: CatalogService;
  auth: AuthService;
  httpAuth: HttpAuthService;
  snapshots: SnapshotStore;
  /** CloudWatch Logs (the CloudWatch module); logs answer "not installed" without it. */
  logs?: LogsProvider;
  /** X-Ray (the CloudWatch module). */
  traces?: TracesProvider;
  /** The plugin's cache (`coreServices.cache`): trace statistics, shared by replicas. */
  cache?: CacheService;
  /** Grafana (the Grafana module). */
  dashboards?: DashboardsProvider;
}

/**
 * The observability feature (docs/observability.md): an entity's logs,
 * traces and dashboards under `GET /api/ops/observability/entity`. Its
 * logs refresh every `ops.observability.logs.refreshMinutes` (one global
 * task per shard, `ops.observability.shards` or `ops.refresh.shards`).
 */
export function createObservabilityFeature(
  options: ObservabilityFeatureOptions,
): OpsFeature<ObservabilityService> {
  const logsConfig = readObservabilityLogsConfig(options.config);
  const logs = new LogsService({
    catalog: options.catalog,
    auth: options.auth,
    snapshots: options.snapshots,
    logs: options.logs,
    config: logsConfig,
    logger: options.logger,
  });
  // Traces from X-Ray (traces/) and dashboards from Grafana (dashboards/),
  // read on demand through the plugin's cache.
  const traces = TracesService.fromConfig(options.config, {
    provider: options.traces,
    logger: options.logger,
    cache: options.cache,
  });
  const dashboards = DashboardsService.fromConfig(options.config, {
    provider: options.dashboards,
    logger: options.logger,
    cache: options.cache,
  });
  const service = new ObservabilityService({
    catalog: options.catalog,
    logs,
    traces,
    dashboards,
  });
  const tasks: OpsTask[] = options.logs
    ? shardedTasks({
        id: 'ops-observability-logs-refresh',
        schedule: {
          frequency: { minutes: logsConfig.refreshMinutes },
          timeout: { minutes: 15 },
          initialDelay: { seconds: 30 },
        },
        shards: readShardCount(options.config, 'observability'),
        fn: async (shard, signal) => {
          await logs.refresh(shard, signal);
        },
      })
    : [];
  return {
    router: createObservabilityRouter({ service, httpAuth: options.httpAuth }),
    service,
    tasks,
  };
}
