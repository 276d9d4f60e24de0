/**
 * The ops portal's frontend: SLO, on-call, incident, runbook, capacity,
 * change and KPI cards, tabs and pages. This entry point serves the legacy
 * frontend system; `@opsportal/plugin-ops/alpha` serves the new one. The
 * exports are grouped as the new system's extensions are (src/alpha/): the
 * plugin and its API, entity cards, entity content (tabs), pages, the
 * isXAvailable filters and the route refs.
 *
 * @packageDocumentation
 */

// The plugin and its API client.
export { opsPlugin } from './plugin';
export { opsApiRef, OpsClient } from './api';
export type {
  OpsApi,
  KpiQuery,
  ReviewsQuery,
  TriggerIncidentRequest,
  AlertsExportKind,
} from './api';

// Entity cards.
export {
  EntityOpsSetupCard,
  EntityOnCallCard,
  EntityIncidentsCard,
  EntitySloCard,
  EntityRunbooksCard,
  EntityCapacityCard,
  EntityKpiCard,
  EntityAlertPolicyCard,
  EntitySecurityCard,
  EntityBusinessMetricsCard,
  EntityObservabilityCard,
} from './plugin';

// Entity content (tabs). EntityChangesContent links into ChangesPage,
// which must be mounted as well.
export {
  EntitySloContent,
  EntityRunbooksContent,
  EntityCapacityContent,
  EntityChangesContent,
  EntityTeamOnCallContent,
  EntityTeamKpiContent,
  EntityTeamReviewsContent,
  EntityTeamAlertHealthContent,
} from './plugin';

// Pages.
export {
  OpsOverviewPage,
  SloPage,
  OnCallPage,
  CapacityReviewPage,
  RunbooksPage,
  ChangesPage,
  IncidentsPage,
  AlertsPage,
  SecurityPage,
} from './plugin';

// Whether an entity gets a card or tab: each is the feature's
// isXConfigured from @opsportal/plugin-ops-common.
export {
  isSloAvailable,
  isOnCallAvailable,
  isTeamOnCallAvailable,
  isIncidentsAvailable,
  isRunbooksAvailable,
  isCapacityAvailable,
  isChangesAvailable,
  isKpisAvailable,
  isTeamKpisAvailable,
} from './components/availability';
export { isTeamReviewsAvailable } from './components/reviews/availability';
export {
  isAlertPolicyAvailable,
  isTeamAlertHealthAvailable,
} from './components/alerts/availability';
export { isObservabilityAvailable } from './components/observability/availability';

// Home page cards (@backstage/plugin-home).
export {
  MyOnCallShiftsCard,
  MyApprovalsCard,
  MyIncidentsCard,
  PlatformSloStatusCard,
} from './plugin';

// Route refs of the pages.
export {
  overviewRouteRef,
  sloRouteRef,
  onCallRouteRef,
  capacityRouteRef,
  runbooksRouteRef,
  changesRouteRef,
  incidentsRouteRef,
  alertsRouteRef,
  securityRouteRef,
} from './routes';
