import { mockServices } from '@backstage/backend-test-utils';
import {
  AlarmDefinition,
  AlarmHistoryEntry,
  FakeCloudWatch,
  MetricStore,
  startFakeCloudWatch,
} from '@internal/fake-upstreams';
import {
  CloudWatchProvider,
  CloudWatchProviderOptions,
} from './CloudWatchProvider';

const NOW = Date.UTC(2026, 11, 5, 15, 0);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Round trips OK→ALARM→OK, `count` of them, every `everyMs` back from `lastEndsAt`. */
function roundTrips(
  count: number,
  lastEndsAt: number,
  everyMs: number,
): AlarmHistoryEntry[] {
  const entries: AlarmHistoryEntry[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const end = lastEndsAt - i * everyMs;
    entries.push(
      { at: new Date(end - 5 * MINUTE), from: 'OK', to: 'ALARM' },
      { at: new Date(end), from: 'ALARM', to: 'OK' },
    );
  }
  return entries;
}

function alarm(name: string, history: AlarmHistoryEntry[]): AlarmDefinition {
  const last = history[history.length - 1];
  return {
    name,
    state: last?.to ?? 'OK',
    stateReason: 'Threshold Crossed',
    stateUpdatedAt: last?.at ?? new Date(NOW - 100 * DAY),
    metric: {
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: name },
    },
    period: 60,
    evaluationPeriods: 3,
    threshold: 10,
    comparisonOperator: 'GreaterThanThreshold',
    history,
  };
}

function historyStore(): MetricStore {
  const store = new MetricStore();
  // 65 round trips (130 changes) over the last 9 days: two pages of 100.
  store.addAlarm(alarm('busy', roundTrips(65, NOW - HOUR, 3 * HOUR)));
  store.addAlarm(alarm('quiet', roundTrips(1, NOW - 2 * DAY, DAY)));
  // One round trip 40 days back, past CloudWatch's 30 days, one 10 days back.
  store.addAlarm(
    alarm('old', [
      ...roundTrips(1, NOW - 40 * DAY, DAY),
      ...roundTrips(1, NOW - 10 * DAY, DAY),
    ]),
  );
  // An item whose HistoryData is not what CloudWatch writes, then a good one.
  store.addAlarm(
    alarm('odd', [
      {
        at: new Date(NOW - 3 * DAY),
        from: 'OK',
        to: 'ALARM',
        historyData: '{"version":"1.0","oldState":',
      },
      {
        at: new Date(NOW - 3 * DAY + 5 * MINUTE),
        from: 'ALARM',
        to: 'OK',
        historyData: JSON.stringify({
          version: '1.0',
          oldState: { stateValue: 'ALARM' },
          newState: { stateValue: 'PAUSED' },
        }),
      },
      { at: new Date(NOW - 2 * DAY), from: 'OK', to: 'INSUFFICIENT_DATA' },
    ]),
  );
  store.addAlarm(alarm('silent', []));
  return store;
}

describe('CloudWatchProvider.getAlarmHistory against the fake CloudWatch', () => {
  let fake: FakeCloudWatch;
  let logger: ReturnType<typeof mockServices.logger.mock>;

  beforeAll(async () => {
    fake = await startFakeCloudWatch({
      store: historyStore(),
      port: 0,
      now: () => NOW,
    });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    fake.faults.length = 0;
    logger = mockServices.logger.mock();
  });

  const provider = (options: Partial<CloudWatchProviderOptions> = {}) =>
    new CloudWatchProvider({
      region: 'us-east-1',
      endpoint: fake.url,
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
      maxAttempts: 3,
      requestTimeoutMs: 5000,
      concurrency: 2,
      logger,
      ...options,
    });
  const bodies = () =>
    fake.requests
      .filter(r =>
        String(r.headers['x-amz-target']).endsWith('.DescribeAlarmHistory'),
      )
      .map(r => JSON.parse(r.body));
  const month = { since: new Date(NOW - 30 * DAY), until: new Date(NOW) };

  it('reads each named alarm, following pages of 100, oldest first', async () => {
    const changes = await provider().getAlarmHistory({
      ...month,
      alarmNames: ['busy', 'quiet', 'busy'],
    });

    expect(changes).toHaveLength(132);
    expect(changes.filter(c => c.alarmName === 'busy')).toHaveLength(130);
    const times = changes.map(c => Date.parse(c.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(changes[changes.length - 1]).toEqual({
      alarmName: 'busy',
      at: new Date(NOW - HOUR).toISOString(),
      from: 'ALARM',
      to: 'OK',
    });
    expect(changes.find(c => c.alarmName === 'quiet')).toEqual({
      alarmName: 'quiet',
      at: new Date(NOW - 2 * DAY - 5 * MINUTE).toISOString(),
      from: 'OK',
      to: 'ALARM',
    });

    const asked = bodies();
    expect(
      asked.map(b => [b.AlarmName, b.NextToken !== undefined]).sort(),
    ).toEqual([
      ['busy', false],
      ['busy', true],
      ['quiet', false],
    ]);
    for (const body of asked) {
      expect(body).toMatchObject({
        AlarmTypes: ['MetricAlarm'],
        HistoryItemType: 'StateUpdate',
        MaxRecords: 100,
        ScanBy: 'TimestampAscending',
        StartDate: (NOW - 30 * DAY) / 1000,
        EndDate: NOW / 1000,
      });
    }
  });

  it('scans the region once, paged, without names', async () => {
    const changes = await provider().getAlarmHistory(month);

    const asked = bodies();
    expect(asked.every(b => b.AlarmName === undefined)).toBe(true);
    expect(asked).toHaveLength(2);
    // busy 130, quiet 2, old 2 (the older pair is gone), odd 1 of 3.
    expect(changes).toHaveLength(135);
    expect(new Set(changes.map(c => c.alarmName))).toEqual(
      new Set(['busy', 'quiet', 'old', 'odd']),
    );
  });

  it('gets nothing older than the 30 days CloudWatch keeps', async () => {
    const changes = await provider().getAlarmHistory({
      since: new Date(NOW - 60 * DAY),
      until: new Date(NOW),
      alarmNames: ['old'],
    });
    expect(changes.map(c => c.at)).toEqual([
      new Date(NOW - 10 * DAY - 5 * MINUTE).toISOString(),
      new Date(NOW - 10 * DAY).toISOString(),
    ]);
  });

  it('keeps changes at or after since and before until', async () => {
    const changes = await provider().getAlarmHistory({
      since: new Date(NOW - 2 * DAY - 5 * MINUTE),
      until: new Date(NOW - 2 * DAY),
      alarmNames: ['quiet'],
    });
    expect(changes.map(c => c.to)).toEqual(['ALARM']);
  });

  it('skips items it cannot read, counts them in a debug log, and keeps the rest', async () => {
    const changes = await provider().getAlarmHistory({
      ...month,
      alarmNames: ['odd', 'silent'],
    });

    expect(changes).toEqual([
      {
        alarmName: 'odd',
        at: new Date(NOW - 2 * DAY).toISOString(),
        from: 'OK',
        to: 'INSUFFICIENT_DATA',
      },
    ]);
    expect(logger.debug).toHaveBeenCalledWith(
      expect.stringMatching(/^Skipped 2 CloudWatch alarm history items/),
    );
  });

  it('asks nothing for an empty list of names', async () => {
    expect(
      await provider().getAlarmHistory({ ...month, alarmNames: [] }),
    ).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });

  it('retries throttling until it gets through', async () => {
    fake.faults.push({ kind: 'throttle' });
    const changes = await provider().getAlarmHistory({
      ...month,
      alarmNames: ['quiet'],
    });
    expect(changes).toHaveLength(2);
    expect(fake.requests).toHaveLength(2);
  });

  it('rejects the whole query when throttling lasts, saying so', async () => {
    fake.faults.push(
      ...Array.from({ length: 4 }, () => ({ kind: 'throttle' as const })),
    );
    await expect(
      provider({ maxAttempts: 2, concurrency: 1 }).getAlarmHistory({
        ...month,
        alarmNames: ['quiet', 'busy'],
      }),
    ).rejects.toThrow(
      /throttled DescribeAlarmHistory after 2 attempts; the next refresh tries again; caused by Throttling/,
    );
    // The first alarm failed; the second was not asked.
    expect(fake.requests).toHaveLength(2);
  });

  it('names the permission CloudWatch refused', async () => {
    fake.faults.push({ kind: 'access-denied' });
    await expect(provider().getAlarmHistory(month)).rejects.toThrow(
      /refused DescribeAlarmHistory: the credentials need cloudwatch:DescribeAlarmHistory/,
    );
  });
});
