import {
  AlarmsProvider,
  MetricsProvider,
  OpsProvidersExtensionPoint,
} from '@opsportal/plugin-ops-node';

/**
 * The providers that backend modules registered through the extension point.
 * Filled during backend startup, read-only once the plugin initialises.
 */
export class ProviderRegistry implements OpsProvidersExtensionPoint {
  private readonly metrics: MetricsProvider[] = [];
  private readonly alarms: AlarmsProvider[] = [];
  private locked = false;

  addMetricsProvider(provider: MetricsProvider): void {
    this.assertOpen();
    this.metrics.push(provider);
  }

  addAlarmsProvider(provider: AlarmsProvider): void {
    this.assertOpen();
    this.alarms.push(provider);
  }

  /** Called when the plugin initialises; later registrations are a bug. */
  lock(): void {
    this.locked = true;
  }

  /** The metrics provider, if a module registered one. */
  metricsProvider(): MetricsProvider | undefined {
    return this.metrics[0];
  }

  /** The alarms provider, if a module registered one. */
  alarmsProvider(): AlarmsProvider | undefined {
    return this.alarms[0];
  }

  /** Ids of all registered providers, for the health answer and logs. */
  describe(): Record<string, string[]> {
    return {
      metrics: this.metrics.map(p => p.id),
      alarms: this.alarms.map(p => p.id),
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
