import { createPrometheusPlatformStore } from './platform';
import { FakePrometheus, startFakePrometheus } from './server';

const MINUTE = 60_000;
const DAY = 86_400_000;
// A Saturday afternoon, minutes into the hour like a real start.
const ANCHOR = Date.UTC(2026, 11, 5, 15, 37);
const END = Math.floor(ANCHOR / (5 * MINUTE)) * 5 * MINUTE;

describe('the fake Prometheus', () => {
  let prometheus: FakePrometheus;

  beforeAll(async () => {
    prometheus = await startFakePrometheus({
      store: createPrometheusPlatformStore(ANCHOR),
      now: () => ANCHOR,
    });
  });
  afterAll(() => prometheus.close());
  afterEach(() => {
    prometheus.reset();
    prometheus.faults.length = 0;
  });

  async function post(path: string, params: Record<string, string>) {
    const res = await fetch(`${prometheus.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params),
    });
    return { status: res.status, body: (await res.json()) as any };
  }

  it('answers a range query in Prometheus JSON, from a form body or the query string', async () => {
    const params = {
      query:
        'sum(increase(events_processed_total{job="event-processor",outcome="failed"}[1h]))',
      start: String((END - 3 * 3_600_000) / 1000),
      end: new Date(END).toISOString(),
      step: '3600',
    };
    const { status, body } = await post('/api/v1/query_range', params);
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [
          {
            metric: {},
            values: [
              [END / 1000 - 3 * 3600, expect.stringMatching(/^\d+$/)],
              [END / 1000 - 2 * 3600, expect.any(String)],
              [END / 1000 - 3600, expect.any(String)],
              [END / 1000, expect.any(String)],
            ],
          },
        ],
      },
    });
    const get = await fetch(
      `${prometheus.url}/api/v1/query_range?${new URLSearchParams(params)}`,
    );
    expect(await get.json()).toEqual(body);
    expect(prometheus.stats.queryRangeCalls).toBeGreaterThanOrEqual(2);
  });

  it('keeps counters cumulative: increases over short windows add up to the long one', async () => {
    const selector = '{job="event-processor"}';
    const hourly = await post('/api/v1/query_range', {
      query: `sum(increase(events_processed_total${selector}[5m]))`,
      start: String((END - DAY + 5 * MINUTE) / 1000),
      end: String(END / 1000),
      step: '5m',
    });
    const daily = await post('/api/v1/query', {
      query: `sum(increase(events_processed_total${selector}[1d]))`,
      time: String(END / 1000),
    });
    const values: [number, string][] = hourly.body.data.result[0].values;
    expect(values).toHaveLength(288);
    const total = values.reduce((n, [, v]) => n + Number(v), 0);
    expect(daily.body.data.resultType).toBe('vector');
    expect(Number(daily.body.data.result[0].value[1])).toBe(total);
  });

  it('restarts counters at the nightly deploy, and increase() counts across the reset', async () => {
    // The raw samples around 06:00 UTC, a minute apart.
    const restart = Math.floor(ANCHOR / DAY) * DAY + 6 * 3_600_000;
    const query = 'events_processed_total{outcome="success"}';
    const raw = await post('/api/v1/query_range', {
      query,
      start: String((restart - 10 * MINUTE) / 1000),
      end: String((restart + 10 * MINUTE) / 1000),
      step: '60',
    });
    const series: number[] = raw.body.data.result[0].values.map(
      ([, v]: [number, string]) => Number(v),
    );
    const drops = series.flatMap((v, i) =>
      i > 0 && v < series[i - 1] ? [i] : [],
    );
    expect(drops).toEqual([10]);
    // Prometheus's reading of a counter: a drop is a reset from 0.
    let counted = 0;
    for (let i = 1; i < series.length; i++) {
      const delta = series[i] - series[i - 1];
      counted += delta >= 0 ? delta : series[i];
    }
    const increase = await post('/api/v1/query', {
      query: `increase(${query}[20m])`,
      time: String((restart + 10 * MINUTE) / 1000),
    });
    expect(Number(increase.body.data.result[0].value[1])).toBe(counted);
    expect(raw.body.data.result[0].metric).toMatchObject({
      __name__: 'events_processed_total',
      job: 'event-processor',
      outcome: 'success',
    });
  });

  it('tells the example story: orders-db p95 under 100 ms except for one slow spell', async () => {
    // The day of the slow spell (four days before the anchor's day).
    const day = Math.floor(ANCHOR / DAY) * DAY - 4 * DAY;
    const { body } = await post('/api/v1/query_range', {
      query:
        'histogram_quantile(0.95, sum by (le) (rate(db_query_duration_seconds_bucket{db="orders"}[300s])))',
      start: String((day + 5 * MINUTE) / 1000),
      end: String((day + DAY) / 1000),
      step: '300s',
    });
    const values: [number, string][] = body.data.result[0].values;
    expect(values).toHaveLength(288);
    const bad = values.filter(([, v]) => Number(v) >= 0.1);
    // 40 minutes of 3x slower queries from 10:20 UTC: eight slices.
    expect(
      bad.map(([t]) => new Date(t * 1000).toISOString().slice(11, 16)),
    ).toEqual([
      '10:25',
      '10:30',
      '10:35',
      '10:40',
      '10:45',
      '10:50',
      '10:55',
      '11:00',
    ]);
    const good = values
      .filter(([, v]) => Number(v) < 0.1)
      .map(([, v]) => Number(v));
    expect(Math.min(...good)).toBeGreaterThan(0.03);
  });

  it('answers instant queries as vectors and scalars', async () => {
    const up = await post('/api/v1/query', {
      query: 'sum by (job) (up)',
      time: String(END / 1000),
    });
    expect(up.body.data.resultType).toBe('vector');
    expect(up.body.data.result.map((r: any) => r.metric.job)).toEqual([
      'customer-service',
      'event-processor',
      'kafka-exporter',
      'order-service',
      'payment-service',
    ]);
    expect(up.body.data.result[0].value).toEqual([END / 1000, '1']);
    const scalar = await post('/api/v1/query', { query: '0.5', time: '100' });
    expect(scalar.body.data).toEqual({
      resultType: 'scalar',
      result: [100, '0.5'],
    });
  });

  it('refuses bad parameters and unsupported PromQL as Prometheus does (400 bad_data)', async () => {
    const range = (over: Record<string, string>) =>
      post('/api/v1/query_range', {
        query: 'up',
        start: String((END - DAY) / 1000),
        end: String(END / 1000),
        step: '60',
        ...over,
      });
    const cases: [Record<string, string>, string][] = [
      [
        { step: '1' },
        'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
      ],
      [
        { start: 'yesterday' },
        'invalid parameter "start": cannot parse "yesterday" to a valid timestamp',
      ],
      [
        { end: String((END - 2 * DAY) / 1000) },
        'invalid parameter "end": end timestamp must not be before start time',
      ],
      [
        { step: 'often' },
        'invalid parameter "step": cannot parse "often" to a valid duration',
      ],
      [
        { step: '0' },
        'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
      ],
      [
        { query: 'sum(rate(up[$period]))' },
        'invalid parameter "query": 1:13: parse error: unexpected character: \'$\'',
      ],
      [
        { query: 'up / up' },
        'invalid parameter "query": the fake Prometheus does not evaluate the binary operator /',
      ],
      [
        { query: 'up[5m]' },
        'invalid parameter "query": invalid expression type "range vector" for range query, must be Scalar or instant Vector',
      ],
    ];
    for (const [over, message] of cases) {
      const { status, body } = await range(over);
      expect({ status, body }).toEqual({
        status: 400,
        body: {
          status: 'error',
          errorType: 'bad_data',
          error: expect.stringContaining(message),
        },
      });
    }
    // 11,000 points exactly are allowed.
    const { status } = await range({
      start: String((END - 11_000 * MINUTE) / 1000),
      step: '60',
    });
    expect(status).toBe(200);
  });

  it('answers faults, health and build info', async () => {
    prometheus.faults.push(
      { kind: 'timeout' },
      { kind: 'too-many-samples' },
      { kind: 'unavailable' },
    );
    const q = { query: 'up', time: String(END / 1000) };
    expect(await post('/api/v1/query', q)).toEqual({
      status: 503,
      body: {
        status: 'error',
        errorType: 'timeout',
        error: 'query timed out in expression evaluation',
      },
    });
    expect((await post('/api/v1/query', q)).status).toBe(422);
    const unavailable = await fetch(`${prometheus.url}/api/v1/query?query=up`);
    expect(unavailable.status).toBe(503);
    expect((await post('/api/v1/query', q)).status).toBe(200);

    const ready = await fetch(`${prometheus.url}/-/ready`);
    expect(await ready.text()).toBe('Prometheus Server is Ready.\n');
    const healthy = await fetch(`${prometheus.url}/-/healthy`);
    expect(healthy.status).toBe(200);
    const info = await fetch(`${prometheus.url}/api/v1/status/buildinfo`);
    expect(await info.json()).toMatchObject({
      status: 'success',
      data: { version: expect.any(String) },
    });
    expect((await fetch(`${prometheus.url}/api/v1/nothing`)).status).toBe(404);
  });

  it('requires the configured credentials', async () => {
    const guarded = await startFakePrometheus({
      store: createPrometheusPlatformStore(ANCHOR),
      now: () => ANCHOR,
      auth: { username: 'portal', password: 's3cret' },
    });
    try {
      const url = `${guarded.url}/api/v1/query?query=up`;
      expect((await fetch(url)).status).toBe(401);
      const basic = Buffer.from('portal:s3cret').toString('base64');
      const ok = await fetch(url, {
        headers: { Authorization: `Basic ${basic}` },
      });
      expect(ok.status).toBe(200);
      // Health needs no credentials, as in Prometheus's web config.
      expect((await fetch(`${guarded.url}/-/ready`)).status).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});
