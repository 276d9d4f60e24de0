import { promises as fs } from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  FakeCloudWatch,
  MetricStore,
  startFakeCloudWatch,
} from '@internal/fake-upstreams';
import { CloudWatchProvider } from '@opsportal/plugin-ops-backend-module-cloudwatch';
import { applyDatabaseMigrations } from '../database/migrations';
import { EntityLocationReader } from '../lib/EntityLocationReader';
import { DatabaseSnapshotStore } from '../snapshots/SnapshotStore';
import { defaultRunbooksConfig, RunbooksConfig } from './config';
import { RunbookCollector } from './RunbookCollector';
import { RunbooksService } from './RunbooksService';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'MYSQL_8', 'SQLITE_3'],
});

const NOW = '2026-11-25T12:00:00.000Z';
const user = mockCredentials.user('user:default/guest');

function metric(name: string) {
  return {
    namespace: 'AWS/ApplicationELB',
    metricName: name,
    dimensions: { TargetGroup: 'tg' },
  };
}

function alarmStore(): MetricStore {
  const store = new MetricStore();
  const base = {
    stateReason: 'Threshold Crossed',
    metric: metric('HTTPCode_Target_5XX_Count'),
    period: 60,
    evaluationPeriods: 3,
    threshold: 5,
    comparisonOperator: 'GreaterThanThreshold',
  };
  store.addAlarm({
    ...base,
    name: 'pay-processing-failures',
    state: 'ALARM',
    stateUpdatedAt: new Date('2026-11-25T11:20:00Z'),
    tags: { Severity: 'P1' },
  });
  store.addAlarm({
    ...base,
    name: 'pay-high-memory',
    state: 'OK',
    stateUpdatedAt: new Date('2026-11-20T08:00:00Z'),
    tags: { Severity: 'high' },
  });
  store.addAlarm({
    ...base,
    name: 'pay-gateway-timeouts',
    description: 'Timeouts. Runbook: https://vendor.example/runbooks/gateway',
    state: 'OK',
    stateUpdatedAt: new Date('2026-11-22T08:00:00Z'),
  });
  store.addAlarm({
    ...base,
    name: 'pay-queue-backlog',
    description: 'Backlog above 1,000. Dashboard: https://grafana.example/d/1',
    state: 'INSUFFICIENT_DATA',
    stateUpdatedAt: new Date('2026-11-25T11:50:00Z'),
    tags: { Severity: 'P3' },
  });
  store.addAlarm({
    ...base,
    name: 'other-team-alarm',
    state: 'ALARM',
    stateUpdatedAt: new Date('2026-11-25T11:00:00Z'),
  });
  return store;
}

describe.each(databases.eachSupportedId())('RunbooksService on %s', id => {
  let cloudwatch: FakeCloudWatch;
  let dir: string;

  beforeAll(async () => {
    cloudwatch = await startFakeCloudWatch({ store: alarmStore(), port: 0 });
  });

  afterAll(async () => {
    await cloudwatch.close();
  });

  beforeEach(async () => {
    cloudwatch.faults.length = 0;
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ops-runbooks-'));
    await fs.mkdir(path.join(dir, 'services'));
    await fs.mkdir(path.join(dir, 'runbooks', 'pay'), { recursive: true });
    await fs.writeFile(path.join(dir, 'all.yaml'), 'kind: Location');
    await write(
      'runbooks/pay/processing-failures.md',
      [
        '---',
        'title: Payment failures above 5 %',
        'owner: group:default/sre-team',
        'last_updated: 2026-10-14',
        'alarms: [pay-processing-failures]',
        '---',
        '# Payment failures',
        '## Check',
        '```sh',
        'kubectl rollout undo deployment/pay',
        '```',
        'See [memory](./high-memory.md).',
      ].join('\n'),
    );
    await write(
      'runbooks/pay/high-memory.md',
      '# Memory above 90 %\n\nNamed after its alarm.\n',
    );
    await write(
      'runbooks/pay/db-failover.md',
      '---\ntitle: Database failover\nlast_updated: 2025-12-10\n---\n# DB\n',
    );
  });

  async function write(name: string, content: string | Buffer) {
    await fs.writeFile(path.join(dir, name), content);
  }

  function entity(
    name: string,
    annotations: Record<string, string>,
    extra: Partial<Entity['metadata']> = {},
  ): Entity {
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name,
        annotations: {
          'backstage.io/managed-by-location': `file:${path.join(
            dir,
            'services',
            `${name}.yaml`,
          )}`,
          'backstage.io/managed-by-origin-location': `file:${path.join(
            dir,
            'all.yaml',
          )}`,
          ...annotations,
        },
        ...extra,
      },
      spec: { type: 'service', owner: 'group:default/dev-team' },
    };
  }

  const payment = () =>
    entity(
      'pay',
      {
        'opsportal.dev/runbooks': '../runbooks/pay/',
        'opsportal.dev/alarm-prefix': 'pay-',
      },
      {
        title: 'Payment Service',
        links: [
          {
            url: 'https://vendor.example/runbooks/gateway',
            title: 'Runbook: gateway timeouts',
            type: 'runbook',
          },
          { url: 'https://grafana.example/d/1', title: 'Dashboard' },
        ],
      },
    );

  async function setup(
    entities: Entity[],
    config: Partial<RunbooksConfig> = {},
    urlReader = UrlReaders.default({
      logger: mockServices.logger.mock(),
      config: mockServices.rootConfig({ data: {} }),
    }),
  ) {
    const knex = await databases.init(id);
    await applyDatabaseMigrations(knex);
    let now = new Date(NOW);
    const clock = { now: () => now };
    const snapshots = new DatabaseSnapshotStore(knex, clock);
    const logger = mockServices.logger.mock();
    const provider = new CloudWatchProvider({
      region: 'us-east-1',
      endpoint: cloudwatch.url,
      credentials: async () => ({
        accessKeyId: 'test',
        secretAccessKey: 'test',
      }),
      maxAttempts: 1,
      requestTimeoutMs: 5_000,
      concurrency: 2,
      logger,
    });
    const catalog = catalogServiceMock({ entities });
    const service = new RunbooksService({
      catalog,
      auth: mockServices.auth(),
      snapshots,
      collector: new RunbookCollector(
        new EntityLocationReader({ urlReader, maxFileBytes: 4096 }),
        { techdocsBasePath: '/docs' },
      ),
      alarms: provider,
      config: { ...defaultRunbooksConfig, ...config },
      logger,
      clock,
    });
    return {
      service,
      snapshots,
      catalog,
      setNow: (iso: string) => {
        now = new Date(iso);
      },
    };
  }

  it("lists an entity's runbooks from its repository and links, with its alarms", async () => {
    const { service } = await setup([payment()]);

    const view = await service.getEntityRunbooks('component:pay', user);

    expect(view.entityRef).toBe('component:default/pay');
    expect(view.problems).toEqual([]);
    expect(
      view.runbooks.map(r => [r.id, r.source, r.title, r.owner, r.stale]),
    ).toEqual([
      [
        'db-failover',
        'markdown',
        'Database failover',
        'group:default/dev-team',
        true,
      ],
      [
        'high-memory',
        'markdown',
        'Memory above 90 %',
        'group:default/dev-team',
        false,
      ],
      [
        'processing-failures',
        'markdown',
        'Payment failures above 5 %',
        'group:default/sre-team',
        false,
      ],
      [
        'link-gateway-timeouts',
        'link',
        'Runbook: gateway timeouts',
        'group:default/dev-team',
        false,
      ],
    ]);
    expect(view.runbooks[2]).toMatchObject({
      lastUpdated: '2026-10-14',
      lastUpdatedFrom: 'front-matter',
      alarms: ['pay-processing-failures'],
      headings: ['Payment failures', 'Check'],
    });
    // The file date stands in when the front matter has none.
    expect(view.runbooks[1].lastUpdatedFrom).toBe('file');

    expect(
      view.alarms.map(a => [
        a.name,
        a.state,
        a.severity,
        a.severitySource,
        a.runbooks.map(l => l.runbookId ?? l.url),
      ]),
    ).toEqual([
      [
        'pay-processing-failures',
        'ALARM',
        'P1',
        'tag',
        ['processing-failures'],
      ],
      ['pay-queue-backlog', 'INSUFFICIENT_DATA', 'P3', 'tag', []],
      ['pay-high-memory', 'OK', 'P2', 'tag', ['high-memory']],
      [
        'pay-gateway-timeouts',
        'OK',
        'P3',
        'default',
        ['link-gateway-timeouts'],
      ],
    ]);
    expect(view.alarms[0].since).toBe('2026-11-25T11:20:00.000Z');
    expect(view.counts).toEqual({
      runbooks: 4,
      staleRunbooks: 1,
      alarms: 4,
      alarmsFiring: 1,
      alarmsWithoutRunbook: 1,
    });
    expect(view.setup).toEqual({
      markdown: true,
      links: true,
      techdocs: false,
      alarms: true,
    });
    expect(view.freshness.alarms).toEqual({ fetchedAt: NOW, stale: false });
  });

  it('renders a runbook with its table of contents and the alarms it covers', async () => {
    const { service } = await setup([payment()]);

    const doc = await service.getDocument(
      'component:default/pay',
      'processing-failures',
      user,
    );

    expect(doc.toc).toEqual([{ id: 'check', level: 2, text: 'Check' }]);
    expect(doc.blocks).toContainEqual({
      type: 'code',
      language: 'sh',
      text: 'kubectl rollout undo deployment/pay',
    });
    expect(doc.blocks).toContainEqual({
      type: 'paragraph',
      children: [
        { type: 'text', text: 'See ' },
        {
          type: 'link',
          runbookId: 'high-memory',
          children: [{ type: 'text', text: 'memory' }],
        },
        { type: 'text', text: '.' },
      ],
    });
    expect(doc.alarms.map(a => a.name)).toEqual(['pay-processing-failures']);
    await expect(
      service.getDocument(
        'component:default/pay',
        'link-gateway-timeouts',
        user,
      ),
    ).rejects.toThrow(/not a markdown runbook/);
    await expect(
      service.getDocument('component:default/pay', 'nope', user),
    ).rejects.toThrow('component:default/pay has no runbook "nope"');
  });

  it('shows what is wrong with bad files and locations instead of failing', async () => {
    await write('runbooks/pay/huge.md', `# Huge\n${'x'.repeat(8192)}`);
    await write(
      'runbooks/pay/logo.md',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1]),
    );
    await write(
      'runbooks/pay/broken.md',
      '---\ntitle: [oops\n---\n# Broken but readable\n',
    );
    await fs.writeFile(path.join(os.tmpdir(), 'ops-outside.md'), '# secret');
    const { service } = await setup([
      entity('pay', {
        'opsportal.dev/runbooks': `../runbooks/pay/, ../runbooks/missing/, ${pathToFileURL(
          path.join(os.tmpdir(), 'ops-outside.md'),
        )}`,
      }),
    ]);

    const view = await service.getEntityRunbooks('component:default/pay', user);

    expect(view.runbooks.map(r => r.title)).toEqual([
      'Broken but readable',
      'Database failover',
      'Memory above 90 %',
      'Payment failures above 5 %',
    ]);
    expect(view.problems).toEqual([
      {
        location: 'huge.md',
        message: expect.stringMatching(/over the 4096-byte limit/),
      },
      { location: 'logo.md', message: 'logo.md is a binary file, not text' },
      {
        location: 'broken.md',
        message: expect.stringMatching(/^front matter is not valid YAML/),
      },
      {
        location: '../runbooks/missing/',
        message: expect.stringMatching(/^could not be read: .*does not exist/),
      },
      {
        location: expect.stringMatching(/^file:/),
        message: expect.stringMatching(
          /outside component:default\/pay's own location/,
        ),
      },
    ]);
  });

  it('keeps the runbooks of an unreachable repository and says since when', async () => {
    let up = true;
    const server = http.createServer((req, res) => {
      if (up && req.url === '/repo/runbooks/gateway.md') {
        res.writeHead(200, { 'Content-Type': 'text/markdown' });
        res.end('# Gateway timeouts\n');
      } else {
        res.writeHead(up ? 404 : 503);
        res.end();
      }
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const remote: Entity = {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'remote',
          annotations: {
            'backstage.io/managed-by-location': `url:http://${host}/repo/catalog-info.yaml`,
            'backstage.io/managed-by-origin-location': `url:http://${host}/repo/catalog-info.yaml`,
            'opsportal.dev/runbooks': './runbooks/gateway.md',
          },
        },
        spec: { owner: 'group:default/dev-team' },
      };
      const { service, setNow } = await setup(
        [remote],
        {},
        UrlReaders.default({
          logger: mockServices.logger.mock(),
          config: mockServices.rootConfig({
            data: { backend: { reading: { allow: [{ host }] } } },
          }),
        }),
      );
      await service.refreshRunbooks();
      up = false;
      setNow('2026-11-25T12:30:00.000Z');
      await service.refreshRunbooks();

      const view = await service.getEntityRunbooks(
        'component:default/remote',
        user,
      );

      expect(view.runbooks.map(r => r.title)).toEqual(['Gateway timeouts']);
      expect(view.problems).toEqual([
        {
          location: './runbooks/gateway.md',
          message: expect.stringMatching(
            /^could not be read \(.*\); showing the 1 runbook\(s\) read at 2026-11-25T12:00:00.000Z$/,
          ),
        },
      ]);
      const doc = await service.getDocument(
        'component:default/remote',
        'gateway',
        user,
      );
      expect(doc.runbook.title).toBe('Gateway timeouts');
    } finally {
      await new Promise(r => server.close(r));
    }
  });

  it('serves the last good alarms with the error when CloudWatch fails', async () => {
    const { service, setNow } = await setup([payment()]);
    await service.refreshAlarms();
    setNow('2026-11-25T12:05:00.000Z');
    cloudwatch.faults.push({ kind: 'access-denied' });
    await service.refreshAlarms();

    const view = await service.getEntityRunbooks('component:default/pay', user);

    expect(view.alarms).toHaveLength(4);
    expect(view.freshness.alarms).toEqual({
      fetchedAt: NOW,
      stale: true,
      error: expect.stringMatching(/AccessDenied.*not authorized/),
    });
  });

  it('reads again when the entity points somewhere else, and lists TechDocs pages', async () => {
    const { service, catalog } = await setup([payment()]);
    await service.getEntityRunbooks('component:default/pay', user);

    const moved = entity('pay', {
      'backstage.io/techdocs-ref': 'dir:.',
      'opsportal.dev/techdocs-runbooks': 'runbooks/high-memory, ../escape',
    });
    catalog.getEntityByRef = async () => moved;
    const view = await service.getEntityRunbooks('component:default/pay', user);

    expect(view.runbooks).toEqual([
      expect.objectContaining({
        id: 'techdocs-runbooks-high-memory',
        source: 'techdocs',
        title: 'High memory',
        url: '/docs/default/component/pay/runbooks/high-memory/',
      }),
    ]);
    expect(view.problems).toEqual([
      {
        location: 'opsportal.dev/techdocs-runbooks',
        message: '"../escape" leaves the TechDocs site',
      },
    ]);
    // No alarm prefix any more: no alarms, nothing flagged.
    expect(view.alarms).toEqual([]);
  });

  it('reports coverage per service and team, and lists stale runbooks', async () => {
    const bare = entity('bare', {});
    bare.spec = { type: 'service', owner: 'group:default/sre-team' };
    const { service } = await setup([payment(), bare], { staleAfterDays: 180 });
    // Only entities with a runbook or alarm source are read.
    expect(await service.refreshRunbooks()).toEqual({
      entities: 1,
      runbooks: 4,
    });
    expect(await service.refreshAlarms()).toEqual({ alarms: 4 });

    const report = await service.getCoverage(user);

    expect(report.totals).toEqual({
      services: 2,
      runbooks: 4,
      staleRunbooks: 1,
      alarms: 4,
      alarmsWithoutRunbook: 1,
      servicesWithoutRunbooks: 1,
    });
    expect(report.services[0]).toMatchObject({
      entityRef: 'component:default/pay',
      title: 'Payment Service',
      alarmsWithoutRunbook: [
        {
          name: 'pay-queue-backlog',
          severity: 'P3',
          state: 'INSUFFICIENT_DATA',
        },
      ],
      staleRunbooks: [
        {
          id: 'db-failover',
          title: 'Database failover',
          lastUpdated: '2025-12-10',
        },
      ],
    });
    expect(report.services[1]).toMatchObject({
      entityRef: 'component:default/bare',
      runbooks: 0,
      noRunbookSource: true,
    });
    expect(
      report.teams.map(t => [t.owner, t.services, t.alarmsWithoutRunbook]),
    ).toEqual([
      ['group:default/dev-team', 1, 1],
      ['group:default/sre-team', 1, 0],
    ]);
  });

  it('feeds search with the text of markdown runbooks and link titles', async () => {
    const { service } = await setup([payment()]);
    await service.refreshRunbooks();

    const page = await service.searchDocuments();

    expect(page.nextCursor).toBeUndefined();
    expect(page.documents).toContainEqual(
      expect.objectContaining({
        title: 'Payment failures above 5 %',
        location:
          '/catalog/default/component/pay/runbooks?runbook=processing-failures',
        entityRef: 'component:default/pay',
        entityTitle: 'Payment Service',
        text: expect.stringContaining('kubectl rollout undo deployment/pay'),
      }),
    );
    expect(page.documents).toContainEqual(
      expect.objectContaining({
        title: 'Runbook: gateway timeouts',
        location: 'https://vendor.example/runbooks/gateway',
        source: 'link',
      }),
    );
  });

  it('lists all alarms in one scan above the prefix threshold, and reads tags once', async () => {
    const { service } = await setup([payment()], { alarmScanThreshold: 0.5 });
    const before = { ...cloudwatch.stats };
    await service.refreshAlarms();
    await service.refreshAlarms();

    expect(
      cloudwatch.stats.describeAlarmsCalls - before.describeAlarmsCalls,
    ).toBe(2);
    // Four alarms of the entity, tags cached by the provider after the first refresh.
    expect(
      cloudwatch.stats.listTagsForResourceCalls -
        before.listTagsForResourceCalls,
    ).toBe(4);
    const describeBodies = cloudwatch.requests
      .filter(r => String(r.headers['x-amz-target']).endsWith('DescribeAlarms'))
      .slice(-2)
      .map(r => JSON.parse(r.body));
    expect(describeBodies.map(b => b.AlarmNamePrefix)).toEqual([
      undefined,
      undefined,
    ]);
    const view = await service.getEntityRunbooks('component:default/pay', user);
    expect(view.alarms.map(a => a.name)).not.toContain('other-team-alarm');
    expect(view.alarms).toHaveLength(4);
  });
});
