/*
 * KPI benchmark: the KPI report of the platform, of a team and of a service
 * over a platform of many services, computed by the real KpiService and the
 * KPI math of ops-common from hand-made histories held in memory (the
 * sources the other features would give it), so what is timed is the KPI
 * feature's own work: scope resolution in the catalog, gathering, and the
 * evaluation of the period, the previous period and every history window.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/kpis/run.ts \
 *     [--services 1000] [--incidents 30] [--changes 20] [--runs 20]
 *
 * Per service: `incidents` incidents and `changes` implemented changes over
 * the last 180 days, 180 daily availability buckets. Prints p50/p95/max
 * wall time and p50/p95 CPU time (process.cpuUsage) per report kind and
 * period, the machine and its load average, and the peak heap, against the
 * targets: the 90-day platform report in < 500 ms (issue 14), a platform
 * report of 1,000 services in < 1 s (p95), a service's in < 50 ms. On a
 * shared machine, compare the CPU times.
 */
import os from 'node:os';
import { mockCredentials } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AssessedIncident,
  assessIncident,
  KpiAvailabilityPoint,
  KpiPeriod,
} from '@opsportal/plugin-ops-common';
import { readKpisConfig } from '../../plugins/ops-backend/src/kpis/config';
import { KpiService } from '../../plugins/ops-backend/src/kpis/KpiService';
import { KpiChangeRecord } from '../../plugins/ops-backend/src/kpis/sources';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const SERVICES = arg('services', 1000);
const INCIDENTS = arg('incidents', 30);
const CHANGES = arg('changes', 20);
const RUNS = arg('runs', 20);
const DAY = 86_400_000;
const now = new Date('2026-03-31T00:00:00Z');

let seed = 42;
function next(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}

const teams = Array.from({ length: Math.ceil(SERVICES / 20) }, (_, t) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: `team-${t}` },
  spec: { type: 'team' },
}));
const services: Entity[] = Array.from({ length: SERVICES }, (_, i) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: `service-${i}`,
    annotations: {
      'pagerduty.com/service-id': `PSV${i}`,
      'opsportal.dev/slo-availability': '99.9',
    },
  },
  spec: { type: 'service', owner: `group:default/team-${i % teams.length}` },
  relations: [
    { type: 'ownedBy', targetRef: `group:default/team-${i % teams.length}` },
  ],
}));

const incidents = new Map<string, AssessedIncident[]>();
const availability = new Map<string, KpiAvailabilityPoint[]>();
const changes: KpiChangeRecord[] = [];
for (const service of services) {
  const ref = stringifyEntityRef(service);
  incidents.set(
    ref,
    Array.from({ length: INCIDENTS }, (_, k) => {
      const created = now.getTime() - next() * 180 * DAY;
      return assessIncident(
        {
          id: `${ref}#${k}`,
          title: 'Incident',
          status: 'resolved',
          priority: `P${1 + Math.floor(next() * 4)}`,
          serviceId: ref,
          createdAt: new Date(created).toISOString(),
          acknowledgedAt: new Date(created + next() * 600_000).toISOString(),
          resolvedAt: new Date(created + next() * 7_200_000).toISOString(),
          assignees: [],
        },
        now,
      );
    }),
  );
  availability.set(
    ref,
    Array.from({ length: 180 }, (_, d) => ({
      at: new Date(now.getTime() - d * DAY).toISOString(),
      good: 99_900 + Math.floor(next() * 100),
      total: 100_000,
    })),
  );
  for (let c = 0; c < CHANGES; c++) {
    changes.push({
      id: `CHG-${changes.length + 1001}`,
      category: 'standard',
      standardType: c % 3 ? 'routine-deployment' : 'config-update',
      outcome: next() < 0.96 ? 'successful' : 'rolled-back',
      entityRefs: [ref.toLocaleLowerCase('en-US')],
      finishedAt: new Date(now.getTime() - next() * 180 * DAY).toISOString(),
    });
  }
}

const service = new KpiService({
  catalog: catalogServiceMock({ entities: [...services, ...teams] }),
  // Every run computes its report: the per-user report cache
  // (ops.kpis.reportCacheSeconds) would answer repeats without the work
  // this benchmark measures.
  config: readKpisConfig(
    new ConfigReader({ ops: { kpis: { reportCacheSeconds: 0 } } }),
  ),
  clock: { now: () => now },
  incidents: {
    async incidents(refs) {
      return {
        byEntity: new Map(refs.map(r => [r, incidents.get(r) ?? []])),
        freshness: { stale: false, since: '2025-09-01T00:00:00Z' },
      };
    },
  },
  availability: {
    async availability(list) {
      return new Map(
        list
          .map(e => stringifyEntityRef(e))
          .filter(r => availability.has(r))
          .map(r => [r, { points: availability.get(r)!, stale: false }]),
      );
    },
  },
  changes: {
    async implemented(range) {
      return changes.filter(
        c =>
          Date.parse(c.finishedAt) >= range.from.getTime() &&
          Date.parse(c.finishedAt) < range.to.getTime(),
      );
    },
  },
});

function pct(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function measure(
  label: string,
  run: () => Promise<unknown>,
): Promise<{
  label: string;
  p50: number;
  p95: number;
  max: number;
  cpuP50: number;
  cpuP95: number;
}> {
  await run(); // warm-up
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    const c = process.cpuUsage();
    await run();
    const used = process.cpuUsage(c);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
    cpu.push((used.user + used.system) / 1000);
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return {
    label,
    p50: pct(times, 0.5),
    p95: pct(times, 0.95),
    max: times[times.length - 1],
    cpuP50: pct(cpu, 0.5),
    cpuP95: pct(cpu, 0.95),
  };
}

async function main() {
  const credentials = mockCredentials.user();
  const rows = [];
  for (const period of ['30d', '90d', 'month'] as KpiPeriod[]) {
    rows.push(
      await measure(`platform ${period}`, () =>
        service.report({ scope: 'platform', period }, credentials),
      ),
    );
  }
  rows.push(
    await measure('team (20 services) 90d', () =>
      service.report(
        { scope: 'team', entityRef: 'group:default/team-0', period: '90d' },
        credentials,
      ),
    ),
  );
  rows.push(
    await measure('service 90d', () =>
      service.report(
        {
          scope: 'entity',
          entityRef: 'component:default/service-0',
          period: '90d',
        },
        credentials,
      ),
    ),
  );
  const heap = process.memoryUsage();
  console.log(
    `KPI reports: ${SERVICES} services, ${SERVICES * INCIDENTS} incidents, ${
      changes.length
    } changes, ${SERVICES * 180} availability buckets; ${RUNS} runs each`,
  );
  console.log(
    `${new Date().toISOString()}; ${os.cpus().length} × ${
      os.cpus()[0]?.model ?? 'cpu'
    }, Node ${process.version}; load average ${os
      .loadavg()
      .map(l => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    '| report | p50 ms | p95 ms | max ms | CPU p50 ms | CPU p95 ms |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.label} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(
        1,
      )} | ${r.max.toFixed(1)} | ${r.cpuP50.toFixed(1)} | ${r.cpuP95.toFixed(
        1,
      )} |`,
    );
  }
  console.log(
    `heap used ${(heap.heapUsed / 1e6).toFixed(0)} MB, rss ${(
      heap.rss / 1e6
    ).toFixed(0)} MB`,
  );
  const platform = rows.filter(r => r.label.startsWith('platform'));
  const service90 = rows.find(r => r.label === 'service 90d')!;
  const platform90 = rows.find(r => r.label === 'platform 90d')!;
  console.log(
    `targets: platform 90d p95 < 500 ms (issue 14): ${
      platform90.p95 < 500 ? 'met' : 'missed'
    } (${platform90.p95.toFixed(0)} ms wall, ${platform90.cpuP95.toFixed(
      0,
    )} ms CPU); platform p95 < 1000 ms: ${
      platform.every(r => r.p95 < 1000) ? 'met' : 'missed'
    }; service p95 < 50 ms: ${service90.p95 < 50 ? 'met' : 'missed'}`,
  );
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
