import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  createPlatformStore,
  FakeCloudWatch,
  startFakeCloudWatch,
} from '@internal/fake-upstreams';
import cloudWatchModule from '@opsportal/plugin-ops-backend-module-cloudwatch';
import {
  EntityRunbooks,
  RunbookDocument,
  RunbookSearchPage,
} from '@opsportal/plugin-ops-common';
import request from 'supertest';
import { parse } from 'yaml';
import { opsPlugin } from '../plugin';

jest.setTimeout(60_000);

const examples = path.resolve(__dirname, '../../../../examples');
const userHeader = mockCredentials.user.header('user:default/guest');

/** The example platform's payment-service as the catalog hands it out. */
async function examplePaymentService(): Promise<Entity> {
  const file = path.join(examples, 'services', 'payment-service.yaml');
  const entity = parse(await fs.readFile(file, 'utf8')) as Entity;
  entity.metadata.namespace = 'default';
  entity.metadata.annotations = {
    ...entity.metadata.annotations,
    'backstage.io/managed-by-location': `file:${file}`,
    'backstage.io/managed-by-origin-location': `file:${path.join(
      examples,
      'all.yaml',
    )}`,
  };
  return entity;
}

describe('runbooks routes', () => {
  let cloudwatch: FakeCloudWatch;

  beforeAll(async () => {
    cloudwatch = await startFakeCloudWatch({
      store: createPlatformStore(Date.now()),
      port: 0,
    });
  });

  afterAll(async () => {
    await cloudwatch.close();
  });

  async function start(entities?: Entity[]) {
    const { server } = await startTestBackend({
      features: [
        opsPlugin,
        cloudWatchModule,
        catalogServiceMock.factory({
          entities: entities ?? [await examplePaymentService()],
        }),
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.rootConfig.factory({
          data: {
            aws: {
              mainAccount: {
                accessKeyId: 'test-key',
                secretAccessKey: 'test-secret',
              },
            },
            ops: {
              cloudwatch: { region: 'us-east-1', endpoint: cloudwatch.url },
              runbooks: {
                alarms: {
                  severityRules: [{ pattern: '*-replica-lag', severity: 'P3' }],
                  defaultSeverity: 'P4',
                },
              },
            },
          },
        }),
      ],
    });
    return server;
  }

  it('refuses callers without credentials', async () => {
    const server = await start();
    const res = await request(server).get(
      '/api/ops/runbooks/entity?entityRef=component:default/payment-service',
    );
    expect(res.status).toBe(401);
  });

  it('names the field that is missing or wrong', async () => {
    const server = await start();
    const missing = await request(server)
      .get('/api/ops/runbooks/entity')
      .set('Authorization', userHeader);
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toBe(
      'Invalid query: entityRef: is required',
    );

    const wrong = await request(server)
      .get(
        '/api/ops/runbooks/document?entityRef=component:default/payment-service',
      )
      .set('Authorization', userHeader);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toBe('Invalid query: id: is required');

    const unknown = await request(server)
      .get('/api/ops/runbooks/entity?entityRef=component:default/nope')
      .set('Authorization', userHeader);
    expect(unknown.status).toBe(404);
  });

  it("lists payment-service's runbooks from examples/ and flags its alarm without one", async () => {
    const server = await start();
    const res = await request(server)
      .get(
        '/api/ops/runbooks/entity?entityRef=component:default/payment-service',
      )
      .set('Authorization', userHeader);

    expect(res.status).toBe(200);
    const body = res.body as EntityRunbooks;
    expect(body.runbooks.map(r => [r.title, r.source])).toEqual([
      ['Payments database failover (orders-db)', 'markdown'],
      ['Payment gateway timeouts', 'markdown'],
      ['payment-service memory above 90 %', 'markdown'],
      ['Payment processing failures above 5 %', 'markdown'],
      ['Runbook: payment gateway timeouts', 'link'],
    ]);
    expect(body.problems).toEqual([]);
    const byName = new Map(body.alarms.map(a => [a.name, a]));
    expect(
      byName.get('payment-service-events-queue-backlog')?.runbooks,
    ).toEqual([]);
    expect(body.counts.alarmsWithoutRunbook).toBe(1);
    expect(byName.get('payment-service-processing-failures')?.runbooks).toEqual(
      [
        {
          runbookId: 'payment-processing-failures',
          title: 'Payment processing failures above 5 %',
          via: 'front-matter',
        },
      ],
    );
    expect(byName.get('payment-service-high-memory')?.runbooks).toEqual([
      {
        runbookId: 'high-memory',
        title: 'payment-service memory above 90 %',
        via: 'naming',
      },
    ]);
    expect(
      byName.get('payment-service-gateway-timeouts')?.runbooks.map(l => l.via),
    ).toEqual(['description', 'front-matter']);
    expect(byName.get('payment-service-processing-failures')).toMatchObject({
      severity: 'P1',
      severitySource: 'tag',
    });
    expect(byName.get('payment-service-db-replica-lag')).toMatchObject({
      severity: 'P3',
      severitySource: 'rule',
    });
    expect(body.runbooks.find(r => r.id === 'db-failover')?.stale).toBe(true);
  });

  it('renders one of them', async () => {
    const server = await start();
    const res = await request(server)
      .get(
        '/api/ops/runbooks/document?entityRef=component:default/payment-service&id=payment-processing-failures',
      )
      .set('Authorization', userHeader);

    expect(res.status).toBe(200);
    const doc = res.body as RunbookDocument;
    expect(doc.toc.map(t => t.text)).toContain('Mitigation');
    expect(doc.blocks).toContainEqual(
      expect.objectContaining({
        type: 'code',
        language: 'sh',
        text: expect.stringContaining(
          'kubectl -n default rollout undo deployment/payment-service',
        ),
      }),
    );
  });

  it('answers the coverage report', async () => {
    const server = await start();
    const res = await request(server)
      .get('/api/ops/runbooks/coverage')
      .set('Authorization', userHeader);
    expect(res.status).toBe(200);
    expect(res.body.services).toHaveLength(1);
  });

  it('feeds search to services only', async () => {
    const server = await start();
    const asUser = await request(server)
      .get('/api/ops/runbooks/search-documents')
      .set('Authorization', userHeader);
    expect(asUser.status).toBe(403);

    // Read once so that the snapshots exist.
    await request(server)
      .get(
        '/api/ops/runbooks/entity?entityRef=component:default/payment-service',
      )
      .set('Authorization', userHeader);
    const asService = await request(server)
      .get('/api/ops/runbooks/search-documents')
      .set('Authorization', mockCredentials.service.header());
    expect(asService.status).toBe(200);
    const page = asService.body as RunbookSearchPage;
    expect(page.documents.map(d => d.title)).toContain(
      'Payments database failover (orders-db)',
    );
  });

  it('never hands a signed-in user a file that a runbook symlink leads to outside the entity folder', async () => {
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'ops-runbook-route-'));
    try {
      const secret = 'root:x:0:0:secret-from-outside';
      await fs.mkdir(path.join(tmp, 'outside'));
      await fs.writeFile(path.join(tmp, 'outside', 'passwd'), secret);
      await fs.mkdir(path.join(tmp, 'repo', 'docs'), { recursive: true });
      await fs.writeFile(path.join(tmp, 'repo', 'docs', 'guide.md'), '# Guide');
      await fs.symlink(
        path.join(tmp, 'outside', 'passwd'),
        path.join(tmp, 'repo', 'docs', 'passwd.md'),
      );
      await fs.symlink(
        path.join(tmp, 'outside'),
        path.join(tmp, 'repo', 'docs', 'link'),
      );
      const location = `file:${path.join(tmp, 'repo', 'catalog-info.yaml')}`;
      const server = await start([
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: {
            name: 'linked-service',
            namespace: 'default',
            annotations: {
              'backstage.io/managed-by-location': location,
              'backstage.io/managed-by-origin-location': location,
              'opsportal.dev/runbooks':
                'docs/guide.md, docs/passwd.md, docs/link/passwd',
            },
          },
          spec: { type: 'service', owner: 'group:default/team' },
        },
      ]);
      const entityRef = 'component:default/linked-service';

      const list = await request(server)
        .get(`/api/ops/runbooks/entity?entityRef=${entityRef}`)
        .set('Authorization', userHeader);
      expect(list.status).toBe(200);
      const body = list.body as EntityRunbooks;
      expect(body.runbooks.map(r => r.id)).toEqual(['guide']);
      expect(body.problems).toEqual([
        {
          location: 'docs/passwd.md',
          message: expect.stringMatching(
            /^could not be read: docs\/passwd\.md is a symbolic link.* leads outside component:default\/linked-service's own location/,
          ),
        },
        {
          location: 'docs/link/passwd',
          message: expect.stringMatching(
            /^could not be read: docs\/link\/passwd is a symbolic link/,
          ),
        },
      ]);

      const doc = await request(server)
        .get(`/api/ops/runbooks/document?entityRef=${entityRef}&id=passwd`)
        .set('Authorization', userHeader);
      expect(doc.status).toBe(404);

      for (const text of [list.text, doc.text]) {
        expect(text).not.toContain(secret);
        expect(text).not.toContain(tmp);
        expect(text).not.toContain(await fs.realpath(tmp));
      }
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
  });
});
