import {
  analyseCapacityMetric,
  capacityMetricView,
  capacityReviewMetric,
} from './analysis';
import { DAY_MS, HOUR_MS } from './series';
import { sample } from './testSeries';
import { BUILTIN_CAPACITY_METRICS } from './types';

const NOW = Date.UTC(2026, 2, 18, 10, 0, 0);
const cpu = BUILTIN_CAPACITY_METRICS.find(m => m.id === 'cpu')!;
const shape = {
  levelNow: 58,
  slopePerWeek: 1.5,
  dailyAmplitude: 6,
  weekendOffset: -3,
  noiseSd: 1,
};

/** 5-minute data over 30 days at 50 %, with breaches at the given days ago. */
function fineWithBreaches(breaches: { daysAgo: number; minutes: number }[]) {
  const timestamps: number[] = [];
  const values: number[] = [];
  const start = NOW - 30 * DAY_MS;
  for (let t = start; t < NOW; t += 300_000) {
    const breaching = breaches.some(
      b =>
        t >= NOW - b.daysAgo * DAY_MS &&
        t < NOW - b.daysAgo * DAY_MS + b.minutes * 60_000,
    );
    timestamps.push(t);
    values.push(breaching ? 78 : 50);
  }
  return { series: { timestamps, values }, periodSeconds: 300 };
}

describe('analysis of one capacity metric', () => {
  const analysis = analyseCapacityMetric(
    {
      definition: cpu,
      hourly: sample(shape, NOW, 90, 5),
      fine: fineWithBreaches([
        { daysAgo: 3, minutes: 25 },
        { daysAgo: 12, minutes: 45 },
        { daysAgo: 20, minutes: 10 },
        { daysAgo: 40, minutes: 60 }, // outside the 30 days: not there
      ]),
    },
    { now: NOW },
  );

  it('counts the triggers of the last 30 days', () => {
    expect(analysis.episodes).toHaveLength(3);
    expect(analysis.triggers30d).toBe(2);
    expect(analysis.episodes.map(e => e.peak)).toEqual([78, 78, 78]);
  });

  it('says how much headroom the typical peak leaves and when the limit comes', () => {
    expect(analysis.peak7d).toBeGreaterThan(60);
    expect(analysis.peak7d).toBeLessThan(70);
    expect(analysis.headroom).toBeCloseTo(70 - analysis.peak7d!, 9);
    expect(analysis.headroomPercent).toBeCloseTo(
      (analysis.headroom! / 70) * 100,
      9,
    );
    expect(analysis.forecast.status).toBe('crossing');
    expect(analysis.forecast.daysToLimit).toBeGreaterThan(10);
    expect(analysis.forecast.daysToLimit).toBeLessThan(35);
    expect(analysis.growth?.perWeek).toBeCloseTo(1.5, 0);
    expect(analysis.coverage).toBeGreaterThan(0.99);
  });

  it('keeps charts of about 170–180 points per range and survives JSON', () => {
    const stored = JSON.parse(JSON.stringify(analysis));
    for (const [range, points] of [
      ['7d', 168],
      ['30d', 180],
      ['90d', 180],
    ] as const) {
      const view = capacityMetricView(stored, range);
      expect(view.history.length).toBeGreaterThan(points - 3);
      expect(view.history.length).toBeLessThanOrEqual(points);
      expect(view.band.length).toBe(points);
      expect(view.band[0].t).toBeLessThanOrEqual(NOW);
      expect(view.band[view.band.length - 1].t).toBeGreaterThan(NOW);
    }
  });

  it('marks the 5-minute breach peaks in the 7-day chart maxima', () => {
    const view = capacityMetricView(analysis, '7d');
    expect(Math.max(...view.history.map(b => b.max))).toBe(78);
    expect(view.episodes).toHaveLength(1);
    expect(capacityMetricView(analysis, '30d').episodes).toHaveLength(3);
  });

  it('leaves gaps in the chart where there is no data', () => {
    const hourly = sample(
      shape,
      NOW,
      90,
      6,
      t => t < NOW - 2 * DAY_MS || t >= NOW - DAY_MS,
    );
    const gappy = analyseCapacityMetric(
      { definition: cpu, hourly },
      { now: NOW },
    );
    const view = capacityMetricView(gappy, '7d');
    const hoursInGap = view.history.filter(
      b => b.t >= NOW - 2 * DAY_MS && b.t < NOW - DAY_MS - HOUR_MS,
    );
    expect(hoursInGap).toEqual([]);
  });

  it('summarises the metric for the review', () => {
    const row = capacityReviewMetric(analysis);
    expect(row).toEqual(
      expect.objectContaining({
        id: 'cpu',
        limit: 70,
        triggers30d: 2,
        forecast: analysis.forecast,
      }),
    );
  });

  it('says what the triggers count and in which data they were found', () => {
    expect(analysis.triggerEvaluation).toEqual({
      windows: [
        {
          start: new Date(NOW - 30 * DAY_MS).toISOString(),
          end: new Date(NOW).toISOString(),
          periodSeconds: 300,
        },
      ],
      triggerMinutes: 25 + 45,
      shortBreaches: 1,
      shortBreachMinutes: 10,
      approximate: false,
    });
  });

  it('evaluates triggers on 1-minute data where there is some, and 5-minute data before', () => {
    const boundary = NOW - 15 * DAY_MS;
    const minuteData = { timestamps: [] as number[], values: [] as number[] };
    // 11 minutes above 70 %: three 5-minute means would be above it
    // (12:03-12:14), but it is not 15 minutes.
    const spike = NOW - 2 * DAY_MS + 3 * 60_000;
    // 16 minutes above: a trigger.
    const sustained = NOW - DAY_MS;
    for (let t = boundary; t < NOW; t += 60_000) {
      minuteData.timestamps.push(t);
      const inSpike = t >= spike && t < spike + 11 * 60_000;
      const inSustained = t >= sustained && t < sustained + 16 * 60_000;
      minuteData.values.push(inSpike || inSustained ? 95 : 60);
    }
    const fivePart = fineWithBreaches([{ daysAgo: 20, minutes: 15 }]);
    const older = {
      series: {
        timestamps: fivePart.series.timestamps.filter(t => t < boundary),
        values: fivePart.series.values.filter(
          (_, i) => fivePart.series.timestamps[i] < boundary,
        ),
      },
      periodSeconds: 300,
      from: NOW - 30 * DAY_MS,
      to: boundary,
    };
    const mixed = analyseCapacityMetric(
      {
        definition: cpu,
        hourly: sample(shape, NOW, 90, 5),
        fine: [
          { series: minuteData, periodSeconds: 60, from: boundary, to: NOW },
          older,
        ],
      },
      { now: NOW },
    );

    expect(
      mixed.episodes.map(e => [
        e.durationMinutes,
        e.periodSeconds,
        e.sustained,
      ]),
    ).toEqual([
      [15, 300, true],
      [11, 60, false],
      [16, 60, true],
    ]);
    expect(mixed.triggers30d).toBe(2);
    expect(mixed.triggerEvaluation).toEqual({
      windows: [
        {
          start: new Date(NOW - 30 * DAY_MS).toISOString(),
          end: new Date(boundary).toISOString(),
          periodSeconds: 300,
        },
        {
          start: new Date(boundary).toISOString(),
          end: new Date(NOW).toISOString(),
          periodSeconds: 60,
        },
      ],
      triggerMinutes: 31,
      shortBreaches: 1,
      shortBreachMinutes: 11,
      approximate: false,
    });
  });

  it('says that triggers found in hourly data only are approximate', () => {
    const hourlyOnly = analyseCapacityMetric(
      { definition: cpu, hourly: sample(shape, NOW, 90, 5) },
      { now: NOW },
    );
    expect(hourlyOnly.triggerEvaluation?.approximate).toBe(true);
    expect(hourlyOnly.triggerEvaluation?.windows).toEqual([
      expect.objectContaining({ periodSeconds: 3600 }),
    ]);
  });

  it('reports no forecast for a metric without enough data', () => {
    const empty = analyseCapacityMetric(
      { definition: cpu, hourly: { timestamps: [], values: [] } },
      { now: NOW },
    );
    expect(empty.forecast.status).toBe('insufficient-data');
    expect(empty.current).toBeUndefined();
    expect(capacityMetricView(empty, '30d').band).toEqual([]);
  });
});
