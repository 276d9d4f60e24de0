import { mockServices } from '@backstage/backend-test-utils';
import {
  FakeCloudWatch,
  MetricStore,
  startFakeCloudWatch,
} from '@internal/fake-upstreams';
import { MetricQuery } from '@opsportal/plugin-ops-node';
import {
  CloudWatchProvider,
  CloudWatchProviderOptions,
} from './CloudWatchProvider';

const NOW = Date.UTC(2026, 0, 31, 12, 0);
const DAY = 86_400_000;

/** One request per minute per service `s<n>`, from 60 days back. */
function requestStore(): MetricStore {
  const store = new MetricStore();
  for (let n = 0; n < 1200; n++) {
    store.add({
      key: {
        namespace: 'AWS/ApplicationELB',
        metricName: 'RequestCount',
        dimensions: { TargetGroup: `targetgroup/s${n}/1` },
      },
      generate: (_start, period, stat) => {
        if (stat === 'Sum') return (period / 60) * (n + 1);
        if (stat === 'SampleCount') return period / 60;
        return undefined;
      },
    });
  }
  return store;
}

function requests(n: number, period: number): MetricQuery {
  return {
    id: `m${n}`,
    metric: {
      namespace: 'AWS/ApplicationELB',
      metricName: 'RequestCount',
      dimensions: { TargetGroup: `targetgroup/s${n}/1` },
    },
    stat: 'Sum',
    period,
  };
}

describe('CloudWatchProvider.getMetricData against the fake CloudWatch', () => {
  let fake: FakeCloudWatch;

  beforeAll(async () => {
    fake = await startFakeCloudWatch({ store: requestStore(), now: () => NOW });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    fake.faults.length = 0;
  });

  const provider = (options: Partial<CloudWatchProviderOptions> = {}) =>
    new CloudWatchProvider({
      region: 'us-east-1',
      endpoint: fake.url,
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
      maxAttempts: 3,
      requestTimeoutMs: 2000,
      concurrency: 2,
      logger: mockServices.logger.mock(),
      ...options,
    });
  const bodies = () => fake.requests.map(r => JSON.parse(r.body));

  it('speaks AWS JSON 1.0 with a SigV4 signature and reads the answer back', async () => {
    const start = new Date(NOW - 3600_000);
    const series = await provider().getMetricData({
      queries: [requests(4, 300)],
      start,
      end: new Date(NOW),
    });

    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/');
    expect(request.headers['x-amz-target']).toBe(
      'GraniteServiceVersion20100801.GetMetricData',
    );
    expect(request.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(request.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/us-east-1\/monitoring\/aws4_request/,
    );
    expect(JSON.parse(request.body)).toEqual({
      MetricDataQueries: [
        {
          Id: 'm4',
          ReturnData: true,
          MetricStat: {
            Metric: {
              Namespace: 'AWS/ApplicationELB',
              MetricName: 'RequestCount',
              Dimensions: [{ Name: 'TargetGroup', Value: 'targetgroup/s4/1' }],
            },
            Period: 300,
            Stat: 'Sum',
          },
        },
      ],
      StartTime: start.getTime() / 1000,
      EndTime: NOW / 1000,
      ScanBy: 'TimestampAscending',
    });

    // Twelve 5-minute buckets of 5 minutes x 5 requests.
    expect(series).toHaveLength(1);
    expect(series[0].id).toBe('m4');
    expect(series[0].status).toBe('Complete');
    expect(series[0].timestamps).toEqual(
      Array.from({ length: 12 }, (_, i) => start.getTime() + i * 300_000),
    );
    expect(series[0].values).toEqual(Array.from({ length: 12 }, () => 25));
  });

  it('packs 1,200 queries into three calls of at most 500, one datapoint each', async () => {
    const p = provider();
    const billedBefore = fake.stats.metricsRequested;
    const queries = Array.from({ length: 1200 }, (_, n) => requests(n, 86_400));
    const series = await p.getMetricData({
      queries,
      start: new Date(NOW - DAY),
      end: new Date(NOW),
    });
    expect(
      bodies()
        .map(b => b.MetricDataQueries.length)
        .sort((a, b) => a - b),
    ).toEqual([200, 500, 500]);
    expect(series).toHaveLength(1200);
    expect(series.find(s => s.id === 'm99')!.values).toEqual([1440 * 100]);
    expect(p.stats()).toEqual({
      calls: 3,
      metricsRequested: 1200,
      datapoints: 1200,
    });
    expect(fake.stats.metricsRequested - billedBefore).toBe(1200);
  });

  it('keeps an expression and its inputs in the same call', async () => {
    const queries: MetricQuery[] = Array.from({ length: 499 }, (_, n) =>
      requests(n, 86_400),
    );
    queries.push(
      {
        ...requests(600, 86_400),
        id: 'good',
        group: 'ratio',
        returnData: false,
      },
      {
        ...requests(601, 86_400),
        id: 'total',
        group: 'ratio',
        returnData: false,
      },
      {
        id: 'ratio',
        expression: 'good / total',
        period: 86_400,
        group: 'ratio',
      },
    );
    const series = await provider().getMetricData({
      queries,
      start: new Date(NOW - DAY),
      end: new Date(NOW),
    });
    const withRatio = bodies().filter(b =>
      b.MetricDataQueries.some((q: any) => q.Id === 'ratio'),
    );
    expect(withRatio).toHaveLength(1);
    expect(withRatio[0].MetricDataQueries.map((q: any) => q.Id)).toEqual(
      expect.arrayContaining(['good', 'total', 'ratio']),
    );
    expect(bodies().every(b => b.MetricDataQueries.length <= 500)).toBe(true);
    // Inputs that are not wanted back are not returned.
    expect(series.map(s => s.id)).not.toContain('good');
    expect(series.find(s => s.id === 'ratio')!.values[0]).toBeCloseTo(
      601 / 602,
      12,
    );
  });

  it('keeps each call under 100,800 datapoints', async () => {
    // 20 series of 8,640 five-minute points over 30 days: 11 fit in a call.
    const p = provider();
    const series = await p.getMetricData({
      queries: Array.from({ length: 20 }, (_, n) => requests(n, 300)),
      start: new Date(NOW - 30 * DAY),
      end: new Date(NOW),
    });
    expect(fake.requests).toHaveLength(2);
    expect(
      bodies()
        .map(b => b.MetricDataQueries.length)
        .sort((a, b) => a - b),
    ).toEqual([9, 11]);
    expect(series.every(s => s.values.length === 8640)).toBe(true);
    expect(fake.requests.some(r => JSON.parse(r.body).NextToken)).toBe(false);
  });

  it('follows NextToken across pages and puts the pages back together', async () => {
    const p = provider({ maxDatapointsPerPage: 100 });
    const start = new Date(NOW - DAY);
    const series = await p.getMetricData({
      queries: [requests(1, 300), requests(2, 300), requests(3, 300)],
      start,
      end: new Date(NOW),
    });
    // 3 x 288 points at 100 a page.
    expect(fake.requests).toHaveLength(9);
    expect(
      bodies()
        .slice(1)
        .every(b => typeof b.NextToken === 'string'),
    ).toBe(true);
    expect(bodies()[0].MaxDatapoints).toBe(100);
    for (const [i, s] of series.entries()) {
      expect(s.timestamps).toHaveLength(288);
      expect(s.timestamps[0]).toBe(start.getTime());
      expect(s.timestamps[287]).toBe(NOW - 300_000);
      expect(new Set(s.values)).toEqual(new Set([5 * (i + 2)]));
      expect(s.status).toBe('Complete');
    }
    expect(p.stats().calls).toBe(9);
  });

  it('retries throttling with backoff until it gets through', async () => {
    fake.faults.push({ kind: 'throttle' }, { kind: 'throttle' });
    const series = await provider().getMetricData({
      queries: [requests(1, 3600)],
      start: new Date(NOW - 3600_000),
      end: new Date(NOW),
    });
    expect(fake.requests).toHaveLength(3);
    const gaps = fake.requests
      .slice(1)
      .map((r, i) => r.receivedAt - fake.requests[i].receivedAt);
    expect(Math.min(...gaps)).toBeGreaterThan(0);
    expect(series[0].values).toEqual([120]);
  });

  it('gives up on lasting throttling with a message that says so', async () => {
    fake.faults.push(
      ...Array.from({ length: 5 }, () => ({ kind: 'throttle' as const })),
    );
    await expect(
      provider({ maxAttempts: 2 }).getMetricData({
        queries: [requests(1, 3600)],
        start: new Date(NOW - 3600_000),
        end: new Date(NOW),
      }),
    ).rejects.toThrow(
      /throttled GetMetricData after 2 attempts; the next refresh tries again; caused by Throttling/,
    );
    expect(fake.requests).toHaveLength(2);
  });

  it('does not retry expired credentials and says what to do', async () => {
    fake.faults.push({ kind: 'expired-token' });
    const failure = provider()
      .getMetricData({
        queries: [requests(1, 3600)],
        start: new Date(NOW - 3600_000),
        end: new Date(NOW),
      })
      .catch(e => e);
    const error = await failure;
    expect(error.name).toBe('ServiceUnavailableError');
    expect(error.message).toMatch(
      /AWS credentials for CloudWatch at .* have expired: renew them/,
    );
    expect(error.message).toContain('ExpiredTokenException');
    expect(fake.requests).toHaveLength(1);
  });

  it('answers an empty series for a metric CloudWatch does not have', async () => {
    const series = await provider().getMetricData({
      queries: [
        {
          id: 'missing',
          metric: {
            namespace: 'AWS/ApplicationELB',
            metricName: 'RequestCount',
            dimensions: { TargetGroup: 'targetgroup/typo/1' },
          },
          stat: 'Sum',
          period: 300,
        },
      ],
      start: new Date(NOW - 3600_000),
      end: new Date(NOW),
    });
    expect(series).toEqual([
      expect.objectContaining({
        id: 'missing',
        timestamps: [],
        values: [],
        status: 'Complete',
      }),
    ]);
  });

  it('times out a hung request and retries it', async () => {
    fake.faults.push({ kind: 'delay', ms: 1500 });
    const series = await provider({ requestTimeoutMs: 300 }).getMetricData({
      queries: [requests(1, 3600)],
      start: new Date(NOW - 3600_000),
      end: new Date(NOW),
    });
    expect(fake.requests).toHaveLength(2);
    expect(series[0].values).toEqual([120]);
  });

  it('says how long it waited when CloudWatch does not answer in time', async () => {
    fake.faults.push({ kind: 'delay', ms: 1500 }, { kind: 'delay', ms: 1500 });
    const error = await provider({ requestTimeoutMs: 300, maxAttempts: 2 })
      .getMetricData({
        queries: [requests(1, 3600)],
        start: new Date(NOW - 3600_000),
        end: new Date(NOW),
      })
      .catch(e => e);
    expect(error.message).toMatch(
      /^CloudWatch at http:\/\/127\.0\.0\.1:\d+ timed out after 0\.3 s without answering GetMetricData after 2 attempts/,
    );
    expect(error.message).not.toMatch(/could not be reached/);
    expect(fake.requests).toHaveLength(2);
  });

  it('says when CloudWatch cannot be reached', async () => {
    await expect(
      provider({
        endpoint: 'http://127.0.0.1:1',
        maxAttempts: 2,
      }).getMetricData({
        queries: [requests(1, 3600)],
        start: new Date(NOW - 3600_000),
        end: new Date(NOW),
      }),
    ).rejects.toThrow(
      /CloudWatch at http:\/\/127\.0\.0\.1:1 could not be reached after 2 attempts/,
    );
  });

  it('signs each request for the region it asks', async () => {
    await provider().getMetricData({
      queries: [requests(1, 3600)],
      start: new Date(NOW - 3600_000),
      end: new Date(NOW),
      region: 'eu-west-1',
    });
    expect(fake.requests[0].headers.authorization).toContain(
      '/eu-west-1/monitoring/aws4_request',
    );
  });
});
