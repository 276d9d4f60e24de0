import { mockServices } from '@backstage/backend-test-utils';
import {
  FakeCloudWatch,
  MetricStore,
  ServiceGraphModel,
  startFakeCloudWatch,
  XRayNode,
} from '@internal/fake-upstreams';
import { GetServiceGraphCommand, XRayClient } from '@aws-sdk/client-xray';
import {
  XRayTracesProvider,
  XRayTracesProviderOptions,
} from './TracesProvider';

const NOW = Date.UTC(2026, 0, 31, 12, 0);
const HOUR = 3_600_000;
const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };

describe('XRayTracesProvider against the fake X-Ray', () => {
  let fake: FakeCloudWatch;

  beforeAll(async () => {
    fake = await startFakeCloudWatch({
      store: new MetricStore(),
      now: () => NOW,
    });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    fake.xray.faults.length = 0;
    fake.xray.servicesPerPage = 8;
  });

  const provider = (options: Partial<XRayTracesProviderOptions> = {}) =>
    new XRayTracesProvider({
      region: 'us-east-1',
      endpoint: fake.url,
      credentials,
      maxAttempts: 3,
      requestTimeoutMs: 2000,
      logger: mockServices.logger.mock(),
      ...options,
    });
  const lastHour = { start: new Date(NOW - HOUR), end: new Date(NOW) };
  const bodies = () =>
    fake.requests
      .filter(r => r.url === '/ServiceGraph')
      .map(r => JSON.parse(r.body));

  it("reads the named services' statistics from the platform's service graph over REST-JSON", async () => {
    const stats = await provider().getServiceStats({
      services: ['order-service', 'payment-service', 'no-such-service'],
      ...lastHour,
    });
    // Signed REST-JSON: POST /ServiceGraph, times as epoch seconds.
    const request = fake.requests[0];
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/ServiceGraph');
    expect(request.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 .*\/us-east-1\/xray\/aws4_request/,
    );
    expect(bodies()[0]).toMatchObject({
      StartTime: (NOW - HOUR) / 1000,
      EndTime: NOW / 1000,
    });
    // The graph has more nodes than a page: every page was read.
    expect(bodies().length).toBeGreaterThan(1);
    expect(bodies()[1].NextToken).toEqual(expect.any(String));

    expect(stats.map(s => s.name)).toEqual([
      'order-service',
      'payment-service',
    ]);
    const [order, payment] = stats;
    expect(order.type).toBe('AWS::EKS::Container');
    // order-service fails 2.5 % of its requests in the fake's story, and
    // its p95 sits around its 500 ms objective (1.6x slower than usual).
    expect(order.requests).toBeGreaterThan(3000);
    expect(order.faults / order.requests).toBeGreaterThan(0.02);
    expect(order.faults / order.requests).toBeLessThan(0.03);
    expect(order.errors).toBeGreaterThan(0);
    expect(order.throttles).toBeLessThanOrEqual(order.errors);
    expect(order.latency.p95).toBeGreaterThan(0.4);
    expect(order.latency.p95).toBeLessThan(0.65);
    // payment-service is healthy: p95 near 250 ms, hardly any faults.
    expect(payment.latency.p95).toBeLessThan(0.35);
    expect(payment.faults / payment.requests).toBeLessThan(0.001);
    for (const s of stats) {
      expect(s.latency.p50!).toBeLessThan(s.latency.p95!);
      expect(s.latency.p95!).toBeLessThanOrEqual(s.latency.p99!);
    }
  });

  it('asks a range longer than six hours in windows X-Ray accepts and adds them up', async () => {
    const p = provider();
    const whole = await p.getServiceStats({
      services: ['search-service'],
      start: new Date(NOW - 14 * HOUR),
      end: new Date(NOW),
    });
    const ranges = bodies().filter(b => !b.NextToken);
    expect(ranges.map(b => (b.EndTime - b.StartTime) / 3600)).toEqual([
      6, 6, 2,
    ]);
    let requests = 0;
    for (const [from, to] of [
      [14, 8],
      [8, 2],
      [2, 0],
    ]) {
      const [part] = await p.getServiceStats({
        services: ['search-service'],
        start: new Date(NOW - from * HOUR),
        end: new Date(NOW - to * HOUR),
      });
      requests += part.requests;
    }
    expect(whole[0].requests).toBe(requests);
  });

  it('retries a throttled call and says what failed when it keeps failing', async () => {
    fake.xray.faults.push({ kind: 'throttle' });
    const stats = await provider().getServiceStats({
      services: ['product-service'],
      ...lastHour,
    });
    expect(stats[0].requests).toBeGreaterThan(0);
    expect(fake.xray.stats.getServiceGraphCalls).toBeGreaterThan(0);

    fake.xray.faults.push({ kind: 'access-denied' });
    await expect(
      provider().getServiceStats({
        services: ['product-service'],
        ...lastHour,
      }),
    ).rejects.toThrow(
      /X-Ray at http:\/\/127\.0\.0\.1:\d+ refused GetServiceGraph: the credentials need xray:GetServiceGraph/,
    );

    fake.xray.faults.push({ kind: 'throttle' }, { kind: 'throttle' });
    await expect(
      provider({ maxAttempts: 2 }).getServiceStats({
        services: ['product-service'],
        ...lastHour,
      }),
    ).rejects.toThrow(/X-Ray at .* throttled GetServiceGraph after 2 attempts/);
  });

  it('refuses what X-Ray refuses: more than six hours, an end before the start, a foreign token', async () => {
    const client = new XRayClient({
      region: 'us-east-1',
      endpoint: fake.url,
      credentials,
      maxAttempts: 1,
    });
    const ask = (
      input: ConstructorParameters<typeof GetServiceGraphCommand>[0],
    ) => client.send(new GetServiceGraphCommand(input));
    await expect(
      ask({ StartTime: new Date(NOW - 7 * HOUR), EndTime: new Date(NOW) }),
    ).rejects.toMatchObject({
      name: 'InvalidRequestException',
      message: expect.stringMatching(/6 hours/),
    });
    await expect(
      ask({ StartTime: new Date(NOW), EndTime: new Date(NOW - HOUR) }),
    ).rejects.toMatchObject({ name: 'InvalidRequestException' });
    await expect(
      ask({
        StartTime: new Date(NOW - HOUR),
        EndTime: new Date(NOW),
        NextToken: 'bm9wZQ==',
      }),
    ).rejects.toMatchObject({ name: 'InvalidRequestException' });
    await expect(
      ask({
        StartTime: new Date(NOW - HOUR),
        EndTime: new Date(NOW),
        GroupName: 'nope',
      }),
    ).rejects.toMatchObject({ name: 'InvalidRequestException' });
    // Older than X-Ray's 30 days: no traces left, not an error.
    const old = await ask({
      StartTime: new Date(NOW - 40 * 24 * HOUR),
      EndTime: new Date(NOW - 40 * 24 * HOUR + HOUR),
    });
    expect(old.Services).toEqual([]);
    client.destroy();
  });
});

describe('XRayTracesProvider with a hand-made graph', () => {
  const node = (
    id: number,
    name: string,
    type: string,
    total: number,
    histogram: [number, number][],
    names: string[] = [name],
  ): XRayNode => ({
    ReferenceId: id,
    Name: name,
    Names: names,
    Type: type,
    State: 'active',
    Edges: [],
    SummaryStatistics: {
      OkCount: total - 3,
      ErrorStatistics: { ThrottleCount: 1, OtherCount: 1, TotalCount: 2 },
      FaultStatistics: { OtherCount: 1, TotalCount: 1 },
      TotalCount: total,
      TotalResponseTime: 1,
    },
    ResponseTimeHistogram: histogram.map(([Value, Count]) => ({
      Value,
      Count,
    })),
  });
  const graph: ServiceGraphModel = () => [
    node(0, 'checkout', 'client', 100, [[9, 100]]),
    node(1, 'checkout', 'AWS::ECS::Container', 90, [
      [0.1, 80],
      [0.5, 10],
    ]),
    node(
      2,
      'checkout-legacy',
      'AWS::EC2::Instance',
      10,
      [[2, 10]],
      ['checkout-legacy', 'checkout'],
    ),
  ];
  let fake: FakeCloudWatch;
  beforeAll(async () => {
    fake = await startFakeCloudWatch({
      store: new MetricStore(),
      now: () => NOW,
      xrayGraph: graph,
    });
    fake.xray.servicesPerPage = 1;
  });
  afterAll(() => fake.close());

  it('adds the nodes a service is known by (Name or Names), leaves client nodes out, pages one node at a time', async () => {
    const [checkout] = await new XRayTracesProvider({
      region: 'eu-west-1',
      endpoint: fake.url,
      credentials,
      maxAttempts: 1,
      requestTimeoutMs: 2000,
      logger: mockServices.logger.mock(),
    }).getServiceStats({
      services: ['checkout'],
      start: new Date(NOW - HOUR),
      end: new Date(NOW),
    });
    expect(fake.xray.stats.getServiceGraphCalls).toBe(3);
    expect(checkout).toEqual({
      name: 'checkout',
      type: 'AWS::ECS::Container',
      requests: 100,
      errors: 4,
      faults: 2,
      throttles: 2,
      // 80 at 100 ms, 10 at 500 ms, 10 at 2 s: rank 50 -> 0.1, 95 -> 2, 99 -> 2.
      latency: { p50: 0.1, p95: 2, p99: 2 },
    });
  });
});
