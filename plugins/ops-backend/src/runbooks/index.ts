import {
  AuthService,
  HttpAuthService,
  LoggerService,
  RootConfigService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AlarmsProvider } from '@opsportal/plugin-ops-node';
import { EntityLocationReader } from '../lib/EntityLocationReader';
import { OpsFeature, OpsTask } from '../lib/feature';
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
}

/**
 * The runbooks feature: its service, its two refresh tasks (runbooks every
 * `ops.runbooks.refreshMinutes`, alarms every
 * `ops.runbooks.alarms.refreshMinutes`; each runs on one replica at a time)
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
  });

  const tasks: OpsTask[] = [
    {
      id: 'ops-runbooks-refresh',
      frequency: { minutes: config.refreshMinutes },
      timeout: { minutes: 15 },
      initialDelay: { seconds: 20 },
      fn: async () => {
        const result = await service.refreshRunbooks();
        options.logger.info(
          `Read ${result.runbooks} runbooks of ${result.entities} entities`,
        );
      },
    },
  ];
  if (options.alarms) {
    tasks.push({
      id: 'ops-runbooks-alarms-refresh',
      frequency: { minutes: config.alarmsRefreshMinutes },
      timeout: { minutes: 5 },
      initialDelay: { seconds: 20 },
      fn: async () => {
        await service.refreshAlarms();
      },
    });
  }

  return {
    router: createRunbooksRouter({ service, httpAuth: options.httpAuth }),
    service,
    tasks,
  };
}
