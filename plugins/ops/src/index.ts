/**
 * The ops portal's frontend: SLO, on-call, runbook, capacity, change and KPI
 * cards, tabs and pages. This entry point serves the legacy frontend system;
 * `@opsportal/plugin-ops/alpha` serves the new one.
 *
 * @packageDocumentation
 */

export { opsPlugin, EntityOpsSetupCard } from './plugin';
export {
  EntityCapacityCard,
  EntityCapacityContent,
  CapacityReviewPage,
} from './plugin';
export { isCapacityAvailable } from './components/capacity/helpers';
export { capacityRouteRef } from './routes';
export {
  EntityRunbooksCard,
  EntityRunbooksContent,
  RunbooksPage,
} from './plugin';
export { isRunbooksAvailable } from './components/runbooks/helpers';
export { runbooksRouteRef } from './routes';
export { ChangesPage, EntityChangesContent } from './plugin';
export { changesRouteRef } from './routes';
export {
  EntityOnCallCard,
  EntityIncidentsCard,
  EntityTeamOnCallContent,
  OnCallPage,
} from './plugin';
export {
  isOnCallAvailable,
  isTeamOnCallAvailable,
  isIncidentsAvailable,
} from './components/oncall/helpers';
export { onCallRouteRef } from './routes';
export type { TriggerIncidentRequest } from './api';
export { opsApiRef, OpsClient } from './api';
export type { OpsApi } from './api';
export { EntitySloCard, EntitySloContent, SloPage } from './plugin';
export { isSloAvailable } from './components/slo/helpers';
export { sloRouteRef } from './routes';
export { OpsOverviewPage, EntityKpiCard, EntityTeamKpiContent } from './plugin';
export {
  isKpisAvailable,
  isTeamKpisAvailable,
} from './components/kpis/helpers';
export { overviewRouteRef } from './routes';
export type { KpiQuery } from './api';
