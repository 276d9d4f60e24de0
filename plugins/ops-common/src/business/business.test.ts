import {
  BUSINESS_WEEK_MS,
  compareWithLastWeek,
  deviationShare,
  formatBusinessValue,
  rateFactor,
} from './compare';
import { businessConfigSchema } from './config';
import { describeSchemaError } from '../changes/schemas';
import { buildBusinessMetric, businessWindows } from './view';

const MIN = 60_000;

function parse(value: unknown) {
  const result = businessConfigSchema.safeParse(value);
  return result.success
    ? { config: result.data }
    : { error: describeSchemaError(result.error) };
}

describe('business metric maths', () => {
  it('turns a period value into a rate per minute or hour', () => {
    expect(rateFactor(300, 'minute')).toBeCloseTo(1 / 5);
    expect(rateFactor(300, 'hour')).toBe(12);
    expect(rateFactor(3600, 'hour')).toBe(1);
    expect(rateFactor(300, undefined)).toBe(1);
  });

  it('measures the departure from last week as a share of it', () => {
    expect(deviationShare(130, 100)).toBeCloseTo(0.3);
    expect(deviationShare(55, 100)).toBeCloseTo(-0.45);
    expect(deviationShare(0, 0)).toBe(0);
    expect(deviationShare(5, 0)).toBeUndefined();
    expect(deviationShare(undefined, 3)).toBeUndefined();
  });

  it('flags a departure beyond the allowed share, either way, in words', () => {
    const drop = compareWithLastWeek({
      current: 55,
      lastWeek: 100,
      allowedShare: 0.3,
      higherIsBetter: true,
    });
    expect(drop).toEqual({
      deviation: expect.closeTo(-0.45),
      flagged: true,
      comparison: 'worse',
      reason: '45 % below the same time last week, more than the 30 % allowed',
    });
    // A rise of cart abandonment is worse; a rise of orders is better.
    expect(
      compareWithLastWeek({
        current: 95,
        lastWeek: 70,
        allowedShare: 0.3,
        higherIsBetter: false,
      }),
    ).toMatchObject({ flagged: true, comparison: 'worse' });
    expect(
      compareWithLastWeek({
        current: 140,
        lastWeek: 100,
        allowedShare: 0.3,
        higherIsBetter: true,
      }),
    ).toMatchObject({ flagged: true, comparison: 'better' });
    // Exactly the allowed share is not yet a departure.
    expect(
      compareWithLastWeek({
        current: 70,
        lastWeek: 100,
        allowedShare: 0.3,
        higherIsBetter: true,
      }),
    ).toMatchObject({ flagged: false, comparison: 'same' });
  });

  it('says why it cannot compare', () => {
    expect(
      compareWithLastWeek({
        current: 3,
        allowedShare: 0.3,
        higherIsBetter: true,
      }),
    ).toEqual({
      flagged: false,
      comparison: 'unknown',
      reason: 'No value for the same time last week to compare with',
    });
    expect(
      compareWithLastWeek({
        current: 3,
        lastWeek: 0,
        allowedShare: 0.3,
        higherIsBetter: true,
      }),
    ).toMatchObject({ flagged: true, comparison: 'better' });
  });

  it('formats values with their unit', () => {
    expect(formatBusinessValue(12.44, 'count', { per: 'minute' })).toBe(
      '12.4 / min',
    );
    expect(
      formatBusinessValue(48210.4, 'currency', {
        currency: 'USD',
        per: 'hour',
      }),
    ).toBe('$48,210 / h');
    expect(formatBusinessValue(3410.2, 'users')).toBe('3,410 users');
    expect(formatBusinessValue(2.912, 'percent')).toBe('2.91 %');
    expect(formatBusinessValue(71.23, 'percent')).toBe('71.2 %');
    expect(formatBusinessValue(undefined, 'count')).toBe('–');
  });
});

describe('buildBusinessMetric', () => {
  const metric = businessConfigSchema.parse({
    metrics: [
      {
        id: 'orders',
        title: 'Orders per minute',
        entities: ['system:default/shop'],
        cloudwatch: { namespace: 'Shop', metricName: 'OrdersPlaced' },
        per: 'minute',
      },
    ],
  }).metrics[0];

  it('compares the last complete period with the same one a week earlier', () => {
    // 12:07:30: the last complete 5-minute period is 12:00-12:05.
    const now = Date.UTC(2026, 11, 5, 12, 7, 30);
    const windows = businessWindows(now, 300);
    expect(windows.today.end).toBe(Date.UTC(2026, 11, 5, 12, 5));
    expect(windows.today.start).toBe(windows.today.end - 86_400_000);
    const today = { timestamps: [] as number[], values: [] as number[] };
    const lastWeek = { timestamps: [] as number[], values: [] as number[] };
    for (let t = windows.today.start; t < windows.today.end; t += 5 * MIN) {
      today.timestamps.push(t);
      today.values.push(50); // 10 orders a minute
      lastWeek.timestamps.push(t - BUSINESS_WEEK_MS);
      lastWeek.values.push(50);
    }
    // The last period: 25 orders (5 a minute), half of last week's.
    today.values[today.values.length - 1] = 25;
    // A partial period after the end is not the current value.
    today.timestamps.push(windows.today.end);
    today.values.push(1);

    const view = buildBusinessMetric(metric, { today, lastWeek }, now);
    expect(view.series).toHaveLength(288);
    expect(view.lastWeekSeries).toHaveLength(288);
    expect(view.lastWeekSeries[0].t).toBe(view.series[0].t);
    expect(view.current).toEqual({ t: windows.today.end - 5 * MIN, v: 5 });
    expect(view.lastWeek).toEqual({
      t: windows.today.end - 5 * MIN - BUSINESS_WEEK_MS,
      v: 10,
    });
    expect(view.deviation).toBeCloseTo(-0.5);
    expect(view.flagged).toBe(true);
    expect(view.comparison).toBe('worse');
    expect(view.source).toBe('cloudwatch');
  });

  it('answers no current value when the upstream had no data', () => {
    const view = buildBusinessMetric(
      metric,
      {
        today: { timestamps: [], values: [] },
        lastWeek: { timestamps: [], values: [] },
      },
      Date.now(),
    );
    expect(view.current).toBeUndefined();
    expect(view.flagged).toBe(false);
    expect(view.comparison).toBe('unknown');
  });
});

describe('businessConfigSchema', () => {
  it('applies the defaults', () => {
    const { config } = parse({
      metrics: [
        {
          id: 'revenue',
          title: 'Revenue per hour',
          unit: 'currency',
          entities: ['system:ecommerce-platform'],
          prometheus: { query: 'sum(increase(revenue_total[$period]))' },
        },
      ],
    });
    expect(config).toEqual({
      refreshMinutes: 5,
      metrics: [
        expect.objectContaining({
          currency: 'USD',
          period: 300,
          deviationShare: 0.3,
          higherIsBetter: true,
          entities: ['system:default/ecommerce-platform'],
        }),
      ],
    });
  });

  it('names the wrong key', () => {
    expect(
      parse({
        metrics: [
          {
            id: 'orders',
            title: 'Orders',
            entities: ['system:default/shop'],
            cloudwatch: { metricName: 'OrdersPlaced' },
          },
        ],
      }).error,
    ).toBe('metrics.0.cloudwatch.namespace: is required');
    expect(
      parse({
        metrics: [{ id: 'orders', title: 'Orders', entities: ['system:x'] }],
      }).error,
    ).toBe(
      'metrics.0.cloudwatch: needs exactly one of cloudwatch and prometheus',
    );
    expect(
      parse({
        metrics: [
          {
            id: 'orders',
            title: 'Orders',
            entities: ['system:x'],
            prometheus: { query: 'up' },
            period: 90,
          },
        ],
      }).error,
    ).toBe('metrics.0.period: must be a multiple of 60 seconds');
    expect(
      parse({
        metrics: [
          {
            id: 'a',
            title: 'A',
            entities: ['system:x'],
            prometheus: { query: 'up' },
          },
          {
            id: 'a',
            title: 'B',
            entities: ['system:x'],
            prometheus: { query: 'up' },
          },
        ],
      }).error,
    ).toBe('metrics.1.id: id "a" is used twice');
    expect(parse({ refreshMinutes: 0 }).error).toBe(
      'refreshMinutes: must be at least 1',
    );
    expect(
      parse({
        metrics: [
          {
            id: 'a',
            title: 'A',
            entities: ['not a ref:'],
            prometheus: { query: 'up' },
          },
        ],
      }).error,
    ).toMatch(/^metrics\.0\.entities\.0: "not a ref:" is not an entity ref/);
  });
});
