/*
 * Runbooks benchmark: N services (default 500), each with 4 markdown runbooks
 * in its repository folder, a runbook link and 10 CloudWatch alarms (5,000
 * alarms), read by the real RunbooksService (real EntityLocationReader from
 * disk, markdown rendering, real CloudWatchProvider over HTTP against the fake
 * CloudWatch in a child process) with snapshots in SQLite.
 *
 *   corepack yarn bench:runbooks [--services 500] [--alarms 10] [--reads 500]
 *
 * Prints refresh times (first and unchanged), upstream calls per alarm
 * refresh (DescribeAlarms, ListTagsForResource), and page-view latencies
 * (entity card, runbook document, coverage page, search feed) against the
 * targets in bench/RESULTS.md.
 */
import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import knexFactory from 'knex';
import { CloudWatchProvider } from '../../plugins/ops-backend-module-cloudwatch/src';
import { applyDatabaseMigrations } from '../../plugins/ops-backend/src/database/migrations';
import { EntityLocationReader } from '../../plugins/ops-backend/src/lib/EntityLocationReader';
import { DatabaseSnapshotStore } from '../../plugins/ops-backend/src/snapshots/SnapshotStore';
import { defaultRunbooksConfig } from '../../plugins/ops-backend/src/runbooks/config';
import { RunbookCollector } from '../../plugins/ops-backend/src/runbooks/RunbookCollector';
import { RunbooksService } from '../../plugins/ops-backend/src/runbooks/RunbooksService';
import { quietLogger, startFakeProcess } from '../lib';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const root = path.resolve(__dirname, '../..');
const examples = path.join(root, 'examples/runbooks/payment-service');

async function writeRepository(dir: string, services: number) {
  const templates = (await fs.readdir(examples)).map(name => ({
    name,
    content: readFileSync(path.join(examples, name), 'utf8'),
  }));
  await fs.writeFile(path.join(dir, 'all.yaml'), 'kind: Location\n');
  await fs.mkdir(path.join(dir, 'services'));
  for (let s = 0; s < services; s++) {
    const folder = path.join(dir, 'runbooks', `svc-${s}`);
    await fs.mkdir(folder, { recursive: true });
    for (const template of templates) {
      await fs.writeFile(
        path.join(folder, template.name),
        template.content.replace(/payment-service/g, `svc-${s}`),
      );
    }
  }
  return templates.reduce((n, t) => n + t.content.length, 0);
}

function entities(dir: string, services: number): Entity[] {
  return Array.from({ length: services }, (_, s) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: `svc-${s}`,
      namespace: 'default',
      annotations: {
        'backstage.io/managed-by-location': `file:${path.join(
          dir,
          'services',
          `svc-${s}.yaml`,
        )}`,
        'backstage.io/managed-by-origin-location': `file:${path.join(
          dir,
          'all.yaml',
        )}`,
        'opsportal.dev/runbooks': `../runbooks/svc-${s}/`,
        'opsportal.dev/alarm-prefix': `svc-${s}-`,
      },
      links: [
        {
          url: `https://wiki.example/runbooks/svc-${s}/gateway-timeouts`,
          title: 'Runbook: vendor gateway escalation',
          type: 'runbook',
        },
      ],
    },
    spec: { type: 'service', owner: `group:default/team-${s % 20}` },
  }));
}

async function stats(url: string) {
  return (await (await fetch(`${url}/__stats`)).json()) as {
    describeAlarmsCalls: number;
    listTagsForResourceCalls: number;
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return [value, Number(process.hrtime.bigint() - start) / 1e6];
}

function ms(value: number) {
  return `${value.toFixed(value < 10 ? 2 : 0)} ms`;
}

async function main() {
  const services = arg('services', 500);
  const alarmsPerService = arg('alarms', 10);
  const reads = arg('reads', 500);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ops-bench-runbooks-'));
  const trace = (m: string) =>
    process.env.BENCH_TRACE && process.stderr.write(`${m}\n`);
  const bytes = await writeRepository(dir, services);
  trace('repository written');
  const fake = await startFakeProcess(path.join(__dirname, 'fake.ts'), [
    services,
    alarmsPerService,
  ]);
  trace(`fake at ${fake.url}`);
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: path.join(dir, 'snapshots.sqlite') },
    useNullAsDefault: true,
  });
  await applyDatabaseMigrations(knex);
  const logger = quietLogger();
  const snapshots = new DatabaseSnapshotStore(knex);
  const urlReader = UrlReaders.default({
    logger,
    config: mockServices.rootConfig({ data: {} }),
  });
  const makeService = (scanThreshold: number) =>
    new RunbooksService({
      catalog: catalogServiceMock({ entities: entities(dir, services) }),
      auth: mockServices.auth(),
      snapshots,
      collector: new RunbookCollector(
        new EntityLocationReader({ urlReader, maxFileBytes: 256 * 1024 }),
        { techdocsBasePath: '/docs' },
      ),
      alarms: new CloudWatchProvider({
        region: 'us-east-1',
        endpoint: fake.url,
        credentials: async () => ({
          accessKeyId: 'bench',
          secretAccessKey: 'bench',
        }),
        maxAttempts: 3,
        requestTimeoutMs: 30_000,
        concurrency: 4,
        logger,
      }),
      config: { ...defaultRunbooksConfig, alarmScanThreshold: scanThreshold },
      logger,
    });
  const service = makeService(defaultRunbooksConfig.alarmScanThreshold);
  const user = mockCredentials.user('user:default/guest');
  const results: string[] = [];
  const say = (line: string) => {
    results.push(line);
    process.stdout.write(`${line}\n`);
  };

  say(
    `Machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model}), Node ${
      process.version
    }, ${new Date().toISOString()}`,
  );
  say(
    `Services: ${services}, markdown runbooks: ${services * 4} (${(
      bytes / 1024
    ).toFixed(1)} KiB per service), alarms: ${services * alarmsPerService}`,
  );

  const [first, firstMs] = await timed(() => service.refreshRunbooks());
  say(
    `Runbooks refresh, first: ${first.runbooks} runbooks of ${
      first.entities
    } entities in ${ms(firstMs)} (target < 60000 ms)`,
  );
  const [, againMs] = await timed(() => service.refreshRunbooks());
  say(`Runbooks refresh, files unchanged: ${ms(againMs)}`);

  let before = await stats(fake.url);
  const [alarmResult, alarmsMs] = await timed(() => service.refreshAlarms());
  let after = await stats(fake.url);
  const scanCalls = after.describeAlarmsCalls - before.describeAlarmsCalls;
  const tagCalls =
    after.listTagsForResourceCalls - before.listTagsForResourceCalls;
  say(
    `Alarms refresh (${
      services > defaultRunbooksConfig.alarmScanThreshold
        ? 'one scan'
        : 'one call per prefix'
    }, ${services} prefixes, threshold ${
      defaultRunbooksConfig.alarmScanThreshold
    }): ${
      alarmResult.alarms
    } alarms, ${scanCalls} DescribeAlarms (target <= ${Math.ceil(
      (services * alarmsPerService) / 100,
    )}), ${tagCalls} ListTagsForResource, ${ms(alarmsMs)}`,
  );
  before = after;
  const [, againAlarmsMs] = await timed(() => service.refreshAlarms());
  after = await stats(fake.url);
  say(
    `Alarms refresh again (tags cached): ${
      after.describeAlarmsCalls - before.describeAlarmsCalls
    } DescribeAlarms, ${
      after.listTagsForResourceCalls - before.listTagsForResourceCalls
    } ListTagsForResource (target 0), ${ms(againAlarmsMs)}`,
  );

  const perPrefix = makeService(Number.MAX_SAFE_INTEGER);
  before = await stats(fake.url);
  const [, perPrefixMs] = await timed(() => perPrefix.refreshAlarms());
  after = await stats(fake.url);
  say(
    `Alarms refresh one call per prefix (for comparison): ${
      after.describeAlarmsCalls - before.describeAlarmsCalls
    } DescribeAlarms, ${
      after.listTagsForResourceCalls - before.listTagsForResourceCalls
    } ListTagsForResource (new provider, cold tag cache), ${ms(perPrefixMs)}`,
  );

  const entityTimes: number[] = [];
  const docTimes: number[] = [];
  for (let i = 0; i < reads; i++) {
    const ref = `component:default/svc-${(i * 7919) % services}`;
    const [view, t] = await timed(() => service.getEntityRunbooks(ref, user));
    entityTimes.push(t);
    if (view.counts.alarmsWithoutRunbook === view.counts.alarms) {
      throw new Error('alarms were not linked');
    }
    const [, d] = await timed(() =>
      service.getDocument(ref, 'payment-processing-failures', user),
    );
    docTimes.push(d);
  }
  say(
    `Entity card answer (from snapshots), ${reads} reads: p50 ${ms(
      percentile(entityTimes, 50),
    )}, p95 ${ms(percentile(entityTimes, 95))}, max ${ms(
      Math.max(...entityTimes),
    )} (target p95 < 50 ms)`,
  );
  say(
    `Runbook document answer, ${reads} reads: p50 ${ms(
      percentile(docTimes, 50),
    )}, p95 ${ms(percentile(docTimes, 95))} (target p95 < 50 ms)`,
  );

  const coverageTimes: number[] = [];
  let coverageServices = 0;
  for (let i = 0; i < 5; i++) {
    const [report, t] = await timed(() => service.getCoverage(user));
    coverageServices = report.services.length;
    coverageTimes.push(t);
  }
  say(
    `Coverage page answer (${coverageServices} services), 5 runs: median ${ms(
      percentile(coverageTimes, 50),
    )} (target < 1000 ms)`,
  );

  const [documents, searchMs] = await timed(async () => {
    let count = 0;
    let cursor: string | undefined;
    do {
      const page = await service.searchDocuments(cursor);
      count += page.documents.length;
      cursor = page.nextCursor;
    } while (cursor);
    return count;
  });
  say(`Search feed: ${documents} documents in ${ms(searchMs)}`);
  say(`Peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);

  fake.stop();
  await knex.destroy();
  await fs.rm(dir, { recursive: true, force: true });
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
