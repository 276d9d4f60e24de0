import {
  AlarmsProvider,
  DashboardsProvider,
  IncidentProvider,
  IncidentResponseProvider,
  LogsProvider,
  MaintenanceWindowProvider,
  MetricsProvider,
  OnCallProvider,
  OpsProvidersExtensionPoint,
  TracesProvider,
} from '@opsportal/plugin-ops-node';
import { RoutingMetricsProvider } from './RoutingMetricsProvider';

/**
 * The providers that backend modules registered through the extension point.
 * Filled during backend startup, read-only once the plugin initialises.
 */
export class ProviderRegistry implements OpsProvidersExtensionPoint {
  private readonly metrics: MetricsProvider[] = [];
  private readonly alarms: AlarmsProvider[] = [];
  private readonly onCall: OnCallProvider[] = [];
  private readonly incidents: IncidentProvider[] = [];
  private readonly response: IncidentResponseProvider[] = [];
  private readonly maintenance: MaintenanceWindowProvider[] = [];
  private readonly logs: LogsProvider[] = [];
  private readonly traces: TracesProvider[] = [];
  private readonly dashboards: DashboardsProvider[] = [];
  private locked = false;
  private routing?: RoutingMetricsProvider;

  addMetricsProvider(provider: MetricsProvider): void {
    this.assertOpen();
    this.metrics.push(provider);
    this.routing = undefined;
  }

  addAlarmsProvider(provider: AlarmsProvider): void {
    this.assertOpen();
    this.alarms.push(provider);
  }

  addOnCallProvider(provider: OnCallProvider): void {
    this.assertOpen();
    this.onCall.push(provider);
  }

  addIncidentProvider(provider: IncidentProvider): void {
    this.assertOpen();
    this.incidents.push(provider);
  }

  addIncidentResponseProvider(provider: IncidentResponseProvider): void {
    this.assertOpen();
    this.response.push(provider);
  }

  addMaintenanceWindowProvider(provider: MaintenanceWindowProvider): void {
    this.assertOpen();
    this.maintenance.push(provider);
  }

  addLogsProvider(provider: LogsProvider): void {
    this.assertOpen();
    this.logs.push(provider);
  }

  addTracesProvider(provider: TracesProvider): void {
    this.assertOpen();
    this.traces.push(provider);
  }

  addDashboardsProvider(provider: DashboardsProvider): void {
    this.assertOpen();
    this.dashboards.push(provider);
  }

  /** Called when the plugin initialises; later registrations are a bug. */
  lock(): void {
    this.locked = true;
  }

  /**
   * The metrics provider the features read through, if a module registered
   * one: it routes each request to the provider its `provider` field names
   * (CloudWatch, Prometheus; see {@link RoutingMetricsProvider}).
   */
  metricsProvider(): MetricsProvider | undefined {
    if (this.metrics.length === 0) return undefined;
    this.routing ??= new RoutingMetricsProvider(this.metrics);
    return this.routing;
  }

  /** The alarms provider, if a module registered one. */
  alarmsProvider(): AlarmsProvider | undefined {
    return this.alarms[0];
  }

  /** The on-call provider, if a module registered one. */
  onCallProvider(): OnCallProvider | undefined {
    return this.onCall[0];
  }

  /** The incident provider, if a module registered one. */
  incidentProvider(): IncidentProvider | undefined {
    return this.incidents[0];
  }

  /** The incident-response provider, if a module registered one. */
  incidentResponseProvider(): IncidentResponseProvider | undefined {
    return this.response[0];
  }

  /** The maintenance-window provider, if a module registered one. */
  maintenanceWindowProvider(): MaintenanceWindowProvider | undefined {
    return this.maintenance[0];
  }

  /** The logs provider, if a module registered one. */
  logsProvider(): LogsProvider | undefined {
    return this.logs[0];
  }

  /** The traces provider, if a module registered one. */
  tracesProvider(): TracesProvider | undefined {
    return this.traces[0];
  }

  /** The dashboards provider, if a module registered one. */
  dashboardsProvider(): DashboardsProvider | undefined {
    return this.dashboards[0];
  }

  /** Ids of all registered providers, for the health answer and logs. */
  describe(): Record<string, string[]> {
    return {
      metrics: this.metrics.map(p => p.id),
      alarms: this.alarms.map(p => p.id),
      onCall: this.onCall.map(p => p.id),
      incidents: this.incidents.map(p => p.id),
      maintenanceWindows: this.maintenance.map(p => p.id),
      logs: this.logs.map(p => p.id),
      traces: this.traces.map(p => p.id),
      dashboards: this.dashboards.map(p => p.id),
    };
  }

  private assertOpen() {
    if (this.locked) {
      throw new Error(
        'ops providers must be registered before the ops plugin initialises',
      );
    }
  }
}
