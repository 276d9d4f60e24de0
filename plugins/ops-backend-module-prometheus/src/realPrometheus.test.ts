/*
 * The provider against a real Prometheus (Debian's `prometheus` 2.42 and
 * `promtool`): known series are written into its TSDB, and what the
 * provider answers is compared with the same numbers computed directly from
 * the generated events, through the same SLO and capacity maths of
 * ops-common.
 *
 * Exactness: the counters are sampled every minute on the minute and the
 * periods start on the minute, so every `[$period]` range holds a sample at
 * both of its ends (Prometheus 2.x ranges include both ends) and
 * increase() has nothing to extrapolate: its answer is the last sample
 * minus the first, plus the value before each restart. Per-period counts,
 * SLIs, budgets, burn rates and burn-downs are then equal, not close. With
 * scrapes off the period boundaries, increase() extrapolates to the range's
 * ends and a period's count is an estimate (that is Prometheus, not the
 * provider). Quantiles and averages are computed by Prometheus from rates
 * and running means, so they are compared to 1e-9 relative.
 */
import { mockServices } from '@backstage/backend-test-utils';
import {
  coarsen,
  evaluateSlo,
  fitForecast,
  forecastCrossing,
  occurrencesSeries,
  timeslicesSeries,
} from '@opsportal/plugin-ops-common';
import { MetricQuery, MetricSeries } from '@opsportal/plugin-ops-node';
import {
  PrometheusProvider,
  PrometheusProviderOptions,
} from './PrometheusProvider';
import {
  eventsPerPeriod,
  gaugePerPeriod,
  generateDataset,
  LATENCY_BOUNDS,
  perPeriod,
  quantileOfBuckets,
} from './testing/dataset';
import {
  findPrometheus,
  PROMETHEUS_MISSING,
  RealPrometheus,
  startRealPrometheus,
} from './testing/realPrometheus';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const END = Date.UTC(2026, 10, 20, 12, 0);
const data = generateDataset({ end: END, hours: 24, diskDays: 14 });
const START = END - DAY;

/** The test user of Prometheus's basic authentication. */
const USER = 'ops';
const PASSWORD = 'ops-test-password';
/** bcrypt (cost 4) of PASSWORD, made with Python's crypt.crypt(PASSWORD, crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)). */
const PASSWORD_HASH =
  '$2b$04$IPQZtRdpAG2nxgzriRMe0OWzoRiTwfFUxbt8LnA4IMgJaL0pJ44/O';

const TOTAL = 'sum(increase(http_requests_total{job="orders"}[$period]))';
const BAD =
  'sum(increase(http_requests_total{job="orders",code=~"5.."}[$period]))';
const P95 =
  'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job="orders"}[$period])))';

function closeTo(actual: number | undefined, expected: number | undefined) {
  if (expected === undefined || actual === undefined) {
    expect(actual).toBe(expected);
    return;
  }
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(
    1e-9 * Math.max(1, Math.abs(expected)),
  );
}

/*
 * Without Prometheus: under CI every test fails (CI must not pass without
 * the real server), elsewhere they are skipped with a message.
 */
const binaries = findPrometheus();
if (!binaries && !process.env.CI) {
  // eslint-disable-next-line no-console
  console.warn(
    `${PROMETHEUS_MISSING}: skipping the tests against a real Prometheus`,
  );
}
const describeWithPrometheus =
  binaries || process.env.CI ? describe : describe.skip;

describeWithPrometheus('PrometheusProvider against a real Prometheus', () => {
  let prometheus: RealPrometheus;

  beforeAll(async () => {
    if (!binaries) throw new Error(PROMETHEUS_MISSING);
    prometheus = await startRealPrometheus({
      binaries,
      openMetrics: data.openMetrics,
      basicAuthUsers: { [USER]: PASSWORD_HASH },
    });
  }, 60_000);
  afterAll(() => prometheus?.stop());

  const provider = (options: Partial<PrometheusProviderOptions> = {}) =>
    new PrometheusProvider({
      baseUrl: prometheus.url,
      auth: { username: USER, password: PASSWORD },
      logger: mockServices.logger.mock(),
      ...options,
    });

  const ask = async (
    queries: Array<Omit<MetricQuery, 'period'> & { period?: number }>,
    options: Partial<PrometheusProviderOptions> = {},
    range: { start: number; end: number } = { start: START, end: END },
  ): Promise<Record<string, MetricSeries>> => {
    const series = await provider(options).getMetricData({
      queries: queries.map(q => ({ period: 300, ...q })),
      start: new Date(range.start),
      end: new Date(range.end),
      provider: 'prometheus',
    });
    return Object.fromEntries(series.map(s => [s.id, s]));
  };

  const orders = data.requests.filter(s => s.labels.job === 'orders');
  const errors = orders.filter(s => s.labels.code.startsWith('5'));

  it('has counters that restart, so that the resets are part of what is compared', () => {
    const restarts = orders.map(
      s => s.values.filter((v, i) => i > 0 && v < s.values[i - 1]).length,
    );
    expect(restarts.every(n => n > 0)).toBe(true);
  });

  it.each([60, 300, 3600])(
    'answers per-%is-period request counts equal to the events generated, restarts included',
    async period => {
      const periods = DAY / (period * 1000);
      const { total, bad } = await ask([
        { id: 'total', promql: TOTAL, period },
        { id: 'bad', promql: BAD, period },
      ]);
      expect(total.status).toBe('Complete');
      expect(total.error).toBeUndefined();
      // Every datapoint stands for the period it ends: starts inside [START, END).
      expect(total.timestamps[0]).toBe(START);
      expect(total.timestamps[total.timestamps.length - 1]).toBe(
        END - period * 1000,
      );
      expect(perPeriod(total, START, period * 1000, periods)).toEqual(
        eventsPerPeriod(orders, START, period * 1000, periods),
      );
      expect(perPeriod(bad, START, period * 1000, periods)).toEqual(
        eventsPerPeriod(errors, START, period * 1000, periods),
      );
    },
  );

  it('gives the same SLI, budget, burn rates, alert, forecast and burn-down as the events themselves', async () => {
    const period = 300;
    const periods = DAY / (period * 1000);
    const { total, bad } = await ask([
      { id: 'total', promql: TOTAL },
      { id: 'bad', promql: BAD },
    ]);
    const evaluate = (
      totals: (number | undefined)[],
      bads: (number | undefined)[],
    ) => {
      const fine = occurrencesSeries({
        start: START,
        step: period * 1000,
        total: totals,
        bad: bads,
      });
      return evaluateSlo({
        target: 0.99,
        windowSeconds: 86_400,
        now: END,
        series: [fine, coarsen(fine, 12)],
      });
    };
    const fromPrometheus = evaluate(
      perPeriod(total, START, period * 1000, periods),
      perPeriod(bad, START, period * 1000, periods),
    );
    const direct = evaluate(
      eventsPerPeriod(orders, START, period * 1000, periods),
      eventsPerPeriod(errors, START, period * 1000, periods),
    );
    expect(fromPrometheus).toEqual(direct);
    // The comparison means something: errors were counted and the last
    // 40 minutes' incident burns the budget fast.
    expect(direct.budget.consumed).toBeGreaterThan(0.2);
    expect(
      direct.burnRates.find(b => b.window === '5m')?.burnRate,
    ).toBeGreaterThan(3);
    expect(direct.alert.state).not.toBe('no-data');
    expect(direct.burnDown).toHaveLength(24);
  });

  it('answers the p95 latency per slice of a histogram as computed from its buckets, and the same timeslice SLO', async () => {
    const period = 300;
    const periods = DAY / (period * 1000);
    const { p95 } = await ask([{ id: 'p95', promql: P95 }]);
    expect(p95.error).toBeUndefined();
    const fromPrometheus = perPeriod(p95, START, period * 1000, periods);
    const perBound = data.buckets.map(b =>
      eventsPerPeriod([b], START, period * 1000, periods),
    );
    const direct = Array.from({ length: periods }, (_, k) =>
      quantileOfBuckets(
        0.95,
        LATENCY_BOUNDS,
        perBound.map(counts => counts[k]),
      ),
    );
    fromPrometheus.forEach((value, k) => closeTo(value, direct[k]));
    // Slices without requests (NaN in Prometheus) have no datapoint.
    expect(direct.filter(v => v === undefined)).toHaveLength(3);

    const slo = (values: (number | undefined)[]) =>
      evaluateSlo({
        target: 0.95,
        windowSeconds: 86_400,
        now: END,
        series: [
          timeslicesSeries({
            start: START,
            step: period * 1000,
            values,
            isGood: v => v <= 0.4,
            missing: 'good',
          }),
        ],
        unit: 'slices',
        missingCountedAs: 'good',
      });
    const status = slo(fromPrometheus);
    expect(status).toEqual(slo(direct));
    expect(status.good).toBeLessThan(status.total);
    expect(status.coverage.missing).toBe(3);
  });

  it('answers gauges per period, and the same capacity forecast from them', async () => {
    const periods = DAY / 300_000;
    const { max, avg } = await ask([
      {
        id: 'max',
        promql:
          'max_over_time(process_resident_memory_bytes{job="orders"}[$period])',
      },
      {
        id: 'avg',
        promql:
          'avg_over_time(process_resident_memory_bytes{job="orders"}[$period])',
      },
    ]);
    expect(perPeriod(max, START, 300_000, periods)).toEqual(
      gaugePerPeriod(data.memory, START, 300_000, periods, v => Math.max(...v)),
    );
    const averages = gaugePerPeriod(
      data.memory,
      START,
      300_000,
      periods,
      v => v.reduce((a, b) => a + b, 0) / v.length,
    );
    perPeriod(avg, START, 300_000, periods).forEach((v, k) =>
      closeTo(v, averages[k]),
    );

    // Capacity: 14 days of hourly peaks of disk use, and the day the disk fills.
    const hours = 14 * 24;
    const from = END - hours * HOUR;
    const { disk } = await ask(
      [
        {
          id: 'disk',
          promql: 'max_over_time(disk_used_bytes{job="orders"}[$period])',
          period: 3600,
        },
      ],
      {},
      { start: from, end: END },
    );
    const peaks = gaugePerPeriod(data.disk, from, HOUR, hours, v =>
      Math.max(...v),
    );
    const directSeries = {
      timestamps: peaks.flatMap((v, k) =>
        v === undefined ? [] : [from + k * HOUR],
      ),
      values: peaks.filter((v): v is number => v !== undefined),
    };
    expect({ timestamps: disk.timestamps, values: disk.values }).toEqual(
      directSeries,
    );
    const forecast = (s: { timestamps: number[]; values: number[] }) =>
      forecastCrossing(fitForecast(s, { now: END }), {
        now: END,
        limit: 500e9,
      });
    const fromPrometheus = forecast(disk);
    expect(fromPrometheus).toEqual(forecast(directSeries));
    expect(fromPrometheus.status).not.toBe('insufficient-data');
  });

  it('splits a range longer than maxPointsPerSeries into calls and answers the same series', async () => {
    const queries = [
      { id: 'total', promql: TOTAL, period: 60 },
      { id: 'p95', promql: P95, period: 60 },
    ];
    const whole = provider();
    const split = provider({ maxPointsPerSeries: 100 });
    const ask1 = (p: PrometheusProvider) =>
      p.getMetricData({
        queries,
        start: new Date(START),
        end: new Date(END),
      });
    const [one, many] = await Promise.all([ask1(whole), ask1(split)]);
    expect(many).toEqual(one);
    expect(one[0].timestamps).toHaveLength(1440);
    expect(whole.stats().calls).toBe(2);
    // 1,440 one-minute periods, 100 points a call: 15 calls per query.
    expect(split.stats().calls).toBe(30);
  });

  it("stays within Prometheus's own limit of 11,000 points per series, which it enforces", async () => {
    const queries = [{ id: 'one', promql: 'vector(1)', period: 5 }];
    // 17,280 five-second periods in a day.
    const sized = provider();
    const [series] = await sized.getMetricData({
      queries,
      start: new Date(START),
      end: new Date(END),
    });
    expect(series.error).toBeUndefined();
    expect(series.timestamps).toHaveLength(17_280);
    expect(sized.stats().calls).toBe(2);

    const [refused] = await provider({
      maxPointsPerSeries: 20_000,
    }).getMetricData({ queries, start: new Date(START), end: new Date(END) });
    expect(refused.status).toBe('InternalError');
    expect(refused.error).toMatch(/11,000 points/);
  });

  it("answers a refused query with Prometheus's message and the other queries with their data", async () => {
    const broken = 'sum(rate(http_requests_total{job="orders"}[$period])';
    // What Prometheus itself says of it.
    const direct = await fetch(
      `${prometheus.url}/api/v1/query_range?${new URLSearchParams({
        query: broken.replace('$period', '300s'),
        start: String(START / 1000 + 300),
        end: String(END / 1000),
        step: '300',
      })}`,
      {
        headers: {
          Authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString(
            'base64',
          )}`,
        },
      },
    ).then(r => r.json());
    expect(direct.status).toBe('error');

    const result = await ask([
      { id: 'broken', promql: broken },
      { id: 'total', promql: TOTAL },
      {
        id: 'perCode',
        promql: 'increase(http_requests_total{job="orders"}[$period])',
      },
      { id: 'nothing', promql: 'sum(increase(no_such_metric_total[$period]))' },
      {
        id: 'cloudwatch',
        metric: {
          namespace: 'AWS/ApplicationELB',
          metricName: 'RequestCount',
          dimensions: {},
        },
        stat: 'Sum',
      },
    ]);
    expect(result.broken.status).toBe('InternalError');
    expect(result.broken.error).toContain(direct.error);
    expect(result.broken.error).toContain('bad_data');
    expect(result.total.error).toBeUndefined();
    expect(result.total.timestamps).toHaveLength(288);
    expect(result.perCode.error).toMatch(
      /returns 3 series; aggregate it to one, e\.g\. sum\(/,
    );
    expect(result.nothing).toEqual({
      id: 'nothing',
      timestamps: [],
      values: [],
      status: 'Complete',
    });
    expect(result.cloudwatch.error).toMatch(/no PromQL expression/);
  });

  it('sends the basic credentials: without them, or with a wrong password, the request fails saying so', async () => {
    const queries = [{ id: 'total', promql: TOTAL, period: 300 }];
    const range = { start: new Date(START), end: new Date(END) };
    await expect(
      provider({ auth: undefined }).getMetricData({ queries, ...range }),
    ).rejects.toThrow(/refused the credentials \(HTTP 401/);
    await expect(
      provider({
        auth: { username: USER, password: 'wrong' },
      }).getMetricData({ queries, ...range }),
    ).rejects.toThrow(/refused the credentials \(HTTP 401/);
  });
});
