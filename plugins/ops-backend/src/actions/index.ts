import {
  AuthService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { CapacityService } from '../capacity/CapacityService';
import { ChangeRequestService } from '../changes/ChangeRequestService';
import { IncidentsService } from '../incidents/IncidentsService';
import { OnCallService } from '../oncall';
import { SloService } from '../slo/SloService';
import { registerCapacityAction } from './capacity';
import { registerChangeActions } from './changes';
import { registerIncidentsAction } from './incidents';
import { registerOnCallAction } from './oncall';
import { registerSloAction } from './slo';

/** What the ops actions are built from: the features' services. */
export interface OpsActionsOptions {
  actionsRegistry: ActionsRegistryService;
  auth: AuthService;
  logger: LoggerService;
  config: RootConfigService;
  /** The catalog as the entity routes read it (on behalf of the caller). */
  catalog: CatalogService;
  oncall: Pick<OnCallService, 'getEntityOnCall'>;
  slo: Pick<SloService, 'getEntitySlos'>;
  incidents: Pick<IncidentsService, 'getEntityIncidents'>;
  capacity: Pick<CapacityService, 'getEntityCapacity'>;
  changes: Pick<ChangeRequestService, 'list' | 'create' | 'policy'>;
}

/**
 * Registers the ops actions with Backstage's actions registry
 * (`ops:get-on-call`, `ops:get-slo-status`, `ops:list-incidents`,
 * `ops:get-capacity-risk`, `ops:list-change-requests`,
 * `ops:create-change-request`), which the MCP actions backend serves as
 * tools (docs/mcp.md). Each action is a thin client of a feature service,
 * called with the caller's credentials like the REST routes.
 */
export function registerOpsActions(options: OpsActionsOptions): void {
  const { actionsRegistry: registry, auth, logger } = options;
  const common = { registry, auth, logger };
  registerOnCallAction({ ...common, oncall: options.oncall });
  registerSloAction({
    ...common,
    catalog: options.catalog,
    slo: options.slo,
  });
  registerIncidentsAction({ ...common, incidents: options.incidents });
  registerCapacityAction({ ...common, capacity: options.capacity });
  registerChangeActions({
    ...common,
    config: options.config,
    changes: options.changes,
  });
}
