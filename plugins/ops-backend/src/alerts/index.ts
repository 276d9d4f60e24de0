import {
  AuditorService,
  AuthService,
  CacheService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AlarmsProvider, IncidentProvider } from '@opsportal/plugin-ops-node';
import { Knex } from 'knex';
import { Clock } from '../lib/clock';
import { OpsFeature, OpsTask } from '../lib/feature';
import { SnapshotStore } from '../snapshots/SnapshotStore';
import { AlarmHistoryStore } from './AlarmHistoryStore';
import { AlarmReviewsStore } from './AlarmReviewsStore';
import {
  AlertsService,
  MaintenanceSource,
  RunbookSource,
} from './AlertsService';
import { readAlertsConfig } from './config';
import { createAlertsRouter } from './router';

export {
  AlertsService,
  ALERTS_ENTITY_KIND,
  ALERTS_PAGING_KIND,
  ALERTS_MAINTENANCE_KIND,
  ALERTS_OVERVIEW_KIND,
} from './AlertsService';
export type {
  MaintenanceSource,
  RunbookSource,
  AlertsCallContext,
} from './AlertsService';
export { AlarmHistoryStore } from './AlarmHistoryStore';
export { AlarmReviewsStore } from './AlarmReviewsStore';
export { readAlertsConfig } from './config';
export type { AlertsConfig } from './config';
export { createAlertsRouter } from './router';

/** What alert hygiene is built from. */
export interface AlertsFeatureOptions {
  config: RootConfigService;
  /** The plugin's database, migrated. */
  database: Knex;
  catalog: CatalogService;
  auth: AuthService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  logger: LoggerService;
  snapshots: SnapshotStore;
  /** CloudWatch alarms and their history; without it no alarm refresh runs. */
  alarms?: AlarmsProvider;
  /** PagerDuty incidents and pages; without it no paging refresh runs. */
  incidents?: IncidentProvider;
  /** Maintenance periods left out of the counts (PagerDuty maintenance windows). */
  maintenance?: MaintenanceSource;
  /** The runbooks feature: runbooks that name alarms in their front matter. */
  runbooks?: RunbookSource;
  /** The plugin's cache: alarm tags, shared with the runbooks feature. */
  cache?: CacheService;
  clock?: Clock;
}

/**
 * Alert hygiene (docs/alerts.md): the service, its routes, and two global
 * tasks (one replica at a time) every `ops.alerts.refreshMinutes`: the
 * alarm noise (alarms, their history, policy coverage) and the paging load.
 */
export function createAlertsFeature(
  options: AlertsFeatureOptions,
): OpsFeature<AlertsService> {
  const config = readAlertsConfig(options.config);
  const service = new AlertsService({
    catalog: options.catalog,
    auth: options.auth,
    permissions: options.permissions,
    auditor: options.auditor,
    logger: options.logger,
    snapshots: options.snapshots,
    history: new AlarmHistoryStore(options.database),
    reviews: new AlarmReviewsStore(options.database),
    config,
    alarms: options.alarms,
    incidents: options.incidents,
    maintenance: options.maintenance,
    runbooks: options.runbooks,
    tagCache: options.cache,
    clock: options.clock,
    // A user's catalog visibility is reused as long as their entity answers.
    visibilityTtlSeconds: options.config.getOptionalNumber(
      'ops.viewCache.entityTtlSeconds',
    ),
  });

  const tasks: OpsTask[] = [];
  if (options.alarms) {
    tasks.push({
      id: 'ops-alerts-alarms-refresh',
      scope: 'global',
      frequency: { minutes: config.refreshMinutes },
      timeout: { minutes: 15 },
      initialDelay: { seconds: 40 },
      fn: async signal => {
        const result = await service.refreshAlarms(
          signal as AbortSignal | undefined,
        );
        options.logger.info(
          `Alert hygiene: analysed ${result.alarms} alarms of ${result.entities} entities`,
        );
      },
    });
  }
  if (options.incidents) {
    tasks.push({
      id: 'ops-alerts-paging-refresh',
      scope: 'global',
      frequency: { minutes: config.refreshMinutes },
      timeout: { minutes: 15 },
      initialDelay: { seconds: 50 },
      fn: async signal => {
        await service.refreshPaging(signal as AbortSignal | undefined);
      },
    });
  }

  return {
    service,
    router: createAlertsRouter({ service, httpAuth: options.httpAuth }),
    tasks,
  };
}
