import {
  AuditorService,
  AuthService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { IncidentPolicy } from '@opsportal/plugin-ops-common';
import { IncidentResponseProvider } from '@opsportal/plugin-ops-node';
import { Knex } from 'knex';
import { ChangeRequestService } from '../../changes';
import { Clock } from '../../lib/clock';
import { OpsFeature } from '../../lib/feature';
import { OnCallService } from '../../oncall';
import { StatusUpdateListener, UpdateCadenceMinutes } from './cadence';
import { ChangeEventSender } from './ChangeEvents';
import { readIncidentResponseConfig } from './config';
import { DatabaseIncidentRoleStore } from './IncidentRoleStore';
import { IncidentResponseService } from './IncidentResponseService';
import { IncidentReviews } from './reviews';
import { createIncidentResponseRouter } from './router';

export { IncidentResponseService } from './IncidentResponseService';
export { readIncidentResponseConfig, readUpdateCadenceMinutes } from './config';
export type { StatusUpdateListener, UpdateCadenceMinutes } from './cadence';
export type { IncidentReviews } from './reviews';

/** What the incident page's backend is built from. */
export interface IncidentResponseOptions {
  config: RootConfigService;
  logger: LoggerService;
  catalog: CatalogService;
  auth: AuthService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  /** The plugin's database, migrated (role assignments). */
  database: Knex;
  provider?: IncidentResponseProvider;
  /** The incidents feature's severity policy. */
  policy: IncidentPolicy;
  /**
   * The incidents feature's status update cadence (read once, for the page
   * and the cards); read from config here when not given.
   */
  updateCadenceMinutes?: UpdateCadenceMinutes;
  /** Told of status updates posted from the page: the incidents feature. */
  statusUpdates?: StatusUpdateListener;
  oncall?: Pick<OnCallService, 'getEntityOnCall'>;
  changes?: Pick<
    ChangeRequestService,
    'startedOrFinishedBetween' | 'onTransition'
  >;
  reviews?: IncidentReviews;
  clock?: Clock;
}

/**
 * The incident page (`/incidents/:id`): its service and routes, mounted
 * after the incidents feature's (whose `/incidents/entity` and
 * `/incidents/trigger` the `:id` route would otherwise match). With a
 * provider, change requests' starts and completions are also sent to
 * PagerDuty as change events (unless
 * `ops.incidents.response.changeEvents.enabled` is false).
 */
export function createIncidentResponseFeature(
  options: IncidentResponseOptions,
): OpsFeature<IncidentResponseService> {
  const config = readIncidentResponseConfig(
    options.config,
    options.updateCadenceMinutes,
  );
  const service = new IncidentResponseService({
    provider: options.provider,
    store: new DatabaseIncidentRoleStore(options.database),
    catalog: options.catalog,
    auth: options.auth,
    permissions: options.permissions,
    oncall: options.oncall,
    changes: options.changes,
    reviews: options.reviews,
    statusUpdates: options.statusUpdates,
    policy: options.policy,
    config,
    logger: options.logger,
    clock: options.clock,
  });
  if (options.provider && options.changes && config.changeEvents.enabled) {
    const sender = new ChangeEventSender({
      provider: options.provider,
      catalog: options.catalog,
      auth: options.auth,
      config,
      logger: options.logger,
    });
    options.changes.onTransition(sender.onTransition);
  }
  return {
    service,
    router: createIncidentResponseRouter({
      service,
      httpAuth: options.httpAuth,
      auditor: options.auditor,
    }),
    tasks: [],
  };
}
