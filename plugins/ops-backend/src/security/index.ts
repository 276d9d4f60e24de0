import {
  AuthService,
  HttpAuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AlarmsProvider, MetricsProvider } from '@opsportal/plugin-ops-node';
import { Clock, systemClock } from '../lib/clock';
import { OpsFeature, shardedTasks } from '../lib/feature';
import { SnapshotStore } from '../snapshots/SnapshotStore';
import { readSecurityConfig } from './config';
import { createSecurityRouter } from './router';
import { SecurityService } from './SecurityService';

export { SecurityService } from './SecurityService';
export { readSecurityConfig } from './config';

/**
 * Security operations (docs/security-operations.md): the configured security signals
 * of the platform and of each service, refreshed by one global task every
 * `ops.security.refreshMinutes`, and their routes.
 */
export function createSecurityFeature(options: {
  config: Config;
  logger: LoggerService;
  catalog: CatalogService;
  auth: AuthService;
  httpAuth: HttpAuthService;
  snapshots: SnapshotStore;
  metrics: MetricsProvider | undefined;
  alarms: AlarmsProvider | undefined;
  clock?: Clock;
}): OpsFeature<SecurityService> {
  const config = readSecurityConfig(options.config);
  const logger = options.logger.child({ feature: 'security' });
  const service = new SecurityService({
    config,
    snapshots: options.snapshots,
    catalog: options.catalog,
    auth: options.auth,
    metrics: options.metrics,
    alarms: options.alarms,
    logger,
    clock: options.clock ?? systemClock,
  });
  return {
    router: createSecurityRouter({ service, httpAuth: options.httpAuth }),
    service,
    tasks:
      config.metrics.length === 0
        ? []
        : shardedTasks({
            id: 'ops-security-refresh',
            schedule: {
              frequency: { minutes: config.refreshMinutes },
              timeout: { minutes: 10 },
              initialDelay: { seconds: 20 },
            },
            shards: 1,
            fn: async (_shard, signal) => {
              await service.refreshAll(signal);
            },
          }),
  };
}
