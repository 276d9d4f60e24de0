import express from 'express';
import {
  AuditorService,
  AuthService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { IncidentProvider, OnCallProvider } from '@opsportal/plugin-ops-node';
import { Clock } from '../lib/clock';
import { SnapshotStore } from '../snapshots/SnapshotStore';
import { readOnCallConfig } from './config';
import { OnCallService } from './OnCallService';
import { createOnCallRouter } from './router';

export { OnCallService, ONCALL_KIND, INCIDENTS_KIND } from './OnCallService';
export type { IncidentsReader } from './OnCallService';
export { readOnCallConfig } from './config';

/** What the on-call feature is built from. */
export interface OnCallFeatureOptions {
  config: RootConfigService;
  logger: LoggerService;
  scheduler: SchedulerService;
  catalog: CatalogService;
  auth: AuthService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  snapshots: SnapshotStore;
  onCall?: OnCallProvider;
  incidents?: IncidentProvider;
  clock?: Clock;
}

/**
 * The on-call and incidents feature: its service (also the incidents reader
 * other features use), its two refresh tasks (each on one replica at a time)
 * and its router.
 */
export async function createOnCallFeature(
  options: OnCallFeatureOptions,
): Promise<{ router: express.Router; service: OnCallService }> {
  const config = readOnCallConfig(options.config);
  const service = new OnCallService({
    catalog: options.catalog,
    auth: options.auth,
    permissions: options.permissions,
    snapshots: options.snapshots,
    onCall: options.onCall,
    incidents: options.incidents,
    config,
    logger: options.logger,
    clock: options.clock,
  });

  if (options.onCall) {
    await options.scheduler.scheduleTask({
      id: 'ops-oncall-refresh',
      scope: 'global',
      frequency: { minutes: config.refreshMinutes },
      timeout: { minutes: 10 },
      initialDelay: { seconds: 5 },
      fn: async () => {
        const done = await service.refreshOnCall();
        options.logger.info(`On-call refreshed for ${done.size} entities`);
      },
    });
  }
  if (options.incidents) {
    await options.scheduler.scheduleTask({
      id: 'ops-incidents-refresh',
      scope: 'global',
      frequency: { minutes: config.incidentsRefreshMinutes },
      timeout: { minutes: 10 },
      // After the first on-call refresh, which tells the teams' services.
      initialDelay: { seconds: 20 },
      fn: async () => {
        const done = await service.refreshIncidents();
        options.logger.info(`Incidents refreshed for ${done.size} entities`);
      },
    });
  }

  return {
    router: createOnCallRouter({
      service,
      httpAuth: options.httpAuth,
      auditor: options.auditor,
    }),
    service,
  };
}
