import http from 'node:http';
import { AddressInfo } from 'node:net';
import { mockServices } from '@backstage/backend-test-utils';
import { RunbookSearchPage } from '@opsportal/plugin-ops-common';
import { RunbookCollatorFactory } from './RunbookCollatorFactory';

describe('RunbookCollatorFactory', () => {
  let server: http.Server;
  let baseUrl: string;
  const seen: { url: string; authorization?: string }[] = [];
  let failWith: number | undefined;

  const pages: Record<string, RunbookSearchPage> = {
    '': {
      documents: [
        {
          title: 'Payment processing failures above 5 %',
          text: 'kubectl rollout undo deployment/payment-service',
          location:
            '/catalog/default/component/payment-service/runbooks?runbook=payment-processing-failures',
          entityRef: 'component:default/payment-service',
          entityTitle: 'Payment Service',
          owner: 'group:default/dev-team',
          alarms: ['payment-service-processing-failures'],
          source: 'markdown',
          lastUpdated: '2026-10-14',
        },
      ],
      nextCursor: 'component:default/payment-service',
    },
    'component:default/payment-service': {
      documents: [
        {
          title: 'Runbook: search-service CPU',
          text: 'Runbook: search-service CPU',
          location: 'https://wiki.example/runbooks/search-cpu',
          entityRef: 'component:default/search-service',
          alarms: [],
          source: 'link',
        },
      ],
    },
  };

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url!, 'http://localhost');
      seen.push({ url: req.url!, authorization: req.headers.authorization });
      if (failWith) {
        res.writeHead(failWith, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: { name: 'Error', message: 'down' } }));
        return;
      }
      const page = pages[url.searchParams.get('cursor') ?? ''];
      res.writeHead(page ? 200 : 404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(page ?? {}));
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${
      (server.address() as AddressInfo).port
    }/api/ops`;
  });

  afterAll(async () => {
    await new Promise(r => server.close(r));
  });

  beforeEach(() => {
    seen.length = 0;
    failWith = undefined;
  });

  function factory() {
    return new RunbookCollatorFactory({
      discovery: {
        getBaseUrl: async () => baseUrl,
        getExternalBaseUrl: async () => baseUrl,
      },
      auth: mockServices.auth(),
    });
  }

  async function collect() {
    const documents = [];
    for await (const doc of await factory().getCollator()) documents.push(doc);
    return documents;
  }

  it('collects every page with a service token, guarded by catalog read', async () => {
    const documents = await collect();

    expect(factory().visibilityPermission.name).toBe('catalog.entity.read');
    expect(seen.map(s => s.url)).toEqual([
      '/api/ops/runbooks/search-documents',
      '/api/ops/runbooks/search-documents?cursor=component%3Adefault%2Fpayment-service',
    ]);
    expect(seen[0].authorization).toMatch(/^Bearer .+/);
    expect(documents).toEqual([
      {
        title: 'Payment processing failures above 5 %',
        text: 'kubectl rollout undo deployment/payment-service',
        location:
          '/catalog/default/component/payment-service/runbooks?runbook=payment-processing-failures',
        entityRef: 'component:default/payment-service',
        entityTitle: 'Payment Service',
        owner: 'group:default/dev-team',
        alarms: 'payment-service-processing-failures',
        source: 'markdown',
        lastUpdated: '2026-10-14',
        authorization: { resourceRef: 'component:default/payment-service' },
      },
      {
        title: 'Runbook: search-service CPU',
        text: 'Runbook: search-service CPU',
        location: 'https://wiki.example/runbooks/search-cpu',
        entityRef: 'component:default/search-service',
        alarms: '',
        source: 'link',
        authorization: { resourceRef: 'component:default/search-service' },
      },
    ]);
  });

  it('fails the indexing run when the ops backend fails', async () => {
    failWith = 503;
    await expect(collect()).rejects.toThrow(/503/);
  });
});
