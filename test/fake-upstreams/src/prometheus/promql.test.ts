import { evaluateAt, formatValue, histogramQuantile, Sample } from './evaluate';
import { parseDuration, parsePromQL, PromQLError } from './promql';
import { CounterFamily, gauge, PrometheusStore } from './store';

const MINUTE = 60_000;
// Epoch minute of the first sample of the hand-made series.
const FIRST = 29_000_000;
const T0 = FIRST * MINUTE;

/**
 * Hand-made series whose answers can be worked out: a counter per status
 * that grows by (minute index + 1) for 200 and by 1 every third minute for
 * 500, a histogram with fixed buckets, and a gauge of the minute index.
 */
function handMadeStore() {
  const store = new PrometheusStore();
  store.addFamily(
    new CounterFamily(
      [
        { __name__: 'http_requests_total', job: 'api', code: '200' },
        { __name__: 'http_requests_total', job: 'api', code: '500' },
        { __name__: 'http_requests_total', job: 'web', code: '200' },
      ],
      FIRST,
      minute => {
        const i = minute - FIRST;
        return [i + 1, i % 3 === 0 ? 1 : 0, 10];
      },
    ),
  );
  // Every minute: 60 observations, 30 under 0.1 s, 54 under 0.5 s, 60 under 1 s.
  store.addFamily(
    new CounterFamily(
      [
        { __name__: 'latency_seconds_bucket', job: 'api', le: '0.1' },
        { __name__: 'latency_seconds_bucket', job: 'api', le: '0.5' },
        { __name__: 'latency_seconds_bucket', job: 'api', le: '1' },
        { __name__: 'latency_seconds_bucket', job: 'api', le: '+Inf' },
      ],
      FIRST,
      () => [30, 54, 60, 60],
    ),
  );
  store.add(
    gauge({ __name__: 'queue_depth', job: 'api' }, FIRST, m => m - FIRST),
    gauge({ __name__: 'queue_depth', job: 'web' }, FIRST, m => 2 * (m - FIRST)),
  );
  return store;
}

function run(query: string, t: number, now = t) {
  return evaluateAt(parsePromQL(query), t, { store: handMadeStore(), now });
}

function vector(query: string, t: number, now = t): Sample[] {
  const value = run(query, t, now);
  if (value.kind !== 'vector') throw new Error(`not a vector: ${value.kind}`);
  return value.samples;
}

describe('PromQL parser', () => {
  it('reads durations as Prometheus does', () => {
    expect(parseDuration('300s')).toBe(300_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('30d')).toBe(30 * 86_400_000);
    expect(parseDuration('30m1h')).toBeUndefined();
    expect(parseDuration('5')).toBeUndefined();
    expect(parseDuration('$period')).toBeUndefined();
  });

  it('parses the SLO queries of the ops portal', () => {
    expect(
      parsePromQL(
        'sum(increase(http_requests_total{job="api",code=~"5.."}[300s]))',
      ),
    ).toEqual({
      type: 'aggregate',
      op: 'sum',
      grouping: undefined,
      arg: {
        type: 'call',
        func: 'increase',
        arg: {
          type: 'selector',
          range: 300_000,
          matchers: [
            { name: '__name__', op: '=', value: 'http_requests_total' },
            { name: 'job', op: '=', value: 'api' },
            { name: 'code', op: '=~', value: '5..' },
          ],
        },
      },
    });
    const quantile = parsePromQL(
      'histogram_quantile(0.95, sum by (le) (rate(latency_seconds_bucket{job="api"}[5m])))',
    );
    expect(quantile).toMatchObject({
      type: 'quantile',
      q: { value: 0.95 },
      arg: { type: 'aggregate', grouping: { without: false, labels: ['le'] } },
    });
    // The grouping may follow the argument.
    expect(parsePromQL('sum(up) without (instance)')).toMatchObject({
      grouping: { without: true, labels: ['instance'] },
    });
  });

  it('names what it does not evaluate, and reports syntax errors with their column', () => {
    const error = (q: string) => {
      try {
        parsePromQL(q);
      } catch (e) {
        return e as PromQLError;
      }
      throw new Error(`${q} parsed`);
    };
    expect(error('sum(rate(a[5m])) / sum(rate(b[5m]))')).toMatchObject({
      outsideSubset: true,
      message: expect.stringContaining('the binary operator /'),
    });
    expect(error('irate(a[5m])').message).toContain('the function irate()');
    expect(error('topk(3, a)').message).toContain('the aggregation topk');
    expect(error('a offset 5m').message).toContain('offset');
    expect(error('rate(a[5m:1m])').message).toContain('subqueries');
    // The provider must have replaced $period.
    expect(error('rate(a[$period])')).toMatchObject({
      outsideSubset: false,
      message: expect.stringMatching(/^1:8: parse error/),
    });
    expect(error('rate(a)').message).toContain(
      'expected type range vector in call to function "rate"',
    );
    expect(error('a{job="x"').message).toMatch(
      /parse error: unexpected end of input/,
    );
    expect(error('{job=""}').message).toContain(
      'at least one non-empty matcher',
    );
    expect(error('').message).toContain('no expression found');
  });
});

describe('PromQL evaluation', () => {
  // Ten minutes after the first sample.
  const t = T0 + 10 * MINUTE;

  it('answers increase() as the exact sum of the increments in the window', () => {
    // 200s of api: minutes 5..9 grow by 6+7+8+9+10 = 40.
    const samples = vector(
      'increase(http_requests_total{job="api",code="200"}[5m])',
      t,
    );
    expect(samples).toEqual([
      { labels: { job: 'api', code: '200' }, value: 40 },
    ]);
    expect(
      vector('rate(http_requests_total{job="api",code="200"}[5m])', t)[0].value,
    ).toBeCloseTo(40 / 300);
  });

  it('counts a counter from 0 at its first sample', () => {
    // The window reaches before the first sample: 1+2+...+10.
    expect(
      vector('increase(http_requests_total{job="api",code="200"}[1h])', t)[0]
        .value,
    ).toBe(55);
  });

  it('sums by label and across series, with every matcher kind', () => {
    expect(vector('sum(increase(http_requests_total[5m]))', t)).toEqual([
      // api 200: 40, api 500: minutes 6 and 9: 2, web: 50.
      { labels: {}, value: 92 },
    ]);
    expect(
      vector('sum by (code) (increase(http_requests_total[5m]))', t),
    ).toEqual([
      { labels: { code: '200' }, value: 90 },
      { labels: { code: '500' }, value: 2 },
    ]);
    expect(
      vector('sum(increase(http_requests_total{code!="200"}[5m]))', t)[0].value,
    ).toBe(2);
    expect(
      vector('sum(increase(http_requests_total{code=~"2.."}[5m]))', t)[0].value,
    ).toBe(90);
    expect(
      vector('sum(increase(http_requests_total{job!~"a.*"}[5m]))', t)[0].value,
    ).toBe(50);
    expect(vector('count(http_requests_total)', t)[0].value).toBe(3);
  });

  it('reads gauges at the latest sample, and over time', () => {
    expect(vector('max(queue_depth)', t)[0].value).toBe(20);
    expect(vector('min(queue_depth)', t)[0].value).toBe(10);
    expect(vector('avg(queue_depth)', t)[0].value).toBe(15);
    // Samples of minutes 6..10 of the api gauge.
    expect(vector('avg_over_time(queue_depth{job="api"}[5m])', t)).toEqual([
      { labels: { job: 'api' }, value: 8 },
    ]);
    expect(
      vector('max_over_time(queue_depth{job="api"}[5m])', t)[0].value,
    ).toBe(10);
  });

  it('serves no sample newer than now, and looks back five minutes at most', () => {
    // Asked 3 minutes after now: the sample at now.
    expect(
      vector('max(queue_depth{job="api"})', t + 3 * MINUTE, t)[0].value,
    ).toBe(10);
    expect(vector('queue_depth', t + 6 * MINUTE, t)).toEqual([]);
    expect(vector('queue_depth', T0 - MINUTE)).toEqual([]);
  });

  it('computes histogram_quantile over summed bucket rates', () => {
    const samples = vector(
      'histogram_quantile(0.95, sum by (le) (rate(latency_seconds_bucket{job="api"}[5m])))',
      t,
    );
    // 95 % of 300 = 285: in the (0.5, 1] bucket, 15 of its 30 above 270.
    expect(samples).toEqual([{ labels: {}, value: expect.closeTo(0.75) }]);
    expect(
      vector(
        'histogram_quantile(0.5, sum by (le) (rate(latency_seconds_bucket[5m])))',
        t,
      )[0].value,
    ).toBeCloseTo(0.1);
  });

  it('follows Prometheus at the edges of histogram_quantile', () => {
    const b = (le: string, value: number) => ({ labels: { le }, value });
    // In the +Inf bucket: the highest finite bound.
    expect(
      histogramQuantile(0.99, [b('0.1', 1), b('1', 2), b('+Inf', 10)])[0].value,
    ).toBe(1);
    // The lowest bucket starts at 0.
    expect(histogramQuantile(0.5, [b('0.2', 10), b('+Inf', 10)])[0].value).toBe(
      0.1,
    );
    // No observations, or no +Inf bucket: NaN.
    expect(
      histogramQuantile(0.5, [b('1', 0), b('+Inf', 0)])[0].value,
    ).toBeNaN();
    expect(histogramQuantile(0.5, [b('1', 3), b('2', 5)])[0].value).toBeNaN();
    expect(histogramQuantile(1.5, [b('1', 3), b('+Inf', 5)])[0].value).toBe(
      Infinity,
    );
  });

  it('refuses two series of the same label set after rate() drops the name', () => {
    const store = new PrometheusStore().add(
      gauge({ __name__: 'a', job: 'x' }, FIRST, () => 1),
      gauge({ __name__: 'b', job: 'x' }, FIRST, () => 1),
    );
    expect(() =>
      evaluateAt(parsePromQL('rate({job="x"}[5m])'), T0 + 10 * MINUTE, {
        store,
        now: T0 + 10 * MINUTE,
      }),
    ).toThrow('vector cannot contain metrics with the same labelset');
  });

  it('writes values as Prometheus does', () => {
    expect(formatValue(0.1)).toBe('0.1');
    expect(formatValue(1e-7)).toBe('0.0000001');
    expect(formatValue(1.5e-7)).toBe('0.00000015');
    expect(formatValue(1e21)).toBe('1000000000000000000000');
    expect(formatValue(NaN)).toBe('NaN');
    expect(formatValue(Infinity)).toBe('+Inf');
    expect(formatValue(-Infinity)).toBe('-Inf');
    expect(formatValue(42)).toBe('42');
  });
});
