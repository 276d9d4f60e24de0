import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { ServiceUnavailableError } from '@backstage/errors';
import {
  BudgetClock,
  MetricDataRequest,
  MetricQuery,
  MetricSeries,
  MetricsProvider,
  MetricsProviderStats,
  mapWithConcurrency,
  systemBudgetClock,
  UpstreamTelemetry,
  noAnswer,
} from '@opsportal/plugin-ops-node';
import { Limiter } from './limiter';

/**
 * Points per series Prometheus answers in one range query at most: it
 * refuses a query_range whose `(end - start) / step` is above 11,000.
 */
export const PROMETHEUS_MAX_POINTS_PER_SERIES = 11_000;

/** Credentials sent with every request. @public */
export interface PrometheusAuth {
  /** Sent as `Authorization: Bearer <token>`. */
  bearerToken?: string;
  /** With `password`, sent as HTTP basic authentication. */
  username?: string;
  password?: string;
}

/** Options of {@link PrometheusProvider}. @public */
export interface PrometheusProviderOptions {
  /** Base URL of Prometheus (or a compatible API: Thanos, Mimir...), without `/api/v1`. */
  baseUrl: string;
  auth?: PrometheusAuth;
  /** Extra headers sent with every request (`X-Scope-OrgID` for a multi-tenant API...). */
  headers?: Record<string, string>;
  /** Milliseconds one HTTP request may take; also sent as the query's `timeout`. Default 30000. */
  timeoutMs?: number;
  /**
   * Points of a series asked for in one call; longer ranges are split into
   * several calls. Default (and Prometheus's limit) 11000.
   */
  maxPointsPerSeries?: number;
  /** Calls in flight at once, all requests together. Default 4. */
  concurrency?: number;
  /** Attempts per call when Prometheus answers 429, 502, 503 or 504. Default 4. */
  maxAttempts?: number;
  /**
   * The longest wait before another attempt, in milliseconds: a
   * `Retry-After` asking for longer gives up at once. Default 30000.
   */
  maxRetryWaitMs?: number;
  logger: LoggerService;
  /** Counts every query_range request (`opsportal.upstream.*`, docs/telemetry.md). */
  telemetry?: UpstreamTelemetry;
  /** What waits between attempts (tests pass one that does not sleep). Default: the system clock. */
  clock?: BudgetClock;
}

/** Counters of {@link PrometheusProvider}. @public */
export interface PrometheusProviderStats extends MetricsProviderStats {
  /** Attempts that were retries of a throttled or unavailable call. */
  retries: number;
  /** Calls Prometheus refused as a bad query (bad_data, execution). */
  refused: number;
}

/** A time series of a range query's matrix answer. */
interface MatrixSeries {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

/** One query_range call: a query's evaluations from `first` to `last` (epoch ms). */
interface Call {
  query: MetricQuery;
  promql: string;
  first: number;
  last: number;
}

type CallAnswer =
  | { ok: true; series: MatrixSeries[]; warnings: string[] }
  | { ok: false; refusal: string };

const RETRIED_STATUSES = new Set([429, 502, 503, 504]);
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Metric series from Prometheus's HTTP API for queries that carry a PromQL
 * expression (`MetricQuery.promql`): one `POST /api/v1/query_range` per
 * query (and per slice of at most `maxPointsPerSeries` points of a longer
 * range) with the period as step, `$period` replaced by the period, and
 * each point moved back by one period so that it stands for the period it
 * ends, as CloudWatch timestamps its datapoints.
 *
 * A query Prometheus refuses (a parse or execution error), one that answers
 * more than one series, and one without PromQL fail alone: their series
 * are empty with `error` set. Failures that are not about a query
 * (Prometheus down, timing out, refusing the credentials, throttling after
 * the retries) reject the whole request.
 *
 * @public
 */
export class PrometheusProvider implements MetricsProvider {
  readonly id = 'prometheus';
  private readonly endpoint: string;
  private readonly limiter: Limiter;
  private readonly counters: PrometheusProviderStats = {
    calls: 0,
    metricsRequested: 0,
    datapoints: 0,
    retries: 0,
    refused: 0,
  };

  /**
   * The provider `ops.prometheus` configures, or undefined (with a log
   * line) when it has no `baseUrl`. Wrong values fail with the key named.
   */
  static fromConfig(
    config: Config,
    options: { logger: LoggerService; telemetry?: UpstreamTelemetry },
  ): PrometheusProvider | undefined {
    const prom = config.getOptionalConfig('ops.prometheus');
    const baseUrl = prom?.getOptionalString('baseUrl');
    if (!prom || !baseUrl) {
      options.logger.info(
        'Prometheus is not configured (ops.prometheus.baseUrl): no Prometheus metrics provider',
      );
      return undefined;
    }
    const auth = prom.getOptionalConfig('auth');
    const bearerToken = auth?.getOptionalString('bearerToken');
    const username = auth?.getOptionalString('username');
    const password = auth?.getOptionalString('password');
    if (bearerToken && (username || password)) {
      throw new Error(
        'ops.prometheus.auth takes either bearerToken or username and password, not both',
      );
    }
    if ((username === undefined) !== (password === undefined)) {
      throw new Error(
        'ops.prometheus.auth.username and ops.prometheus.auth.password go together',
      );
    }
    const headersConfig = prom.getOptionalConfig('headers');
    const headers: Record<string, string> = {};
    for (const key of headersConfig?.keys() ?? []) {
      headers[key] = headersConfig!.getString(key);
    }
    const positive = (key: string, whole: boolean) => {
      const value = prom.getOptionalNumber(key);
      if (
        value !== undefined &&
        !(value > 0 && (!whole || Number.isInteger(value)))
      ) {
        throw new Error(
          `ops.prometheus.${key} must be a positive ${
            whole ? 'whole ' : ''
          }number, not ${value}`,
        );
      }
      return value;
    };
    const timeoutSeconds = positive('timeoutSeconds', false);
    const maxPoints = positive('maxPointsPerSeries', true);
    if (maxPoints !== undefined && maxPoints < 2) {
      throw new Error('ops.prometheus.maxPointsPerSeries must be at least 2');
    }
    if (!/^https?:$/.test(parseUrl(baseUrl)?.protocol ?? '')) {
      throw new Error(
        `ops.prometheus.baseUrl must be an absolute http or https URL, not ${baseUrl}`,
      );
    }
    return new PrometheusProvider({
      baseUrl,
      auth:
        bearerToken || username
          ? { bearerToken, username, password }
          : undefined,
      headers,
      timeoutMs:
        timeoutSeconds !== undefined ? timeoutSeconds * 1000 : undefined,
      maxPointsPerSeries: maxPoints,
      concurrency: positive('concurrency', true),
      logger: options.logger,
      telemetry: options.telemetry,
    });
  }

  constructor(private readonly options: PrometheusProviderOptions) {
    this.endpoint = `${options.baseUrl.replace(/\/+$/, '')}/api/v1/query_range`;
    this.limiter = new Limiter(options.concurrency ?? 4);
    const maxPoints = this.maxPoints;
    if (!(Number.isInteger(maxPoints) && maxPoints >= 2)) {
      throw new Error(
        `maxPointsPerSeries must be a whole number of at least 2, not ${maxPoints}`,
      );
    }
  }

  stats(): PrometheusProviderStats {
    return { ...this.counters };
  }

  private get maxPoints(): number {
    return this.options.maxPointsPerSeries ?? PROMETHEUS_MAX_POINTS_PER_SERIES;
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? 30_000;
  }

  async getMetricData(request: MetricDataRequest): Promise<MetricSeries[]> {
    const start = request.start.getTime();
    const end = request.end.getTime();
    const wanted = request.queries.filter(q => q.returnData !== false);
    const answers = new Map<string, MetricSeries>();
    const calls: Call[] = [];
    for (const query of wanted) {
      const problem = queryProblem(query);
      if (problem) {
        answers.set(query.id, refusedSeries(query, problem));
        continue;
      }
      calls.push(...this.plan(query, start, end));
    }
    const results = await mapWithConcurrency(
      calls,
      this.options.concurrency ?? 4,
      call =>
        this.limiter.run(() => this.rangeQuery(call, request), request.signal),
    );

    const byQuery = new Map<string, { call: Call; answer: CallAnswer }[]>();
    calls.forEach((call, i) => {
      const list = byQuery.get(call.query.id) ?? [];
      list.push({ call, answer: results[i] });
      byQuery.set(call.query.id, list);
    });
    return wanted.map(query => {
      const known = answers.get(query.id);
      if (known) return known;
      return this.assemble(query, byQuery.get(query.id) ?? [], start, end);
    });
  }

  /**
   * The calls of one query: its evaluations at the end of each whole period
   * of [start, end], at most `maxPointsPerSeries` a call.
   */
  private plan(query: MetricQuery, start: number, end: number): Call[] {
    const periodMs = query.period * 1000;
    const periods = Math.floor((end - start) / periodMs);
    const promql = query.promql!.replace(/\$period\b/g, `${query.period}s`);
    const calls: Call[] = [];
    for (let i = 0; i < periods; i += this.maxPoints) {
      const last = Math.min(i + this.maxPoints, periods) - 1;
      calls.push({
        query,
        promql,
        first: start + (i + 1) * periodMs,
        last: start + (last + 1) * periodMs,
      });
    }
    return calls;
  }

  /** A query's series from its calls' answers, or its error. */
  private assemble(
    query: MetricQuery,
    parts: { call: Call; answer: CallAnswer }[],
    start: number,
    end: number,
  ): MetricSeries {
    const series: MetricSeries = {
      id: query.id,
      label: query.label,
      timestamps: [],
      values: [],
      status: 'Complete',
    };
    const labelSets = new Set<string>();
    const messages = new Set<string>();
    let infinite = 0;
    const periodMs = query.period * 1000;
    for (const { answer } of parts) {
      if (!answer.ok) return refusedSeries(query, answer.refusal);
      for (const warning of answer.warnings) messages.add(warning);
      for (const matrix of answer.series) {
        labelSets.add(labelKey(matrix.metric));
      }
    }
    if (labelSets.size > 1) {
      const promql = parts[0].call.promql;
      return refusedSeries(
        query,
        `PromQL ${quote(promql)} returns ${
          labelSets.size
        } series; aggregate it to one, e.g. sum(${shorten(promql)})`,
      );
    }
    for (const { answer } of parts) {
      if (!answer.ok) continue;
      for (const matrix of answer.series) {
        for (const [t, text] of matrix.values) {
          const at = Math.round(Number(t) * 1000) - periodMs;
          if (!(at >= start && at < end)) continue;
          const value = sampleValue(text);
          if (Number.isNaN(value)) continue;
          if (!Number.isFinite(value)) {
            infinite += 1;
            continue;
          }
          series.timestamps.push(at);
          series.values.push(value);
        }
      }
    }
    if (infinite > 0) {
      messages.add(
        `${infinite} datapoints were infinite (a division by zero?) and are left out`,
      );
      series.status = 'PartialData';
    }
    if (messages.size > 0) series.messages = [...messages];
    return series;
  }

  /** One query_range call, retried on 429/502/503/504; a refusal answers, other failures throw. */
  private async rangeQuery(
    call: Call,
    request: MetricDataRequest,
  ): Promise<CallAnswer> {
    const maxAttempts = this.options.maxAttempts ?? 4;
    const clock = this.options.clock ?? systemBudgetClock;
    const body = new URLSearchParams({
      query: call.promql,
      start: seconds(call.first),
      end: seconds(call.last),
      step: String(call.query.period),
      timeout: `${Math.max(1, Math.floor(this.timeoutMs / 1000))}s`,
    });
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) this.counters.retries += 1;
      this.counters.calls += 1;
      this.counters.metricsRequested += 1;
      const { status, headers, text } = await this.post(body, request.signal);
      const parsed = parseJson(text);
      if (status >= 200 && status < 300 && parsed?.status === 'success') {
        const result = parsed.data?.result;
        if (parsed.data?.resultType !== 'matrix' || !Array.isArray(result)) {
          return {
            ok: false,
            refusal: `PromQL ${quote(call.promql)} answers a ${
              parsed.data?.resultType ?? 'non-matrix'
            } in a range query, not a series over time`,
          };
        }
        for (const s of result)
          this.counters.datapoints += s.values?.length ?? 0;
        return {
          ok: true,
          series: result as MatrixSeries[],
          warnings: Array.isArray(parsed.warnings) ? parsed.warnings : [],
        };
      }
      const errorType: string | undefined = parsed?.errorType;
      const message: string | undefined = parsed?.error;
      const said = [errorType, message].filter(Boolean).join(': ');
      if (
        (status === 400 || status === 422) &&
        (errorType === 'bad_data' || errorType === 'execution')
      ) {
        this.counters.refused += 1;
        const refusal = `Prometheus refused ${quote(call.promql)}: ${said}`;
        this.options.logger.warn(
          `${refusal} (query ${call.query.id}${
            call.query.label ? `, ${call.query.label}` : ''
          })`,
        );
        return { ok: false, refusal };
      }
      const where = `Prometheus at ${this.options.baseUrl}`;
      if (status === 401 || status === 403) {
        throw new ServiceUnavailableError(
          `${where} refused the credentials (HTTP ${status}${
            said ? `, ${said}` : ''
          }); check ops.prometheus.auth`,
        );
      }
      if (status === 404) {
        throw new ServiceUnavailableError(
          `${where} has no query API at ${this.endpoint} (HTTP 404); check ops.prometheus.baseUrl`,
        );
      }
      if (errorType === 'timeout' || errorType === 'canceled') {
        throw new ServiceUnavailableError(
          `${where} gave up evaluating ${quote(call.promql)}: ${said}`,
        );
      }
      const failure = `HTTP ${status}${said ? ` (${said})` : ''}`;
      if (!RETRIED_STATUSES.has(status)) {
        throw new ServiceUnavailableError(
          parsed
            ? `${where} failed: ${failure}`
            : `${where} answered ${failure} with something that is not Prometheus's API`,
        );
      }
      if (attempt >= maxAttempts) {
        throw new ServiceUnavailableError(
          `${where} ${
            status === 429 ? 'throttled' : 'was unavailable for'
          } query_range after ${attempt} attempts: ${failure}`,
        );
      }
      const maxWait = this.options.maxRetryWaitMs ?? 30_000;
      const asked = retryAfterMs(headers.get('retry-after'), clock.now());
      if (asked !== undefined && asked > maxWait) {
        throw new ServiceUnavailableError(
          `${where} answered ${failure} and asked to wait ${Math.ceil(
            asked / 1000,
          )} s, longer than the provider waits (${Math.ceil(
            maxWait / 1000,
          )} s)`,
        );
      }
      const backoff = Math.min(
        maxWait,
        250 * 2 ** (attempt - 1) * (0.5 + Math.random() / 2),
      );
      await clock.sleep(asked ?? backoff, request.signal);
    }
  }

  /** One POST with the per-call timeout; network failures and timeouts throw described. */
  private async post(
    body: URLSearchParams,
    signal: AbortSignal | undefined,
  ): Promise<{ status: number; headers: Headers; text: string }> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const headers: Record<string, string> = {
      ...this.options.headers,
      Accept: 'application/json',
      'Content-Type': 'application/x-www-form-urlencoded',
    };
    const auth = this.options.auth;
    if (auth?.bearerToken) {
      headers.Authorization = `Bearer ${auth.bearerToken}`;
    } else if (auth?.username !== undefined) {
      headers.Authorization = `Basic ${Buffer.from(
        `${auth.username}:${auth.password ?? ''}`,
      ).toString('base64')}`;
    }
    try {
      const response = await fetch(this.endpoint, {
        method: 'POST',
        headers,
        body,
        signal: combined,
      });
      const text = await response.text();
      this.options.telemetry?.request('POST /api/v1/query_range', {
        status: response.status,
      });
      return { status: response.status, headers: response.headers, text };
    } catch (error) {
      this.options.telemetry?.request(
        'POST /api/v1/query_range',
        noAnswer(signal, timeout),
      );
      if (signal?.aborted) throw signal.reason;
      const where = `Prometheus at ${this.options.baseUrl}`;
      if (timeout.aborted) {
        throw new ServiceUnavailableError(
          `${where} did not answer query_range within ${
            this.timeoutMs / 1000
          } s`,
          error,
        );
      }
      const code = errorCode(error);
      throw new ServiceUnavailableError(
        code && UNREACHABLE_CODES.has(code)
          ? `${where} is unreachable (${code})`
          : `${where} could not be asked: ${String(
              (error as Error)?.message ?? error,
            )}`,
        error,
      );
    }
  }
}

/** Why a query cannot be sent, or undefined. */
function queryProblem(query: MetricQuery): string | undefined {
  if (!query.promql || !query.promql.trim()) {
    return `Query ${query.id} has no PromQL expression (promql): the Prometheus provider answers PromQL queries only`;
  }
  if (!(Number.isInteger(query.period) && query.period > 0)) {
    return `Query ${query.id} has a period of ${query.period}; a whole number of seconds above 0 is needed`;
  }
  return undefined;
}

function refusedSeries(query: MetricQuery, error: string): MetricSeries {
  return {
    id: query.id,
    label: query.label,
    timestamps: [],
    values: [],
    status: 'InternalError',
    messages: [error],
    error,
  };
}

function labelKey(labels: Record<string, string> | undefined): string {
  return JSON.stringify(
    Object.entries(labels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

function quote(promql: string): string {
  return `\`${shorten(promql)}\``;
}

function shorten(text: string): string {
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

/** Epoch ms as the decimal seconds Prometheus reads. */
function seconds(ms: number): string {
  return ms % 1000 === 0 ? String(ms / 1000) : (ms / 1000).toFixed(3);
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** A sample value as Prometheus writes it: a decimal, `NaN`, `+Inf` or `-Inf`. */
function sampleValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

function parseJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A Retry-After header (seconds or an HTTP date) in milliseconds from now. */
function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function errorCode(error: unknown): string | undefined {
  for (let e: any = error, depth = 0; e && depth < 5; e = e.cause, depth++) {
    if (typeof e.code === 'string') return e.code;
  }
  return undefined;
}
