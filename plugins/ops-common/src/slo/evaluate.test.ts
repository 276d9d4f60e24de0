import {
  badShareNeeded,
  burnDown,
  burnRateRuleFindings,
  coarsen,
  errorBudget,
  evaluateSlo,
  forecastBudget,
  maxBurnRate,
  occurrencesSeries,
  scaleBurnRateRules,
  timeslicesSeries,
  windowTotals,
} from './evaluate';
import { DEFAULT_BURN_RATE_RULES, SliSeries } from './types';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 0, 31, 12, 0);
const WINDOW_30D = 30 * 86_400;

/** Daily event counts over the 30 days before NOW. */
function daily(total: (number | undefined)[], bad: (number | undefined)[]) {
  return occurrencesSeries({ start: NOW - 30 * DAY, step: DAY, total, bad });
}

/** 5-minute event counts over the 6 hours before NOW. */
function fiveMinutes(
  total: (number | undefined)[],
  bad: (number | undefined)[],
) {
  return occurrencesSeries({
    start: NOW - 6 * HOUR,
    step: 5 * MIN,
    total,
    bad,
  });
}

const repeat = <T>(n: number, value: T) =>
  Array.from({ length: n }, () => value);

describe('error budget', () => {
  it('is 43.2 minutes a month at 99.9 %, 4.32 at 99.99 % and 3.6 hours at 99.5 %', () => {
    const none = { good: 0, total: 0 };
    expect(errorBudget(0.999, WINDOW_30D, none).totalMinutes).toBeCloseTo(
      43.2,
      9,
    );
    expect(errorBudget(0.9999, WINDOW_30D, none).totalMinutes).toBeCloseTo(
      4.32,
      9,
    );
    expect(errorBudget(0.995, WINDOW_30D, none).totalMinutes / 60).toBeCloseTo(
      3.6,
      9,
    );
  });

  it('is spent exactly when the SLI equals the target', () => {
    // 1,000 requests a day, one failing each day: 30 bad of 30,000, and
    // 99.9 % allows 0.1 % of 30,000 = 30.
    const status = evaluateSlo({
      target: 0.999,
      windowSeconds: WINDOW_30D,
      now: NOW,
      series: [daily(repeat(30, 1000), repeat(30, 1))],
    });
    expect(status.sli).toBeCloseTo(0.999, 12);
    expect(status.budget.bad).toBe(30);
    expect(status.budget.allowedBad).toBeCloseTo(30, 9);
    expect(status.budget.consumed).toBeCloseTo(1, 9);
    expect(status.budget.remaining).toBeCloseTo(0, 9);
    expect(status.budget.remainingMinutes).toBeCloseTo(0, 9);
    expect(status.budget.consumedMinutes).toBeCloseTo(43.2, 9);
    expect(status.forecast.state).toBe('exhausted');
    // The burn-down falls by 1/30 of the budget a day, to nothing.
    expect(status.burnDown).toHaveLength(30);
    expect(status.burnDown[0].remaining).toBeCloseTo(29 / 30, 9);
    expect(status.burnDown[14].remaining).toBeCloseTo(15 / 30, 9);
    expect(status.burnDown[29].remaining).toBeCloseTo(0, 9);
    expect(status.burnDown[29].at).toBe(new Date(NOW).toISOString());
  });

  it('stops falling once the service recovers, and comes back when the bad day leaves the window', () => {
    // 20 failures on the first day of the window, none since: 20 of the
    // 30 allowed are spent, a third is left, and nothing burns now.
    const bad = [20, ...repeat(29, 0)];
    const status = evaluateSlo({
      target: 0.999,
      windowSeconds: WINDOW_30D,
      now: NOW,
      series: [daily(repeat(30, 1000), bad)],
      forecastWindow: '1d',
    });
    expect(status.budget.remaining).toBeCloseTo(1 / 3, 9);
    expect(status.budget.remainingMinutes).toBeCloseTo(14.4, 9);
    expect(status.burnDown.map(p => Number(p.remaining.toFixed(6)))).toEqual(
      repeat(30, Number((1 / 3).toFixed(6))),
    );
    const day = status.burnRates.find(b => b.window === '1d')!;
    expect(day.burnRate).toBe(0);
    expect(status.alert.state).toBe('ok');
    expect(status.forecast.state).toBe('not-burning');

    // A day later the bad day has rolled out of the window.
    const later = evaluateSlo({
      target: 0.999,
      windowSeconds: WINDOW_30D,
      now: NOW + DAY,
      series: [
        occurrencesSeries({
          start: NOW - 29 * DAY,
          step: DAY,
          total: repeat(30, 1000),
          bad: repeat(30, 0),
        }),
      ],
    });
    expect(later.budget.remaining).toBe(1);
    expect(later.sli).toBe(1);
  });

  it('says there is no data instead of inventing numbers', () => {
    const status = evaluateSlo({
      target: 0.999,
      windowSeconds: WINDOW_30D,
      now: NOW,
      series: [daily(repeat(30, undefined), repeat(30, undefined))],
    });
    expect(status.sli).toBeNull();
    expect(status.budget.consumed).toBeNull();
    expect(status.budget.remainingMinutes).toBeNull();
    expect(status.alert.state).toBe('no-data');
    expect(status.forecast.state).toBe('unknown');
    expect(status.coverage).toEqual({
      buckets: 30,
      bucketsWithData: 0,
      missing: 30,
      missingCountedAs: 'ignore',
    });
    expect(status.burnRates.every(b => b.burnRate === null)).toBe(true);
  });

  it('measures a partial window on the data there is and shows how much is missing', () => {
    // The service started 10 days ago: 10 days of 2,000 requests, 3 bad a day.
    const total = [...repeat(20, undefined), ...repeat(10, 2000)];
    const bad = [...repeat(20, undefined), ...repeat(10, 3)];
    const status = evaluateSlo({
      target: 0.999,
      windowSeconds: WINDOW_30D,
      now: NOW,
      series: [daily(total, bad)],
    });
    expect(status.total).toBe(20_000);
    expect(status.sli).toBeCloseTo(1 - 30 / 20_000, 12);
    // 30 bad of the 20 allowed: overspent by half.
    expect(status.budget.consumed).toBeCloseTo(1.5, 9);
    expect(status.budget.remaining).toBeCloseTo(-0.5, 9);
    expect(status.coverage.bucketsWithData).toBe(10);
    expect(status.coverage.missing).toBe(20);
    // The 3-day burn rate: 0.15 % bad over a 0.1 % allowance.
    const threeDays = status.burnRates.find(b => b.window === '3d')!;
    expect(threeDays.burnRate).toBeCloseTo(1.5, 9);
  });
});

describe('latency threshold SLI in time slices', () => {
  // One day of 5-minute slices: p95 latency per slice, good when < 500 ms.
  const values: (number | undefined)[] = repeat(288, 0.2);
  values[10] = 0.8;
  values[100] = 0.51;
  values[287] = 0.5; // not below 500 ms: bad
  values[200] = undefined; // no datapoint

  it('counts slices, and a missing slice as the spec says', () => {
    const asBad = timeslicesSeries({
      start: NOW - DAY,
      step: 5 * MIN,
      values,
      isGood: v => v < 0.5,
      missing: 'bad',
    });
    const status = evaluateSlo({
      target: 0.99,
      windowSeconds: 86_400,
      now: NOW,
      series: [asBad],
      missingCountedAs: 'bad',
    });
    // 4 bad slices of 288: 2.88 allowed at 99 %.
    expect(status.good).toBe(284);
    expect(status.total).toBe(288);
    expect(status.budget.consumed).toBeCloseTo(4 / 2.88, 9);
    // In minutes: 1 % of a day is 14.4 min; 4 bad 5-minute slices spent 20.
    expect(status.budget.totalMinutes).toBeCloseTo(14.4, 9);
    expect(status.budget.consumedMinutes).toBeCloseTo(20, 9);
    expect(status.coverage.missing).toBe(1);
    // The last slice was bad: 1 of 1 over 5 minutes = 100x a 1 % allowance.
    expect(status.burnRates.find(b => b.window === '5m')!.burnRate).toBeCloseTo(
      100,
      9,
    );

    const ignored = timeslicesSeries({
      start: NOW - DAY,
      step: 5 * MIN,
      values,
      isGood: v => v < 0.5,
      missing: 'ignore',
    });
    const lenient = evaluateSlo({
      target: 0.99,
      windowSeconds: 86_400,
      now: NOW,
      series: [ignored],
    });
    expect(lenient.good).toBe(284);
    expect(lenient.total).toBe(287);

    const asGood = timeslicesSeries({
      start: NOW - DAY,
      step: 5 * MIN,
      values,
      isGood: v => v < 0.5,
      missing: 'good',
    });
    expect(windowTotals([asGood], NOW, 86_400)).toEqual({
      good: 285,
      total: 288,
      missing: 1,
    });
  });

  it('merges slices into daily buckets for the burn-down', () => {
    const slices = timeslicesSeries({
      start: NOW - 2 * DAY,
      step: 5 * MIN,
      values: [...repeat(288, 0.1), ...values],
      isGood: v => v < 0.5,
      missing: 'ignore',
    });
    const days = coarsen(slices, 288);
    expect(days.total).toEqual([288, 287]);
    expect(days.good).toEqual([288, 284]);
    expect(days.missing).toEqual([0, 1]);
    const points = burnDown(0.99, days);
    // 3 bad of 0.01 x 575 allowed.
    expect(points[1].remaining).toBeCloseTo(1 - 3 / 5.75, 9);
    expect(() => coarsen(slices, 100)).toThrow(/whole number/);
  });
});

describe('multi-window multi-burn-rate alerts', () => {
  /** 30 days at 1,000,000 requests a day plus 5-minute buckets of the last 6 h. */
  function scenario(recentBadRatio: (bucket: number) => number): SliSeries[] {
    const perBucket = 1200;
    const total = repeat(72, perBucket);
    const bad = total.map((t, i) => Math.round(t * recentBadRatio(i)));
    const recentBad = bad.reduce((a, b) => a + b, 0);
    return [
      fiveMinutes(total, bad),
      daily(
        [...repeat(29, 1_000_000), 1_000_000],
        [...repeat(29, 10), 10 + recentBad],
      ),
    ];
  }

  it('pages when 1 h and 5 m both burn at 14.4x or more, and says why', () => {
    // The last hour (12 buckets) fails 2 % of requests: 20x a 0.1 % allowance.
    const series = scenario(i => (i >= 60 ? 0.02 : 0));
    const status = evaluateSlo({
      target: 0.999,
      windowSeconds: WINDOW_30D,
      now: NOW,
      series,
    });
    const rate = (w: string) =>
      status.burnRates.find(b => b.window === w)!.burnRate;
    expect(rate('5m')).toBeCloseTo(20, 9);
    expect(rate('30m')).toBeCloseTo(20, 9);
    expect(rate('1h')).toBeCloseTo(20, 9);
    expect(rate('2h')).toBeCloseTo(10, 9);
    expect(rate('6h')).toBeCloseTo(20 / 6, 9);
    expect(status.alert.state).toBe('page');
    expect(status.alert.reason).toContain('20x over 1h and 20x over 5m');
    expect(status.alert.reason).toContain('14.4x');
    const rules = status.alert.rules.map(r => [r.longWindow, r.firing]);
    expect(rules).toEqual([
      ['1h', true],
      ['6h', false],
      ['1d', false],
      ['3d', false],
    ]);
    // At 20x the rest of the budget goes quickly.
    expect(status.forecast.state).toBe('exhausts');
    const expectedHours = (status.budget.remaining! * 720) / 20;
    expect(status.forecast.hoursLeft).toBeCloseTo(expectedHours, 9);
  });

  it('does not page for a burst that has already stopped (short window clean)', () => {
    // 1 h ago to 10 min ago at 3 %, the last 10 minutes clean: the 1 h rate
    // is still high but the 5 m one is 0.
    const series = scenario(i => (i >= 60 && i < 70 ? 0.03 : 0));
    const status = evaluateSlo({
      target: 0.999,
      windowSeconds: WINDOW_30D,
      now: NOW,
      series,
    });
    expect(status.burnRates.find(b => b.window === '1h')!.burnRate).toBeCloseTo(
      25,
      9,
    );
    expect(status.burnRates.find(b => b.window === '5m')!.burnRate).toBe(0);
    expect(status.alert.rules[0].firing).toBe(false);
    expect(status.alert.state).not.toBe('page');
  });

  it('opens a ticket for a slow burn over 3 days and 6 hours', () => {
    // 1.5x everywhere: above the 1x ticket rule, below 3x, 6x and 14.4x.
    const total = repeat(72, 1000);
    const status = evaluateSlo({
      target: 0.999,
      windowSeconds: WINDOW_30D,
      now: NOW,
      series: [
        fiveMinutes(
          total,
          total.map(t => t * 0.0015),
        ),
        daily(repeat(30, 100_000), repeat(30, 150)),
      ],
    });
    expect(status.alert.state).toBe('ticket');
    expect(status.alert.reason).toContain('over 3d');
    expect(status.alert.reason).toContain('over 6h');
    expect(status.forecast.sustainable).toBe(false);
  });

  it('fires at exactly the threshold and honours configured rules', () => {
    const total = repeat(72, 1000);
    const series = [
      fiveMinutes(
        total,
        total.map(() => 2),
      ),
      daily(repeat(30, 100_000), repeat(30, 100)),
    ];
    // 0.2 % bad against a 0.1 % allowance: exactly 2x.
    const status = evaluateSlo({
      target: 0.999,
      windowSeconds: WINDOW_30D,
      now: NOW,
      series,
      rules: [
        { severity: 'page', burnRate: 2, longWindow: '2h', shortWindow: '5m' },
      ],
    });
    expect(status.alert.state).toBe('page');
  });
});

describe('burn-rate rules out of reach of the target', () => {
  /** 30 days of daily counts, and 5-minute buckets of the last 6 h with `bad` of each slow. */
  function lastHourSlow(share: number): SliSeries[] {
    const total = repeat(72, 1200);
    const bad = total.map((t, i) => (i >= 60 ? Math.round(t * share) : 0));
    return [
      fiveMinutes(total, bad),
      daily(repeat(30, 345_600), [
        ...repeat(29, 0),
        bad.reduce((a, b) => a + b, 0),
      ]),
    ];
  }

  it('at 95 % the budget burns at most 20x, so the 14.4x page needs 72 % bad and stays silent at 62 %', () => {
    expect(maxBurnRate(0.95)).toBeCloseTo(20, 9);
    expect(badShareNeeded(DEFAULT_BURN_RATE_RULES[0], 0.95)).toBeCloseTo(
      0.72,
      9,
    );
    // p95 at 675 ms against 250 ms for an hour: 62 % of requests slow.
    const status = evaluateSlo({
      target: 0.95,
      windowSeconds: WINDOW_30D,
      now: NOW,
      series: lastHourSlow(0.62),
    });
    const rate = (w: string) =>
      status.burnRates.find(b => b.window === w)!.burnRate;
    expect(rate('1h')).toBeCloseTo(12.4, 9);
    expect(rate('5m')).toBeCloseTo(12.4, 9);
    expect(status.alert.state).toBe('ok');
    expect(
      status.alert.rules.map(r => [r.burnRate, r.badShareNeeded, r.outOfReach]),
    ).toEqual([
      [14.4, expect.closeTo(0.72, 9), true],
      [6, expect.closeTo(0.3, 9), false],
      [3, expect.closeTo(0.15, 9), false],
      [1, expect.closeTo(0.05, 9), false],
    ]);
    expect(status.alert.findings).toEqual([
      'The page rule at 14.4x over 1h and 5m needs at least 72 % of events bad to fire: a 95 % target lets the budget burn at most 20x, with every event bad.',
      expect.stringMatching(
        /^What helps: measuring the objective in 5-minute slices \(OpenSLO budgetingMethod: Timeslices\).*ops\.slo\.burnRateCeiling\.scaleToTarget/,
      ),
    ]);
  });

  it('pages within the hour with the rules scaled to the target', () => {
    const scaled = scaleBurnRateRules(DEFAULT_BURN_RATE_RULES, 0.95);
    expect(scaled.map(r => [r.burnRate, r.scaledFrom])).toEqual([
      [10, 14.4],
      [6, undefined],
      [3, undefined],
      [1, undefined],
    ]);
    const status = evaluateSlo({
      target: 0.95,
      windowSeconds: WINDOW_30D,
      now: NOW,
      series: lastHourSlow(0.62),
      rules: scaled,
    });
    expect(status.alert.state).toBe('page');
    expect(status.alert.reason).toContain('12.4x over 1h');
    expect(status.alert.findings).toBeUndefined();
    // Targets whose ceiling is far above the rules are left alone.
    expect(scaleBurnRateRules(DEFAULT_BURN_RATE_RULES, 0.999)).toEqual(
      DEFAULT_BURN_RATE_RULES,
    );
  });

  it('says when a rule can never fire, and counts slices for Timeslices objectives', () => {
    const findings = burnRateRuleFindings(DEFAULT_BURN_RATE_RULES, {
      target: 0.9,
      unit: 'slices',
    });
    expect(findings).toEqual([
      'The page rule at 14.4x over 1h and 5m can never fire: a 90 % target lets the budget burn at most 10x, with every slice bad.',
      'The page rule at 6x over 6h and 30m needs at least 60 % of slices bad to fire: a 90 % target lets the budget burn at most 10x, with every slice bad.',
      expect.stringMatching(
        /^What helps: a higher target for the share of good slices/,
      ),
    ]);
    // The share that counts as out of reach is configurable.
    expect(
      burnRateRuleFindings(DEFAULT_BURN_RATE_RULES, {
        target: 0.95,
        share: 0.8,
      }),
    ).toEqual([]);
    expect(
      burnRateRuleFindings(DEFAULT_BURN_RATE_RULES, { target: 0.999 }),
    ).toEqual([]);
  });
});

describe('forecast', () => {
  it('divides what is left by the burn rate', () => {
    // Half the budget left, burning at 2x over a 30-day window: 0.5 x 720 h / 2.
    const forecast = forecastBudget({
      remaining: 0.5,
      burnRate: 2,
      windowSeconds: WINDOW_30D,
      now: NOW,
      window: '1h',
    });
    expect(forecast.state).toBe('exhausts');
    expect(forecast.hoursLeft).toBeCloseTo(180, 9);
    expect(forecast.exhaustsAt).toBe(new Date(NOW + 180 * HOUR).toISOString());
    expect(forecast.sustainable).toBe(false);
    expect(
      forecastBudget({
        remaining: 0.9,
        burnRate: 0.5,
        windowSeconds: WINDOW_30D,
        now: NOW,
        window: '1h',
      }).sustainable,
    ).toBe(true);
  });
});

describe('windows', () => {
  it('only answers windows a series covers with whole buckets', () => {
    const series = [daily(repeat(30, 10), repeat(30, 0))];
    expect(windowTotals(series, NOW, 86_400)?.total).toBe(10);
    expect(windowTotals(series, NOW, 3600)).toBeUndefined();
    expect(windowTotals(series, NOW, 31 * 86_400)).toBeUndefined();
  });

  it('refuses targets outside (0, 1)', () => {
    expect(() =>
      evaluateSlo({
        target: 1,
        windowSeconds: WINDOW_30D,
        now: NOW,
        series: [],
      }),
    ).toThrow(/between 0 and 1/);
  });
});
