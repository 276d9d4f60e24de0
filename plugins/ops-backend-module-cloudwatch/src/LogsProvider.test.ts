import { mockServices } from '@backstage/backend-test-utils';
import {
  createFakeCloudWatchLogs,
  FakeCloudWatch,
  FakeLogGroup,
  MetricStore,
  startFakeCloudWatch,
} from '@internal/fake-upstreams';
import { CloudWatchLogsProvider } from './LogsProvider';

const NOW = Date.parse('2026-12-05T15:37:00Z');
const HOUR = 3_600_000;

function group(name: string, extra: Partial<FakeLogGroup> = {}): FakeLogGroup {
  return {
    name,
    service: name.split('/').pop()!,
    retentionDays: 30,
    eventsPerMinute: 20,
    errorShare: 0.05,
    warnShare: 0.1,
    errors: ['Payment for order {id} failed after {ms} ms'],
    warnings: ['Slow query: {ms} ms'],
    infos: ['Order {id} created'],
    ...extra,
  };
}

const COUNTS = `fields toupper(level) as severity
| filter severity in ["ERROR", "WARN"]
| stats count(*) as events by severity`;

describe('CloudWatchLogsProvider', () => {
  let fake: FakeCloudWatch;

  beforeAll(async () => {
    const groups = [
      group('/shop/order-service'),
      group('/shop/order-service-canary', { retentionDays: 7 }),
      group('/shop/payment-service', { retentionDays: undefined }),
      ...Array.from({ length: 120 }, (_, i) =>
        group(`/shop/x-${String(i).padStart(3, '0')}`),
      ),
    ];
    fake = await startFakeCloudWatch({
      store: new MetricStore(),
      port: 0,
      now: () => NOW,
      logs: createFakeCloudWatchLogs({ now: () => NOW, groups }),
    });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    fake.faults.length = 0;
    fake.logs.pollsUntilComplete = 1;
  });

  const provider = (maxAttempts = 1) =>
    new CloudWatchLogsProvider({
      region: 'eu-west-1',
      endpoint: fake.url,
      credentials: async () => ({
        accessKeyId: 'AKIDTEST',
        secretAccessKey: 'secret',
      }),
      maxAttempts,
      requestTimeoutMs: 5000,
      concurrency: 2,
      logger: mockServices.logger.mock(),
      pollIntervalMs: 1,
      maxPollIntervalMs: 4,
    });
  const calls = (operation: string) =>
    fake.requests.filter(
      r => r.headers['x-amz-target'] === `Logs_20140328.${operation}`,
    );

  it('describes log groups by exact name, with retention; unknown names do not exist', async () => {
    const groups = await provider().describeLogGroups([
      '/shop/order-service',
      '/shop/payment-service',
      '/shop/order',
      '/shop/x',
    ]);

    expect(groups).toEqual([
      expect.objectContaining({
        name: '/shop/order-service',
        exists: true,
        retentionDays: 30,
      }),
      expect.objectContaining({ name: '/shop/payment-service', exists: true }),
      { name: '/shop/order', exists: false },
      { name: '/shop/x', exists: false },
    ]);
    expect(groups[1].retentionDays).toBeUndefined();
    expect(groups[0].createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    // The SDK sends JSON 1.1 to the logs target, signed.
    const [first] = calls('DescribeLogGroups');
    expect(first.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(String(first.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 /);
    expect(String(first.headers.authorization)).toContain('/eu-west-1/logs/');
    // "/shop/x" prefixes 120 groups: every page of 50 is read before it is
    // known to be missing (3 calls); the others find it on the first page.
    expect(
      calls('DescribeLogGroups').filter(
        r => JSON.parse(r.body).logGroupNamePrefix === '/shop/x',
      ),
    ).toHaveLength(3);
    expect(calls('DescribeLogGroups')).toHaveLength(6);
  });

  it('runs a Logs Insights query to its end, polling, with what it scanned', async () => {
    const start = new Date(NOW - HOUR);
    const end = new Date(NOW);
    const result = await provider().runQuery({
      logGroups: ['/shop/order-service', '/shop/payment-service'],
      query: COUNTS,
      start,
      end,
      limit: 100,
    });

    const events = ['/shop/order-service', '/shop/payment-service'].flatMap(
      name => fake.logs.events(name, start.getTime(), end.getTime() + 1000),
    );
    const count = (level: string) =>
      String(events.filter(e => e.level === level).length);
    expect(result.status).toBe('Complete');
    expect(result.rows).toEqual(
      expect.arrayContaining([
        { severity: 'ERROR', events: count('ERROR') },
        { severity: 'WARN', events: count('WARN') },
      ]),
    );
    expect(result.rows).toHaveLength(2);
    expect(result.statistics.recordsScanned).toBe(events.length);
    expect(result.statistics.bytesScanned).toBe(
      events.reduce((n, e) => n + Buffer.byteLength(e.raw), 0),
    );
    // Started once with times in seconds; Running first, then Complete.
    const [started] = calls('StartQuery');
    expect(JSON.parse(started.body)).toMatchObject({
      logGroupNames: ['/shop/order-service', '/shop/payment-service'],
      startTime: start.getTime() / 1000,
      endTime: end.getTime() / 1000,
      limit: 100,
    });
    expect(calls('GetQueryResults').length).toBeGreaterThanOrEqual(2);
    expect(calls('StopQuery')).toHaveLength(0);
  });

  it('stops a query that does not finish in time and says it timed out', async () => {
    fake.logs.pollsUntilComplete = Number.POSITIVE_INFINITY;
    const result = await provider().runQuery({
      logGroups: ['/shop/order-service'],
      query: COUNTS,
      start: new Date(NOW - HOUR),
      end: new Date(NOW),
      timeoutMs: 20,
    });

    expect(result.status).toBe('Timeout');
    expect(result.rows).toEqual([]);
    expect(calls('StopQuery')).toHaveLength(1);
    const { queryId } = JSON.parse(calls('StopQuery')[0].body);
    expect(queryId).toEqual(expect.any(String));
  });

  it('retries a throttled StartQuery as the SDK does', async () => {
    fake.faults.push({ kind: 'throttle' });
    const result = await provider(3).runQuery({
      logGroups: ['/shop/order-service'],
      query: COUNTS,
      start: new Date(NOW - HOUR),
      end: new Date(NOW),
    });

    expect(result.status).toBe('Complete');
    expect(calls('StartQuery')).toHaveLength(2);
  });

  it('passes on why Logs Insights refused a query, and names the permission a refusal needs', async () => {
    await expect(
      provider().runQuery({
        logGroups: ['/shop/order-service'],
        query: 'fields @message | dedup @logStream',
        start: new Date(NOW - HOUR),
        end: new Date(NOW),
      }),
    ).rejects.toThrow(/Logs Insights refused the query: unsupported command/);

    fake.faults.push({ kind: 'access-denied' });
    await expect(
      provider().describeLogGroups(['/shop/order-service']),
    ).rejects.toThrow(
      /CloudWatch Logs at .* refused DescribeLogGroups: the credentials need logs:DescribeLogGroups/,
    );
  });
});
