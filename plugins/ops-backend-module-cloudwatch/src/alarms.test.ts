import { mockServices } from '@backstage/backend-test-utils';
import {
  FakeCloudWatch,
  MetricStore,
  startFakeCloudWatch,
} from '@internal/fake-upstreams';
import { CloudWatchProvider } from './CloudWatchProvider';

const SNS = 'arn:aws:sns:us-east-1:123456789012';

function storeWithAlarms(count: number): MetricStore {
  const store = new MetricStore();
  for (let i = 0; i < count; i++) {
    const service = i % 2 === 0 ? 'payment-service' : 'order-service';
    store.addAlarm({
      name: `${service}-alarm-${String(i).padStart(3, '0')}`,
      description: `Alarm ${i}. Runbook: https://runbooks.example/${i}`,
      state: i === 0 ? 'ALARM' : 'OK',
      stateReason: 'Threshold Crossed',
      stateUpdatedAt: new Date('2026-11-25T10:00:00Z'),
      metric: {
        namespace: 'AWS/ApplicationELB',
        metricName: 'HTTPCode_Target_5XX_Count',
        dimensions: { TargetGroup: service },
      },
      period: 60,
      evaluationPeriods: 3,
      threshold: 5,
      comparisonOperator: 'GreaterThanThreshold',
      tags: { Severity: i % 4 === 0 ? 'P1' : 'P3', Service: service },
      // The first pages on-call, the second is a p99 with its actions off.
      ...(i === 0
        ? {
            actions: {
              alarm: [`${SNS}:payments-pager`, `${SNS}:sre-pager`],
              ok: [`${SNS}:payments-pager`],
            },
          }
        : {}),
      ...(i === 1
        ? {
            statistic: 'p99',
            actionsEnabled: false,
            actions: { alarm: [`${SNS}:orders-pager`] },
          }
        : {}),
    });
  }
  return store;
}

describe('CloudWatchProvider alarms', () => {
  let fake: FakeCloudWatch;
  let now = Date.parse('2026-11-25T12:00:00Z');

  beforeAll(async () => {
    fake = await startFakeCloudWatch({ store: storeWithAlarms(230), port: 0 });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    fake.faults.length = 0;
  });

  const provider = () =>
    new CloudWatchProvider({
      region: 'us-east-1',
      endpoint: fake.url,
      credentials: async () => ({
        accessKeyId: 'AKIDTEST',
        secretAccessKey: 'secret',
      }),
      maxAttempts: 1,
      requestTimeoutMs: 5000,
      concurrency: 3,
      logger: mockServices.logger.mock(),
      tagsCacheMs: 60_000,
      now: () => now,
    });
  const calls = (operation: string) =>
    fake.requests.filter(r =>
      String(r.headers['x-amz-target']).endsWith(`.${operation}`),
    );

  it('lists the alarms of a prefix, following pages of 100', async () => {
    const alarms = await provider().listAlarms({
      namePrefixes: ['payment-service-'],
    });

    expect(alarms).toHaveLength(115);
    expect(alarms.every(a => a.name.startsWith('payment-service-'))).toBe(true);
    expect(calls('DescribeAlarms')).toHaveLength(2);
    expect(alarms.find(a => a.name === 'payment-service-alarm-000')).toEqual({
      name: 'payment-service-alarm-000',
      arn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:payment-service-alarm-000',
      description: 'Alarm 0. Runbook: https://runbooks.example/0',
      state: 'ALARM',
      stateReason: 'Threshold Crossed',
      stateUpdatedAt: '2026-11-25T10:00:00.000Z',
      metric: {
        namespace: 'AWS/ApplicationELB',
        metricName: 'HTTPCode_Target_5XX_Count',
        dimensions: { TargetGroup: 'payment-service' },
      },
      threshold: 5,
      comparisonOperator: 'GreaterThanThreshold',
      statistic: 'Average',
      period: 60,
      evaluationPeriods: 3,
      actionsEnabled: true,
      actions: {
        alarm: [`${SNS}:payments-pager`, `${SNS}:sre-pager`],
        ok: [`${SNS}:payments-pager`],
        insufficientData: [],
      },
    });
  });

  it('reads a percentile statistic, disabled actions and alarms without actions', async () => {
    const alarms = await provider().listAlarms({
      names: ['order-service-alarm-001', 'order-service-alarm-003'],
    });
    const byName = new Map(alarms.map(a => [a.name, a]));

    expect(byName.get('order-service-alarm-001')).toMatchObject({
      statistic: 'p99',
      actionsEnabled: false,
      actions: { alarm: [`${SNS}:orders-pager`], ok: [], insufficientData: [] },
    });
    expect(byName.get('order-service-alarm-003')).toMatchObject({
      statistic: 'Average',
      actionsEnabled: true,
      actions: { alarm: [], ok: [], insufficientData: [] },
    });
  });

  it('lists every alarm of the region in one paged scan without a filter', async () => {
    const alarms = await provider().listAlarms({});

    expect(alarms).toHaveLength(230);
    const bodies = calls('DescribeAlarms').map(r => JSON.parse(r.body));
    expect(bodies).toHaveLength(3);
    expect(bodies.every(b => b.AlarmNamePrefix === undefined)).toBe(true);
  });

  it('reads tags once per alarm and keeps them for the cache time', async () => {
    const cw = provider();
    const arns = [0, 1, 2].map(
      i =>
        `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${
          i % 2 === 0 ? 'payment' : 'order'
        }-service-alarm-00${i}`,
    );

    const first = await cw.getAlarmTags(arns);
    expect(first.get(arns[0])).toEqual({
      Severity: 'P1',
      Service: 'payment-service',
    });
    expect(first.get(arns[1])).toEqual({
      Severity: 'P3',
      Service: 'order-service',
    });
    expect(calls('ListTagsForResource')).toHaveLength(3);

    await cw.getAlarmTags([...arns, arns[0]]);
    expect(calls('ListTagsForResource')).toHaveLength(3);

    now += 61_000;
    await cw.getAlarmTags([arns[0]]);
    expect(calls('ListTagsForResource')).toHaveLength(4);
  });

  it('fails when CloudWatch refuses, so the caller keeps its last good alarms', async () => {
    fake.faults.push({ kind: 'access-denied' });
    await expect(
      provider().listAlarms({ namePrefixes: ['payment-service-'] }),
    ).rejects.toThrow(/not authorized/);
  });
});
