import {
  AuthService,
  HttpAuthService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { MetricsProvider } from '@opsportal/plugin-ops-node';
import express from 'express';
import { Clock, systemClock } from '../lib/clock';
import { SnapshotStore } from '../snapshots/SnapshotStore';
import { CapacityService } from './CapacityService';
import { readCapacityConfig } from './config';
import { createCapacityRouter } from './router';

export { CapacityService } from './CapacityService';
export { readCapacityConfig } from './config';

/**
 * The capacity feature: its service, the scheduled refresh (one run at a
 * time across backend replicas) and its routes.
 */
export async function createCapacityFeature(options: {
  config: Config;
  logger: LoggerService;
  scheduler: SchedulerService;
  catalog: CatalogService;
  auth: AuthService;
  httpAuth: HttpAuthService;
  snapshots: SnapshotStore;
  metrics: MetricsProvider | undefined;
  clock?: Clock;
}): Promise<express.Router> {
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
  });
  await options.scheduler.scheduleTask({
    id: 'ops-capacity-refresh',
    scope: 'global',
    ...config.schedule,
    fn: async signal => {
      await service.refreshAll(signal as AbortSignal);
    },
  });
  return createCapacityRouter({ service, httpAuth: options.httpAuth });
}
