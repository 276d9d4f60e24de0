/*
 * Change-request benchmark: 100,000 change requests on PostgreSQL, served by
 * the real ops backend plugin (routes, schemas, permission checks, service,
 * knex store) over HTTP, with 20 concurrent clients:
 *
 *   - list: GET /change-requests filtered by one entity and one or two
 *     statuses, 50 a page (every fourth request follows the cursor to page 2)
 *   - create: POST /change-requests (a normal change on one or two entities)
 *
 *   corepack yarn bench:changes [--changes 100000] [--clients 20]
 *     [--requests 4000] [--creates 2000]
 *
 * PostgreSQL comes from BENCH_POSTGRES_URL (default
 * postgresql://postgres@127.0.0.1:5432); a scratch database is created and
 * dropped afterwards. Prints p50/p95/p99 latency and throughput against the
 * issue's targets (p95 < 50 ms list, < 30 ms create).
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

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const CHANGES = arg('changes', 100_000);
const CLIENTS = arg('clients', 20);
const LIST_REQUESTS = arg('requests', 4000);
const CREATE_REQUESTS = arg('creates', 2000);
const ENTITIES = 60;
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

const entityRef = (i: number) => `component:default/svc-${i}`;

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
  const now = Date.now();
  const twoYears = 730 * 24 * 3600_000;
  const batch = 1000;
  for (let offset = 0; offset < CHANGES; offset += batch) {
    const changes = [];
    const links = [];
    const history = [];
    for (let i = offset; i < Math.min(CHANGES, offset + batch); i++) {
      const id = i + 1;
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
      const first = Math.floor(rnd() * ENTITIES);
      links.push({ change_id: id, entity_ref: entityRef(first), status });
      if (rnd() < 0.3) {
        links.push({
          change_id: id,
          entity_ref: entityRef(
            (first + 1 + Math.floor(rnd() * (ENTITIES - 1))) % ENTITIES,
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

async function main() {
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
    const seeded = performance.now();
    await seed(knex);
    console.log(
      `Seeded ${CHANGES} change requests (${ENTITIES} entities, 3 history rows each) in ${(
        (performance.now() - seeded) /
        1000
      ).toFixed(1)} s`,
    );

    const entities: Entity[] = Array.from({ length: ENTITIES }, (_, i) => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: `svc-${i}`, namespace: 'default' },
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
    const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
    const auth = mockCredentials.user.header('user:default/bench');

    const call = (method: string, path: string, body?: unknown) =>
      new Promise<{ status: number; json: any }>((resolve, reject) => {
        const data = body ? JSON.stringify(body) : undefined;
        const req = http.request(
          {
            host: '127.0.0.1',
            port,
            path: `/api/ops${path}`,
            method,
            agent,
            headers: {
              authorization: auth,
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
      });

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

    // Warm up the pool, the JIT and PostgreSQL's caches.
    await load(
      'warm-up',
      200,
      async () => (await call('GET', listPath())).status,
    );

    const list = await load(
      'list (entity + status, 50 a page)',
      LIST_REQUESTS,
      async () => (await call('GET', listPath())).status,
    );

    // Page 2: the cursors come from first pages fetched beforehand.
    const secondPages: string[] = [];
    for (
      let tries = 0;
      secondPages.length < LIST_REQUESTS / 4 && tries < LIST_REQUESTS * 4;
      tries++
    ) {
      const path = listPath();
      const first = await call('GET', path);
      if (first.json?.nextCursor) {
        secondPages.push(
          `${path}&cursor=${encodeURIComponent(first.json.nextCursor)}`,
        );
      }
    }
    const listPaged = await load(
      'list, page 2 by cursor',
      secondPages.length,
      async i => (await call('GET', secondPages[i])).status,
    );
    const base = Date.now() + 30 * 24 * 3600_000;
    const create = await load(
      'create (normal change, draft)',
      CREATE_REQUESTS,
      async i =>
        (
          await call('POST', '/change-requests', {
            title: `Benchmark change ${i}`,
            description: 'Created by the benchmark.',
            category: 'normal',
            risk: 'medium',
            entityRefs:
              i % 3 === 0
                ? [entityRef(i % ENTITIES), entityRef((i + 1) % ENTITIES)]
                : [entityRef(i % ENTITIES)],
            plannedStart: new Date(base + i * 60_000).toISOString(),
            plannedEnd: new Date(base + i * 60_000 + 3600_000).toISOString(),
            implementationPlan: 'Deploy.',
            rollbackPlan: 'Roll back.',
            testPlan: 'Smoke test.',
          })
        ).status,
    );

    const plan = await knex.raw(
      `EXPLAIN (ANALYZE, BUFFERS OFF, TIMING OFF, SUMMARY ON)
       SELECT id FROM ops_change_requests
       WHERE id IN (SELECT change_id FROM ops_change_request_entities
                    WHERE entity_ref = 'component:default/svc-7' AND status IN ('submitted', 'approved'))
         AND status IN ('submitted', 'approved')
       ORDER BY created_at DESC, id DESC LIMIT 51`,
    );

    const fmt = (n: number) => n.toFixed(1);
    console.log(
      `\nMachine: ${os.cpus().length} × ${
        os.cpus()[0]?.model ?? 'cpu'
      }, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${
        process.version
      }, PostgreSQL ${
        (await knex.raw('SHOW server_version')).rows[0].server_version
      }; ${CHANGES} change requests, ${CLIENTS} concurrent clients\n`,
    );
    console.log(
      '| Scenario | Requests | Errors | p50 ms | p95 ms | p99 ms | max ms | req/s | Target p95 |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const [r, target] of [
      [list, 50],
      [listPaged, 50],
      [create, 30],
    ] as const) {
      if (r.requests === 0) continue;
      console.log(
        `| ${r.name} | ${r.requests} | ${r.errors} | ${fmt(r.p50)} | ${fmt(
          r.p95,
        )} | ${fmt(r.p99)} | ${fmt(r.max)} | ${r.perSecond.toFixed(
          0,
        )} | < ${target} ms: ${r.p95 < target ? 'met' : 'NOT met'} |`,
      );
    }
    console.log('\nList query plan (PostgreSQL):');
    for (const row of plan.rows) console.log(`  ${row['QUERY PLAN']}`);

    agent.destroy();
    await backend.stop();
  } finally {
    await knex.destroy();
    await admin.raw(`DROP DATABASE IF EXISTS ${dbName}`);
    await admin.destroy();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
