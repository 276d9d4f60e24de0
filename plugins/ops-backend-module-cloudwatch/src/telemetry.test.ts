import { mockServices } from '@backstage/backend-test-utils';
import {
  FakeCloudWatch,
  MetricStore,
  startFakeCloudWatch,
} from '@internal/fake-upstreams';
import {
  createUpstreamTelemetry,
  UpstreamMeter,
} from '@opsportal/plugin-ops-node';
import { CloudWatchProvider } from './CloudWatchProvider';

const NOW = Date.UTC(2026, 0, 31, 12, 0);

/** A meter that sums each counter per attribute set, as an exporter would. */
function summingMeter() {
  const sums = new Map<string, number>();
  const meter: UpstreamMeter = {
    createCounter: name => ({
      add(value, attributes = {}) {
        const key = `${name} ${JSON.stringify(
          Object.fromEntries(Object.entries(attributes).sort()),
        )}`;
        sums.set(key, (sums.get(key) ?? 0) + value);
      },
    }),
  };
  return { meter, sums: () => Object.fromEntries(sums) };
}

describe('CloudWatch requests in the portal telemetry', () => {
  let fake: FakeCloudWatch;
  beforeAll(async () => {
    fake = await startFakeCloudWatch({
      store: new MetricStore(),
      now: () => NOW,
    });
  });
  afterAll(() => fake.close());

  it('counts each SDK attempt: throttled ones, then the one that got through', async () => {
    const { meter, sums } = summingMeter();
    const provider = new CloudWatchProvider({
      region: 'us-east-1',
      endpoint: fake.url,
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
      maxAttempts: 3,
      requestTimeoutMs: 2000,
      concurrency: 1,
      logger: mockServices.logger.mock(),
      telemetry: createUpstreamTelemetry(meter, 'cloudwatch'),
    });
    fake.faults.push({ kind: 'throttle' }, { kind: 'throttle' });

    await provider.getMetricData({
      queries: [
        {
          id: 'm1',
          metric: {
            namespace: 'AWS/EC2',
            metricName: 'CPUUtilization',
            dimensions: { InstanceId: 'i-1' },
          },
          stat: 'Average',
          period: 300,
        },
      ],
      start: new Date(NOW - 3600_000),
      end: new Date(NOW),
    });

    expect(sums()).toEqual({
      'opsportal.upstream.requests {"operation":"cloudwatch:GetMetricData","outcome":"throttled","status_class":"4xx","upstream":"cloudwatch"}': 2,
      'opsportal.upstream.requests {"operation":"cloudwatch:GetMetricData","outcome":"success","status_class":"2xx","upstream":"cloudwatch"}': 1,
      'opsportal.upstream.throttled {"operation":"cloudwatch:GetMetricData","source":"upstream","upstream":"cloudwatch"}': 2,
    });
  });
});
