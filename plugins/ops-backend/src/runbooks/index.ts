import {
  AuthService,
  CacheService,
  HttpAuthService,
  LoggerService,
  RootConfigService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AlarmsProvider } from '@opsportal/plugin-ops-node';
import { EntityLocationReader } from '../lib/EntityLocationReader';
import { OpsFeature, OpsTask, shardedTasks } from '../lib/feature';
import { readShardCount } from '../lib/shards';
import { SnapshotStore } from '../snapshots/SnapshotStore';
import { readRunbooksConfig } from './config';
import { RunbookCollector } from './RunbookCollector';
import { RunbooksService } from './RunbooksService';
import { createRunbooksRouter } from './router';

export { RunbooksService } from './RunbooksService';
export { createRunbooksRouter } from './router';

/** What the runbooks feature is built from. */
export interface RunbooksFeatureOptions {
  config: RootConfigService;
  logger: LoggerService;
  catalog: CatalogService;
  auth: AuthService;
  httpAuth: HttpAuthService;
  urlReader: UrlReaderService;
  snapshots: SnapshotStore;
  alarms?: AlarmsProvider;
  /** The plugin's cache (`coreServices.cache`): alarm tags, shared by replicas. */
  cache?: CacheService;
}

/**
 * The runbooks feature: its service, its two refresh tasks (runbooks every
 * `ops.runbooks.refreshMinutes`, alarms every
 * `ops.runbooks.alarms.refreshMinutes`; each one global task per shard,
 * `ops.runbooks.shards` or `ops.refresh.shards`)
 * and its router.
 */
export function createRunbooksFeature(
  options: RunbooksFeatureOptions,
): OpsFeature<RunbooksService> {
  const config = readRunbooksConfig(options.config);
  const reader = new EntityLocationReader({
    urlReader: options.urlReader,
    maxFileBytes: config.maxFileBytes,
    maxFiles: config.maxFiles,
  });
  const service = new RunbooksService({
    catalog: options.catalog,
    auth: options.auth,
    snapshots: options.snapshots,
    collector: new RunbookCollector(reader, {
      techdocsBasePath: config.techdocsBasePath,
    }),
    alarms: options.alarms,
    config,
    logger: options.logger,
    tagCache: options.cache,
  });
  const shards = readShardCount(options.config, 'runbooks');

  const tasks: OpsTask[] = shardedTasks({
    id: 'ops-runbooks-refresh',
    schedule: {
      frequency: { minutes: config.refreshMinutes },
      timeout: { minutes: 15 },
      initialDelay: { seconds: 20 },
    },
    shards,
    fn: async shard => {
      const result = await service.refreshRunbooks(shard);
      options.logger.info(
        `Read ${result.runbooks} runbooks of ${result.entities} entities`,
      );
    },
  });
  if (options.alarms) {
    tasks.push(
      ...shardedTasks({
        id: 'ops-runbooks-alarms-refresh',
        schedule: {
          frequency: { minutes: config.alarmsRefreshMinutes },
          timeout: { minutes: 5 },
          initialDelay: { seconds: 20 },
        },
        shards,
        fn: async shard => {
          await service.refreshAlarms(undefined, shard);
        },
      }),
    );
  }

  return {
    router: createRunbooksRouter({ service, httpAuth: options.httpAuth }),
    service,
    tasks,
  };
}
