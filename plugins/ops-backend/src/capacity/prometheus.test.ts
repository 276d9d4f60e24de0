import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import {
  MetricDataRequest,
  MetricSeries,
  MetricsProvider,
} from '@opsportal/plugin-ops-node';
import { RoutingMetricsProvider } from '../providers/RoutingMetricsProvider';
import { collectCapacityData } from './collect';
import { readCapacityConfig } from './config';
import { capacityTarget } from './targets';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 2, 18, 10, 0);

function entity(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'orders', annotations },
    spec: { type: 'service' },
  };
}

const config = (data: object = {}) =>
  readCapacityConfig(new ConfigReader({ ops: { capacity: data } }));

/** A provider answering every query with `value` per period, and recording the requests. */
function fake(id: string, value: number) {
  const requests: MetricDataRequest[] = [];
  const provider: MetricsProvider = {
    id,
    async getMetricData(request) {
      requests.push(request);
      return request.queries
        .filter(q => q.returnData !== false)
        .map((q): MetricSeries => {
          const timestamps: number[] = [];
          for (
            let t = request.start.getTime();
            t < Math.min(request.end.getTime(), NOW);
            t += q.period * 1000
          ) {
            timestamps.push(t);
          }
          return {
            id: q.id,
            timestamps,
            values: timestamps.map(() => value),
            status: 'Complete',
          };
        });
    },
  };
  return { provider, requests };
}

describe('capacity from Prometheus', () => {
  it('reads request rate and latency of the job by default, and configured queries', () => {
    const target = capacityTarget(
      entity({
        'prometheus.io/job': 'orders',
        'opsportal.dev/prometheus-selector': 'namespace="shop"',
      }),
      config({
        prometheus: {
          queries: {
            cpu: 'max(avg_over_time(container_cpu_limit_percent{$selector}[$period]))',
          },
        },
        metrics: { latencyP50: { enabled: false } },
      }),
    )!;
    expect(
      target.metrics.map(m => [
        m.definition.id,
        m.source.provider,
        m.source.build('x', 300).queries,
      ]),
    ).toEqual([
      [
        'cpu',
        'prometheus',
        [
          {
            id: 'x',
            period: 300,
            promql:
              'max(avg_over_time(container_cpu_limit_percent{job="orders",namespace="shop"}[$period]))',
            label: expect.any(String),
          },
        ],
      ],
      [
        'requestRate',
        'prometheus',
        [
          expect.objectContaining({
            promql:
              'sum(rate(http_requests_total{job="orders",namespace="shop"}[$period]))',
          }),
        ],
      ],
      [
        'latencyP95',
        'prometheus',
        [
          expect.objectContaining({
            promql:
              'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job="orders",namespace="shop"}[$period])))',
          }),
        ],
      ],
      [
        'latencyP99',
        'prometheus',
        [expect.objectContaining({ promql: expect.stringContaining('0.99') })],
      ],
    ]);
  });

  it('keeps CloudWatch for what the ALB annotations give', () => {
    const target = capacityTarget(
      entity({
        'prometheus.io/job': 'orders',
        'opsportal.dev/alb': 'app/alb/1',
        'opsportal.dev/alb-target-group': 'targetgroup/orders/1',
      }),
      config(),
    )!;
    expect(
      target.metrics.map(m => [m.definition.id, m.source.provider]),
    ).toEqual([
      ['requestRate', undefined],
      ['latencyP50', undefined],
      ['latencyP95', undefined],
      ['latencyP99', undefined],
    ]);
  });

  it('refuses a query for a metric capacity does not know', () => {
    expect(() =>
      config({ prometheus: { queries: { queueDepth: 'x' } } }),
    ).toThrow(
      /ops\.capacity\.prometheus\.queries\.queueDepth: not a capacity metric/,
    );
  });

  it('sends Prometheus queries to Prometheus and the rest to CloudWatch, each series from its own', async () => {
    const cloudwatch = fake('cloudwatch', 5);
    const prometheus = fake('prometheus', 7);
    const routing = new RoutingMetricsProvider([
      cloudwatch.provider,
      prometheus.provider,
    ]);
    const target = capacityTarget(
      entity({
        'prometheus.io/job': 'orders',
        'opsportal.dev/container-service': 'prod/shop/orders',
      }),
      config({
        metrics: { cpu: { enabled: false }, memory: { enabled: false } },
      }),
    )!;
    const data = await collectCapacityData(routing, [target], {
      now: NOW,
      region: 'eu-west-1',
    });
    expect(cloudwatch.requests.length).toBeGreaterThan(0);
    expect(prometheus.requests.length).toBeGreaterThan(0);
    for (const r of prometheus.requests) {
      expect(r.provider).toBe('prometheus');
      expect(r.region).toBeUndefined();
      expect(r.queries.every(q => q.promql && !q.metric)).toBe(true);
    }
    for (const r of cloudwatch.requests) {
      expect(r.provider).toBeUndefined();
      expect(r.region).toBe('eu-west-1');
      expect(r.queries.every(q => !q.promql)).toBe(true);
    }
    const metrics = data.get('component:default/orders')!;
    // 90 days of hourly values from each provider.
    const hourly = (id: string) => metrics.get(id)!.hourly;
    expect(hourly('requestRate').values.slice(-1)).toEqual([7]);
    expect(hourly('requestRate').timestamps.slice(-1)).toEqual([NOW - HOUR]);
    expect(hourly('network').values.slice(-1)).toEqual([5]);
    expect(metrics.get('requestRate')!.problems).toEqual([]);
  });

  it('without the Prometheus module, fails only the metrics read from Prometheus, with the module to add', async () => {
    const cloudwatch = fake('cloudwatch', 5);
    const target = capacityTarget(
      entity({
        'prometheus.io/job': 'orders',
        'opsportal.dev/container-service': 'prod/shop/orders',
      }),
      config(),
    )!;
    const data = await collectCapacityData(
      new RoutingMetricsProvider([cloudwatch.provider]),
      [target],
      { now: NOW },
    );
    const metrics = data.get('component:default/orders')!;
    expect(metrics.get('cpu')!.problems).toEqual([]);
    expect(metrics.get('cpu')!.hourly.values.length).toBeGreaterThan(0);
    expect(metrics.get('requestRate')!.hourly.values).toEqual([]);
    expect(metrics.get('requestRate')!.problems).toEqual([
      expect.stringContaining(
        'No metrics provider "prometheus" is installed: add @opsportal/plugin-ops-backend-module-prometheus',
      ),
    ]);
  });
});
