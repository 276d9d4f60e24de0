import { LoggerService } from '@backstage/backend-plugin-api';
import {
  noUpstreamTelemetry,
  RequestBudget,
  restOperation,
  systemBudgetClock,
  UpstreamStats,
  UpstreamTelemetry,
  noAnswer,
} from '@opsportal/plugin-ops-node';
import { PagerDutyAuth } from './auth';
import { PagerDutyError } from './errors';

export { PagerDutyError } from './errors';

/** Options of {@link PagerDutyClient}. @public */
export interface PagerDutyClientOptions {
  /** Base URL of the REST API, e.g. `https://api.pagerduty.com`. */
  baseUrl: string;
  auth: PagerDutyAuth;
  /** Time allowed for one request. */
  requestTimeoutMs: number;
  /** Attempts per request, the first included (429, 5xx and timeouts are retried). */
  maxAttempts: number;
  /** First backoff delay; doubles with each retry (with jitter). */
  baseDelayMs: number;
  /** No wait (Retry-After, rate-limit reset, backoff) is longer than this. */
  maxDelayMs: number;
  logger: LoggerService;
  /**
   * The share of the account's rate limit that background requests may use:
   * each attempt of a `background` request waits for it; `interactive`
   * requests are counted against it without waiting. Unbounded when absent.
   */
  budget?: RequestBudget;
  /**
   * Counts every attempt and its outcome, 429s and pauses for a used-up
   * rate-limit window (`opsportal.upstream.*`, docs/telemetry.md).
   */
  telemetry?: UpstreamTelemetry;
}

/**
 * How a request is made: `background` (a scheduled refresh; the default)
 * waits for the budget and retries up to `maxAttempts`; `interactive` (a
 * page view waiting for it) goes out at once and is tried once, as a failure
 * is remembered by the caller rather than retried while the user waits.
 * @public
 */
export interface RequestOptions {
  /** Cancels the request (and any wait for the budget or a retry). */
  signal?: AbortSignal;
  /** Default `background`. */
  priority?: 'background' | 'interactive';
}

/** Options of {@link PagerDutyClient.post}. @public */
export interface PostOptions {
  /** Email of the account's user the write is made as (the `From` header). */
  from?: string;
  /** Cancels the request (and any wait for a retry). */
  signal?: AbortSignal;
  /**
   * Whether the write may be repeated safely (PUT-like, or deduplicated by
   * PagerDuty): only then are 5xx answers and timeouts retried. Default false.
   */
  idempotent?: boolean;
}

/** Query parameters; arrays are sent as repeated `name[]=` pairs by the caller's naming. */
export type Query = Record<
  string,
  string | number | boolean | string[] | undefined
>;

type Method = 'GET' | 'POST' | 'DELETE';

const ACCEPT = 'application/vnd.pagerduty+json;version=2';
const PAGE_LIMIT = 100;
/** PagerDuty's classic pagination stops at offset + limit = 10,000. */
const MAX_OFFSET = 10_000 - PAGE_LIMIT;

/** Waits `ms`, or rejects when `signal` aborts. */
const sleep = systemBudgetClock.sleep;

/**
 * The one place PagerDuty REST API v2 requests are made: version header,
 * token or OAuth bearer, a timeout per request, bounded retries with
 * backoff for 429 (Retry-After, else the `ratelimit-reset` header, else
 * exponential backoff) and 5xx, a pause when `ratelimit-remaining` reaches
 * zero, and classic `limit/offset/more` paging with a hard page bound.
 * @public
 */
export class PagerDutyClient {
  private readonly counters: UpstreamStats = {
    requests: 0,
    retries: 0,
    throttled: 0,
  };
  /** Until when the rate-limit window is used up (epoch ms). */
  private pausedUntil = 0;

  private readonly telemetry: UpstreamTelemetry;

  constructor(private readonly options: PagerDutyClientOptions) {
    this.telemetry = options.telemetry ?? noUpstreamTelemetry;
  }

  stats(): UpstreamStats {
    return { ...this.counters };
  }

  /** GET one resource. */
  async get<T>(
    path: string,
    query: Query = {},
    how: AbortSignal | RequestOptions = {},
  ): Promise<T> {
    const { signal, priority = 'background' } =
      how instanceof AbortSignal ? { signal: how } : how;
    return this.send<T>({
      method: 'GET',
      path,
      url: this.url(path, query),
      signal,
      priority,
      maxAttempts: priority === 'interactive' ? 1 : this.options.maxAttempts,
      // A read changes nothing: whatever failed may be tried again.
      retryServerErrors: true,
    });
  }

  /**
   * POST a JSON body (a write: a note, a status update, a responder
   * request), as the person `from` names when PagerDuty wants one.
   *
   * Writes are made while someone waits, so they are `interactive` for the
   * request budget: counted against it, never waiting for it. A 429 is
   * retried (after `Retry-After`, at most `maxAttempts`): PagerDuty refuses
   * a throttled request before doing anything with it. A 5xx or a timeout
   * is not retried unless the caller says the write is `idempotent`: the
   * note may have been stored before the answer was lost, and a second
   * attempt would post it twice (and notify the incident's subscribers
   * twice); the caller reports the failure and the person decides.
   */
  async post<T>(
    path: string,
    body: unknown,
    options: PostOptions = {},
  ): Promise<T> {
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
    };
    if (options.from) headers.From = options.from;
    return this.send<T>({
      method: 'POST',
      path,
      url: this.url(path, {}),
      body: JSON.stringify(body),
      headers,
      signal: options.signal,
      priority: 'interactive',
      maxAttempts: this.options.maxAttempts,
      retryServerErrors: options.idempotent === true,
    });
  }

  /**
   * DELETE a resource (ending a maintenance window), as the person `from`
   * names. Like a write it is `interactive` and retried on a 429; a 5xx or a
   * timeout is retried too unless `idempotent` is false: deleting twice
   * does nothing more the second time. Answers the body, if any.
   */
  async delete<T = undefined>(
    path: string,
    options: PostOptions = {},
  ): Promise<T> {
    const headers: Record<string, string> = {};
    if (options.from) headers.From = options.from;
    return this.send<T>({
      method: 'DELETE',
      path,
      url: this.url(path, {}),
      headers,
      signal: options.signal,
      priority: 'interactive',
      maxAttempts: this.options.maxAttempts,
      retryServerErrors: options.idempotent !== false,
    });
  }

  /**
   * One request with its retries: each attempt waits for a used-up rate
   * limit window, takes its turn in the budget (or is counted against it
   * when interactive), and is retried while the failure allows it.
   */
  private async send<T>(req: {
    method: Method;
    path: string;
    url: string;
    body?: string;
    headers?: Record<string, string>;
    signal?: AbortSignal;
    priority: 'background' | 'interactive';
    maxAttempts: number;
    /** Whether 5xx answers and timeouts may be tried again. */
    retryServerErrors: boolean;
  }): Promise<T> {
    const { path, signal, priority, maxAttempts } = req;
    let lastError: PagerDutyError | undefined;
    let refreshed = false;
    const operation = restOperation(req.method, path);
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      await this.waitForRateLimit(operation, signal);
      if (this.options.budget) {
        if (priority === 'interactive') this.options.budget.spend();
        else await this.options.budget.take(signal);
      }
      const outcome = await this.attempt<T>(req);
      if (outcome.ok) return outcome.body;
      lastError = outcome.error;
      if (outcome.error.status === 401 && this.options.auth.refreshable) {
        // An OAuth token may have expired early: fetch a new one, once.
        if (refreshed) throw outcome.error;
        refreshed = true;
        continue;
      }
      const retryable =
        outcome.retry === 'always' ||
        (outcome.retry === 'if-safe' && req.retryServerErrors);
      if (!retryable) {
        throw outcome.error;
      }
      if (attempt < maxAttempts) {
        this.counters.retries += 1;
        const delay = Math.min(
          outcome.retryAfterMs ?? this.backoff(attempt),
          this.options.maxDelayMs,
        );
        this.options.logger.debug(
          `PagerDuty ${req.method} ${path}: ${outcome.error.message}; retry ${attempt} in ${delay} ms`,
        );
        await sleep(delay, signal);
      }
    }
    if (maxAttempts === 1 && lastError) throw lastError;
    throw new PagerDutyError(
      `${lastError!.message} (gave up after ${maxAttempts} attempts)`,
      lastError!.status,
      path,
      lastError!.code,
    );
  }

  /**
   * GET every page of a list: `limit=100`, `offset` advanced until `more` is
   * false, never past PagerDuty's 10,000-record window. `stop` may end the
   * walk early once the caller has what it needs.
   */
  async list<T>(
    path: string,
    key: string,
    query: Query = {},
    options: RequestOptions & { stop?: (items: T[]) => boolean } = {},
  ): Promise<T[]> {
    const items: T[] = [];
    for (let offset = 0; offset <= MAX_OFFSET; offset += PAGE_LIMIT) {
      const page = await this.get<Record<string, unknown>>(
        path,
        { ...query, limit: PAGE_LIMIT, offset },
        { signal: options.signal, priority: options.priority },
      );
      const found = page[key];
      if (!Array.isArray(found)) {
        throw new PagerDutyError(
          `PagerDuty's answer to ${path} has no "${key}" list`,
          200,
          path,
        );
      }
      items.push(...(found as T[]));
      if (page.more !== true || found.length === 0) return items;
      if (options.stop?.(items)) return items;
    }
    this.options.logger.warn(
      `PagerDuty ${path}: more than 10,000 records; the rest is not read`,
    );
    return items;
  }

  private url(path: string, query: Query): string {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) {
        search.append(name, String(v));
      }
    }
    const qs = search.toString().replace(/%5B%5D=/g, '[]=');
    return `${this.options.baseUrl.replace(/\/+$/, '')}${path}${
      qs ? `?${qs}` : ''
    }`;
  }

  private backoff(attempt: number): number {
    const base = this.options.baseDelayMs * 2 ** (attempt - 1);
    return Math.round(base * (0.75 + Math.random() * 0.5));
  }

  private async waitForRateLimit(operation: string, signal?: AbortSignal) {
    const wait = this.pausedUntil - Date.now();
    if (wait > 0) {
      this.counters.throttled += 1;
      this.telemetry.paused(operation);
      await sleep(Math.min(wait, this.options.maxDelayMs), signal);
    }
  }

  private noteRateLimit(headers: Headers) {
    const remaining = Number(headers.get('ratelimit-remaining'));
    const reset = Number(headers.get('ratelimit-reset'));
    if (
      headers.has('ratelimit-remaining') &&
      remaining <= 0 &&
      Number.isFinite(reset)
    ) {
      this.pausedUntil = Date.now() + reset * 1000;
    }
  }

  /**
   * One attempt. `retry` says whether the failure may be tried again:
   * `always` (throttled: PagerDuty did nothing), `if-safe` (a 5xx or no
   * answer: it may have done it), `never`.
   */
  private async attempt<T>(req: {
    method: Method;
    path: string;
    url: string;
    body?: string;
    headers?: Record<string, string>;
    signal?: AbortSignal;
  }): Promise<
    | { ok: true; body: T }
    | {
        ok: false;
        error: PagerDutyError;
        retry: 'always' | 'if-safe' | 'never';
        retryAfterMs?: number;
      }
  > {
    const { path, url, signal } = req;
    const operation = restOperation(req.method, path);
    this.counters.requests += 1;
    const timeout = AbortSignal.timeout(this.options.requestTimeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method: req.method,
        headers: {
          ...req.headers,
          Accept: ACCEPT,
          Authorization: await this.options.auth.header(),
        },
        body: req.body,
        signal: combined,
      });
      text = await response.text();
    } catch (error) {
      const timedOut = timeout.aborted;
      this.telemetry.request(operation, noAnswer(signal, timeout));
      if (signal?.aborted) throw signal.reason;
      return {
        ok: false,
        retry: 'if-safe',
        error: new PagerDutyError(
          timedOut
            ? `PagerDuty did not answer ${path} within ${this.options.requestTimeoutMs} ms`
            : `PagerDuty could not be reached for ${path}: ${
                (error as Error).message
              }`,
          0,
          path,
        ),
      };
    }

    this.telemetry.request(operation, { status: response.status });
    this.noteRateLimit(response.headers);
    if (response.ok) {
      // 204 No Content (a DELETE) has no body to read.
      if (response.status === 204 || (req.method !== 'GET' && !text)) {
        return { ok: true, body: undefined as T };
      }
      try {
        return { ok: true, body: JSON.parse(text) as T };
      } catch {
        return {
          ok: false,
          retry: 'never',
          error: new PagerDutyError(
            `PagerDuty answered ${path} with malformed JSON`,
            response.status,
            path,
          ),
        };
      }
    }

    let detail: { message?: string; code?: number; errors?: string[] } = {};
    try {
      detail = JSON.parse(text)?.error ?? {};
    } catch {
      // not JSON: the status says enough
    }
    const said = [detail.message, ...(detail.errors ?? [])]
      .filter(Boolean)
      .join(': ');
    const status = response.status;
    const error = (message: string) =>
      new PagerDutyError(message, status, path, detail.code);

    if (status === 401) {
      this.options.auth.invalidate();
      return {
        ok: false,
        retry: 'never',
        error: error(
          `PagerDuty refused the credentials (401 Unauthorized): check ops.pagerduty.token or the OAuth client`,
        ),
      };
    }
    if (status === 403) {
      let what = `read ${path}`;
      if (req.method !== 'GET') {
        what = path.startsWith('/maintenance_windows')
          ? `write to ${path}: a read-only REST API key or an OAuth client without services.write cannot open or end maintenance windows`
          : `write to ${path}: a read-only REST API key or an OAuth client without incidents.write cannot post notes, status updates or responder requests`;
      }
      return {
        ok: false,
        retry: 'never',
        error: error(
          `The PagerDuty credentials lack permission to ${what} (403 Forbidden)${
            said ? `: ${said}` : ''
          }`,
        ),
      };
    }
    if (status === 429) {
      this.counters.throttled += 1;
      const retryAfter = Number(response.headers.get('retry-after'));
      const reset = Number(response.headers.get('ratelimit-reset'));
      let retryAfterMs: number | undefined;
      if (response.headers.has('retry-after') && Number.isFinite(retryAfter)) {
        retryAfterMs = retryAfter * 1000;
      } else if (
        response.headers.has('ratelimit-reset') &&
        Number.isFinite(reset)
      ) {
        retryAfterMs = reset * 1000;
      }
      return {
        ok: false,
        retry: 'always',
        retryAfterMs,
        error: error(`PagerDuty rate limit reached on ${path} (429)`),
      };
    }
    if (status >= 500) {
      return {
        ok: false,
        retry: 'if-safe',
        error: error(
          `PagerDuty failed on ${path} (${status}${said ? `: ${said}` : ''})`,
        ),
      };
    }
    return {
      ok: false,
      retry: 'never',
      error: error(
        `PagerDuty rejected ${path} (${status}${said ? `: ${said}` : ''})`,
      ),
    };
  }
}
