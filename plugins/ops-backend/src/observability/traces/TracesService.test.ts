import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  FakeCloudWatch,
  MetricStore,
  startFakeCloudWatch,
} from '@internal/fake-upstreams';
import { XRayTracesProvider } from '@opsportal/plugin-ops-backend-module-cloudwatch';
import { TracesService } from './TracesService';

const NOW = Date.UTC(2026, 11, 5, 15, 0);

function component(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, annotations },
    spec: {},
  };
}

const order = component('order-service', {
  'opsportal.dev/xray-service': 'order-service',
});
const payments = component('payment-service', {
  'opsportal.dev/xray-service': 'payment-service, payments-gateway.example.com',
  'opsportal.dev/cloudwatch-region': 'us-east-1',
});

describe('TracesService', () => {
  let fake: FakeCloudWatch;
  let now = NOW;
  const clock = { now: () => new Date(now) };
  beforeAll(async () => {
    fake = await startFakeCloudWatch({
      store: new MetricStore(),
      now: () => NOW,
    });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    now = NOW;
    fake.xray.faults.length = 0;
  });

  const service = (withProvider = true) =>
    new TracesService({
      provider: withProvider
        ? new XRayTracesProvider({
            region: 'us-east-1',
            endpoint: fake.url,
            credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' },
            maxAttempts: 1,
            requestTimeoutMs: 5000,
            logger: mockServices.logger.mock(),
          })
        : undefined,
      config: {
        cacheSeconds: 300,
        timeoutSeconds: 10,
        defaultRegion: 'eu-west-1',
      },
      logger: mockServices.logger.mock(),
      clock,
    });
  const calls = () => fake.xray.stats.getServiceGraphCalls;

  it('is null without the annotation and links to the X-Ray console of the region', async () => {
    const traces = service(false);
    expect(await traces.forEntity(component('x', {}))).toBeNull();
    const answer = await traces.forEntity(order);
    expect(answer).toMatchObject({
      services: ['order-service'],
      region: 'eu-west-1',
      stale: false,
    });
    expect(answer!.stats).toBeUndefined();
    const url = new URL(answer!.tracesUrl);
    expect(url.origin).toBe('https://console.aws.amazon.com');
    expect(url.searchParams.get('region')).toBe('eu-west-1');
    const fragment = new URLSearchParams(url.hash.split('?')[1]);
    expect(fragment.get('filter')).toBe('service("order-service")');
    expect(fragment.get('timeRange')).toBe('PT1H');
    const faults = new URLSearchParams(
      new URL(answer!.faultTracesUrl).hash.split('?')[1],
    );
    expect(faults.get('filter')).toBe(
      'service("order-service") { fault = true OR error = true }',
    );
    expect(answer!.serviceMapUrl).toBe(
      'https://console.aws.amazon.com/xray/home?region=eu-west-1#/service-map?timeRange=PT1H',
    );
  });

  it("answers the last hour's statistics, cached for cacheSeconds; a failure keeps the last good ones, stale", async () => {
    const traces = service();
    const before = calls();
    const first = await traces.forEntity(payments);
    expect(first).toMatchObject({
      region: 'us-east-1',
      statsWindow: '1h',
      stale: false,
      fetchedAt: new Date(NOW).toISOString(),
    });
    const [payment, gateway] = first!.stats!;
    expect(payment.name).toBe('payment-service');
    expect(payment.requests).toBeGreaterThan(0);
    expect(payment.faultRate!).toBeLessThan(0.001);
    expect(payment.latency.p95!).toBeLessThan(0.35);
    expect(gateway.name).toBe('payments-gateway.example.com');
    const used = calls() - before;
    expect(used).toBeGreaterThan(0);

    now += 299_000;
    await traces.forEntity(payments);
    expect(calls() - before).toBe(used);

    now += 2_000;
    fake.xray.faults.push({ kind: 'access-denied' });
    const failed = await traces.forEntity(payments);
    expect(failed).toMatchObject({
      stale: true,
      fetchedAt: new Date(NOW).toISOString(),
      error: expect.stringMatching(/xray:GetServiceGraph/),
    });
    expect(failed!.stats).toEqual(first!.stats);
    // Not asked again for a minute.
    const afterFailure = calls();
    now += 30_000;
    expect((await traces.forEntity(payments))!.stale).toBe(true);
    expect(calls()).toBe(afterFailure);
    now += 31_000;
    expect(await traces.forEntity(payments)).toMatchObject({ stale: false });
    expect(calls()).toBeGreaterThan(afterFailure);
  });

  it('reports services without traces in the window as no requests, and an error without any data as not stale', async () => {
    const traces = service();
    const quiet = await traces.forEntity(
      component('batch', { 'opsportal.dev/xray-service': 'nightly-batch' }),
    );
    expect(quiet!.stats).toEqual([
      {
        name: 'nightly-batch',
        requests: 0,
        faultRate: null,
        errorRate: null,
        latency: { p50: null, p95: null, p99: null },
      },
    ]);
    fake.xray.faults.push({ kind: 'internal-error' });
    const failed = await traces.forEntity(order);
    expect(failed).toMatchObject({ stale: false, error: expect.any(String) });
    expect(failed!.stats).toBeUndefined();
  });

  it('refresh() reads many entities with one service graph read per region, then views answer from the cache', async () => {
    const traces = service();
    const orderUs = component('order-service', {
      'opsportal.dev/xray-service': 'order-service',
      'opsportal.dev/cloudwatch-region': 'us-east-1',
    });
    const before = calls();
    await traces.refresh([orderUs, payments, component('x', {})]);
    // One read of the region (its graph spans two pages), not one per entity.
    expect(calls() - before).toBe(2);
    expect((await traces.forEntity(payments))!.stats).toHaveLength(2);
    expect(
      (await traces.forEntity(orderUs))!.stats![0].faultRate,
    ).toBeGreaterThan(0.02);
    expect(calls() - before).toBe(2);
  });
});
