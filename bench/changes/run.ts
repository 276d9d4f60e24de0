/*
 * Change-request benchmark: 100,000 change requests on PostgreSQL with 20
 * concurrent clients, by default through packages/backend as users run it
 * (bench/backend.ts: a child process with auth, the catalog of examples/,
 * the permission backend with the portal's policy, the ops plugin; the
 * guest's token), seeded into its database after its start-up:
 *
 *   - list: GET /change-requests filtered by one entity and one or two
 *     statuses, 50 a page (every fourth request follows the cursor to page 2)
 *   - create: POST /change-requests (a normal change on one or two of the
 *     catalog's components)
 *
 *   corepack yarn bench:changes [--changes 100000] [--clients 20]
 *     [--requests 4000] [--creates 2000] [--port 7500] [--plugin]
 *     [--decision-ttl <seconds>]
 *
 * --plugin runs the plugin alone in this process (startTestBackend, mock
 * auth, catalog and permissions), as the first version of this benchmark
 * did: the difference is what the rest of the backend adds.
 * PostgreSQL comes from BENCH_POSTGRES_URL (default
 * postgresql://postgres@127.0.0.1:5432); scratch databases are dropped
 * afterwards. BENCH_BACKEND_NODE_ARGS passes node options to the backend
 * (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"). Prints p50/p95/p99 latency,
 * throughput and the backend process's CPU per request (net of its idle
 * rate, measured for 5 s before the load) against the issue's targets (p95
 * < 50 ms list, < 30 ms create).
 */
import os from 'node:os';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import knexFactory, { Knex } from 'knex';
import opsPlugin from '../../plugins/ops-backend/src';
import { applyDatabaseMigrations } from '../../plugins/ops-backend/src/database/migrations';
import { settledIdleRate, startBackend } from '../backend';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const CHANGES = arg('changes', 100_000);
const CLIENTS = arg('clients', 20);
const LIST_REQUESTS = arg('requests', 4000);
const CREATE_REQUESTS = arg('creates', 2000);
const ENTITIES = 60;
const PORT = arg('port', 7500);
/** ops.changes.decisionTtlSeconds for the backend (its default when absent). */
const DECISION_TTL = process.argv.includes('--decision-ttl')
  ? arg('decision-ttl', 10)
  : undefined;
const PG = (
  process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432'
).replace(/\/$/, '');

/** A small deterministic generator (mulberry32). */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Components of examples/ (the real backend's catalog) come first. */
const CATALOG_COMPONENTS = [
  'customer-service',
  'order-service',
  'payment-service',
  'product-service',
  'search-service',
  'storefront',
];
const CATALOG_ENTITIES = CATALOG_COMPONENTS.length;
const entityRef = (i: number) =>
  `component:default/${CATALOG_COMPONENTS[i] ?? `svc-${i}`}`;

/** Statuses with the weights of a store that has run for two years. */
const STATUS_WEIGHTS: Array<[string, number, string | null]> = [
  ['completed', 70, 'successful'],
  ['failed', 2, 'failed'],
  ['rolled-back', 2, 'rolled-back'],
  ['reviewed', 3, 'successful'],
  ['cancelled', 6, null],
  ['rejected', 3, null],
  ['draft', 4, null],
  ['submitted', 4, null],
  ['approved', 4, null],
  ['in-progress', 1, null],
  ['review-pending', 1, 'successful'],
];

function pickStatus(r: number): [string, string | null] {
  const total = STATUS_WEIGHTS.reduce((s, [, w]) => s + w, 0);
  let x = r * total;
  for (const [status, weight, outcome] of STATUS_WEIGHTS) {
    if ((x -= weight) < 0) return [status, outcome];
  }
  return ['completed', 'successful'];
}

async function seed(knex: Knex) {
  const rnd = random(42);
  // After what is there (the development backend's example history).
  const [{ max }] = await knex('ops_change_requests').max('id as max');
  const first = Number(max ?? 0);
  const now = Date.now();
  const twoYears = 730 * 24 * 3600_000;
  const batch = 1000;
  for (let offset = 0; offset < CHANGES; offset += batch) {
    const changes = [];
    const links = [];
    const history = [];
    for (let i = offset; i < Math.min(CHANGES, offset + batch); i++) {
      const id = first + i + 1;
      const created = new Date(now - twoYears + (twoYears * i) / CHANGES);
      const start = new Date(
        created.getTime() + (1 + rnd() * 20) * 24 * 3600_000,
      );
      const end = new Date(start.getTime() + 3600_000);
      const [status, outcome] = pickStatus(rnd());
      const category = (['standard', 'normal', 'normal', 'emergency'] as const)[
        Math.floor(rnd() * 4)
      ];
      changes.push({
        id,
        uid: `bench-${id}`,
        title: `Change ${id}`,
        description: 'Seeded by the benchmark.',
        category,
        risk: (['low', 'medium', 'high'] as const)[Math.floor(rnd() * 3)],
        standard_type: category === 'standard' ? 'routine-deployment' : null,
        justification: null,
        planned_start: start,
        planned_end: end,
        implementation_plan: 'Deploy.',
        rollback_plan: 'Roll back.',
        test_plan: 'Smoke test.',
        requester: `user:default/user-${Math.floor(rnd() * 40)}`,
        status,
        outcome,
        version: 3,
        created_at: created,
        updated_at: created,
        submitted_at: created,
        started_at: outcome ? start : null,
        finished_at: outcome ? end : null,
      });
      const one = Math.floor(rnd() * ENTITIES);
      links.push({ change_id: id, entity_ref: entityRef(one), status });
      if (rnd() < 0.3) {
        links.push({
          change_id: id,
          entity_ref: entityRef(
            (one + 1 + Math.floor(rnd() * (ENTITIES - 1))) % ENTITIES,
          ),
          status,
        });
      }
      for (let v = 1; v <= 3; v++) {
        history.push({
          change_id: id,
          version: v,
          actor: 'user:default/seed',
          at: created,
          action: v === 1 ? 'create' : 'edit',
          from_status: v === 1 ? null : 'draft',
          to_status: v === 3 ? status : 'draft',
          comment: null,
        });
      }
    }
    await knex('ops_change_requests').insert(changes);
    await knex('ops_change_request_entities').insert(links);
    await knex('ops_change_request_history').insert(history);
  }
  await knex.raw(
    `SELECT setval(pg_get_serial_sequence('ops_change_requests', 'id'), (SELECT max(id) FROM ops_change_requests))`,
  );
  await knex.raw(
    `SELECT setval(pg_get_serial_sequence('ops_change_request_history', 'id'), (SELECT max(id) FROM ops_change_request_history))`,
  );
  await knex.raw('ANALYZE');
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

interface Result {
  name: string;
  requests: number;
  errors: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  perSecond: number;
}

async function load(
  name: string,
  total: number,
  request: (i: number) => Promise<number>,
): Promise<Result> {
  const times: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        const status = await request(i);
        times.push(performance.now() - t0);
        if (status >= 400) errors++;
      }
    }),
  );
  const wall = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  if (times.length === 0) times.push(0);
  return {
    name,
    requests: total,
    errors,
    p50: percentile(times, 0.5),
    p95: percentile(times, 0.95),
    p99: percentile(times, 0.99),
    max: times[times.length - 1],
    perSecond: total / wall,
  };
}

/** What the load needs from the backend under test. */
interface Target {
  call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: any }>;
  /** CPU time of the serving process so far, ms (undefined: not separable). */
  cpuMs(): number | undefined;
}

function httpTarget(
  baseUrl: string,
  authorization: string,
  cpuMs: () => number | undefined,
): Target & { close(): void } {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  return {
    cpuMs,
    close: () => agent.destroy(),
    call: (method, path, body) =>
      new Promise((resolve, reject) => {
        const data = body ? JSON.stringify(body) : undefined;
        const req = http.request(
          {
            host: url.hostname,
            port: url.port,
            path: `/api/ops${path}`,
            method,
            agent,
            headers: {
              authorization,
              ...(data && {
                'content-type': 'application/json',
                'content-length': Buffer.byteLength(data),
              }),
            },
          },
          res => {
            const chunks: Buffer[] = [];
            res.on('data', c => chunks.push(c));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                json: JSON.parse(Buffer.concat(chunks).toString() || 'null'),
              }),
            );
          },
        );
        req.on('error', reject);
        req.end(data);
      }),
  };
}

interface Measured extends Result {
  /** Serving process CPU per request, ms, net of its idle rate. */
  cpuPerRequest?: number;
}

async function scenarios(
  target: Target,
  idleCpuPerMs: number,
): Promise<Measured[]> {
  const measured = async (
    name: string,
    total: number,
    request: (i: number) => Promise<number>,
  ): Promise<Measured> => {
    const cpu0 = target.cpuMs();
    const t0 = performance.now();
    const r = await load(name, total, request);
    const cpu1 = target.cpuMs();
    const wall = performance.now() - t0;
    return {
      ...r,
      ...(cpu0 !== undefined &&
        cpu1 !== undefined &&
        total > 0 && {
          cpuPerRequest: (cpu1 - cpu0 - idleCpuPerMs * wall) / total,
        }),
    };
  };
  const rnd = random(7);
  const statusSets = [
    'submitted',
    'approved',
    'completed',
    'submitted,approved',
    'in-progress,approved',
  ];
  const listPath = () =>
    `/change-requests?entityRef=${encodeURIComponent(
      entityRef(Math.floor(rnd() * ENTITIES)),
    )}&status=${statusSets[Math.floor(rnd() * statusSets.length)]}&limit=50`;
  const list = async () => {
    const res = await target.call('GET', listPath());
    if (res.status !== 200 && !listFailureShown) {
      listFailureShown = true;
      console.error(`list answered ${res.status}: ${JSON.stringify(res.json)}`);
    }
    return res.status;
  };
  let listFailureShown = false;

  // Warm up the pool, the JIT and PostgreSQL's caches.
  await load('warm-up', 300, list);

  const listResult = await measured(
    'list (entity + status, 50 a page)',
    LIST_REQUESTS,
    list,
  );

  // Page 2: the cursors come from first pages fetched beforehand.
  const secondPages: string[] = [];
  for (
    let tries = 0;
    secondPages.length < LIST_REQUESTS / 4 && tries < LIST_REQUESTS * 4;
    tries++
  ) {
    const path = listPath();
    const first = await target.call('GET', path);
    if (first.json?.nextCursor) {
      secondPages.push(
        `${path}&cursor=${encodeURIComponent(first.json.nextCursor)}`,
      );
    }
  }
  const listPaged = await measured(
    'list, page 2 by cursor',
    secondPages.length,
    async i => (await target.call('GET', secondPages[i])).status,
  );
  const base = Date.now() + 30 * 24 * 3600_000;
  let createFailureShown = false;
  const create = await measured(
    'create (normal change, draft)',
    CREATE_REQUESTS,
    async i => {
      const res = await target.call('POST', '/change-requests', {
        title: `Benchmark change ${i}`,
        description: 'Created by the benchmark.',
        category: 'normal',
        risk: 'medium',
        // The entities the catalog holds (create checks that they exist).
        entityRefs:
          i % 3 === 0
            ? [
                entityRef(i % CATALOG_ENTITIES),
                entityRef((i + 1) % CATALOG_ENTITIES),
              ]
            : [entityRef(i % CATALOG_ENTITIES)],
        plannedStart: new Date(base + i * 60_000).toISOString(),
        plannedEnd: new Date(base + i * 60_000 + 3600_000).toISOString(),
        implementationPlan: 'Deploy.',
        rollbackPlan: 'Roll back.',
        testPlan: 'Smoke test.',
      });
      if (res.status !== 201 && !createFailureShown) {
        createFailureShown = true;
        console.error(
          `create answered ${res.status}: ${JSON.stringify(res.json)}`,
        );
      }
      return res.status;
    },
  );
  return [listResult, listPaged, create];
}

/** The serving process's CPU rate while idle (background tasks), ms per ms. */
async function explain(knex: Knex): Promise<string[]> {
  const plan = await knex.raw(
    `EXPLAIN (ANALYZE, BUFFERS OFF, TIMING OFF, SUMMARY ON)
     SELECT id FROM ops_change_requests
     WHERE id IN (SELECT change_id FROM ops_change_request_entities
                  WHERE entity_ref = '${entityRef(
                    7,
                  )}' AND status IN ('submitted', 'approved'))
       AND status IN ('submitted', 'approved')
     ORDER BY created_at DESC, id DESC LIMIT 51`,
  );
  return plan.rows.map((row: any) => row['QUERY PLAN']);
}

/** The plugin alone in this process (startTestBackend), as before. */
async function runPlugin(): Promise<{
  results: Measured[];
  plan: string[];
  pg: string;
}> {
  const dbName = `ops_bench_changes_${Date.now()}`;
  const admin = knexFactory({ client: 'pg', connection: `${PG}/postgres` });
  await admin.raw(`CREATE DATABASE ${dbName}`);
  const knex = knexFactory({
    client: 'pg',
    connection: `${PG}/${dbName}`,
    pool: { min: 0, max: 10 },
  });
  try {
    await applyDatabaseMigrations(knex);
    await timedSeed(knex);
    const entities: Entity[] = Array.from({ length: ENTITIES }, (_, i) => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: entityRef(i).split('/')[1], namespace: 'default' },
      spec: { type: 'service', owner: 'group:default/team' },
    }));
    const backend = await startTestBackend({
      features: [
        opsPlugin,
        catalogServiceMock.factory({ entities }),
        mockServices.database.factory({ knex, migrations: { skip: true } }),
        mockServices.rootLogger.factory({ level: 'warn' }),
        mockServices.rootConfig.factory({
          data: { backend: { baseUrl: 'http://localhost:0' } },
        }),
      ],
    });
    const { port } = backend.server.address() as AddressInfo;
    // Clients and server share this process: its CPU is not the server's.
    const target = httpTarget(
      `http://127.0.0.1:${port}`,
      mockCredentials.user.header('user:default/bench'),
      () => undefined,
    );
    try {
      const results = await scenarios(target, 0);
      return { results, plan: await explain(knex), pg: await pgVersion(knex) };
    } finally {
      target.close();
      await backend.stop();
    }
  } finally {
    await knex.destroy();
    await admin.raw(`DROP DATABASE IF EXISTS ${dbName}`);
    await admin.destroy();
  }
}

/**
 * packages/backend in a child process (bench/backend.ts): the user's token
 * checked by auth, the permission backend with the portal's policy, the
 * catalog of examples/; the change requests seeded into its database.
 */
async function runBackend(): Promise<{
  results: Measured[];
  plan: string[];
  pg: string;
  idle: number;
}> {
  const pgUrl = new URL(PG);
  const postgres = {
    host: pgUrl.hostname,
    port: Number(pgUrl.port || 5432),
    user: decodeURIComponent(pgUrl.username || 'postgres'),
    ...(pgUrl.password && { password: decodeURIComponent(pgUrl.password) }),
  };
  const backend = await startBackend({
    database: 'postgres',
    port: PORT,
    postgres,
    nodeArgs: process.env.BENCH_BACKEND_NODE_ARGS?.split(' ').filter(Boolean),
    ...(DECISION_TTL !== undefined && {
      config: { ops: { changes: { decisionTtlSeconds: DECISION_TTL } } },
    }),
  });
  const knex = knexFactory({
    client: 'pg',
    connection: { ...postgres, database: `bench_${PORT}_ops` },
    pool: { min: 0, max: 4 },
  });
  try {
    await exampleHistoryWritten(knex);
    await timedSeed(knex);
    const target = httpTarget(backend.baseUrl, `Bearer ${backend.token}`, () =>
      backend.cpuMs(),
    );
    try {
      const idle = await settledIdleRate(() => backend.cpuMs());
      const results = await scenarios(target, idle);
      return {
        results,
        plan: await explain(knex),
        pg: await pgVersion(knex),
        idle,
      };
    } finally {
      target.close();
    }
  } finally {
    await knex.destroy();
    await backend.stop();
  }
}

/**
 * The development backend writes an example change history at start-up
 * (packages/backend's exampleChangeHistory); the seed goes after it.
 */
async function exampleHistoryWritten(knex: Knex): Promise<void> {
  let last = -1;
  let stableFor = 0;
  while (stableFor < 3) {
    const [{ count }] = await knex('ops_change_requests').count('* as count');
    const n = Number(count);
    stableFor = n > 0 && n === last ? stableFor + 1 : 0;
    last = n;
    await new Promise(r => setTimeout(r, 1000));
  }
}

async function pgVersion(knex: Knex): Promise<string> {
  return (await knex.raw('SHOW server_version')).rows[0].server_version;
}

async function timedSeed(knex: Knex) {
  const t0 = performance.now();
  await seed(knex);
  console.log(
    `Seeded ${CHANGES} change requests (${ENTITIES} entities, 3 history rows each) in ${(
      (performance.now() - t0) /
      1000
    ).toFixed(1)} s`,
  );
}

async function main() {
  const mode = process.argv.includes('--plugin') ? 'plugin' : 'backend';
  const load0 = os.loadavg();
  const started = new Date();
  const run = mode === 'plugin' ? await runPlugin() : await runBackend();
  const load1 = os.loadavg();
  const fmt = (n: number) => n.toFixed(1);
  console.log(
    `\n${started.toISOString()}; machine: ${os.cpus().length} × ${
      os.cpus()[0]?.model ?? 'cpu'
    }, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${
      process.version
    }, PostgreSQL ${run.pg}; load average ${load0
      .map(l => l.toFixed(2))
      .join(' ')} before, ${load1
      .map(l => l.toFixed(2))
      .join(
        ' ',
      )} after; ${CHANGES} change requests, ${CLIENTS} concurrent clients; ${
      mode === 'plugin'
        ? 'the plugin alone (startTestBackend), clients in the same process'
        : `packages/backend in a child process (CPU per request net of its idle rate, ${fmt(
            ('idle' in run ? run.idle : 0) * 1000,
          )} ms/s); ops.changes.decisionTtlSeconds ${
            DECISION_TTL ?? '10 (default)'
          }`
    }\n`,
  );
  console.log(
    '| Scenario | Requests | Errors | p50 ms | p95 ms | p99 ms | max ms | req/s | backend CPU ms/request | Target p95 |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  const [list, listPaged, create] = run.results;
  for (const [r, target] of [
    [list, 50],
    [listPaged, 50],
    [create, 30],
  ] as const) {
    if (r.requests === 0) continue;
    console.log(
      `| ${r.name} | ${r.requests} | ${r.errors} | ${fmt(r.p50)} | ${fmt(
        r.p95,
      )} | ${fmt(r.p99)} | ${fmt(r.max)} | ${r.perSecond.toFixed(0)} | ${
        r.cpuPerRequest === undefined ? '–' : r.cpuPerRequest.toFixed(2)
      } | < ${target} ms: ${r.p95 < target ? 'met' : 'NOT met'} |`,
    );
  }
  console.log('\nList query plan (PostgreSQL):');
  for (const line of run.plan) console.log(`  ${line}`);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
