import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { AlarmsProvider, MetricsProvider } from './metrics';
import {
  DashboardsProvider,
  LogsProvider,
  TracesProvider,
} from './observability';
import {
  IncidentProvider,
  IncidentResponseProvider,
  MaintenanceWindowProvider,
  OnCallProvider,
} from './oncall';

/**
 * What a provider module can hand to the ops backend. A module registers the
 * providers it implements; the ops backend never imports a module.
 * @public
 */
export interface OpsProvidersExtensionPoint {
  addMetricsProvider(provider: MetricsProvider): void;
  addAlarmsProvider(provider: AlarmsProvider): void;
  addOnCallProvider(provider: OnCallProvider): void;
  addIncidentProvider(provider: IncidentProvider): void;
  /** Incident response (incident page: log, notes, status updates, responders, change events). */
  addIncidentResponseProvider(provider: IncidentResponseProvider): void;
  /** Maintenance windows on the paging tool (suppression during changes). */
  addMaintenanceWindowProvider(provider: MaintenanceWindowProvider): void;
  /** Logs: counts, top messages and retention (CloudWatch Logs). */
  addLogsProvider(provider: LogsProvider): void;
  /** Trace statistics (X-Ray's service graph). */
  addTracesProvider(provider: TracesProvider): void;
  /** Dashboard search (Grafana). */
  addDashboardsProvider(provider: DashboardsProvider): void;
}

/** Extension point through which modules register their providers. @public */
export const opsProvidersExtensionPoint =
  createExtensionPoint<OpsProvidersExtensionPoint>({
    id: 'ops.providers',
  });
