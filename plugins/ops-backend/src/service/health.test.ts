import { metrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPoint,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { FakePagerDuty, startFakePagerDuty } from '@internal/fake-upstreams';
import request from 'supertest';
import { OpsHealth } from '@opsportal/plugin-ops-common';
import { startOpsBackend } from '../oncall/__testUtils__/backend';

jest.setTimeout(60_000);

/*
 * The whole backend as an operator runs it: Backstage's metrics service
 * over a globally registered OpenTelemetry MeterProvider (what the
 * documented instrumentation file sets up), the ops plugin and the
 * PagerDuty module against the fake PagerDuty.
 */
describe('the portal telemetry through the backend', () => {
  const exporter = new InMemoryMetricExporter(
    AggregationTemporality.CUMULATIVE,
  );
  const reader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: 3_600_000,
  });
  const provider = new MeterProvider({ readers: [reader] });
  let pagerduty: FakePagerDuty;

  beforeAll(async () => {
    metrics.setGlobalMeterProvider(provider);
    pagerduty = await startFakePagerDuty({ rateLimitPerMinute: 100_000 });
  });
  afterAll(async () => {
    await pagerduty.close();
    await provider.shutdown();
    metrics.disable();
  });

  async function points(name: string): Promise<DataPoint<number>[]> {
    exporter.reset();
    await reader.forceFlush();
    return exporter
      .getMetrics()
      .flatMap(r => r.scopeMetrics)
      .flatMap(s => s.metrics)
      .filter(m => m.descriptor.name === name)
      .flatMap(m => m.dataPoints as DataPoint<number>[]);
  }

  it('answers /health before any refresh ran, and counts PagerDuty errors and throttling', async () => {
    const server = await startOpsBackend(pagerduty);

    const health = await request(server).get('/api/ops/health');
    expect(health.status).toBe(200);
    const body = health.body as OpsHealth;
    expect(body.status).toBe('ok');
    expect(body.degraded).toBe(false);
    expect(body.refreshes).toEqual(
      expect.arrayContaining([
        {
          task: 'ops-oncall-refresh',
          feature: 'oncall',
          shards: 1,
          status: 'never',
          staleAfterSeconds: expect.any(Number),
        },
      ]),
    );
    expect(JSON.stringify(body)).not.toContain('local-fake-token');

    // Page views that ask PagerDuty at once: one answered 500, one 429.
    pagerduty.faults.push({ kind: 'server-error' });
    await request(server).get(
      '/api/ops/oncall/entity?entityRef=component:default/order-service',
    );
    pagerduty.faults.push({ kind: 'rate-limit', retryAfterSeconds: 1 });
    await request(server).get(
      '/api/ops/incidents/entity?entityRef=component:default/order-service',
    );

    const requests = await points('opsportal.upstream.requests');
    const count = (outcome: string) =>
      requests
        .filter(
          p =>
            p.attributes.upstream === 'pagerduty' &&
            p.attributes.outcome === outcome,
        )
        .reduce((sum, p) => sum + p.value, 0);
    expect(count('server_error')).toBe(1);
    expect(count('throttled')).toBe(1);
    expect(count('success')).toBeGreaterThan(0);
    // Bounded attributes: operations are path templates, never ids.
    for (const p of requests) {
      expect(p.attributes.operation).not.toMatch(/PSVORDR|order-service/);
      expect(Object.keys(p.attributes).sort()).toEqual([
        'operation',
        'outcome',
        'status_class',
        'upstream',
      ]);
    }
    const throttled = await points('opsportal.upstream.throttled');
    expect(
      throttled.find(
        p =>
          p.attributes.upstream === 'pagerduty' &&
          p.attributes.source === 'upstream',
      )?.value,
    ).toBe(1);
    const cache = await points('opsportal.cache.requests');
    expect(cache.some(p => p.attributes.cache === 'entity')).toBe(true);
  });
});
