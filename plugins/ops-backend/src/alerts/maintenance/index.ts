import {
  AuthService,
  HttpAuthService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { MaintenanceWindowProvider } from '@opsportal/plugin-ops-node';
import { Knex } from 'knex';
import { Clock } from '../../lib/clock';
import { OpsFeature, OpsTask } from '../../lib/feature';
import {
  ChangeMaintenanceService,
  ChangeSource,
} from './ChangeMaintenanceService';
import { ChangeMaintenanceStore } from './ChangeMaintenanceStore';
import { readChangeMaintenanceConfig } from './config';
import { createChangeMaintenanceRouter } from './router';

export { ChangeMaintenanceService } from './ChangeMaintenanceService';
export type { ChangeSource, ReconcileResult } from './ChangeMaintenanceService';
export { ChangeMaintenanceStore } from './ChangeMaintenanceStore';
export { readChangeMaintenanceConfig } from './config';
export type { ChangeMaintenanceConfig } from './config';

/** What the maintenance windows for changes are built from. */
export interface ChangeMaintenanceOptions {
  config: RootConfigService;
  /** The plugin's database, migrated. */
  database: Knex;
  catalog: CatalogService;
  auth: AuthService;
  httpAuth: HttpAuthService;
  logger: LoggerService;
  /** Change management: transitions, changes by id, the policy, reads. */
  changes: ChangeSource;
  /** The paging tool's maintenance windows (the PagerDuty module). */
  provider?: MaintenanceWindowProvider;
  clock?: Clock;
}

/**
 * PagerDuty maintenance windows for change requests
 * (`ops.alerts.maintenanceWindows`, docs/alerts.md): a transition listener
 * that opens a window when a change starts in its maintenance window and
 * ends it when the change leaves `in-progress`, the reconciliation task (on
 * one replica at a time), `listPeriods` for the alerts feature, and the
 * route the change page reads.
 */
export function createChangeMaintenanceFeature(
  options: ChangeMaintenanceOptions,
): OpsFeature<ChangeMaintenanceService> {
  const config = readChangeMaintenanceConfig(options.config);
  const service = new ChangeMaintenanceService({
    store: new ChangeMaintenanceStore(options.database),
    provider: options.provider,
    changes: options.changes,
    catalog: options.catalog,
    auth: options.auth,
    config,
    logger: options.logger,
    clock: options.clock,
  });
  const tasks: OpsTask[] = [];
  if (service.active) {
    options.changes.onTransition(service.onTransition);
    tasks.push({
      id: 'ops-alerts-change-maintenance-windows',
      scope: 'global',
      frequency: { minutes: config.reconcileEveryMinutes },
      timeout: { minutes: 5 },
      initialDelay: { minutes: 1 },
      fn: async () => {
        const { created, ended, failed } = await service.reconcile();
        if (created + ended + failed > 0) {
          options.logger.info(
            `PagerDuty maintenance windows for changes: ${created} created, ${ended} ended, ${failed} failed`,
          );
        }
      },
    });
  } else if (config.enabled) {
    options.logger.warn(
      'ops.alerts.maintenanceWindows.enabled is true, but no module provides maintenance windows (the PagerDuty module with a token): none are opened',
    );
  }
  return {
    service,
    router: createChangeMaintenanceRouter({
      service,
      httpAuth: options.httpAuth,
    }),
    tasks,
  };
}
