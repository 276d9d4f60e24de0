import { HttpAuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { MetricsProvider } from '@opsportal/plugin-ops-node';
import { Clock, systemClock } from '../lib/clock';
import { OpsFeature, OpsTask } from '../lib/feature';
import { SnapshotStore } from '../snapshots/SnapshotStore';
import { BusinessMetricsService } from './BusinessMetricsService';
import { readBusinessConfig } from './config';
import { createBusinessRouter } from './router';

export { BusinessMetricsService } from './BusinessMetricsService';
export { readBusinessConfig } from './config';

/**
 * The business metrics feature (docs/business-metrics.md): its service,
 * one global refresh task every `ops.business.refreshMinutes` (only when
 * metrics are configured) and its route.
 */
export function createBusinessFeature(options: {
  config: Config;
  logger: LoggerService;
  catalog: CatalogService;
  httpAuth: HttpAuthService;
  snapshots: SnapshotStore;
  metrics: MetricsProvider | undefined;
  clock?: Clock;
}): OpsFeature<BusinessMetricsService> {
  const config = readBusinessConfig(options.config);
  const service = new BusinessMetricsService({
    config,
    snapshots: options.snapshots,
    catalog: options.catalog,
    metrics: options.metrics,
    logger: options.logger.child({ feature: 'business' }),
    clock: options.clock ?? systemClock,
  });
  const tasks: OpsTask[] = [];
  if (config.metrics.length > 0) {
    tasks.push({
      id: 'ops-business-refresh',
      scope: 'global',
      frequency: { minutes: config.refreshMinutes },
      timeout: { minutes: 5 },
      initialDelay: { seconds: 20 },
      fn: async signal => {
        await service.refresh(signal as AbortSignal | undefined);
      },
    });
  }
  return {
    router: createBusinessRouter({ service, httpAuth: options.httpAuth }),
    service,
    tasks,
  };
}
