import http from 'node:http';
import {
  FakeServer,
  RecordedRequest,
  sendJson,
  serve,
  ServeOptions,
} from '../http';
import {
  evaluateAt,
  ExecutionError,
  formatValue,
  labelKey,
  Value,
} from './evaluate';
import { parsePromQL, parseDuration, PromQLError } from './promql';
import { Labels, PrometheusStore } from './store';

/**
 * A fake Prometheus speaking its HTTP API (v1) over the series of a
 * {@link PrometheusStore}:
 *
 * - `GET|POST /api/v1/query_range` (query, start, end, step) and
 *   `GET|POST /api/v1/query` (query, time), parameters in the query string
 *   or a form body, answered in Prometheus's JSON (`matrix`, `vector`,
 *   `scalar`), values as strings, timestamps as Unix seconds;
 * - `/api/v1/status/buildinfo`, `/-/ready`, `/-/healthy`;
 * - Prometheus's errors: `bad_data` (HTTP 400) for a bad parameter, a
 *   query that does not parse (or PromQL the fake does not evaluate, named
 *   in the message) and more than 11,000 points per series; `execution`
 *   (HTTP 422) for a query that fails to run; faults queued by tests.
 *
 * The PromQL the fake evaluates is listed in promql.ts.
 */

const MAX_POINTS = 11_000;

/** A fault the next request(s) meet, first in first out. */
export type PrometheusFault =
  /** 503 without a JSON body, as a Prometheus that is starting or a proxy answers. */
  | { kind: 'unavailable' }
  /** 503 `timeout`: the query ran out of time. */
  | { kind: 'timeout' }
  /** 422 `execution`: too many samples for the query. */
  | { kind: 'too-many-samples' }
  /** 401 from an authenticating proxy in front of Prometheus. */
  | { kind: 'unauthorized' }
  | { kind: 'delay'; ms: number };

export interface PrometheusStats {
  queryRangeCalls: number;
  queryCalls: number;
  seriesReturned: number;
  pointsReturned: number;
}

export interface FakePrometheus extends FakeServer {
  store: PrometheusStore;
  faults: PrometheusFault[];
  stats: PrometheusStats;
}

export interface FakePrometheusOptions extends ServeOptions {
  store: PrometheusStore;
  /** The fake's clock; no sample is newer. Default: Date.now. */
  now?: () => number;
  /**
   * Credentials the API requires (Prometheus's web config, or a proxy in
   * front of it): a bearer token, or a user name and password for basic
   * auth. None: the API is open, as Prometheus is by default.
   */
  auth?: { bearerToken?: string; username?: string; password?: string };
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function badData(message: string) {
  return new ApiError(400, 'bad_data', message);
}

/** Prometheus's timestamps: Unix seconds (with a fraction) or RFC 3339. */
function parseTime(value: string | undefined, name: string): number {
  const text = value ?? '';
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
    return Math.round(Number(text) * 1000);
  }
  if (/^\d{4}-\d\d-\d\dT/.test(text)) {
    const t = Date.parse(text);
    if (!Number.isNaN(t)) return t;
  }
  throw badData(
    `invalid parameter "${name}": cannot parse "${text}" to a valid timestamp`,
  );
}

/** A step: seconds (with a fraction) or a PromQL duration. */
function parseStep(value: string | undefined): number {
  const text = value ?? '';
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
    return Math.round(Number(text) * 1000);
  }
  const ms = parseDuration(text);
  if (ms !== undefined) return ms;
  throw badData(
    `invalid parameter "step": cannot parse "${text}" to a valid duration`,
  );
}

function parseQuery(query: string | undefined) {
  try {
    return parsePromQL(query ?? '');
  } catch (error) {
    if (error instanceof PromQLError) {
      throw badData(`invalid parameter "query": ${error.message}`);
    }
    throw error;
  }
}

function evaluate(
  expr: ReturnType<typeof parsePromQL>,
  t: number,
  store: PrometheusStore,
  now: number,
): Value {
  try {
    return evaluateAt(expr, t, { store, now });
  } catch (error) {
    if (error instanceof PromQLError) {
      throw badData(`invalid parameter "query": ${error.message}`);
    }
    if (error instanceof ExecutionError) {
      throw new ApiError(422, 'execution', error.message);
    }
    throw error;
  }
}

export async function startFakePrometheus(
  options: FakePrometheusOptions,
): Promise<FakePrometheus> {
  const now = options.now ?? (() => Date.now());
  const faults: PrometheusFault[] = [];
  const stats: PrometheusStats = {
    queryRangeCalls: 0,
    queryCalls: 0,
    seriesReturned: 0,
    pointsReturned: 0,
  };

  async function queryRange(params: URLSearchParams) {
    const start = parseTime(params.get('start') ?? undefined, 'start');
    const end = parseTime(params.get('end') ?? undefined, 'end');
    if (end < start) {
      throw badData(
        'invalid parameter "end": end timestamp must not be before start time',
      );
    }
    const step = parseStep(params.get('step') ?? undefined);
    if (step <= 0) {
      throw badData(
        'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
      );
    }
    if ((end - start) / step > MAX_POINTS) {
      throw badData(
        'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
      );
    }
    const expr = parseQuery(params.get('query') ?? undefined);
    if (expr.type === 'selector' && expr.range !== undefined) {
      throw badData(
        'invalid parameter "query": invalid expression type "range vector" for range query, must be Scalar or instant Vector',
      );
    }
    const clock = now();
    const series = new Map<
      string,
      { metric: Labels; values: [number, string][] }
    >();
    for (let t = start, n = 0; t <= end; t += step, n++) {
      // A long range is evaluated in slices, yielding between them, so the
      // server keeps reading other requests (a blocked event loop lets
      // idle keep-alive sockets time out under a client's new request).
      if (n > 0 && n % 250 === 0) await new Promise(r => setImmediate(r));
      const value = evaluate(expr, t, options.store, clock);
      let samples: { labels: Labels; value: number }[] = [];
      if (value.kind === 'scalar')
        samples = [{ labels: {}, value: value.value }];
      if (value.kind === 'vector') samples = value.samples;
      for (const sample of samples) {
        const key = labelKey(sample.labels);
        let s = series.get(key);
        if (!s) {
          s = { metric: sample.labels, values: [] };
          series.set(key, s);
        }
        s.values.push([t / 1000, formatValue(sample.value)]);
      }
    }
    const result = [...series.entries()]
      .sort(([a], [b]) => compareText(a, b))
      .map(([, s]) => s);
    stats.seriesReturned += result.length;
    stats.pointsReturned += result.reduce((n, s) => n + s.values.length, 0);
    return { resultType: 'matrix', result };
  }

  function query(params: URLSearchParams) {
    const clock = now();
    const time = params.has('time')
      ? parseTime(params.get('time') ?? undefined, 'time')
      : clock;
    const expr = parseQuery(params.get('query') ?? undefined);
    const value = evaluate(expr, time, options.store, clock);
    const ts = time / 1000;
    if (value.kind === 'scalar') {
      stats.pointsReturned += 1;
      return { resultType: 'scalar', result: [ts, formatValue(value.value)] };
    }
    if (value.kind === 'matrix') {
      const result = value.series.map(s => ({
        metric: s.labels,
        values: s.points.map(([t, v]) => [t / 1000, formatValue(v)]),
      }));
      stats.seriesReturned += result.length;
      stats.pointsReturned += result.reduce((n, s) => n + s.values.length, 0);
      return { resultType: 'matrix', result };
    }
    const result = value.samples
      .map(s => ({ metric: s.labels, value: [ts, formatValue(s.value)] }))
      .sort((a, b) => compareText(labelKey(a.metric), labelKey(b.metric)));
    stats.seriesReturned += result.length;
    stats.pointsReturned += result.length;
    return { resultType: 'vector', result };
  }

  function authorized(req: RecordedRequest): boolean {
    const auth = options.auth;
    if (!auth) return true;
    const header = String(req.headers.authorization ?? '');
    if (auth.bearerToken !== undefined) {
      return header === `Bearer ${auth.bearerToken}`;
    }
    const expected = Buffer.from(
      `${auth.username ?? ''}:${auth.password ?? ''}`,
    ).toString('base64');
    return header === `Basic ${expected}`;
  }

  const text = (res: http.ServerResponse, status: number, body: string) => {
    res.writeHead(status, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(body);
  };

  const handler = async (req: RecordedRequest, res: http.ServerResponse) => {
    const url = new URL(req.url, 'http://fake');
    const path = url.pathname;
    if (req.method === 'GET' && path === '/__stats') {
      sendJson(res, 200, stats);
      return;
    }
    const fault = faults.shift();
    if (fault?.kind === 'delay') {
      await new Promise(r => setTimeout(r, fault.ms));
    } else if (fault?.kind === 'unavailable') {
      text(res, 503, 'Service Unavailable');
      return;
    } else if (fault?.kind === 'unauthorized') {
      text(res, 401, 'Unauthorized\n');
      return;
    }
    if (path === '/-/ready' || path === '/-/healthy') {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        text(res, 405, 'Method Not Allowed\n');
        return;
      }
      text(
        res,
        200,
        path === '/-/ready'
          ? 'Prometheus Server is Ready.\n'
          : 'Prometheus Server is Healthy.\n',
      );
      return;
    }
    if (!path.startsWith('/api/v1/')) {
      text(res, 404, '404 page not found\n');
      return;
    }
    if (!authorized(req)) {
      res.setHeader('WWW-Authenticate', 'Basic');
      text(res, 401, 'Unauthorized\n');
      return;
    }
    try {
      if (fault?.kind === 'timeout') {
        throw new ApiError(
          503,
          'timeout',
          'query timed out in expression evaluation',
        );
      }
      if (fault?.kind === 'too-many-samples') {
        throw new ApiError(
          422,
          'execution',
          'query processing would load too many samples into memory in query execution',
        );
      }
      let data: unknown;
      if (path === '/api/v1/status/buildinfo' && req.method === 'GET') {
        data = {
          version: '2.53.0',
          revision: 'fake-upstreams',
          branch: 'HEAD',
          buildUser: 'fake@ops-portal',
          buildDate: '20240101-00:00:00',
          goVersion: 'go1.22.0',
        };
      } else if (path === '/api/v1/query_range' || path === '/api/v1/query') {
        if (req.method !== 'GET' && req.method !== 'POST') {
          text(res, 405, 'Method Not Allowed\n');
          return;
        }
        const params = new URLSearchParams(url.search);
        const type = String(req.headers['content-type'] ?? '');
        if (
          req.method === 'POST' &&
          type.startsWith('application/x-www-form-urlencoded')
        ) {
          // As Go's FormValue: body values first, then the query string's.
          const form = new URLSearchParams(req.body);
          for (const [k, v] of form) params.set(k, v);
        }
        if (path === '/api/v1/query_range') {
          stats.queryRangeCalls += 1;
          data = await queryRange(params);
        } else {
          stats.queryCalls += 1;
          data = query(params);
        }
      } else {
        text(res, 404, '404 page not found\n');
        return;
      }
      sendJson(res, 200, { status: 'success', data });
    } catch (error) {
      const e =
        error instanceof ApiError
          ? error
          : new ApiError(500, 'internal', String(error));
      sendJson(res, e.status, {
        status: 'error',
        errorType: e.errorType,
        error: e.message,
      });
    }
  };

  const server = await serve(handler, options);
  return Object.assign(server, { store: options.store, faults, stats });
}
