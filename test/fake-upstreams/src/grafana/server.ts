import http from 'node:http';
import {
  FakeServer,
  RecordedRequest,
  sendJson,
  serve,
  ServeOptions,
} from '../http';
import {
  FakeDashboard,
  FakeFolder,
  FOLDERS,
  platformDashboards,
  slugify,
} from './dashboards';

/**
 * A fake Grafana with the part of its HTTP API the portal uses:
 *
 * - `GET /api/search` as Grafana answers it: `type` (`dash-db` or
 *   `dash-folder`), `tag` (repeated: every tag required), `query` (a
 *   case-insensitive part of the title), `folderUIDs`, `dashboardUIDs`,
 *   `limit` (default 1000, at most 5000) and `page` (from 1); hits sorted
 *   by title, each with `uid`, `title`, `uri`, `url` (`/d/<uid>/<slug>`,
 *   under `subPath` when set), `type`, `tags`, `isStarred` and its folder.
 * - `GET /api/health`, and a small HTML page at each dashboard's URL, so
 *   the portal's links open something.
 *
 * Requests need `Authorization: Bearer <token>` (401 `Unauthorized`
 * without one, `invalid API key` with another), unless `token` is null.
 */

/** A fault the next request(s) meet, first in first out. */
export type GrafanaFault =
  | { kind: 'internal-error' }
  | { kind: 'rate-limit'; retryAfterSeconds: number }
  | { kind: 'not-json' }
  | { kind: 'delay'; ms: number };

export interface GrafanaStats {
  searchCalls: number;
}

export interface FakeGrafana extends FakeServer {
  dashboards: FakeDashboard[];
  faults: GrafanaFault[];
  stats: GrafanaStats;
}

export interface FakeGrafanaOptions extends ServeOptions {
  /** The token searches need; null lets anonymous requests in. Default `fake-grafana-token`. */
  token?: string | null;
  /** The dashboards served; the example platform's by default. */
  dashboards?: FakeDashboard[];
  folders?: FakeFolder[];
  /** The path Grafana is served under (its `root_url`'s path), e.g. `/grafana`. */
  subPath?: string;
}

export const FAKE_GRAFANA_TOKEN = 'fake-grafana-token';
const MAX_LIMIT = 5000;

class GrafanaError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export async function startFakeGrafana(
  options: FakeGrafanaOptions = {},
): Promise<FakeGrafana> {
  const token =
    options.token === undefined ? FAKE_GRAFANA_TOKEN : options.token;
  const dashboards = options.dashboards ?? platformDashboards();
  const folders = options.folders ?? FOLDERS;
  const sub = (options.subPath ?? '').replace(/\/+$/, '');
  const faults: GrafanaFault[] = [];
  const stats: GrafanaStats = { searchCalls: 0 };
  const dashboardUrl = (d: FakeDashboard) =>
    `${sub}/d/${d.uid}/${slugify(d.title)}`;

  function authorize(req: RecordedRequest) {
    if (token === null) return;
    const header = String(req.headers.authorization ?? '');
    if (!header) throw new GrafanaError(401, 'Unauthorized');
    if (header !== `Bearer ${token}`) {
      throw new GrafanaError(401, 'invalid API key');
    }
  }

  function search(params: URLSearchParams) {
    const type = params.get('type');
    if (type !== null && type !== 'dash-db' && type !== 'dash-folder') {
      throw new GrafanaError(400, `invalid type: ${type}`);
    }
    const limitParam = params.get('limit');
    const limit = limitParam === null ? 1000 : Number(limitParam);
    if (!Number.isInteger(limit) || limit < 0) {
      throw new GrafanaError(400, 'limit must be a positive integer');
    }
    const pageParam = params.get('page');
    const page = pageParam === null ? 1 : Number(pageParam);
    if (!Number.isInteger(page) || page < 1) {
      throw new GrafanaError(400, 'page must be a positive integer');
    }
    const size = Math.min(limit === 0 ? 1000 : limit, MAX_LIMIT);
    const tags = params.getAll('tag');
    const text = (params.get('query') ?? '').toLowerCase();
    const folderUids = params.getAll('folderUIDs');
    const dashboardUids = params.getAll('dashboardUIDs');

    const hits: any[] = [];
    if (type !== 'dash-db' && tags.length === 0 && dashboardUids.length === 0) {
      for (const f of folders) {
        if (text && !f.title.toLowerCase().includes(text)) continue;
        hits.push({
          uid: f.uid,
          title: f.title,
          uri: `db/${slugify(f.title)}`,
          url: `${sub}/dashboards/f/${f.uid}/${slugify(f.title)}`,
          slug: '',
          type: 'dash-folder',
          tags: [],
          isStarred: false,
        });
      }
    }
    if (type !== 'dash-folder') {
      for (const d of dashboards) {
        if (!tags.every(t => d.tags.includes(t))) continue;
        if (text && !d.title.toLowerCase().includes(text)) continue;
        if (folderUids.length > 0 && !folderUids.includes(d.folderUid)) {
          continue;
        }
        if (dashboardUids.length > 0 && !dashboardUids.includes(d.uid)) {
          continue;
        }
        hits.push({
          uid: d.uid,
          title: d.title,
          uri: `db/${slugify(d.title)}`,
          url: dashboardUrl(d),
          slug: '',
          type: 'dash-db',
          tags: [...d.tags].sort(),
          isStarred: false,
          folderUid: d.folderUid,
          folderTitle: d.folderTitle,
          folderUrl: `${sub}/dashboards/f/${d.folderUid}/${slugify(
            d.folderTitle,
          )}`,
        });
      }
    }
    hits.sort((a, b) => a.title.localeCompare(b.title));
    return hits.slice((page - 1) * size, page * size);
  }

  function dashboardPage(path: string): string | undefined {
    const match = /^\/d\/([^/]+)(?:\/[^/]*)?$/.exec(path);
    const dashboard = match && dashboards.find(d => d.uid === match[1]);
    if (!dashboard) return undefined;
    const escape = (s: string) =>
      s.replace(/[&<>"]/g, c => `&#${c.charCodeAt(0)};`);
    return `<!doctype html><html lang="en"><head><title>${escape(
      dashboard.title,
    )} - Grafana (fake)</title></head><body><h1>${escape(
      dashboard.title,
    )}</h1><p>A fake Grafana dashboard for local development. Tags: ${escape(
      dashboard.tags.join(', '),
    )}.</p></body></html>`;
  }

  const handler = async (req: RecordedRequest, res: http.ServerResponse) => {
    const url = new URL(req.url, 'http://grafana.invalid');
    let path = url.pathname;
    if (sub && path.startsWith(`${sub}/`)) path = path.slice(sub.length);
    try {
      const fault = path.startsWith('/api/') ? faults.shift() : undefined;
      switch (fault?.kind) {
        case 'internal-error':
          throw new GrafanaError(500, 'Internal Server Error');
        case 'rate-limit':
          res.writeHead(429, {
            'Retry-After': String(fault.retryAfterSeconds),
            'Content-Type': 'text/plain',
          });
          res.end('Too Many Requests');
          return;
        case 'not-json':
          res.writeHead(200, { 'Content-Type': 'text/html' });
          res.end('<html><body>Sign in</body></html>');
          return;
        case 'delay':
          // Over early when the client gives up, so no timer outlives a test.
          await new Promise<void>(resolve => {
            const timer = setTimeout(resolve, fault.ms);
            res.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
          });
          if (res.destroyed) return;
          break;
        default:
          break;
      }
      if (req.method !== 'GET') {
        throw new GrafanaError(405, 'Method Not Allowed');
      }
      if (path === '/api/health') {
        sendJson(res, 200, {
          commit: 'fake',
          database: 'ok',
          version: '11.0.0',
        });
        return;
      }
      if (path === '/api/search') {
        authorize(req);
        stats.searchCalls += 1;
        sendJson(res, 200, search(url.searchParams));
        return;
      }
      const page = dashboardPage(path);
      if (page !== undefined) {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end(page);
        return;
      }
      throw new GrafanaError(404, 'Not found');
    } catch (error) {
      const e =
        error instanceof GrafanaError
          ? error
          : new GrafanaError(500, String(error));
      sendJson(res, e.status, { message: e.message });
    }
  };

  const server = await serve(handler, options);
  return Object.assign(server, { dashboards, faults, stats });
}
