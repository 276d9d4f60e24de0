/*
 * Two backend replicas sharing one PostgreSQL database: each replica is the
 * ops plugin and the CloudWatch module started with startTestBackend in its
 * own process (replica.ts), with Backstage's real scheduler, database and
 * cache (Redis) services; the fake CloudWatch in a third process. The
 * refreshes are sharded (`ops.refresh.shards`): each shard is a global
 * scheduler task that one of the two replicas claims.
 *
 *   corepack yarn bench:replicas [--capacity 200] [--slo 1000] [--shards 8]
 *     [--interval 6] [--slo-interval <min>] [--capacity-interval <min>]
 *     [--batch 10] [--delay 60] [--minutes <n>] [--replica-heap <MiB>]
 *     [--snapshot-at <MiB>]
 *
 * --capacity services with capacity annotations (8 metrics x 90 days each),
 * --slo services with 3 SLOs each, --interval the minutes between two
 * refreshes of each feature (the shards' first runs are spread over it), or
 * one per feature (`--slo-interval 10 --capacity-interval 60` are the
 * defaults of app-config.yaml). Waits until every capacity and SLO snapshot
 * was written after the start (the SLO services, having ALB annotations,
 * are capacity targets too), watching meanwhile that no SLO snapshot grows
 * older than its interval once the first pass is done, then prints per
 * replica: CPU, peak RSS, outgoing requests (to CloudWatch),
 * shards run, and the monthly CloudWatch cost at the default intervals.
 * --minutes stops the wait after that many minutes from the first due
 * shard; --replica-heap runs the replicas with `--max-old-space-size`;
 * --snapshot-at writes one heap snapshot of a replica the first time its
 * RSS passes that many MiB (into BENCH_HEAP_SNAPSHOT_DIR, default the
 * working directory; see bench/heap-summary.ts).
 * PostgreSQL from BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432),
 * Redis from BENCH_REDIS_URL (default redis://127.0.0.1:6379); the scratch
 * databases are dropped afterwards.
 */
import os from 'node:os';
import path from 'node:path';
import { spawn, ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import knexFactory from 'knex';
import { startFakeProcess } from '../lib';
import { ReplicaOptions } from './entities';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const PG = (
  process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432'
).replace(/\/$/, '');
const REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PRICE_PER_METRIC = 0.01 / 1000;
const snapshotAtBytes = arg('snapshot-at', 0) * 2 ** 20;

interface Replica {
  name: string;
  child: ChildProcess;
  stats: {
    rss: number;
    heapUsed: number;
    external: number;
    cpuMs: number;
    requests: number;
  };
  peakRss: number;
  peakHeap: number;
  peakExternal: number;
  snapshot?: string;
  ready: Promise<void>;
  log: string[];
}

function startReplica(
  options: ReplicaOptions,
  nodeFlags: string[] = [],
): Replica {
  const child = spawn(
    process.execPath,
    [
      ...nodeFlags,
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      path.join(__dirname, 'replica.ts'),
      JSON.stringify(options),
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: 'bench',
        AWS_SECRET_ACCESS_KEY: 'bench',
        NODE_ENV: 'production',
      },
    },
  );
  process.on('exit', () => child.kill('SIGTERM'));
  const replica: Replica = {
    name: options.name,
    child,
    stats: { rss: 0, heapUsed: 0, external: 0, cpuMs: 0, requests: 0 },
    peakRss: 0,
    peakHeap: 0,
    peakExternal: 0,
    log: [],
    ready: undefined as any,
  };
  replica.ready = new Promise((resolve, reject) => {
    let buffer = '';
    // BENCH_REPLICA_LOG=<dir>: each replica's output (at info) in <dir>/<name>.log.
    const logDir = process.env.BENCH_REPLICA_LOG;
    if (logDir) {
      const file = createWriteStream(path.join(logDir, `${options.name}.log`));
      child.stdout!.pipe(file);
      child.stderr!.pipe(file);
    }
    child.stdout!.on('data', chunk => {
      buffer += chunk;
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line === 'ready') resolve();
        else if (line.startsWith('stats ')) {
          replica.stats = JSON.parse(line.slice(6));
          replica.peakRss = Math.max(replica.peakRss, replica.stats.rss);
          replica.peakHeap = Math.max(replica.peakHeap, replica.stats.heapUsed);
          replica.peakExternal = Math.max(
            replica.peakExternal,
            replica.stats.external,
          );
          if (
            snapshotAtBytes &&
            !replica.snapshot &&
            replica.stats.rss > snapshotAtBytes
          ) {
            replica.snapshot = 'requested';
            child.kill('SIGUSR2');
          }
        } else if (line.startsWith('snapshot ')) {
          replica.snapshot = line.slice(9);
          process.stderr.write(
            `[${options.name}] heap snapshot at ${(
              replica.stats.rss /
              2 ** 20
            ).toFixed(0)} MiB RSS: ${replica.snapshot}\n`,
          );
        }
      }
    });
    child.stderr!.on('data', chunk => {
      const text = String(chunk);
      replica.log.push(text);
      if (/error/i.test(text))
        process.stderr.write(`[${options.name}] ${text}`);
    });
    child.on('exit', code =>
      reject(new Error(`${options.name} exited ${code}`)),
    );
  });
  return replica;
}

function cpuOfPid(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
      .split(') ')[1]
      .split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

async function main() {
  const capacityServices = arg('capacity', 200);
  const sloServices = arg('slo', 1000);
  const shards = arg('shards', 8);
  const intervalMinutes = arg('interval', 6);
  const sloIntervalMinutes = arg('slo-interval', intervalMinutes);
  const capacityIntervalMinutes = arg('capacity-interval', intervalMinutes);
  const intervals =
    sloIntervalMinutes === capacityIntervalMinutes
      ? `${sloIntervalMinutes}-minute interval`
      : `SLOs every ${sloIntervalMinutes} min, capacity every ${capacityIntervalMinutes} min`;
  const batch = arg('batch', 10);
  const anchor = Math.floor(Date.now() / 60_000) * 60_000;
  const database = `ops_bench_replicas_${Date.now()}`;
  const pgUrl = new URL(PG);
  const postgres = {
    host: pgUrl.hostname,
    port: Number(pgUrl.port || 5432),
    user: decodeURIComponent(pgUrl.username || 'postgres'),
    ...(pgUrl.password && { password: decodeURIComponent(pgUrl.password) }),
  };

  const fake = await startFakeProcess(
    path.join(__dirname, 'fake.ts'),
    [capacityServices, sloServices, anchor],
    ['--max-old-space-size=4096'],
  );
  const common = {
    capacityServices,
    sloServices,
    shards,
    batch,
    sloIntervalMinutes,
    capacityIntervalMinutes,
    initialDelaySeconds: arg('delay', 60),
    cloudwatch: fake.url,
    redis: REDIS,
    database,
    postgres,
  };
  const admin0 = knexFactory({ client: 'pg', connection: `${PG}/postgres` });
  await admin0.raw(`CREATE DATABASE ${database}_ops`);
  await admin0.destroy();
  // A first backend creates the tables (two fresh backends creating the
  // scheduler's migrations table at the same moment can collide) and
  // registers the tasks, which sets when each shard first falls due, then
  // stops. The two replicas then start together and begin asking for work
  // 30 s before the first shard is due: each run goes to whichever asks
  // first, so both share the first pass too. (Started one after the other,
  // each with the full delay, the first would claim every first run: its
  // workers start asking while the other's are still in their delay.)
  const delay = arg('delay', 60);
  const init = startReplica({ ...common, name: 'init' });
  await init.ready;
  const registeredAt = Date.now();
  await new Promise<void>(resolve => {
    init.child.once('exit', () => resolve());
    init.child.kill('SIGTERM');
  });
  const lead = (Date.now() - registeredAt) / 1000 + 30;
  if (delay - lead < 15) {
    throw new Error(
      `--delay ${delay} is too short: the replicas need about ${Math.ceil(
        lead + 15,
      )} s to start before the first shard is due`,
    );
  }
  const heapMiB = arg('replica-heap', 0);
  const replicas = ['a', 'b'].map(name =>
    startReplica(
      { ...common, name, initialDelaySeconds: delay - lead },
      heapMiB ? [`--max-old-space-size=${heapMiB}`] : [],
    ),
  );
  await Promise.all(replicas.map(r => r.ready));
  const started = Date.now();
  const cpu0 = replicas.map(r => r.stats.cpuMs);
  const req0 = replicas.map(r => r.stats.requests);
  const fakeCpu0 = cpuOfPid(fake.child.pid);
  process.stderr.write(
    `replicas ready; waiting for one full refresh of ${capacityServices} capacity and ${sloServices} SLO services (${shards} shards, ${intervals})\n`,
  );

  const knex = knexFactory({
    client: 'pg',
    connection: { ...postgres, database: `${database}_ops` },
    pool: { min: 0, max: 2 },
  });
  const since = new Date(started - 60_000);
  // The SLO services' ALB annotations make them capacity targets too
  // (request rate and latency).
  const capacityTargets = capacityServices + sloServices;
  const fresh = async (kind: string) =>
    Number(
      (
        await knex('ops_snapshots')
          .where({ kind })
          .andWhere('fetched_at', '>=', since)
          .count({ n: '*' })
      )[0].n,
    );
  let capacityDone: number | undefined;
  let sloDone: number | undefined;
  const firstDue = registeredAt + delay * 1000;
  const minutes = arg('minutes', 0);
  const deadline =
    firstDue +
    (minutes || Math.max(sloIntervalMinutes, capacityIntervalMinutes) * 2) *
      60_000;
  let cap = 0;
  let slo = 0;
  /** Once every SLO was refreshed: the oldest SLO snapshot's age, at most. */
  let sloOldestMs = 0;
  let lastProgress = 0;
  while ((!capacityDone || !sloDone) && Date.now() < deadline) {
    await new Promise(r => setTimeout(r, 2000));
    cap = await fresh('capacity');
    slo = await fresh('slo');
    if (!capacityDone && cap >= capacityTargets) capacityDone = Date.now();
    if (!sloDone && slo >= sloServices) sloDone = Date.now();
    if (sloDone) {
      const row = await knex('ops_snapshots')
        .where({ kind: 'slo' })
        .min({ oldest: 'fetched_at' })
        .first();
      if (row?.oldest) {
        sloOldestMs = Math.max(
          sloOldestMs,
          Date.now() - new Date(row.oldest).getTime(),
        );
      }
    }
    if (Date.now() - lastProgress > 60_000) {
      lastProgress = Date.now();
      process.stderr.write(
        `${new Date().toISOString()} capacity ${cap}/${capacityTargets}, SLOs ${slo}/${sloServices}; RSS ${replicas
          .map(
            r =>
              `${r.name} ${(r.stats.rss / 2 ** 20).toFixed(0)} MiB (heap ${(
                r.stats.heapUsed /
                2 ** 20
              ).toFixed(0)})`,
          )
          .join(', ')}\n`,
      );
    }
  }
  const tasks = await knex
    .withSchema('public')
    .from('backstage_backend_tasks__tasks')
    .select('id')
    .catch(() => []);
  await knex.destroy();
  const elapsed = Date.now() - started;
  const fakeCpu = cpuOfPid(fake.child.pid) - fakeCpu0;
  const rows = replicas.map((r, i) => ({
    name: r.name,
    cpuMs: r.stats.cpuMs - cpu0[i],
    requests: r.stats.requests - req0[i],
    peakRss: r.peakRss,
    peakHeap: r.peakHeap,
    peakExternal: r.peakExternal,
  }));
  // Measured: no need to wait for the refreshes still running.
  for (const r of replicas) r.child.kill('SIGKILL');
  fake.stop();
  await new Promise(r => setTimeout(r, 3000));
  const admin = knexFactory({ client: 'pg', connection: `${PG}/postgres` });
  for (const suffix of ['ops', 'scheduler', 'catalog', 'app']) {
    await admin
      .raw(`DROP DATABASE IF EXISTS ${database}_${suffix} WITH (FORCE)`)
      .catch(() => undefined);
  }
  await admin.destroy();

  const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const [load1] = os.loadavg();
  // Metrics per refresh: 15 a capacity service (8 hourly, 7 trigger
  // windows), 10 an SLO service (bench/slo).
  const lines = [
    `## Two replicas (bench/replicas)`,
    '',
    `${new Date().toISOString()}, ${os.cpus().length} CPUs (${
      os.cpus()[0]?.model ?? 'unknown'
    }), Node.js ${process.version}, load average ${load1.toFixed(
      1,
    )} at the end. ${capacityServices} capacity services, ${sloServices} SLO services (${
      sloServices * 3
    } SLOs), ${shards} shards, ${intervals}, ${batch} capacity services per provider request.`,
    '',
    `Capacity: ${cap} of ${capacityTargets} (the SLO services' ALB metrics included) refreshed ${
      capacityDone
        ? `${s(capacityDone - firstDue)} after the first shard was due`
        : 'NOT within the wait'
    }; SLOs: ${slo} of ${sloServices} ${
      sloDone
        ? `${s(sloDone - firstDue)} after the first shard was due`
        : 'NOT within the wait'
    } (capacity interval ${capacityIntervalMinutes} min, SLO interval ${sloIntervalMinutes} min); once every SLO was refreshed, the oldest SLO snapshot was at most ${(
      sloOldestMs / 60_000
    ).toFixed(1)} min old. Measured over ${s(
      elapsed,
    )} from both replicas being up; fake CloudWatch CPU ${s(fakeCpu)}.`,
    '',
    `Replicas' Node.js flags: ${
      heapMiB ? `--max-old-space-size=${heapMiB}` : 'none'
    }.`,
    '',
    '| Replica | CPU | Peak RSS | Peak heap used | Peak external | Requests to CloudWatch |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      r =>
        `| ${r.name} | ${s(r.cpuMs)} | ${mib(r.peakRss)} | ${mib(
          r.peakHeap,
        )} | ${mib(r.peakExternal)} | ${r.requests} |`,
    ),
    '',
    `Scheduler tasks: ${tasks
      .map((t: { id: string }) => t.id)
      .filter((id: string) => id.startsWith('ops-'))
      .sort()
      .join(', ')}`,
    '',
    `Monthly CloudWatch cost at the default intervals (capacity hourly, SLOs every 10 minutes): ${capacityServices} x 15 metrics x 720 + ${sloServices} x 10 metrics x 4,320 = $${(
      (capacityServices * 15 * 720 + sloServices * 10 * 4320) *
      PRICE_PER_METRIC
    ).toFixed(0)}.`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  process.exit(0);
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
