/*
 * PagerDuty upstream budget benchmark (issue 14, target 2): what the ops
 * backend asks of PagerDuty for 1,000 services with 2 schedules each.
 *
 *   corepack yarn bench:pagerduty-budget [--services 1000] [--hours 2] [--fault-seconds 60] [--viewers 20]
 *
 * 1. Steady state: the real OnCallService and IncidentsService with the real
 *    PagerDuty module against the fake PagerDuty over HTTP (each generated
 *    service with its own escalation policy and two weekly schedules), on a
 *    virtual clock: the refreshes run every `refreshMinutes` of virtual time
 *    as the scheduler would run them, and the request budget's waits move
 *    the clock, so hours of refreshes take seconds. Reports requests per
 *    minute (mean over the last hour, busiest minute) with the defaults, and
 *    with the previous behaviour emulated (every schedule read on every
 *    refresh, no budget) for comparison.
 * 2. Fault: the ops backend (startTestBackend, real router) with PagerDuty
 *    answering 500 to everything; `--viewers` clients view services without
 *    data, round robin over 10 services, for `--fault-seconds` of real time.
 *    Reports upstream attempts per service per minute.
 * 3. First view: the ops backend with the fake answering after 150 ms; the
 *    first view of each of 10 services without data, one after the other,
 *    right after start. Reports the latencies.
 */
import os from 'node:os';
import knexFactory from 'knex';
import { AddressInfo } from 'node:net';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { FakePagerDuty, startFakePagerDuty } from '@internal/fake-upstreams';
import {
  PagerDutyClient,
  PagerDutyProvider,
  TokenAuth,
} from '../../plugins/ops-backend-module-pagerduty/src';
import { opsModulePagerDuty } from '../../plugins/ops-backend-module-pagerduty/src/module';
import { RequestBudget } from '../../plugins/ops-node/src';
import { opsPlugin } from '../../plugins/ops-backend/src/plugin';
import { applyDatabaseMigrations } from '../../plugins/ops-backend/src/database/migrations';
import { DatabaseSnapshotStore } from '../../plugins/ops-backend/src/snapshots/SnapshotStore';
import { OnCallService } from '../../plugins/ops-backend/src/oncall/OnCallService';
import { readOnCallConfig } from '../../plugins/ops-backend/src/oncall/config';
import { IncidentsService } from '../../plugins/ops-backend/src/incidents/IncidentsService';
import { readIncidentsConfig } from '../../plugins/ops-backend/src/incidents/config';
import { quietLogger } from '../lib';

const MINUTE = 60_000;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

function components(count: number): Entity[] {
  return Array.from({ length: count }, (_, i) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: `svc-${i + 1}`,
      namespace: 'default',
      annotations: {
        'pagerduty.com/service-id': `PSVX${String(i + 1).padStart(4, '0')}`,
      },
    },
    spec: { type: 'service', owner: 'group:default/dev-team' },
  }));
}

/** The most entries of `times` in any window of `ms`. */
function busiest(times: number[], ms: number): number {
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i] - times[j] >= ms) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

interface SteadyResult {
  label: string;
  unanswered: number;
  windowMinutes: number;
  requests: number;
  perMinuteLastHour: number;
  busiestMinute: number;
  firstRefreshMinutes: number;
  byEndpointLastHour: Record<string, number>;
  rotationsAllReadAfterMinutes?: number;
}

/** Phase 1: hours of scheduled refreshes on a virtual clock. */
async function steady(options: {
  label: string;
  services: number;
  hours: number;
  refreshShare: number;
  oncall: object;
}): Promise<SteadyResult> {
  const start = Math.floor(Date.now() / MINUTE) * MINUTE;
  let now = start;
  const fake = await startFakePagerDuty({
    now: () => now,
    extraServices: options.services,
    extraServicePolicies: true,
  });
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  await applyDatabaseMigrations(knex);
  const clock = { now: () => new Date(now) };
  const logger = quietLogger();
  // When (virtual) the budget let each request out: every request of a
  // refresh goes through it.
  const seen: number[] = [];
  // As PagerDutyProvider.fromConfig builds it: any minute at most the share.
  const limit = 960 * options.refreshShare;
  const burst = Math.floor(limit / 6);
  const budget = new (class extends RequestBudget {
    async take(signal?: AbortSignal) {
      await super.take(signal);
      seen.push(now);
    }
  })({
    perMinute: limit - burst,
    burst,
    clock: {
      now: () => now,
      sleep: async ms => {
        now += ms;
      },
    },
  });
  const client = new PagerDutyClient({
    baseUrl: fake.url,
    auth: new TokenAuth('local-fake-token'),
    requestTimeoutMs: 10_000,
    maxAttempts: 4,
    baseDelayMs: 500,
    maxDelayMs: 30_000,
    logger,
    budget,
  });
  const provider = new PagerDutyProvider({
    client,
    logger,
    concurrency: 4,
    listThreshold: 10,
    eventsBaseUrl: fake.url,
    requestTimeoutMs: 10_000,
  });
  const catalog = catalogServiceMock({
    entities: components(options.services),
  });
  const auth = {
    getOwnServiceCredentials: async () => ({
      $$type: '@backstage/BackstageCredentials' as const,
      principal: { type: 'service' as const, subject: 'plugin:ops' },
    }),
  } as any;
  const snapshots = new DatabaseSnapshotStore(knex, clock);
  const config = new ConfigReader({ ops: { oncall: options.oncall } });
  const oncallConfig = readOnCallConfig(config);
  const oncall = new OnCallService({
    catalog,
    auth,
    snapshots,
    onCall: provider,
    config: oncallConfig,
    logger,
    clock,
  });
  const incidents = new IncidentsService({
    catalog,
    auth,
    permissions: {} as any, // not used by refreshes
    snapshots,
    oncall,
    incidents: provider,
    config: readIncidentsConfig(config),
    logger,
    clock,
  });
  // The fake keeps every request: only its counters are needed.
  const trim = setInterval(() => fake.requests.splice(0), 1000);
  let lastHourFrom: Record<string, number> | undefined;

  const end = start + options.hours * 60 * MINUTE;
  // Rates are taken over the last hour (or the whole run when shorter).
  const windowMinutes = Math.min(60, options.hours * 60);
  const refreshEvery = oncallConfig.refreshMinutes * MINUTE;
  let next = start;
  let firstRefreshMinutes = 0;
  let rotationsAllReadAfterMinutes: number | undefined;
  const totalSchedules = options.services * 2;
  while (next < end) {
    if (now < next) now = next;
    const began = now;
    if (!lastHourFrom && now >= end - windowMinutes * MINUTE) {
      lastHourFrom = { ...fake.stats.byEndpoint };
    }
    await oncall.refreshOnCall();
    await incidents.refreshIncidents();
    if (began === start) firstRefreshMinutes = (now - start) / MINUTE;
    if (rotationsAllReadAfterMinutes === undefined) {
      const stored = await knex('ops_snapshots')
        .where({ kind: 'oncall.rotation' })
        .whereNotNull('data')
        .count({ n: '*' });
      if (Number(stored[0].n) >= totalSchedules) {
        rotationsAllReadAfterMinutes = (now - start) / MINUTE;
      }
    }
    next = Math.max(began + refreshEvery, now);
    process.stderr.write(
      `  ${options.label.split(' ')[0]}: ${((now - start) / MINUTE).toFixed(
        0,
      )} virtual min, ${seen.length} requests\n`,
    );
  }
  clearInterval(trim);
  // Attempts that never reached the fake (a connection refused or timed out
  // on a loaded machine) went through the budget too.
  const unanswered = seen.length - fake.stats.requests;
  const byEndpointLastHour: Record<string, number> = {};
  for (const [k, n] of Object.entries(fake.stats.byEndpoint)) {
    const d = n - (lastHourFrom?.[k] ?? 0);
    if (d > 0) byEndpointLastHour[k] = d;
  }
  await fake.close();
  await knex.destroy();

  const lastHour = seen.filter(at => at >= end - windowMinutes * MINUTE);
  return {
    label: options.label,
    unanswered,
    windowMinutes,
    requests: seen.length,
    perMinuteLastHour: lastHour.length / windowMinutes,
    busiestMinute: busiest(seen, MINUTE),
    firstRefreshMinutes,
    byEndpointLastHour,
    rotationsAllReadAfterMinutes,
  };
}

async function backend(fake: FakePagerDuty, services: number) {
  const started = await startTestBackend({
    features: [
      opsPlugin,
      opsModulePagerDuty,
      catalogServiceMock.factory({ entities: components(services) }),
      mockServices.rootConfig.factory({
        data: {
          ops: {
            pagerduty: { apiBaseUrl: fake.url, token: 'local-fake-token' },
          },
        },
      }),
    ],
  });
  const base = `http://127.0.0.1:${
    (started.server.address() as AddressInfo).port
  }/api/ops`;
  const view = (i: number) =>
    fetch(
      `${base}/oncall/entity?entityRef=${encodeURIComponent(
        `component:default/svc-${i}`,
      )}`,
    );
  // Views wait until the backend can tell an unknown entity (404) from a
  // catalog still loading after the start (503).
  for (let i = 0; i < 600; i++) {
    const res = await fetch(
      `${base}/oncall/entity?entityRef=component:default/nope`,
    );
    await res.arrayBuffer();
    if (res.status === 404) break;
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  return { started, view };
}

/** Phase 2: PagerDuty down, viewers of services without data. */
async function fault(options: {
  services: number;
  seconds: number;
  viewers: number;
}) {
  const fake = await startFakePagerDuty({
    extraServices: options.services,
    extraServicePolicies: true,
    port: 7401,
  });
  fake.outage = { kind: 'server-error' };
  const { started, view } = await backend(fake, options.services);
  const viewed = 10;
  let views = 0;
  const statuses: Record<number, number> = {};
  const stopAt = Date.now() + options.seconds * 1000;
  await Promise.all(
    Array.from({ length: options.viewers }, async (_, v) => {
      let i = v;
      while (Date.now() < stopAt) {
        const res = await view((i++ % viewed) + 1);
        await res.arrayBuffer();
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        views += 1;
      }
    }),
  );
  const perService: Record<string, number> = {};
  let background = 0;
  for (const r of fake.requests) {
    const match = /PSVX\d{4}/.exec(r.url);
    if (match) perService[match[0]] = (perService[match[0]] ?? 0) + 1;
    else background += 1;
  }
  await started.stop();
  await fake.close();
  const minutes = options.seconds / 60;
  const attempts = Object.values(perService);
  return {
    views,
    statuses,
    servicesViewed: viewed,
    total: fake.stats.requests,
    background,
    maxPerServicePerMinute: Math.max(0, ...attempts) / minutes,
    meanPerServicePerMinute:
      attempts.reduce((a, b) => a + b, 0) / viewed / minutes,
  };
}

/** Phase 3: first views of services without data, the fake at 150 ms. */
async function firstView(services: number) {
  const fake = await startFakePagerDuty({
    extraServices: services,
    extraServicePolicies: true,
    latencyMs: 150,
    port: 7402,
  });
  const { started, view } = await backend(fake, services);
  const latencies: number[] = [];
  const requests: number[] = [];
  let ok = 0;
  for (let i = 1; i <= 10; i++) {
    const before = fake.requests.filter(r => r.url.includes(`PSVX`)).length;
    const t0 = performance.now();
    const res = await view(((i * 97) % services) + 1);
    const body = (await res.json()) as any;
    latencies.push(performance.now() - t0);
    requests.push(
      fake.requests.filter(r => r.url.includes(`PSVX`)).length - before,
    );
    const levels = body?.data?.services?.[0]?.escalationPolicy?.levels;
    if (process.env.DEBUG_BENCH)
      process.stderr.write(
        `${res.status} ${JSON.stringify(body).slice(0, 300)}\n`,
      );
    if (res.status === 200 && levels?.[0]?.onCall?.[0]?.next) ok += 1;
  }
  await started.stop();
  await fake.close();
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    latencies,
    p50: sorted[Math.floor(sorted.length / 2)],
    max: sorted[sorted.length - 1],
    ok,
    requests,
  };
}

async function main() {
  const services = arg('services', 1000);
  const hours = arg('hours', 2);
  const faultSeconds = arg('fault-seconds', 60);
  const viewers = arg('viewers', 20);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(
    `PagerDuty budget benchmark: ${services} services x 2 schedules, Node ${
      process.version
    }, ${os.cpus().length} CPUs, load average ${os
      .loadavg()
      .map(l => l.toFixed(1))
      .join(' ')}, ${new Date().toISOString()}`,
  );

  for (const run of [
    {
      label: 'after (defaults: 10 % of 960/min, rotations every 60 min)',
      hours,
      refreshShare: 0.1,
      oncall: {},
    },
    {
      label:
        'before, emulated (every schedule on every refresh, no budget below the account limit)',
      hours: 0.25,
      refreshShare: 1,
      oncall: {
        rotationRefreshMinutes: 1,
        rotationFetchesPerRefresh: services * 2,
      },
    },
  ]) {
    const r = await steady({ services, ...run });
    out(
      `steady state, ${r.label}: ${r.perMinuteLastHour.toFixed(
        1,
      )} requests/min over the last ${r.windowMinutes} min, busiest minute ${
        r.busiestMinute
      }, ${r.requests} requests in ${run.hours} h (${
        r.unanswered
      } never reached the fake); first refresh took ${r.firstRefreshMinutes.toFixed(
        1,
      )} min; every rotation read after ${
        r.rotationsAllReadAfterMinutes?.toFixed(0) ?? '-'
      } min; last hour by endpoint ${JSON.stringify(r.byEndpointLastHour)}`,
    );
  }

  const f = await fault({ services, seconds: faultSeconds, viewers });
  out(
    `fault (PagerDuty answers 500), ${viewers} viewers over ${
      f.servicesViewed
    } services without data for ${faultSeconds} s: ${
      f.views
    } views ${JSON.stringify(f.statuses)}; upstream requests ${f.total} (${
      f.background
    } by the scheduled refreshes); attempts per service per minute: max ${f.maxPerServicePerMinute.toFixed(
      2,
    )}, mean ${f.meanPerServicePerMinute.toFixed(2)}`,
  );

  const v = await firstView(services);
  out(
    `first view of a service without data (fake at 150 ms): p50 ${v.p50.toFixed(
      0,
    )} ms, max ${v.max.toFixed(0)} ms, ${
      v.ok
    }/10 with escalation and next shift; requests naming the service (GET /services/{id}) per first view ${JSON.stringify(
      v.requests,
    )}; latencies ${v.latencies.map(l => l.toFixed(0)).join(', ')} ms`,
  );
  process.exit(0);
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
