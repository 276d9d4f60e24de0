import { LoggerService } from '@backstage/backend-plugin-api';
import {
  RequestBudget,
  systemBudgetClock,
  UpstreamStats,
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

/** Query parameters; arrays are sent as repeated `name[]=` pairs by the caller's naming. */
export type Query = Record<
  string,
  string | number | boolean | string[] | undefined
>;

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

  constructor(private readonly options: PagerDutyClientOptions) {}

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
    const url = this.url(path, query);
    const maxAttempts =
      priority === 'interactive' ? 1 : this.options.maxAttempts;
    let lastError: PagerDutyError | undefined;
    let refreshed = false;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      await this.waitForRateLimit(signal);
      if (this.options.budget) {
        if (priority === 'interactive') this.options.budget.spend();
        else await this.options.budget.take(signal);
      }
      const outcome = await this.attempt<T>(path, url, signal);
      if (outcome.ok) return outcome.body;
      lastError = outcome.error;
      if (outcome.error.status === 401 && this.options.auth.refreshable) {
        // An OAuth token may have expired early: fetch a new one, once.
        if (refreshed) throw outcome.error;
        refreshed = true;
        continue;
      }
      if (!outcome.retryable) {
        throw outcome.error;
      }
      if (attempt < maxAttempts) {
        this.counters.retries += 1;
        const delay = Math.min(
          outcome.retryAfterMs ?? this.backoff(attempt),
          this.options.maxDelayMs,
        );
        this.options.logger.debug(
          `PagerDuty ${path}: ${outcome.error.message}; retry ${attempt} in ${delay} ms`,
        );
        await sleep(delay, signal);
      }
    }
    if (priority === 'interactive' && lastError) throw lastError;
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

  private async waitForRateLimit(signal?: AbortSignal) {
    const wait = this.pausedUntil - Date.now();
    if (wait > 0) {
      this.counters.throttled += 1;
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

  private async attempt<T>(
    path: string,
    url: string,
    signal?: AbortSignal,
  ): Promise<
    | { ok: true; body: T }
    | {
        ok: false;
        error: PagerDutyError;
        retryable: boolean;
        retryAfterMs?: number;
      }
  > {
    this.counters.requests += 1;
    const timeout = AbortSignal.timeout(this.options.requestTimeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        headers: {
          Accept: ACCEPT,
          Authorization: await this.options.auth.header(),
        },
        signal: combined,
      });
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const timedOut = timeout.aborted;
      return {
        ok: false,
        retryable: true,
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

    this.noteRateLimit(response.headers);
    if (response.ok) {
      try {
        return { ok: true, body: JSON.parse(text) as T };
      } catch {
        return {
          ok: false,
          retryable: false,
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
        retryable: false,
        error: error(
          `PagerDuty refused the credentials (401 Unauthorized): check ops.pagerduty.token or the OAuth client`,
        ),
      };
    }
    if (status === 403) {
      return {
        ok: false,
        retryable: false,
        error: error(
          `The PagerDuty credentials lack permission to read ${path} (403 Forbidden)${
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
        retryable: true,
        retryAfterMs,
        error: error(`PagerDuty rate limit reached on ${path} (429)`),
      };
    }
    if (status >= 500) {
      return {
        ok: false,
        retryable: true,
        error: error(
          `PagerDuty failed on ${path} (${status}${said ? `: ${said}` : ''})`,
        ),
      };
    }
    return {
      ok: false,
      retryable: false,
      error: error(
        `PagerDuty rejected ${path} (${status}${said ? `: ${said}` : ''})`,
      ),
    };
  }
}
