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

/** `n + 1` requests a minute for service `s<n>`. */
function requestStore(): MetricStore {
  const store = new MetricStore();
  for (let n = 0; n < 600; n++) {
    store.add({
      key: {
        namespace: 'AWS/ApplicationELB',
        metricName: 'RequestCount',
        dimensions: { TargetGroup: `targetgroup/s${n}/1` },
      },
      generate: (_start, period, stat) =>
        stat === 'Sum' ? (period / 60) * (n + 1) : undefined,
    });
  }
  return store;
}

function requests(n: number, stat = 'Sum'): MetricQuery {
  return {
    id: `m${n}`,
    metric: {
      namespace: 'AWS/ApplicationELB',
      metricName: 'RequestCount',
      dimensions: { TargetGroup: `targetgroup/s${n}/1` },
    },
    stat,
    period: 86_400,
    label: `s${n} requests`,
  };
}

describe('CloudWatchProvider when CloudWatch refuses queries', () => {
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
      maxAttempts: 2,
      requestTimeoutMs: 10_000,
      concurrency: 2,
      logger: mockServices.logger.mock(),
      ...options,
    });
  const range = { start: new Date(NOW - DAY), end: new Date(NOW) };

  it('finds the one refused statistic among 500 queries: 499 fresh series and one named error', async () => {
    const queries = Array.from({ length: 500 }, (_, n) =>
      requests(n, n === 137 ? 'Summ' : 'Sum'),
    );
    const p = provider();
    const series = await p.getMetricData({ queries, ...range });

    // The whole first call was refused, as CloudWatch refuses it.
    expect(fake.requests[0].body).toContain('"Stat":"Summ"');
    expect(series).toHaveLength(500);
    const fresh = series.filter(s => !s.error);
    expect(fresh).toHaveLength(499);
    expect(
      fresh.every(
        s => s.status === 'Complete' && s.values.length === 1 && s.values[0],
      ),
    ).toBe(true);
    expect(series.find(s => s.id === 'm99')!.values).toEqual([1440 * 100]);
    const refused = series.filter(s => s.error);
    expect(refused).toEqual([
      expect.objectContaining({
        id: 'm137',
        label: 's137 requests',
        timestamps: [],
        values: [],
        status: 'InternalError',
        error: expect.stringMatching(
          /^ValidationException: The value Summ for parameter MetricDataQueries\.member\.1\.MetricStat\.Stat is not a valid statistic\.$/,
        ),
      }),
    ]);
    // Halves down to the culprit: two calls a level, log2(500) levels.
    expect(fake.requests.length).toBeLessThanOrEqual(1 + 2 * 9);
    expect(p.stats().calls).toBe(fake.requests.length);
  });

  it('isolates several culprits, keeps an expression with its inputs, and never makes more than 2N calls', async () => {
    const queries: MetricQuery[] = Array.from({ length: 40 }, (_, n) =>
      requests(n, [3, 17, 31].includes(n) ? 'p99.999' : 'Sum'),
    );
    queries.push(
      { ...requests(50), id: 'good', group: 'ratio', returnData: false },
      {
        ...requests(51, 'TM(90%:10%)'),
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
    const series = await provider().getMetricData({ queries, ...range });

    expect(series.map(s => s.id)).not.toContain('total');
    expect(
      series
        .filter(s => s.error)
        .map(s => s.id)
        .sort(),
    ).toEqual(['m17', 'm3', 'm31', 'ratio']);
    expect(series.find(s => s.id === 'ratio')!.error).toContain(
      'The value TM(90%:10%) for parameter MetricDataQueries.member.2.MetricStat.Stat is not a valid statistic.',
    );
    expect(series.filter(s => !s.error && s.values.length === 1)).toHaveLength(
      37,
    );
    // Every call that went out kept the group whole.
    for (const request of fake.requests) {
      const ids = JSON.parse(request.body).MetricDataQueries.map(
        (q: any) => q.Id,
      );
      const inGroup = ids.filter((id: string) =>
        ['good', 'total', 'ratio'].includes(id),
      );
      expect([0, 3]).toContain(inGroup.length);
    }
    expect(fake.requests.length).toBeLessThan(2 * 41);
  });

  it('when every query is refused, asks each once alone and no more: 2N - 1 calls', async () => {
    const series = await provider().getMetricData({
      queries: Array.from({ length: 8 }, (_, n) => requests(n, 'Average ')),
      ...range,
    });
    expect(
      series.every(s => s.error?.startsWith('ValidationException: ')),
    ).toBe(true);
    expect(fake.requests).toHaveLength(15);
  });

  it('does not split again on the next refresh: a refused query is answered from memory for an hour', async () => {
    let time = NOW;
    const p = provider({ now: () => time });
    const queries = Array.from({ length: 20 }, (_, n) =>
      requests(n, n === 5 ? 'Summ' : 'Sum'),
    );
    const first = await p.getMetricData({ queries, ...range });
    const splitting = fake.requests.length;
    expect(splitting).toBeGreaterThan(2);

    time += 10 * 60_000;
    const second = await p.getMetricData({ queries, ...range });
    // One call, without the refused query; its answer is the same.
    expect(fake.requests).toHaveLength(splitting + 1);
    expect(
      JSON.parse(fake.requests[splitting].body).MetricDataQueries,
    ).toHaveLength(19);
    expect(second).toEqual(first);
    expect(second.map(s => s.id)).toEqual(queries.map(q => q.id));

    // An hour on, CloudWatch is asked again (the metric may have changed).
    time += 60 * 60_000;
    await p.getMetricData({ queries, ...range });
    expect(fake.requests.length - (splitting + 1)).toBe(splitting);
  });

  it('does not split a throttled call: the SDK retries it and the request fails whole', async () => {
    fake.faults.push({ kind: 'throttle' }, { kind: 'throttle' });
    await expect(
      provider().getMetricData({
        queries: Array.from({ length: 10 }, (_, n) => requests(n)),
        ...range,
      }),
    ).rejects.toThrow(/throttled GetMetricData after 2 attempts/);
    expect(fake.requests).toHaveLength(2);
  });

  it('does not split a call CloudWatch failed on: the request fails whole', async () => {
    fake.faults.push({ kind: 'internal-error' }, { kind: 'internal-error' });
    await expect(
      provider().getMetricData({
        queries: Array.from({ length: 10 }, (_, n) => requests(n)),
        ...range,
      }),
    ).rejects.toThrow(/failed on GetMetricData after 2 attempts/);
    expect(fake.requests).toHaveLength(2);
  });

  it('fails the request whole when a split half is throttled past its retries', async () => {
    // The whole call is refused, then the first half meets lasting throttling.
    fake.faults.push(
      { kind: 'delay', ms: 0 },
      { kind: 'throttle' },
      { kind: 'throttle' },
    );
    await expect(
      provider().getMetricData({
        queries: Array.from({ length: 10 }, (_, n) =>
          requests(n, n === 9 ? 'Summ' : 'Sum'),
        ),
        ...range,
      }),
    ).rejects.toThrow(/throttled GetMetricData after 2 attempts/);
    expect(fake.requests).toHaveLength(3);
  });
});
