/*
 * Capacity benchmark: 1,000 services x 8 metrics x 90 days (CPU, memory,
 * network, running pods, request rate, latency p50/p95/p99 of an EKS service
 * behind an ALB), refreshed by the real CapacityService through the real
 * CloudWatchProvider (AWS SDK v3) against the fake CloudWatch over HTTP,
 * snapshots and stored series in SQLite (a file, as a database server would
 * hold them outside the refreshing process).
 *
 *   corepack yarn bench:capacity [--services 1000] [--runs 2] [--batch 10]
 *     [--incremental 1] [--profile warm.cpuprofile] [--anchor <epoch ms>]
 *
 * Run 1 is cold (nothing stored); each further run is an hour later (the
 * fake's clock and the refresh's move on together), so it reads only the
 * time since the previous run and continues from the stored series
 * (`--incremental 0`: every run reads every window in full, as before).
 * Prints per run GetMetricData calls, metrics requested, datapoints, wall
 * and CPU time of both processes, peak RSS and heap; then snapshot and
 * series sizes and read times. The fake CloudWatch runs in a child process
 * (fake.ts) on the same cores, so its work competes with the refresh.
 * `--profile <file>` writes a CPU profile of the runs after the first
 * (summarise it with bench/views/profile.ts).
 */
import { createHash } from 'node:crypto';
import { Session } from 'node:inspector';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import knexFactory from 'knex';
import { CloudWatchProvider } from '../../plugins/ops-backend-module-cloudwatch/src';
import { applyDatabaseMigrations } from '../../plugins/ops-backend/src/database/migrations';
import { DatabaseSnapshotStore } from '../../plugins/ops-backend/src/snapshots/SnapshotStore';
import {
  CAPACITY_KIND,
  CAPACITY_REVIEW_KIND,
  CapacityService,
} from '../../plugins/ops-backend/src/capacity/CapacityService';
import { readCapacityConfig } from '../../plugins/ops-backend/src/capacity/config';
import { capacityTarget } from '../../plugins/ops-backend/src/capacity/targets';
import { CapacitySeriesStore } from '../../plugins/ops-backend/src/capacity/seriesStore';
import { CLUSTER, LB, NAMESPACE, targetGroup } from './store';
import { quietLogger, startFakeProcess } from '../lib';

const MAX_QUERIES = 500;
const MAX_DATAPOINTS = 100_800;
const PRICE_PER_METRIC = 0.01 / 1000;

/** A CPU profiler of this process (node:inspector), for the warm runs. */
function profiler() {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) =>
      session.post(method, params, (error, result) =>
        error ? reject(error) : resolve(result),
      ),
    );
  return {
    start: async () => {
      await post('Profiler.enable');
      await post('Profiler.start');
    },
    stop: async (file: string) => {
      const { profile } = await post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/**
 * The catalog as the capacity service reads it (every bench entity has the
 * capacity annotations). Small stubs rather than the test utilities, which
 * alone hold about 100 MiB of RSS and are no part of a refresh.
 */
function benchCatalog(all: Entity[]): CatalogService {
  const byRef = new Map(all.map(e => [stringifyEntityRef(e), e]));
  return {
    getEntities: async () => ({ items: all }),
    getEntityByRef: async (ref: string) => byRef.get(ref),
  } as unknown as CatalogService;
}

const user = {
  $$type: '@backstage/BackstageCredentials',
  principal: { type: 'user', userEntityRef: 'user:default/bench' },
} as BackstageCredentials;

const auth = {
  getOwnServiceCredentials: async () => ({
    $$type: '@backstage/BackstageCredentials',
    principal: { type: 'service', subject: 'plugin:ops' },
  }),
} as unknown as AuthService;

function entities(services: number): Entity[] {
  return Array.from({ length: services }, (_, i) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: `svc-${i}`,
      namespace: 'default',
      annotations: {
        'opsportal.dev/container-service': `${CLUSTER}/${NAMESPACE}/svc-${i}`,
        'opsportal.dev/alb': LB,
        'opsportal.dev/alb-target-group': targetGroup(i),
      },
    },
    spec: { type: 'service', owner: 'group:default/dev-team' },
  }));
}

async function main() {
  const services = arg('services', 1000);
  const runs = arg('runs', 2);
  const batch = arg('batch', 10);
  const incremental = arg('incremental', 1) !== 0;
  const profileAt = process.argv.indexOf('--profile');
  const profileFile = profileAt > 0 ? process.argv[profileAt + 1] : undefined;
  const profile = profileFile ? profiler() : undefined;
  // `--anchor <ms>` pins the fake's data and clock, to compare two runs.
  const anchor = arg('anchor', Math.floor(Date.now() / 60_000) * 60_000);
  const { url: fakeUrl, child } = await startFakeProcess(
    path.join(__dirname, 'fake.ts'),
    [services, anchor],
    ['--max-old-space-size=4096'],
  );

  // An hour on for each run after the first, with the fake's clock.
  let fakeNow = anchor;
  child.stdout!.on('data', chunk => {
    const match = /now (\d+)/.exec(String(chunk));
    if (match) fakeNow = Number(match[1]);
  });
  const nextHour = async () => {
    const want = fakeNow + 3_600_000;
    child.kill('SIGUSR2');
    while (fakeNow < want) await new Promise(r => setTimeout(r, 10));
  };

  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-capacity-'));
  const dbFile = path.join(dir, 'ops.sqlite');
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: dbFile },
    useNullAsDefault: true,
  });
  await applyDatabaseMigrations(knex);
  const logger = quietLogger();
  const clock = { now: () => new Date(fakeNow) };
  const config = readCapacityConfig(
    new ConfigReader({ ops: { capacity: { servicesPerBatch: batch } } }),
  );
  const provider = new CloudWatchProvider({
    region: 'us-east-1',
    endpoint: fakeUrl,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 3,
    requestTimeoutMs: 300_000,
    concurrency: 4,
    logger,
  });
  const all = entities(services);
  const snapshots = new DatabaseSnapshotStore(knex, clock);
  const service = new CapacityService({
    config,
    snapshots,
    catalog: benchCatalog(all),
    auth,
    metrics: provider,
    logger,
    clock,
    series: incremental ? new CapacitySeriesStore(async () => knex) : undefined,
  });
  const targets = all.map(e => capacityTarget(e, config)!);
  const metricsPerService = targets[0].metrics.length;

  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const sampler = setInterval(sample, 20);
  // What the process holds before any refresh (code, SDK, database).
  const idle = process.memoryUsage();
  const ticks = 100;
  const fakeCpu = () => {
    try {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8')
        .split(') ')[1]
        .split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks;
    } catch {
      return NaN;
    }
  };

  const rows: {
    run: number;
    ms: number;
    cpuMs: number;
    fakeCpuMs: number;
    calls: number;
    metrics: number;
    datapoints: number;
    failed: number;
    full: number;
    continued: number;
    rss: number;
    heap: number;
  }[] = [];
  for (let run = 1; run <= runs; run++) {
    if (run > 1) await nextHour();
    if (run === 2) await profile?.start();
    peakRss = 0;
    peakHeap = 0;
    const windowsBefore = { ...service.windows };
    const before = provider.stats();
    const cpuBefore = process.cpuUsage();
    const fakeBefore = fakeCpu();
    const started = process.hrtime.bigint();
    const result = await service.refreshTargets(targets);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const cpu = process.cpuUsage(cpuBefore);
    sample();
    const after = provider.stats();
    rows.push({
      run,
      ms,
      cpuMs: (cpu.user + cpu.system) / 1000,
      fakeCpuMs: fakeCpu() - fakeBefore,
      calls: after.calls - before.calls,
      metrics: after.metricsRequested - before.metricsRequested,
      datapoints: after.datapoints - before.datapoints,
      failed: result.failed,
      full: service.windows.full - windowsBefore.full,
      continued: service.windows.continued - windowsBefore.continued,
      rss: peakRss,
      heap: peakHeap,
    });
    process.stderr.write(`run ${run}: ${(ms / 1000).toFixed(1)} s\n`);
  }
  clearInterval(sampler);
  if (profileFile) await profile?.stop(profileFile);
  child.kill();

  // Reads: what a page view costs once snapshots exist.
  const timeIt = async (n: number, fn: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = process.hrtime.bigint();
      await fn();
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)];
  };
  const entityMs = await timeIt(50, () =>
    service.getEntityCapacity(
      `component:default/svc-${Math.floor(Math.random() * services)}`,
      '30d',
      user,
    ),
  );
  const reviewMs = await timeIt(5, () => service.getReview(user));
  const review = await service.getReview(user);
  const sizes = await knex('ops_snapshots')
    .select('kind')
    .sum({ bytes: knex.raw('length(data)') })
    .groupBy('kind');
  const seriesSize = await knex('ops_capacity_series')
    .select('series_window')
    .count({ rows: '*' })
    .sum({ bytes: knex.raw('length(data)') })
    .groupBy('series_window');
  // What users see, to compare runs (e.g. --incremental 0 and 1).
  const digest = createHash('sha1');
  for (const row of await knex('ops_snapshots')
    .where({ kind: CAPACITY_KIND })
    .orderBy('key')
    .select('key', 'data')) {
    digest.update(`${row.key}\n${row.data}\n`);
  }
  const detailHash = digest.digest('hex').slice(0, 16);
  await knex.destroy();
  const dbBytes = statSync(dbFile).size;
  rmSync(dir, { recursive: true, force: true });

  const statuses = new Map<string, number>();
  for (const row of review.rows) {
    const status = row.binding?.forecast.status ?? 'none';
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  }
  const last = rows[0];
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
  const bound = Math.max(
    Math.ceil(last.datapoints / MAX_DATAPOINTS),
    Math.ceil(last.metrics / MAX_QUERIES),
  );
  const [load1] = os.loadavg();
  const bytesOf = (kind: string) =>
    Number(sizes.find(r => r.kind === kind)?.bytes ?? 0);

  const lines = [
    `## Capacity (bench/capacity)`,
    '',
    `${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} CPUs (${
      os.cpus()[0]?.model ?? 'unknown'
    }), Node.js ${process.version}, load average ${load1.toFixed(
      1,
    )} at the end (other work shared the machine). ${services} services x ${metricsPerService} metrics x 90 days: the real CapacityService and CloudWatchProvider (AWS SDK v3) against the fake CloudWatch over HTTP in its own process, ${batch} services per provider request, snapshots${
      incremental ? ' and stored series' : ''
    } in SQLite (a file). Runs after the first are an hour later each. \`corepack yarn bench:capacity --services ${services} --runs ${runs} --batch ${batch} --incremental ${
      incremental ? 1 : 0
    }\`.`,
    '',
    '| Refresh | Wall time | CPU, refreshing process | CPU, fake CloudWatch | GetMetricData calls | Metrics requested | Datapoints | Windows read in full / continued | Peak RSS | Peak heap | Failed |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      r =>
        `| ${r.run}${
          r.run === 1 ? ' (cold)' : incremental ? ' (warm, +1 h)' : ' (+1 h)'
        } | ${s(r.ms)} | ${s(r.cpuMs)} | ${s(r.fakeCpuMs)} | ${n(
          r.calls,
        )} | ${n(r.metrics)} | ${n(r.datapoints)} | ${n(r.full)} / ${n(
          r.continued,
        )} | ${mib(r.rss)} | ${mib(r.heap)} | ${r.failed} |`,
    ),
    '',
    `Peak memory is the refreshing process's (the SQLite file's page cache included, its data not); before the first refresh it held ${mib(
      idle.rss,
    )} RSS, ${mib(
      idle.heapUsed,
    )} heap. Lower bound of the cold refresh's calls set by CloudWatch's limits (${n(
      last.datapoints,
    )} datapoints / 100,800 a call, ${n(
      last.metrics,
    )} queries / 500): **${bound}**; measured ${last.calls} (${(
      (last.calls / bound - 1) *
      100
    ).toFixed(0)} % above).`,
    '',
    `Snapshots: ${mib(bytesOf(CAPACITY_KIND))} of entity detail (${n(
      bytesOf(CAPACITY_KIND) / services,
    )} bytes a service), ${mib(
      bytesOf(CAPACITY_REVIEW_KIND),
    )} of review rows; stored series ${seriesSize
      .map(
        r =>
          `${r.series_window} ${mib(Number(r.bytes))} (${n(
            Number(r.rows),
          )} chunks)`,
      )
      .join(', ')}; database file ${mib(
      dbBytes,
    )}. Reads from snapshots (median): an entity's capacity ${entityMs.toFixed(
      1,
    )} ms, the review of all ${services} services ${reviewMs.toFixed(0)} ms.`,
    '',
    `Monthly CloudWatch cost at the default hourly refresh: ${n(
      last.metrics,
    )} metrics x 720 refreshes x $0.01 / 1,000 = $${(
      last.metrics *
      720 *
      PRICE_PER_METRIC
    ).toFixed(0)} (${(
      ((last.metrics * 720 * PRICE_PER_METRIC) / services) *
      100
    ).toFixed(1)} cents a service).`,
    '',
    `Forecast outcomes of the binding metric: ${[...statuses.entries()]
      .map(([k, v]) => `${k} ${v}`)
      .join(
        ', ',
      )}. SHA-1 of the entity details after the last run: ${detailHash} (anchor ${anchor}).`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
