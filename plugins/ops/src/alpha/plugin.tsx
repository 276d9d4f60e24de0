import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { opsApi } from './apis';
import {
  entityAlertPolicyCard,
  entityBusinessMetricsCard,
  entityCapacityCard,
  entityIncidentsCard,
  entityKpiCard,
  entityOnCallCard,
  entityOpsSetupCard,
  entityObservabilityCard,
  entityRunbooksCard,
  entitySecurityCard,
  entitySloCard,
} from './entityCards';
import {
  entityCapacityContent,
  entityChangesContent,
  entityRunbooksContent,
  entitySloContent,
  entityTeamKpiContent,
  entityTeamOnCallContent,
  entityTeamAlertHealthContent,
  entityTeamReviewsContent,
} from './entityContent';
import {
  myApprovalsWidget,
  myIncidentsWidget,
  myOnCallShiftsWidget,
  sloStatusWidget,
} from './home';
import {
  alertsPage,
  capacityPage,
  changesPage,
  incidentsPage,
  onCallPage,
  overviewPage,
  runbooksPage,
  securityPage,
  sloPage,
} from './pages';

/**
 * The ops portal for Backstage's new frontend system.
 * @alpha
 */
export const opsPlugin = createFrontendPlugin({
  pluginId: 'ops',
  info: { packageJson: () => import('../../package.json') },
  extensions: [
    opsApi,
    overviewPage,
    entityKpiCard,
    entityTeamKpiContent,
    entityCapacityCard,
    entityCapacityContent,
    capacityPage,
    entitySloCard,
    entitySloContent,
    sloPage,
    entityOpsSetupCard,
    entityOnCallCard,
    entityIncidentsCard,
    incidentsPage,
    entityTeamReviewsContent,
    entityTeamOnCallContent,
    onCallPage,
    entityRunbooksCard,
    entityRunbooksContent,
    runbooksPage,
    entityChangesContent,
    changesPage,
    entityAlertPolicyCard,
    entityBusinessMetricsCard,
    entityTeamAlertHealthContent,
    alertsPage,
    entitySecurityCard,
    securityPage,
    entityObservabilityCard,
    // Home page widgets (@backstage/plugin-home's page:home).
    myOnCallShiftsWidget,
    myApprovalsWidget,
    myIncidentsWidget,
    sloStatusWidget,
  ],
});
