import { platformAlarms } from './alarms';
import { createPlatformStore } from './platform';
import { addScaleAlarms } from './scale';
import { FakeCloudWatch, startFakeCloudWatch } from './server';
import { AlarmDefinition, MetricStore } from './store';

const DAY = 86_400_000;
const HOUR = 3_600_000;
// A Saturday afternoon, minutes into the hour like a real start.
const ANCHOR = Date.UTC(2026, 11, 5, 15, 37);

/** ALARM→OK round trips per UTC day since `since`. */
function roundTripsPerDay(alarm: AlarmDefinition, since: number) {
  const perDay = new Map<number, number>();
  for (const entry of alarm.history ?? []) {
    const t = entry.at.getTime();
    if (t >= since && entry.from === 'ALARM' && entry.to === 'OK') {
      const day = Math.floor(t / DAY);
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }
  }
  return perDay;
}

/**
 * What is wrong with the alarms' histories: each change must continue
 * from the state before, in time order, and end in the current state at
 * the alarm's state time.
 */
function inconsistencies(alarms: AlarmDefinition[]): string[] {
  const problems: string[] = [];
  for (const alarm of alarms) {
    let state = 'OK';
    let last = -Infinity;
    for (const entry of alarm.history ?? []) {
      if (entry.from !== state || entry.at.getTime() <= last) {
        problems.push(`${alarm.name} at ${entry.at.toISOString()}`);
      }
      state = entry.to;
      last = entry.at.getTime();
    }
    if (state !== alarm.state) problems.push(`${alarm.name} ends in ${state}`);
    if (alarm.history?.length && alarm.stateUpdatedAt.getTime() !== last) {
      problems.push(`${alarm.name} changed last at another time`);
    }
  }
  return problems;
}

describe('the example platform alarms', () => {
  const alarms = platformAlarms(ANCHOR);
  const byName = new Map(alarms.map(a => [a.name, a]));

  it('keeps every alarm the portal and its tests know, and adds the stuck DLQ alarm', () => {
    expect(alarms.map(a => a.name).sort()).toEqual(
      [
        'order-service-high-error-rate',
        'order-service-p95-latency',
        'order-service-queue-backlog',
        'order-service-high-memory',
        'order-service-dlq-messages',
        'customer-service-login-failures',
        'customer-service-error-rate',
        'customer-service-high-memory',
        'product-service-cache-hit-rate',
        'product-service-p95-latency',
        'payment-service-processing-failures',
        'payment-service-gateway-timeouts',
        'payment-service-high-memory',
        'payment-service-db-unavailable',
        'payment-service-db-replica-lag',
        'payment-service-events-queue-backlog',
        'search-service-cpu-high',
        'search-service-p95-latency',
      ].sort(),
    );
    expect(
      alarms.filter(a => a.state !== 'OK').map(a => [a.name, a.state]),
    ).toEqual([
      ['order-service-high-error-rate', 'ALARM'],
      ['order-service-dlq-messages', 'ALARM'],
      ['customer-service-high-memory', 'INSUFFICIENT_DATA'],
      ['search-service-cpu-high', 'ALARM'],
    ]);
  });

  it('gives each alarm a history that ends in its current state at its state time', () => {
    expect(inconsistencies(alarms)).toEqual([]);
  });

  it('has flapping, stuck, never-fired and silent alarms to show', () => {
    for (const name of [
      'product-service-cache-hit-rate',
      'customer-service-login-failures',
    ]) {
      const perDay = roundTripsPerDay(byName.get(name)!, ANCHOR - 7 * DAY);
      const flappingDays = [...perDay.values()].filter(n => n >= 3);
      expect(flappingDays.length).toBeGreaterThanOrEqual(3);
    }

    const dlq = byName.get('order-service-dlq-messages')!;
    expect(dlq.state).toBe('ALARM');
    expect(ANCHOR - dlq.stateUpdatedAt.getTime()).toBeGreaterThan(3 * DAY);
    expect(dlq.description).toMatch(/Runbook: https:\/\//);

    for (const name of [
      'payment-service-db-unavailable',
      'order-service-high-memory',
    ]) {
      const alarm = byName.get(name)!;
      expect(alarm.history).toEqual([]);
      expect(alarm.state).toBe('OK');
      expect(ANCHOR - alarm.stateUpdatedAt.getTime()).toBeGreaterThan(90 * DAY);
    }

    expect(
      alarms.filter(a => !a.actions?.alarm?.length).map(a => a.name),
    ).toEqual(['payment-service-db-replica-lag', 'search-service-p95-latency']);
    expect(byName.get('payment-service-processing-failures')?.actions).toEqual({
      alarm: [
        'arn:aws:sns:us-east-1:123456789012:dev-team-pager',
        'arn:aws:sns:us-east-1:123456789012:sre-team-pager',
      ],
      ok: [
        'arn:aws:sns:us-east-1:123456789012:dev-team-pager',
        'arn:aws:sns:us-east-1:123456789012:sre-team-pager',
      ],
      insufficientData: ['arn:aws:sns:us-east-1:123456789012:dev-team-pager'],
    });

    // The ordinary ones fired once or twice in 30 days, none flaps.
    const gateway = byName.get('payment-service-gateway-timeouts')!;
    expect(gateway.history!.filter(e => e.to === 'ALARM')).toHaveLength(2);
  });

  it('is the same for the same anchor', () => {
    expect(platformAlarms(ANCHOR)).toEqual(alarms);
  });
});

describe('fake CloudWatch DescribeAlarmHistory', () => {
  let fake: FakeCloudWatch;
  let now = ANCHOR;

  beforeAll(async () => {
    fake = await startFakeCloudWatch({
      store: createPlatformStore(ANCHOR),
      port: 0,
      now: () => now,
    });
  });
  afterAll(() => fake.close());
  afterEach(() => {
    fake.reset();
    fake.faults.length = 0;
    now = ANCHOR;
  });

  /** The AWS JSON 1.0 call the SDK makes (the fake only checks a SigV4 header is there). */
  const call = async (input: object, op = 'DescribeAlarmHistory') => {
    const res = await fetch(fake.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `GraniteServiceVersion20100801.${op}`,
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIDTEST/20261205/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: JSON.stringify(input),
    });
    return { status: res.status, body: await res.json() };
  };

  it('answers StateUpdate items in the AWS shape, newest first by default', async () => {
    const { status, body } = await call({
      AlarmName: 'payment-service-gateway-timeouts',
    });

    expect(status).toBe(200);
    expect(body.NextToken).toBeUndefined();
    expect(body.AlarmHistoryItems).toHaveLength(4);
    const [newest] = body.AlarmHistoryItems;
    expect(newest).toEqual({
      AlarmName: 'payment-service-gateway-timeouts',
      AlarmType: 'MetricAlarm',
      Timestamp: (ANCHOR - 3 * DAY) / 1000,
      HistoryItemType: 'StateUpdate',
      HistorySummary: 'Alarm updated from ALARM to OK',
      HistoryData: expect.any(String),
    });
    expect(JSON.parse(newest.HistoryData)).toMatchObject({
      version: '1.0',
      oldState: { stateValue: 'ALARM', stateReason: expect.any(String) },
      newState: { stateValue: 'OK', stateReason: expect.any(String) },
    });
    const times = body.AlarmHistoryItems.map((i: any) => i.Timestamp);
    expect(times).toEqual([...times].sort((a, b) => b - a));

    const ascending = await call({
      AlarmName: 'payment-service-gateway-timeouts',
      ScanBy: 'TimestampAscending',
    });
    expect(
      ascending.body.AlarmHistoryItems.map((i: any) => i.Timestamp),
    ).toEqual([...times].reverse());
  });

  it('serves the date range, StartDate and EndDate included', async () => {
    const end = (ANCHOR - 3 * DAY) / 1000;
    const { body } = await call({
      AlarmName: 'payment-service-gateway-timeouts',
      StartDate: end - 18 * 60,
      EndDate: end,
    });
    expect(body.AlarmHistoryItems.map((i: any) => i.HistorySummary)).toEqual([
      'Alarm updated from ALARM to OK',
      'Alarm updated from OK to ALARM',
    ]);
  });

  it('pages by MaxRecords and NextToken over the whole region', async () => {
    const seen: any[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const { status, body } = await call({
        HistoryItemType: 'StateUpdate',
        MaxRecords: 100,
        NextToken: token,
        ScanBy: 'TimestampAscending',
      });
      expect(status).toBe(200);
      expect(body.AlarmHistoryItems.length).toBeLessThanOrEqual(100);
      seen.push(...body.AlarmHistoryItems);
      token = body.NextToken;
      pages += 1;
    } while (token);

    expect(pages).toBeGreaterThan(1);
    const expected = fake.store.alarms
      .flatMap(a => a.history ?? [])
      .filter(e => e.at.getTime() >= ANCHOR - 30 * DAY);
    expect(seen).toHaveLength(expected.length);
    const keys = seen.map(i => `${i.AlarmName}@${i.Timestamp}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('continues where the last page ended when its clock moves between pages', async () => {
    const first = await call({ MaxRecords: 50, ScanBy: 'TimestampAscending' });
    // The flapping days 27 days back are among the first page and now gone.
    now = ANCHOR + 5 * DAY;
    const seen = [...first.body.AlarmHistoryItems];
    let token = first.body.NextToken;
    while (token) {
      const { body } = await call({
        MaxRecords: 50,
        ScanBy: 'TimestampAscending',
        NextToken: token,
      });
      seen.push(...body.AlarmHistoryItems);
      token = body.NextToken;
    }
    const keys = seen.map(i => `${i.AlarmName}@${i.Timestamp}`);
    expect(new Set(keys).size).toBe(keys.length);
    const times = seen.map(i => i.Timestamp);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const stillKept = fake.store.alarms
      .flatMap(a => a.history ?? [])
      .filter(e => e.at.getTime() >= now - 30 * DAY);
    expect(seen.slice(50)).toHaveLength(
      stillKept.filter(e => e.at.getTime() / 1000 > times[49]).length,
    );
  });

  it('keeps 30 days: nothing older than 30 days before its clock', async () => {
    const all = await call({ AlarmName: 'order-service-dlq-messages' });
    // The fire 17 days back and the one 3 days back.
    expect(all.body.AlarmHistoryItems).toHaveLength(3);

    now = ANCHOR + 14 * DAY;
    const later = await call({ AlarmName: 'order-service-dlq-messages' });
    expect(later.body.AlarmHistoryItems).toHaveLength(1);
    expect(later.body.AlarmHistoryItems[0].HistorySummary).toBe(
      'Alarm updated from OK to ALARM',
    );

    const explicit = await call({
      AlarmName: 'order-service-dlq-messages',
      StartDate: (ANCHOR - 60 * DAY) / 1000,
    });
    expect(explicit.body.AlarmHistoryItems).toHaveLength(1);
  });

  it('serves no other item types and only metric alarms', async () => {
    const config = await call({ HistoryItemType: 'ConfigurationUpdate' });
    expect(config.body.AlarmHistoryItems).toEqual([]);
    const composite = await call({ AlarmTypes: ['CompositeAlarm'] });
    expect(composite.body.AlarmHistoryItems).toEqual([]);
  });

  it.each([
    [{ MaxRecords: 0 }, /maxRecords.*greater than or equal to 1/],
    [{ MaxRecords: 101 }, /maxRecords.*less than or equal to 100/],
    [{ HistoryItemType: 'StateChange' }, /historyItemType.*enum value set/],
    [{ ScanBy: 'Newest' }, /scanBy/],
    [{ StartDate: 'yesterday' }, /StartDate/],
    [
      { StartDate: ANCHOR / 1000, EndDate: ANCHOR / 1000 - 60 },
      /StartDate must be less than or equal to/,
    ],
    [{ AlarmName: '' }, /AlarmName/],
  ])('refuses %j as CloudWatch does', async (input, message) => {
    const { status, body } = await call(input);
    expect(status).toBe(400);
    expect(body.__type).toBe('ValidationError');
    expect(body.message).toMatch(message);
  });

  it('refuses a token it did not give', async () => {
    const { status, body } = await call({ NextToken: 'bm9wZQ==' });
    expect(status).toBe(400);
    expect(body.__type).toBe('InvalidNextToken');
  });

  it('meets queued faults like every other operation', async () => {
    fake.faults.push({ kind: 'throttle' }, { kind: 'access-denied' });
    const before = fake.stats.describeAlarmHistoryCalls;
    const throttled = await call({});
    expect(throttled.status).toBe(400);
    expect(throttled.body.__type).toBe('Throttling');
    const denied = await call({});
    expect(denied.body.message).toContain('cloudwatch:DescribeAlarmHistory');
    expect((await call({})).status).toBe(200);
    expect(fake.stats.describeAlarmHistoryCalls).toBe(before + 1);
  });

  it('answers DescribeAlarms with actions and the statistic where CloudWatch puts it', async () => {
    const { body } = await call(
      {
        AlarmNames: [
          'order-service-p95-latency',
          'payment-service-db-replica-lag',
        ],
      },
      'DescribeAlarms',
    );
    const [latency, lag] = body.MetricAlarms;
    expect(latency).toMatchObject({
      ExtendedStatistic: 'p95',
      ActionsEnabled: true,
      AlarmActions: ['arn:aws:sns:us-east-1:123456789012:dev-team-pager'],
      OKActions: ['arn:aws:sns:us-east-1:123456789012:dev-team-pager'],
      InsufficientDataActions: [],
    });
    expect(latency.Statistic).toBeUndefined();
    expect(lag).toMatchObject({ Statistic: 'Maximum', AlarmActions: [] });
  });
});

describe('addScaleAlarms', () => {
  it('adds thousands of alarms with consistent histories in a realistic mix', () => {
    const store = new MetricStore();
    const added = addScaleAlarms(store, {
      alarms: 5000,
      services: 100,
      anchor: ANCHOR,
    });

    expect(store.alarms).toHaveLength(5000);
    expect(new Set(added.names).size).toBe(5000);
    expect(added.services).toHaveLength(100);
    expect(inconsistencies(store.alarms)).toEqual([]);
    expect(
      store.alarms.filter(
        a =>
          !a.name.startsWith(`${a.tags!.Service}-`) ||
          !added.prefixes.includes(`${a.tags!.Service}-`),
      ),
    ).toEqual([]);
    const share = (kind: keyof typeof added.kinds) =>
      added.kinds[kind].length / 5000;
    expect(share('flapping')).toBeGreaterThan(0.005);
    expect(share('flapping')).toBeLessThan(0.02);
    expect(share('noisy')).toBeGreaterThan(0.03);
    expect(share('noisy')).toBeLessThan(0.07);
    expect(share('quiet')).toBeGreaterThan(0.6);

    const byName = new Map(store.alarms.map(a => [a.name, a]));
    for (const name of added.kinds.flapping) {
      const perDay = roundTripsPerDay(byName.get(name)!, ANCHOR - 7 * DAY);
      expect([...perDay.values()].filter(n => n >= 3).length).toBeGreaterThan(
        3,
      );
    }
    for (const name of added.kinds.noisy) {
      const fired = byName
        .get(name)!
        .history!.filter(
          e => e.to === 'ALARM' && e.at.getTime() >= ANCHOR - 7 * DAY,
        );
      expect(fired.length).toBeGreaterThanOrEqual(3);
    }
    for (const name of added.kinds['never-fired']) {
      const alarm = byName.get(name)!;
      expect(alarm.history).toEqual([]);
      expect(ANCHOR - alarm.stateUpdatedAt.getTime()).toBeGreaterThan(90 * DAY);
    }
    for (const name of added.kinds.stuck) {
      const alarm = byName.get(name)!;
      expect(alarm.state).toBe('ALARM');
      expect(ANCHOR - alarm.stateUpdatedAt.getTime()).toBeGreaterThan(DAY);
    }
    const earliest = Math.min(
      ...store.alarms.flatMap(a => (a.history ?? []).map(e => e.at.getTime())),
    );
    expect(earliest).toBeGreaterThanOrEqual(ANCHOR - 90 * DAY - HOUR);

    const again = new MetricStore();
    addScaleAlarms(again, { alarms: 5000, services: 100, anchor: ANCHOR });
    expect(JSON.stringify(again.alarms)).toBe(JSON.stringify(store.alarms));
  });
});
