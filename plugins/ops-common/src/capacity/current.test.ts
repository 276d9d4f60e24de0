import { analyseCapacityMetric, capacityReviewMetric } from './analysis';
import { currentValue } from './current';
import { BUILTIN_CAPACITY_METRICS } from './types';

const HOUR = 3_600_000;
const MIN = 60_000;
/** Nine minutes into the 10:00 hour. */
const NOW = Date.UTC(2026, 2, 18, 10, 9);
const HOUR_START = Date.UTC(2026, 2, 18, 10, 0);
const TRUE_RATE = 17.16;

/** Hourly datapoints from `hours` hours before the running hour up to it. */
function hourly(hours: number, value: (t: number) => number) {
  const timestamps: number[] = [];
  const values: number[] = [];
  for (let t = HOUR_START - hours * HOUR; t <= HOUR_START; t += HOUR) {
    timestamps.push(t);
    values.push(value(t));
  }
  return { timestamps, values };
}

const requestRate = BUILTIN_CAPACITY_METRICS.find(m => m.id === 'requestRate')!;

describe('the current value of a capacity metric', () => {
  it('is the last full hour’s request rate, not nine minutes of requests spread over an hour', () => {
    // What the portal showed for order-service: the running hour's sum
    // (9 minutes of requests) divided by 3,600 s reads 2.57 req/s.
    const series = hourly(48, t =>
      t === HOUR_START ? (TRUE_RATE * 9 * 60) / 3600 : TRUE_RATE,
    );
    const analysis = analyseCapacityMetric(
      { definition: requestRate, hourly: series, statistic: 'Sum' },
      { now: NOW },
    );

    expect(analysis.current).toBeCloseTo(TRUE_RATE, 2);
    expect(analysis.currentPeriod).toEqual({
      start: '2026-03-18T09:00:00.000Z',
      end: '2026-03-18T10:00:00.000Z',
      label: 'last full hour',
      statistic: 'Sum',
    });
    // The review and the overview's capacity risk read the same value.
    expect(capacityReviewMetric(analysis)).toEqual(
      expect.objectContaining({
        current: analysis.current,
        currentPeriod: analysis.currentPeriod,
      }),
    );
  });

  it('takes the running hour, over its elapsed minutes, when the last full hour has no data', () => {
    const series = {
      timestamps: [HOUR_START],
      values: [TRUE_RATE], // the 9 minutes' sum / 540 s
    };
    expect(
      currentValue(series, { periodSeconds: 3600, now: NOW, statistic: 'Sum' }),
    ).toEqual({
      value: TRUE_RATE,
      period: {
        start: '2026-03-18T10:00:00.000Z',
        end: '2026-03-18T10:09:00.000Z',
        label: 'last 9 min (hour in progress)',
        statistic: 'Sum',
        partial: true,
      },
    });
  });

  it('says so when the latest full hour with data is an older one', () => {
    const series = {
      timestamps: [HOUR_START - 5 * HOUR, HOUR_START - 4 * HOUR],
      values: [61, 62],
    };
    expect(
      currentValue(series, {
        periodSeconds: 3600,
        now: NOW,
        statistic: 'Average',
      }),
    ).toEqual({
      value: 62,
      period: {
        start: '2026-03-18T06:00:00.000Z',
        end: '2026-03-18T07:00:00.000Z',
        label: 'latest full hour with data',
        statistic: 'Average',
      },
    });
  });

  it('names the period of finer data, and has nothing to say without data', () => {
    const fiveMinutes = {
      timestamps: [NOW - 14 * MIN, NOW - 9 * MIN, NOW - 4 * MIN],
      values: [1, 2, 3],
    };
    expect(
      currentValue(fiveMinutes, { periodSeconds: 300, now: NOW })?.period.label,
    ).toBe('last full 5 min');
    expect(
      currentValue(
        { timestamps: [], values: [] },
        { periodSeconds: 3600, now: NOW },
      ),
    ).toBeUndefined();
  });
});
