import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { ServiceUnavailableError } from '@backstage/errors';
import {
  DashboardInfo,
  DashboardsProvider,
  UpstreamTelemetry,
  noAnswer,
} from '@opsportal/plugin-ops-node';

/** Grafana answers at most 5,000 hits a search. */
export const GRAFANA_MAX_LIMIT = 5000;
/** The most a `Retry-After` makes a search wait before its one retry. */
const MAX_RETRY_WAIT_MS = 5_000;

/** Options of {@link GrafanaDashboardsProvider}. @public */
export interface GrafanaDashboardsProviderOptions {
  /** Where the backend reaches Grafana's HTTP API, e.g. `https://grafana.example.com`. */
  baseUrl: string;
  /** Base of the links users open; `baseUrl` when absent. */
  publicUrl?: string;
  /** Service account token (sent as `Authorization: Bearer`); anonymous without. */
  token?: string;
  /** Milliseconds before a search is abandoned. */
  requestTimeoutMs: number;
  /** Hits asked for when the caller names no limit. */
  defaultLimit: number;
  logger: LoggerService;
  /** Counts every search request (`opsportal.upstream.*`, docs/telemetry.md). */
  telemetry?: UpstreamTelemetry;
}

/** One hit of Grafana's `/api/search`. */
interface SearchHit {
  uid?: string;
  title?: string;
  url?: string;
  type?: string;
  tags?: string[];
  folderTitle?: string;
}

/**
 * Dashboards from Grafana's search API (`GET /api/search?type=dash-db`),
 * with a service account token. Tags given are all required (Grafana's
 * `tag` parameters), the text query matches titles. Links are absolute:
 * Grafana's `url` (which carries its sub path when it is served under one)
 * resolved against `publicUrl`.
 *
 * A search is bounded by `requestTimeoutMs`; a 429 or a 502/503/504 is
 * tried once more after its `Retry-After` (at most 5 s). Failures are
 * `ServiceUnavailableError`s that say what to fix: the token refused or
 * missing (401), not allowed to search (403), Grafana unreachable, slow or
 * failing, or answering something other than a dashboard list.
 *
 * @public
 */
export class GrafanaDashboardsProvider implements DashboardsProvider {
  readonly id = 'grafana';
  readonly baseUrl: string;
  private readonly apiUrl: string;

  /** The provider `ops.grafana` configures, or undefined without `ops.grafana.baseUrl`. */
  static fromConfig(
    config: Config,
    options: { logger: LoggerService; telemetry?: UpstreamTelemetry },
  ): GrafanaDashboardsProvider | undefined {
    const grafana = config.getOptionalConfig('ops.grafana');
    const baseUrl = grafana?.getOptionalString('baseUrl');
    if (!grafana || !baseUrl) return undefined;
    return new GrafanaDashboardsProvider({
      baseUrl,
      publicUrl: grafana.getOptionalString('publicUrl'),
      token: grafana.getOptionalString('token'),
      requestTimeoutMs: grafana.getOptionalNumber('requestTimeoutMs') ?? 10_000,
      defaultLimit: grafana.getOptionalNumber('searchLimit') ?? 100,
      logger: options.logger,
      telemetry: options.telemetry,
    });
  }

  constructor(private readonly options: GrafanaDashboardsProviderOptions) {
    this.apiUrl = checkedBase(options.baseUrl, 'ops.grafana.baseUrl');
    this.baseUrl = options.publicUrl
      ? checkedBase(options.publicUrl, 'ops.grafana.publicUrl')
      : this.apiUrl;
  }

  async searchDashboards(query: {
    tags?: string[];
    query?: string;
    limit?: number;
    signal?: AbortSignal;
  }): Promise<DashboardInfo[]> {
    const params = new URLSearchParams({ type: 'dash-db' });
    for (const tag of new Set(query.tags ?? [])) params.append('tag', tag);
    if (query.query) params.set('query', query.query);
    const limit = Math.min(
      Math.max(1, Math.floor(query.limit ?? this.options.defaultLimit)),
      GRAFANA_MAX_LIMIT,
    );
    params.set('limit', String(limit));
    const url = `${this.apiUrl}/api/search?${params}`;

    let response = await this.get(url, query.signal);
    if ([429, 502, 503, 504].includes(response.status)) {
      const wait = retryAfterMs(response.headers.get('retry-after'));
      await response.body?.cancel();
      await delay(wait, query.signal);
      response = await this.get(url, query.signal);
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new ServiceUnavailableError(this.refusal(response.status));
    }
    let hits: unknown;
    try {
      hits = await response.json();
    } catch {
      hits = undefined;
    }
    if (!Array.isArray(hits)) {
      throw new ServiceUnavailableError(
        `Grafana at ${this.apiUrl} answered its search with something other than a list of dashboards: is ops.grafana.baseUrl Grafana's address?`,
      );
    }
    return (hits as SearchHit[])
      .filter(hit => hit && hit.type !== 'dash-folder' && hit.uid && hit.url)
      .map(hit => ({
        uid: String(hit.uid),
        title: String(hit.title ?? hit.uid),
        url: new URL(String(hit.url), `${this.baseUrl}/`).toString(),
        tags: Array.isArray(hit.tags) ? hit.tags.map(String) : [],
        ...(hit.folderTitle ? { folder: String(hit.folderTitle) } : {}),
      }));
  }

  private async get(url: string, signal?: AbortSignal): Promise<Response> {
    const timeout = AbortSignal.timeout(this.options.requestTimeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const telemetry = this.options.telemetry;
    try {
      const response = await fetch(url, {
        headers: {
          Accept: 'application/json',
          ...(this.options.token
            ? { Authorization: `Bearer ${this.options.token}` }
            : {}),
        },
        signal: combined,
      });
      telemetry?.request('GET /api/search', { status: response.status });
      return response;
    } catch (error) {
      telemetry?.request('GET /api/search', noAnswer(signal, timeout));
      if (signal?.aborted) throw error;
      if (timeout.aborted) {
        throw new ServiceUnavailableError(
          `Grafana at ${
            this.apiUrl
          } did not answer the dashboard search within ${
            this.options.requestTimeoutMs / 1000
          } s`,
          error as Error,
        );
      }
      throw new ServiceUnavailableError(
        `Grafana at ${this.apiUrl} could not be reached`,
        error as Error,
      );
    }
  }

  private refusal(status: number): string {
    const where = `Grafana at ${this.apiUrl}`;
    switch (status) {
      case 401:
        return this.options.token
          ? `${where} refused the token (401): check ops.grafana.token (a service account token with the Viewer role)`
          : `${where} needs a token (401): set ops.grafana.token to a service account token with the Viewer role`;
      case 403:
        return `${where} does not let the token search dashboards (403): give its service account the Viewer role`;
      case 404:
        return `${where} has no search API (404): ops.grafana.baseUrl must be Grafana's root URL`;
      case 429:
        return `${where} throttled the dashboard search (429) twice; the next search tries again`;
      default:
        return status >= 500
          ? `${where} failed on the dashboard search (${status})`
          : `${where} rejected the dashboard search (${status})`;
    }
  }
}

/** A base URL without its trailing slash; throws a config error unless it is http(s). */
function checkedBase(value: string, key: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${key} must be an http(s) URL, got '${value}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${key} must be an http(s) URL, got '${value}'`);
  }
  return url.toString().replace(/\/+$/, '');
}

function retryAfterMs(header: string | null): number {
  if (!header) return 1_000;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) {
    return Math.min(Math.max(0, seconds * 1000), MAX_RETRY_WAIT_MS);
  }
  const at = Date.parse(header);
  return Number.isFinite(at)
    ? Math.min(Math.max(0, at - Date.now()), MAX_RETRY_WAIT_MS)
    : 1_000;
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
