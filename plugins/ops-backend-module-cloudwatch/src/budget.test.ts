import { mockServices } from '@backstage/backend-test-utils';
import {
  FakeCloudWatch,
  MetricStore,
  startFakeCloudWatch,
} from '@internal/fake-upstreams';
import { MetricQuery, RequestBudget } from '@opsportal/plugin-ops-node';
import { CloudWatchProvider } from './CloudWatchProvider';

/*
 * The GetMetricData budget against the fake CloudWatch over HTTP: every
 * call (every page) waits for it, so a refresh of many metrics is spread
 * over minutes instead of reaching CloudWatch at once. Time is virtual:
 * the budget's waits move the clock it reads.
 */

const NOW = Date.UTC(2026, 0, 31, 12, 0);
const DAY = 86_400_000;
const MINUTE = 60_000;

jest.setTimeout(60_000);

function store(): MetricStore {
  const metrics = new MetricStore();
  for (let n = 0; n < 400; n++) {
    metrics.add({
      key: {
        namespace: 'AWS/ApplicationELB',
        metricName: 'RequestCount',
        dimensions: { TargetGroup: `targetgroup/s${n}/1` },
      },
      generate: (_start, period, stat) =>
        stat === 'Sum' ? (period / 60) * (n + 1) : undefined,
    });
  }
  return metrics;
}

const query = (n: number): MetricQuery => ({
  id: `m${n}`,
  metric: {
    namespace: 'AWS/ApplicationELB',
    metricName: 'RequestCount',
    dimensions: { TargetGroup: `targetgroup/s${n}/1` },
  },
  stat: 'Sum',
  period: 60,
});

describe('CloudWatch GetMetricData budget', () => {
  let fake: FakeCloudWatch;
  beforeAll(async () => {
    fake = await startFakeCloudWatch({ store: store(), now: () => NOW });
  });
  afterAll(() => fake.close());

  it('spreads a refresh of 400 metrics over a day of minutes at the configured calls per minute', async () => {
    let t = NOW;
    const released: number[] = [];
    const budget = new (class extends RequestBudget {
      async take(signal?: AbortSignal) {
        await super.take(signal);
        released.push(t);
      }
    })({
      perMinute: 2,
      burst: 1,
      clock: {
        now: () => t,
        sleep: async ms => {
          t += ms;
        },
      },
    });
    const provider = new CloudWatchProvider({
      region: 'us-east-1',
      endpoint: fake.url,
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
      maxAttempts: 1,
      requestTimeoutMs: 5000,
      concurrency: 4,
      logger: mockServices.logger.mock(),
      getMetricDataBudget: budget,
    });

    const series = await provider.getMetricData({
      queries: Array.from({ length: 400 }, (_, n) => query(n)),
      start: new Date(NOW - DAY),
      end: new Date(NOW),
    });

    expect(series).toHaveLength(400);
    expect(series[399].values).toHaveLength(1440);
    const calls = fake.requests.filter(r =>
      String(r.headers['x-amz-target']).endsWith('GetMetricData'),
    ).length;
    // 576,000 datapoints at most 100,800 a call: at least 6 calls, each
    // released by the budget, never more than 2 a minute plus the burst.
    expect(calls).toBeGreaterThanOrEqual(6);
    expect(released).toHaveLength(calls);
    for (const at of released) {
      const inMinute = released.filter(x => x >= at && x < at + MINUTE);
      expect(inMinute.length).toBeLessThanOrEqual(2 + 1);
    }
    expect(released[released.length - 1] - NOW).toBeGreaterThanOrEqual(
      ((calls - 1) / 2) * MINUTE - 1,
    );
  });
});
