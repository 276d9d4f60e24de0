import {
  AuditorService,
  AuthService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  IncidentProvider,
  IncidentResponseProvider,
} from '@opsportal/plugin-ops-node';
import { Clock } from '../lib/clock';
import { OnCallService } from '../oncall';
import { SnapshotStore } from '../snapshots/SnapshotStore';
import { readIncidentsConfig } from './config';
import { IncidentsService } from './IncidentsService';
import { createIncidentsRouter } from './router';
import { readUpdateCadenceMinutes } from './response/config';
import { OpsFeature, OpsTask } from '../lib/feature';

export { IncidentsService, INCIDENTS_KIND } from './IncidentsService';
export type { IncidentsReader } from './IncidentsService';
export { readIncidentsConfig } from './config';
export { createIncidentResponseFeature } from './response';

/** What the incidents feature is built from. */
export interface IncidentsFeatureOptions {
  config: RootConfigService;
  logger: LoggerService;
  catalog: CatalogService;
  auth: AuthService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  snapshots: SnapshotStore;
  /** The on-call feature's service: a team's services come from its on-call view. */
  oncall: OnCallService;
  incidents?: IncidentProvider;
  /**
   * The incident page's provider: the refresh reads the last status update
   * of open incidents that owe updates, for the cards' due time.
   */
  response?: IncidentResponseProvider;
  clock?: Clock;
}

/**
 * The incidents feature: its service (also the incidents reader other
 * features use), its refresh task (on one replica at a time) and its router.
 */
export function createIncidentsFeature(
  options: IncidentsFeatureOptions,
): OpsFeature<IncidentsService> {
  const config = readIncidentsConfig(options.config);
  const service = new IncidentsService({
    catalog: options.catalog,
    auth: options.auth,
    permissions: options.permissions,
    snapshots: options.snapshots,
    oncall: options.oncall,
    incidents: options.incidents,
    response: options.response,
    // Read once here; the incident page takes it from the service.
    updateCadenceMinutes: readUpdateCadenceMinutes(options.config),
    config,
    logger: options.logger,
    clock: options.clock,
  });

  const tasks: OpsTask[] = [];
  if (options.incidents) {
    tasks.push({
      id: 'ops-incidents-refresh',
      scope: 'global',
      frequency: { minutes: config.refreshMinutes },
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
    router: createIncidentsRouter({
      service,
      httpAuth: options.httpAuth,
      auditor: options.auditor,
    }),
    service,
    tasks,
  };
}
