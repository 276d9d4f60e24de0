/*
 * Entity page views through the real backend: `packages/backend` as users
 * run it (bench/backend.ts: token check, catalog, permissions, the ops plugin
 * with its PagerDuty and CloudWatch modules) against the fakes answering in
 * 150 ms, on SQLite and PostgreSQL. After the first refresh has stored the
 * entity's snapshots, drives `--views` views at concurrency 1 and at
 * `--concurrency` against each route of the entity page, plus the ops health
 * route and the catalog's entity-by-name as baselines, and prints per route:
 * backend CPU per view (process CPU time of the backend / views, the figure
 * that holds on a shared machine), p50/p95 at both concurrencies and the
 * upstream requests per view that the fakes counted (minus what the
 * background refresh sent in an idle window of the same length).
 *
 *   corepack yarn bench:views [--db sqlite,postgres] [--views 1000]
 *     [--concurrency 20] [--latency 150] [--entity component:default/payment-service]
 *     [--routes oncall,slos] [--port 7210] [--profile <dir>] [--json <file>]
 *     [--caches off]
 *
 * `--profile <dir>` runs the backend with --cpu-prof and writes the profile
 * of the whole run there (read it with the summary this script prints, or
 * in Chrome's DevTools).
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { RunningBackend, settledIdleRate, startBackend } from '../backend';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

const views = Number(arg('views', '1000'));
const concurrency = Number(arg('concurrency', '20'));
const latencyMs = Number(arg('latency', '150'));
const entityRef = arg('entity', 'component:default/payment-service');
const databases = arg('db', 'sqlite,postgres').split(',') as (
  | 'sqlite'
  | 'postgres'
)[];
const basePort = Number(arg('port', '7210'));
const profileDir = arg('profile', '');
const jsonOut = arg('json', '');
/** `--caches off`: the per-view caches disabled by configuration, for a before/after in one run. */
const cachesOff = arg('caches', 'on') === 'off';

const [kind, rest] = entityRef.split(':');
const [namespace, name] = rest.split('/');
const q = encodeURIComponent(entityRef);

/** The routes the entity page calls (plugins/ops/src/api/OpsClient.ts), and the baselines. */
const allRoutes: Record<string, string> = {
  health: '/api/ops/health',
  'catalog by-name': `/api/catalog/entities/by-name/${kind}/${namespace}/${name}`,
  oncall: `/api/ops/oncall/entity?entityRef=${q}`,
  incidents: `/api/ops/incidents/entity?entityRef=${q}`,
  slos: `/api/ops/slos/entity?entityRef=${q}`,
  capacity: `/api/ops/capacity/entity?entityRef=${q}&range=7d`,
  runbooks: `/api/ops/runbooks/entity?entityRef=${q}`,
  kpis: `/api/ops/kpis?scope=entity&entityRef=${q}&period=30d`,
};
const selected = arg('routes', Object.keys(allRoutes).join(',')).split(',');
const routes = Object.entries(allRoutes).filter(([n]) => selected.includes(n));

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function get(
  url: string,
  token: string,
): Promise<{ status: number; body: string; wireBytes: number }> {
  return new Promise((resolve, reject) => {
    http
      .get(
        url,
        {
          agent,
          // As a browser asks: compressed answers welcome.
          headers: {
            authorization: `Bearer ${token}`,
            'accept-encoding': 'gzip, deflate',
          },
        },
        res => {
          const chunks: Buffer[] = [];
          res.on('data', c => chunks.push(c));
          res.on('end', () => {
            const raw = Buffer.concat(chunks);
            const encoding = res.headers['content-encoding'];
            const body =
              encoding === 'gzip'
                ? zlib.gunzipSync(raw)
                : encoding === 'deflate'
                ? zlib.inflateSync(raw)
                : raw;
            resolve({
              status: res.statusCode ?? 0,
              body: body.toString('utf8'),
              wireBytes: raw.length,
            });
          });
        },
      )
      .on('error', reject);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

/** `count` GETs of `url` by `workers` clients; latencies in ms. */
async function drive(
  backend: RunningBackend,
  url: string,
  count: number,
  workers: number,
): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  let failure: string | undefined;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < count && !failure) {
        next += 1;
        const t0 = process.hrtime.bigint();
        const res = await get(url, backend.token);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (res.status !== 200) {
          failure = `${res.status} ${res.body.slice(0, 300)}`;
        }
      }
    }),
  );
  if (failure) throw new Error(`${url}: ${failure}`);
  return latencies.sort((a, b) => a - b);
}

async function waitForData(backend: RunningBackend, route: string) {
  const deadline = Date.now() + 300_000;
  let last = '';
  while (Date.now() < deadline) {
    const res = await get(`${backend.baseUrl}${route}`, backend.token);
    // A snapshot route answers with its fetchedAt once the refresh stored data.
    if (res.status === 200 && !/"fetchedAt":\s*null/.test(res.body)) return;
    last = `${res.status} ${res.body.slice(0, 200)}`;
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(`${route} has no data after 300 s: ${last}`);
}

interface RouteResult {
  route: string;
  cpuMsPerView: number;
  p50c1: number;
  p95c1: number;
  p50cN: number;
  p95cN: number;
  upstreamPerView: number;
  bytes: number;
  wireBytes: number;
}

async function idleRate(backend: RunningBackend, ms: number) {
  const cpu0 = backend.cpuMs();
  const up0 = (await backend.upstreamStats()).total;
  await new Promise(r => setTimeout(r, ms));
  return {
    cpuMsPerSecond: ((backend.cpuMs() - cpu0) / ms) * 1000,
    upstreamPerSecond:
      (((await backend.upstreamStats()).total - up0) / ms) * 1000,
  };
}

async function runDatabase(database: 'sqlite' | 'postgres', port: number) {
  const started = Date.now();
  const backend = await startBackend({
    database,
    port,
    latencyMs,
    config: cachesOff
      ? { ops: { viewCache: { entityTtlSeconds: 0, snapshotRevalidateMs: 0 } } }
      : {},
    nodeArgs: profileDir
      ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profileDir)}`]
      : [],
  });
  const results: RouteResult[] = [];
  try {
    process.stdout.write(
      `\n== ${database}: backend up in ${(
        (Date.now() - started) /
        1000
      ).toFixed(0)} s (pid ${backend.pid}, log ${backend.logFile})\n`,
    );
    for (const [, route] of routes) await waitForData(backend, route);
    process.stdout.write(
      `   data for every route after ${((Date.now() - started) / 1000).toFixed(
        0,
      )} s; RSS ${backend.rssMiB().toFixed(0)} MiB\n`,
    );
    // Let the start-up refreshes finish (measured during them, the
    // latencies would be theirs), then measure what runs without views.
    await settledIdleRate(() => backend.cpuMs());
    const idle = await idleRate(backend, 10_000);
    process.stdout.write(
      `   idle: ${idle.cpuMsPerSecond.toFixed(
        1,
      )} ms CPU/s, ${idle.upstreamPerSecond.toFixed(2)} upstream req/s\n`,
    );
    process.stdout.write(
      `   ${'route'.padEnd(16)} ${'CPU/view'.padStart(9)} ${'p50 c1'.padStart(
        7,
      )} ${'p95 c1'.padStart(7)} ${`p50 c${concurrency}`.padStart(
        8,
      )} ${`p95 c${concurrency}`.padStart(8)} ${'up/view'.padStart(
        8,
      )} ${'bytes'.padStart(7)} ${'on wire'.padStart(7)}\n`,
    );
    for (const [routeName, route] of routes) {
      const url = `${backend.baseUrl}${route}`;
      const sample = await get(url, backend.token);
      // Warm-up: code paths compiled, connections open.
      await drive(backend, url, 50, concurrency);
      const up0 = (await backend.upstreamStats()).total;
      const cpu0 = backend.cpuMs();
      const t0 = Date.now();
      const c1 = await drive(backend, url, views, 1);
      const cN = await drive(backend, url, views, concurrency);
      const cpu = backend.cpuMs() - cpu0;
      const elapsedS = (Date.now() - t0) / 1000;
      const up = (await backend.upstreamStats()).total - up0;
      const result: RouteResult = {
        route: routeName,
        cpuMsPerView: (cpu - idle.cpuMsPerSecond * elapsedS) / (2 * views),
        p50c1: percentile(c1, 50),
        p95c1: percentile(c1, 95),
        p50cN: percentile(cN, 50),
        p95cN: percentile(cN, 95),
        upstreamPerView: Math.max(
          0,
          (up - idle.upstreamPerSecond * elapsedS) / (2 * views),
        ),
        bytes: sample.body.length,
        wireBytes: sample.wireBytes,
      };
      results.push(result);
      process.stdout.write(
        `   ${routeName.padEnd(16)} ${result.cpuMsPerView
          .toFixed(2)
          .padStart(6)} ms ${result.p50c1.toFixed(1).padStart(7)} ${result.p95c1
          .toFixed(1)
          .padStart(7)} ${result.p50cN.toFixed(1).padStart(8)} ${result.p95cN
          .toFixed(1)
          .padStart(8)} ${result.upstreamPerView
          .toFixed(3)
          .padStart(8)} ${String(result.bytes).padStart(7)} ${String(
          result.wireBytes,
        ).padStart(7)}\n`,
      );
    }
    process.stdout.write(
      `   backend RSS now ${backend.rssMiB().toFixed(0)} MiB, peak ${backend
        .peakRssMiB()
        .toFixed(0)} MiB\n`,
    );
  } finally {
    await backend.stop();
  }
  return { database, results };
}

async function main() {
  const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ');
  process.stdout.write(
    `bench:views ${new Date().toISOString()} entity ${entityRef}, ${views} views per concurrency, c=1 and c=${concurrency}, fakes at ${latencyMs} ms, per-view caches ${
      cachesOff ? 'off' : 'on'
    }; load average ${load.slice(0, 3).join(' ')}\n`,
  );
  const all = [];
  for (const [i, database] of databases.entries()) {
    all.push(await runDatabase(database, basePort + i * 10));
  }
  const after = fs.readFileSync('/proc/loadavg', 'utf8').split(' ');
  process.stdout.write(`\nload average after ${after.slice(0, 3).join(' ')}\n`);
  process.stdout.write(
    'targets: CPU per cached view <= 1.5 ms; on-call p95 <= 20 ms at c=20; 0 upstream requests per cached view\n',
  );
  for (const { database, results } of all) {
    for (const r of results) {
      if (r.route === 'health' || r.route === 'catalog by-name') continue;
      const misses = [
        r.cpuMsPerView > 1.5 ? `CPU ${r.cpuMsPerView.toFixed(2)} ms` : '',
        r.route === 'oncall' && r.p95cN > 20
          ? `p95 ${r.p95cN.toFixed(1)} ms`
          : '',
        r.upstreamPerView > 0.001
          ? `${r.upstreamPerView.toFixed(3)} upstream/view`
          : '',
      ].filter(Boolean);
      if (misses.length > 0) {
        process.stdout.write(
          `  MISSED ${database} ${r.route}: ${misses.join(', ')}\n`,
        );
      }
    }
  }
  if (jsonOut) {
    fs.writeFileSync(
      jsonOut,
      JSON.stringify({ date: new Date().toISOString(), load, all }, null, 2),
    );
  }
  agent.destroy();
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
