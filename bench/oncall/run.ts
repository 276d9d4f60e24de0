/*
 * On-call benchmark: 1,000 on-call card requests over 100 services, served
 * by the real ops backend plugin (router, OnCallService, snapshots in
 * SQLite) with the real PagerDuty module, against the fake PagerDuty
 * answering every request in 150 ms, in its own process.
 *
 *   corepack yarn bench:oncall [--services 100] [--views 1000] [--concurrency 4] [--latency 150]
 *
 * Phase 1 (cold): the backend has just started, nothing is cached; the page
 * views arrive before the first scheduled refresh, so misses are fetched
 * (batched, each once). Phase 2 (warm): the same views again, served from
 * the snapshots. Prints p50/p95/max latency per phase and the upstream
 * requests the fake PagerDuty counted, against the targets.
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { platform } from '@internal/fake-upstreams';
import { opsModulePagerDuty } from '../../plugins/ops-backend-module-pagerduty/src/module';
import { opsPlugin } from '../../plugins/ops-backend/src/plugin';
import { startFakeProcess } from '../lib';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

function serviceIds(count: number): string[] {
  const known = platform.services.flatMap(s => s.pagerDutyServiceIds);
  const extra = Array.from(
    { length: Math.max(count - known.length, 0) },
    (_, i) => `PSVX${String(i + 1).padStart(4, '0')}`,
  );
  return [...known, ...extra].slice(0, count);
}

function entities(ids: string[]): Entity[] {
  return ids.map((id, i) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: `svc-${i}`,
      namespace: 'default',
      annotations: { 'pagerduty.com/service-id': id },
    },
    spec: { type: 'service', owner: 'group:default/dev-team' },
  }));
}

/** GET with a keep-alive agent: a light client, as the load is generated in this process. */
function get(
  agent: http.Agent,
  url: string,
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
          }),
        );
      })
      .on('error', reject);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

async function upstream(fakeUrl: string) {
  const res = await fetch(`${fakeUrl}/__stats`);
  return (await res.json()) as {
    requests: number;
    byEndpoint: Record<string, number>;
  };
}

async function main() {
  const services = arg('services', 100);
  const views = arg('views', 1000);
  const concurrency = arg('concurrency', 4);
  const latency = arg('latency', 150);
  const ids = serviceIds(services);
  const extra = ids.filter(id => id.startsWith('PSVX')).length;

  const { url: fakeUrl, child } = await startFakeProcess(
    path.join(__dirname, 'fake.ts'),
    [extra, latency],
  );

  const backend = await startTestBackend({
    features: [
      opsPlugin,
      opsModulePagerDuty,
      catalogServiceMock.factory({ entities: entities(ids) }),
      mockServices.rootConfig.factory({
        data: {
          ops: {
            pagerduty: { apiBaseUrl: fakeUrl, token: 'local-fake-token' },
          },
        },
      }),
    ],
  });
  const base = `http://127.0.0.1:${
    (backend.server.address() as AddressInfo).port
  }/api/ops`;

  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

  async function phase(name: string) {
    const before = await upstream(fakeUrl);
    const latencies: number[] = [];
    let next = 0;
    let failures = 0;
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const worker = async () => {
      while (next < views) {
        const i = next++;
        const ref = `component:default/svc-${i % services}`;
        const t0 = performance.now();
        const res = await get(
          agent,
          `${base}/oncall/entity?entityRef=${encodeURIComponent(ref)}`,
        );
        const body = res.body;
        latencies.push(performance.now() - t0);
        if (
          res.status !== 200 ||
          body.data.services[0]?.escalationPolicy?.levels?.length !== 3
        ) {
          failures += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const wall = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    // Backend and load generator share this process: an upper bound of the
    // backend's CPU per view, independent of how busy the machine is.
    const cpuPerView = (cpu.user + cpu.system) / 1000 / views;
    const after = await upstream(fakeUrl);
    const byEndpoint: Record<string, number> = {};
    for (const [k, v] of Object.entries(after.byEndpoint)) {
      const d = v - (before.byEndpoint[k] ?? 0);
      if (d > 0) byEndpoint[k] = d;
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      name,
      views,
      failures,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      max: sorted[sorted.length - 1],
      wallMs: wall,
      cpuPerView,
      upstream: after.requests - before.requests,
      byEndpoint,
    };
  }

  const cold = await phase('cold (empty cache, misses fetched)');
  const warm = await phase('warm (from snapshots)');
  agent.destroy();
  await backend.stop();
  child.kill();

  const total = cold.upstream + warm.upstream;
  const fmt = (n: number) => n.toFixed(1);
  process.stdout.write(
    [
      `On-call benchmark: ${views} views per phase over ${services} services, ${concurrency} concurrent, fake PagerDuty latency ${latency} ms`,
      `Node ${process.version}, ${
        require('node:os').cpus().length
      } CPUs, load average ${require('node:os')
        .loadavg()
        .map((l: number) => l.toFixed(1))
        .join(' ')} (other processes share the CPUs)`,
      ...[cold, warm].map(
        p =>
          `${p.name}: p50 ${fmt(p.p50)} ms, p95 ${fmt(p.p95)} ms, max ${fmt(
            p.max,
          )} ms, wall ${fmt(p.wallMs)} ms, CPU ${p.cpuPerView.toFixed(
            2,
          )} ms per view (backend + client), failures ${
            p.failures
          }, upstream requests ${p.upstream} ${JSON.stringify(p.byEndpoint)}`,
      ),
      `upstream requests per view: cold ${(cold.upstream / views).toFixed(
        3,
      )}, warm ${(warm.upstream / views).toFixed(3)}, both phases ${(
        total /
        (2 * views)
      ).toFixed(3)}`,
      `target p95 < 20 ms from cached data: ${
        warm.p95 < 20 ? 'met' : 'NOT met'
      } (${fmt(warm.p95)} ms)`,
      `target < 1 upstream request per 10 views: ${
        cold.upstream < views / 10 && warm.upstream < views / 10
          ? 'met'
          : 'NOT met'
      } (cold ${cold.upstream}, warm ${warm.upstream} per ${views})`,
      '',
    ].join('\n'),
  );
  process.exit(0);
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
