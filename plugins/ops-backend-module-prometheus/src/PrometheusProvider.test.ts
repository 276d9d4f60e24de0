/*
 * What a real Prometheus cannot be made to do on demand (throttle, fail,
 * hang, demand a bearer token), against a small local server speaking
 * Prometheus's HTTP API answers; the queries' meaning is tested against a
 * real Prometheus in realPrometheus.test.ts.
 */
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  BudgetClock,
  createUpstreamTelemetry,
  MetricsProvider,
  opsProvidersExtensionPoint,
} from '@opsportal/plugin-ops-node';
import http from 'node:http';
import net from 'node:net';
import {
  PrometheusProvider,
  PrometheusProviderOptions,
} from './PrometheusProvider';
import { opsModulePrometheus } from './module';

interface Recorded {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  form: URLSearchParams;
}

type Answer = {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Never answer (a hanging server). */
  hang?: boolean;
};

/** A local HTTP server answering query_range from a script of answers, recording requests. */
class ScriptedPrometheus {
  readonly requests: Recorded[] = [];
  script: Array<(r: Recorded) => Answer> = [];
  fallback: (r: Recorded) => Answer = r => matrix(r, [[1]]);
  inFlight = 0;
  maxInFlight = 0;
  /** Resolves pending answers when set (to test concurrency). */
  gate?: Promise<void>;
  private server = http.createServer((req, res) => {
    let body = '';
    req.on('data', chunk => {
      body += chunk;
    });
    req.on('end', async () => {
      const recorded: Recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        form: new URLSearchParams(body),
      };
      this.requests.push(recorded);
      this.inFlight += 1;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      const answer = (this.script.shift() ?? this.fallback)(recorded);
      if (answer.hang) return;
      if (this.gate) await this.gate;
      this.inFlight -= 1;
      res.writeHead(answer.status, {
        'Content-Type': 'application/json',
        ...answer.headers,
      });
      res.end(
        typeof answer.body === 'string'
          ? answer.body
          : JSON.stringify(answer.body),
      );
    });
  });

  url = '';

  async start() {
    await new Promise<void>(resolve =>
      this.server.listen(0, '127.0.0.1', resolve),
    );
    this.url = `http://127.0.0.1:${
      (this.server.address() as net.AddressInfo).port
    }`;
  }

  close() {
    this.server.closeAllConnections();
    return new Promise(resolve => this.server.close(resolve));
  }
}

/** A matrix answer for one query_range: one series whose points are [offset in steps from start, value]. */
function matrix(
  r: Recorded,
  series: Array<Array<number | string>>,
  labels: Record<string, string> = {},
): Answer {
  const start = Number(r.form.get('start'));
  const step = Number(r.form.get('step'));
  return {
    status: 200,
    body: {
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [
          {
            metric: labels,
            values: series.map((p, i) => [
              start + (p.length > 1 ? Number(p[0]) : i) * step,
              String(p.length > 1 ? p[1] : p[0]),
            ]),
          },
        ],
      },
    },
  };
}

const error = (status: number, errorType: string, message: string): Answer => ({
  status,
  body: { status: 'error', errorType, error: message },
});

/** A clock whose sleeps return at once and are recorded. */
function virtualClock(): BudgetClock & { slept: number[] } {
  let now = Date.UTC(2026, 0, 1);
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async ms => {
      slept.push(ms);
      now += ms;
    },
  };
}

const START = Date.UTC(2026, 0, 31, 0, 0);
const END = START + 3_600_000;

describe('PrometheusProvider over HTTP', () => {
  const server = new ScriptedPrometheus();
  beforeAll(() => server.start());
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
    server.script = [];
    server.fallback = r => matrix(r, [[1]]);
    server.gate = undefined;
    server.maxInFlight = 0;
    server.inFlight = 0;
  });

  const provider = (options: Partial<PrometheusProviderOptions> = {}) =>
    new PrometheusProvider({
      baseUrl: `${server.url}/prom/`,
      logger: mockServices.logger.mock(),
      clock: virtualClock(),
      ...options,
    });
  const request = (
    promql = 'sum(increase(x_total[$period]))',
    period = 300,
  ) => ({
    queries: [{ id: 'q', promql, period }],
    start: new Date(START),
    end: new Date(END),
  });

  it('POSTs a form to /api/v1/query_range with the period as step and $period replaced, and moves points to period starts', async () => {
    server.fallback = r =>
      matrix(r, [
        [0, 5],
        [1, 7],
        [11, 9],
      ]);
    const [series] = await provider().getMetricData(request());
    const [sent] = server.requests;
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe('/prom/api/v1/query_range');
    expect(sent.headers['content-type']).toBe(
      'application/x-www-form-urlencoded',
    );
    expect(Object.fromEntries(sent.form)).toEqual({
      query: 'sum(increase(x_total[300s]))',
      // Evaluated at the end of each period of [START, END].
      start: String(START / 1000 + 300),
      end: String(END / 1000),
      step: '300',
      timeout: '30s',
    });
    expect(series).toEqual({
      id: 'q',
      timestamps: [START, START + 300_000, START + 11 * 300_000],
      values: [5, 7, 9],
      status: 'Complete',
    });
  });

  it('sends a bearer token and the configured headers', async () => {
    await provider({
      auth: { bearerToken: 's3cret' },
      headers: { 'X-Scope-OrgID': 'team-a' },
    }).getMetricData(request());
    expect(server.requests[0].headers.authorization).toBe('Bearer s3cret');
    expect(server.requests[0].headers['x-scope-orgid']).toBe('team-a');
  });

  it('sends basic credentials', async () => {
    await provider({ auth: { username: 'ops', password: 'pw' } }).getMetricData(
      request(),
    );
    expect(server.requests[0].headers.authorization).toBe(
      `Basic ${Buffer.from('ops:pw').toString('base64')}`,
    );
  });

  it('leaves out NaN points and infinite ones, saying so', async () => {
    server.fallback = r => matrix(r, [[1], ['NaN'], ['+Inf'], [4], ['-Inf']]);
    const [series] = await provider().getMetricData(request());
    expect(series.values).toEqual([1, 4]);
    expect(series.timestamps).toEqual([START, START + 900_000]);
    expect(series.status).toBe('PartialData');
    expect(series.messages).toEqual([
      '2 datapoints were infinite (a division by zero?) and are left out',
    ]);
  });

  it('retries 429 and 503 as Retry-After says, then answers', async () => {
    const clock = virtualClock();
    server.script = [
      () => ({
        ...error(429, 'unavailable', 'slow down'),
        headers: { 'Retry-After': '2' },
      }),
      () => error(503, 'unavailable', 'starting'),
    ];
    const p = provider({ clock });
    const [series] = await p.getMetricData(request());
    expect(series.values).toEqual([1]);
    expect(server.requests).toHaveLength(3);
    expect(clock.slept[0]).toBe(2000);
    expect(clock.slept[1]).toBeGreaterThan(0);
    expect(p.stats()).toMatchObject({ calls: 3, retries: 2, datapoints: 1 });
  });

  it('counts each query_range attempt with its outcome (opsportal.upstream.requests)', async () => {
    const counted: Record<string, number> = {};
    const telemetry = createUpstreamTelemetry(
      {
        createCounter: name => ({
          add(value, attributes = {}) {
            const key = `${name} ${attributes.operation} ${
              attributes.outcome ?? attributes.source
            } ${attributes.status_class ?? ''}`.trim();
            counted[key] = (counted[key] ?? 0) + value;
          },
        }),
      },
      'prometheus',
    );
    server.script = [
      () => ({
        ...error(429, 'unavailable', 'slow down'),
        headers: { 'Retry-After': '0' },
      }),
      () => error(503, 'unavailable', 'starting'),
    ];
    await provider({ clock: virtualClock(), telemetry }).getMetricData(
      request(),
    );

    expect(counted).toEqual({
      'opsportal.upstream.requests POST /api/v1/query_range throttled 4xx': 1,
      'opsportal.upstream.throttled POST /api/v1/query_range upstream': 1,
      'opsportal.upstream.requests POST /api/v1/query_range server_error 5xx': 1,
      'opsportal.upstream.requests POST /api/v1/query_range success 2xx': 1,
    });
  });

  it('gives up after maxAttempts, and at once when Retry-After asks for too long', async () => {
    server.fallback = () => error(503, 'unavailable', 'overloaded');
    await expect(
      provider({ maxAttempts: 3 }).getMetricData(request()),
    ).rejects.toThrow(
      /was unavailable for query_range after 3 attempts: HTTP 503 \(unavailable: overloaded\)/,
    );
    expect(server.requests).toHaveLength(3);

    server.requests.length = 0;
    server.fallback = () => ({
      ...error(429, 'unavailable', 'quota'),
      headers: { 'Retry-After': '600' },
    });
    await expect(provider().getMetricData(request())).rejects.toThrow(
      /asked to wait 600 s, longer than the provider waits \(30 s\)/,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('rejects the request on a server error, a query timeout and refused credentials, naming Prometheus', async () => {
    server.script = [() => error(500, 'internal', 'boom')];
    await expect(provider().getMetricData(request())).rejects.toThrow(
      `Prometheus at ${server.url}/prom/ failed: HTTP 500 (internal: boom)`,
    );
    server.script = [
      () => error(503, 'timeout', 'query timed out in expression evaluation'),
    ];
    await expect(provider().getMetricData(request())).rejects.toThrow(
      /gave up evaluating `sum\(increase\(x_total\[300s\]\)\)`: timeout: query timed out/,
    );
    server.script = [() => ({ status: 401, body: 'Unauthorized' })];
    await expect(provider().getMetricData(request())).rejects.toThrow(
      /refused the credentials \(HTTP 401\); check ops.prometheus.auth/,
    );
    server.script = [() => ({ status: 404, body: '404 page not found' })];
    await expect(provider().getMetricData(request())).rejects.toThrow(
      /has no query API at .*\/prom\/api\/v1\/query_range \(HTTP 404\); check ops.prometheus.baseUrl/,
    );
  });

  it('rejects when Prometheus does not answer in time, or cannot be reached', async () => {
    server.script = [() => ({ status: 200, body: {}, hang: true })];
    await expect(
      provider({ timeoutMs: 200 }).getMetricData(request()),
    ).rejects.toThrow(/did not answer query_range within 0.2 s/);

    const closed = await new Promise<number>(resolve => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as net.AddressInfo;
        s.close(() => resolve(port));
      });
    });
    await expect(
      provider({ baseUrl: `http://127.0.0.1:${closed}` }).getMetricData(
        request(),
      ),
    ).rejects.toThrow(
      `Prometheus at http://127.0.0.1:${closed} is unreachable (ECONNREFUSED)`,
    );
  });

  it('answers a refusal, a query of several series and one without PromQL alone', async () => {
    server.fallback = r => {
      const query = r.form.get('query')!;
      if (query.startsWith('bad')) {
        return error(
          400,
          'bad_data',
          '1:4: parse error: unexpected end of input',
        );
      }
      if (query.startsWith('exec')) {
        return error(
          422,
          'execution',
          'found duplicate series for the match group',
        );
      }
      if (query.startsWith('many')) {
        const one = matrix(r, [[1]]).body as any;
        one.data.result.push({ metric: { code: '500' }, values: [] });
        return { status: 200, body: one };
      }
      return matrix(r, [[1]]);
    };
    const series = await provider().getMetricData({
      queries: [
        { id: 'bad', promql: 'bad(', period: 300 },
        { id: 'exec', promql: 'exec / on() x', period: 300 },
        { id: 'many', promql: 'many', period: 300 },
        { id: 'fine', promql: 'fine', period: 300 },
        {
          id: 'cw',
          stat: 'Sum',
          period: 300,
          metric: { namespace: 'N', metricName: 'M', dimensions: {} },
        },
        { id: 'odd', promql: 'fine', period: 1.5 },
        { id: 'input', promql: 'fine', period: 300, returnData: false },
      ],
      start: new Date(START),
      end: new Date(END),
    });
    const byId = Object.fromEntries(series.map(s => [s.id, s]));
    expect(Object.keys(byId)).toEqual([
      'bad',
      'exec',
      'many',
      'fine',
      'cw',
      'odd',
    ]);
    expect(byId.bad.error).toBe(
      'Prometheus refused `bad(`: bad_data: 1:4: parse error: unexpected end of input',
    );
    expect(byId.exec.error).toMatch(/execution: found duplicate series/);
    expect(byId.many.error).toBe(
      'PromQL `many` returns 2 series; aggregate it to one, e.g. sum(many)',
    );
    expect(byId.cw.error).toMatch(/no PromQL expression/);
    expect(byId.odd.error).toMatch(/whole number of seconds/);
    for (const id of ['bad', 'exec', 'many', 'cw', 'odd']) {
      expect(byId[id]).toMatchObject({
        status: 'InternalError',
        timestamps: [],
        values: [],
      });
    }
    expect(byId.fine).toMatchObject({ status: 'Complete', values: [1] });
  });

  it('keeps at most `concurrency` calls in flight across requests', async () => {
    let open!: () => void;
    server.gate = new Promise(resolve => {
      open = resolve;
    });
    const p = provider({ concurrency: 2, maxPointsPerSeries: 2 });
    // 12 periods, 2 points a call: 6 calls a request, 12 in all.
    const both = Promise.all([
      p.getMetricData(request()),
      p.getMetricData(request()),
    ]);
    await new Promise<void>(resolve => {
      const check = () =>
        server.requests.length >= 2 ? resolve() : setImmediate(check);
      check();
    });
    open();
    await both;
    expect(server.requests).toHaveLength(12);
    expect(server.maxInFlight).toBe(2);
  });

  it('asks nothing for a range shorter than a period', async () => {
    const [series] = await provider().getMetricData({
      ...request(),
      end: new Date(START + 299_000),
    });
    expect(series).toEqual({
      id: 'q',
      timestamps: [],
      values: [],
      status: 'Complete',
    });
    expect(server.requests).toHaveLength(0);
  });

  it('stops when the caller aborts', async () => {
    server.script = [() => ({ status: 200, body: {}, hang: true })];
    const controller = new AbortController();
    const pending = provider().getMetricData({
      ...request(),
      signal: controller.signal,
    });
    controller.abort(new Error('refresh cancelled'));
    await expect(pending).rejects.toThrow('refresh cancelled');
  });
});

describe('PrometheusProvider.fromConfig and the module', () => {
  const logger = mockServices.logger.mock();

  it('is not created without ops.prometheus.baseUrl, saying so', () => {
    const log = mockServices.logger.mock();
    expect(
      PrometheusProvider.fromConfig(mockServices.rootConfig({ data: {} }), {
        logger: log,
      }),
    ).toBeUndefined();
    expect(log.info).toHaveBeenCalledWith(
      expect.stringMatching(/ops\.prometheus\.baseUrl/),
    );
  });

  it('names the key of a wrong value', () => {
    const config = (prometheus: object) =>
      mockServices.rootConfig({ data: { ops: { prometheus } } });
    expect(() =>
      PrometheusProvider.fromConfig(
        config({
          baseUrl: 'http://p:9090',
          auth: { bearerToken: 't', username: 'u', password: 'p' },
        }),
        { logger },
      ),
    ).toThrow(/either bearerToken or username and password/);
    expect(() =>
      PrometheusProvider.fromConfig(
        config({ baseUrl: 'http://p:9090', auth: { username: 'u' } }),
        { logger },
      ),
    ).toThrow(/go together/);
    expect(() =>
      PrometheusProvider.fromConfig(
        config({ baseUrl: 'http://p:9090', concurrency: 0 }),
        { logger },
      ),
    ).toThrow(
      'ops.prometheus.concurrency must be a positive whole number, not 0',
    );
    expect(() =>
      PrometheusProvider.fromConfig(config({ baseUrl: 'p:9090:x' }), {
        logger,
      }),
    ).toThrow(/absolute http or https URL/);
  });

  async function registered(data: object): Promise<MetricsProvider[]> {
    const providers: MetricsProvider[] = [];
    const host = createBackendPlugin({
      pluginId: 'ops',
      register(reg) {
        reg.registerExtensionPoint(opsProvidersExtensionPoint, {
          addMetricsProvider: (p: MetricsProvider) => providers.push(p),
        } as any);
        reg.registerInit({
          deps: { logger: coreServices.logger },
          async init() {},
        });
      },
    });
    const backend = await startTestBackend({
      features: [
        host,
        opsModulePrometheus,
        mockServices.rootConfig.factory({ data }),
      ],
    });
    await backend.stop();
    return providers;
  }

  it('registers the provider `prometheus` when configured, and nothing otherwise', async () => {
    const providers = await registered({
      ops: {
        prometheus: {
          baseUrl: 'http://prometheus:9090',
          auth: { bearerToken: 't' },
        },
      },
    });
    expect(providers.map(p => p.id)).toEqual(['prometheus']);
    expect(await registered({})).toEqual([]);
  });
});
