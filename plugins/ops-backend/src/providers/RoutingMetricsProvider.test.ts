import {
  MetricDataRequest,
  MetricSeries,
  MetricsProvider,
} from '@opsportal/plugin-ops-node';
import { ProviderRegistry } from './ProviderRegistry';
import { RoutingMetricsProvider } from './RoutingMetricsProvider';

/** A provider that answers each query with its own id, so the answer tells who served it. */
function provider(id: string, calls = 1): MetricsProvider & { seen: string[] } {
  const seen: string[] = [];
  return {
    id,
    seen,
    async getMetricData(request: MetricDataRequest): Promise<MetricSeries[]> {
      seen.push(request.queries.map(q => q.id).join(','));
      return request.queries.map(q => ({
        id: q.id,
        label: id,
        timestamps: [request.start.getTime()],
        values: [1],
        status: 'Complete',
      }));
    },
    stats: () => ({ calls, metricsRequested: 10 * calls, datapoints: 100 }),
  };
}

const request = (id?: string): MetricDataRequest => ({
  queries: [{ id: 'q0', period: 300 }],
  start: new Date(0),
  end: new Date(300_000),
  ...(id ? { provider: id } : {}),
});

describe('RoutingMetricsProvider', () => {
  it('sends each request to the provider it names, and the others to CloudWatch', async () => {
    const prometheus = provider('prometheus');
    const cloudwatch = provider('cloudwatch', 2);
    // Registered in this order, the default is still CloudWatch.
    const routing = new RoutingMetricsProvider([prometheus, cloudwatch]);
    const served = async (r: MetricDataRequest) =>
      (await routing.getMetricData(r))[0].label;
    expect(await served(request('prometheus'))).toBe('prometheus');
    expect(await served(request('cloudwatch'))).toBe('cloudwatch');
    expect(await served(request())).toBe('cloudwatch');
    expect(routing.stats()).toEqual({
      calls: 3,
      metricsRequested: 30,
      datapoints: 200,
    });
  });

  it('defaults to the first provider when CloudWatch is not installed', async () => {
    const routing = new RoutingMetricsProvider([provider('prometheus')]);
    expect((await routing.getMetricData(request()))[0].label).toBe(
      'prometheus',
    );
  });

  it('rejects a request for a provider that is not installed, naming it and its module', async () => {
    const cloudwatch = provider('cloudwatch');
    const routing = new RoutingMetricsProvider([cloudwatch]);
    await expect(routing.getMetricData(request('prometheus'))).rejects.toThrow(
      'No metrics provider "prometheus" is installed: add @opsportal/plugin-ops-backend-module-prometheus to the backend (installed: cloudwatch)',
    );
    await expect(routing.getMetricData(request('datadog'))).rejects.toThrow(
      /No metrics provider "datadog" is installed: add the backend module/,
    );
    // Nothing was sent to CloudWatch in its place.
    expect(cloudwatch.seen).toEqual([]);
  });

  it('is what the registry hands the features, or nothing without a metrics module', async () => {
    const empty = new ProviderRegistry();
    expect(empty.metricsProvider()).toBeUndefined();

    const registry = new ProviderRegistry();
    registry.addMetricsProvider(provider('cloudwatch'));
    registry.addMetricsProvider(provider('prometheus'));
    registry.lock();
    const metrics = registry.metricsProvider()!;
    expect((await metrics.getMetricData(request('prometheus')))[0].label).toBe(
      'prometheus',
    );
    expect(registry.describe().metrics).toEqual(['cloudwatch', 'prometheus']);
  });
});
