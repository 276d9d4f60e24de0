import {
  MetricDataRequest,
  MetricSeries,
  MetricsProvider,
  MetricsProviderStats,
} from '@opsportal/plugin-ops-node';

/** The module that provides each known metrics provider id, for error messages. */
const MODULES: Record<string, string> = {
  cloudwatch: '@opsportal/plugin-ops-backend-module-cloudwatch',
  prometheus: '@opsportal/plugin-ops-backend-module-prometheus',
};

/** The provider id requests without `provider` go to, when it is installed. */
export const DEFAULT_METRICS_PROVIDER = 'cloudwatch';

/**
 * The metrics provider the features use when several modules registered
 * one (CloudWatch and Prometheus): each request goes to the provider named
 * by its `provider` field; requests without it go to CloudWatch when it is
 * installed, else to the first provider registered. A request for a
 * provider that is not installed rejects with an error that names it and
 * the module to add, so the SLO or capacity series that needed it shows
 * that message. Its stats add up the providers' stats.
 */
export class RoutingMetricsProvider implements MetricsProvider {
  readonly id: string;
  private readonly byId: Map<string, MetricsProvider>;
  private readonly fallback: MetricsProvider;

  constructor(providers: readonly MetricsProvider[]) {
    if (providers.length === 0) {
      throw new Error('RoutingMetricsProvider needs at least one provider');
    }
    this.byId = new Map();
    for (const provider of providers) {
      // The first registration of an id wins, as for the other providers.
      if (!this.byId.has(provider.id)) this.byId.set(provider.id, provider);
    }
    this.fallback = this.byId.get(DEFAULT_METRICS_PROVIDER) ?? providers[0];
    this.id = [...this.byId.keys()].join('+');
  }

  /** Ids of the providers requests can be routed to. */
  providerIds(): string[] {
    return [...this.byId.keys()];
  }

  /** The provider a request goes to; throws when it is not installed. */
  providerFor(request: Pick<MetricDataRequest, 'provider'>): MetricsProvider {
    if (request.provider === undefined || request.provider === '') {
      return this.fallback;
    }
    const provider = this.byId.get(request.provider);
    if (provider) return provider;
    const module = MODULES[request.provider];
    const installed = this.providerIds().join(', ');
    throw new Error(
      `No metrics provider "${request.provider}" is installed${
        module
          ? `: add ${module} to the backend`
          : ': add the backend module that provides it'
      } (installed: ${installed})`,
    );
  }

  async getMetricData(request: MetricDataRequest): Promise<MetricSeries[]> {
    return this.providerFor(request).getMetricData(request);
  }

  stats(): MetricsProviderStats {
    const total: MetricsProviderStats = {
      calls: 0,
      metricsRequested: 0,
      datapoints: 0,
    };
    for (const provider of this.byId.values()) {
      const stats = provider.stats?.();
      if (!stats) continue;
      total.calls += stats.calls;
      total.metricsRequested += stats.metricsRequested;
      total.datapoints += stats.datapoints;
    }
    return total;
  }
}
