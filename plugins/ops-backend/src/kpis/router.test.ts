import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { FakePagerDuty, startFakePagerDuty } from '@internal/fake-upstreams';
import opsModulePagerDuty from '@opsportal/plugin-ops-backend-module-pagerduty';
import { KpiReport, OpsOverview } from '@opsportal/plugin-ops-common';
import request from 'supertest';
import { opsPlugin } from '../plugin';

jest.setTimeout(120_000);

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'order-service',
      title: 'Order Service',
      annotations: { 'pagerduty.com/service-id': 'PSVORDR' },
    },
    spec: { type: 'service', owner: 'group:default/dev-team' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'storefront' },
    spec: { type: 'website', owner: 'group:default/dev-team' },
  },
];

describe('KPI routes', () => {
  let pagerduty: FakePagerDuty;
  beforeAll(async () => {
    pagerduty = await startFakePagerDuty({ rateLimitPerMinute: 100_000 });
  });
  afterAll(() => pagerduty.close());

  async function start(
    credentials: BackstageCredentials = mockCredentials.user(),
  ) {
    const { server } = await startTestBackend({
      features: [
        opsPlugin,
        opsModulePagerDuty,
        catalogServiceMock.factory({ entities }),
        mockServices.rootConfig.factory({
          data: {
            ops: {
              pagerduty: {
                apiBaseUrl: pagerduty.url,
                token: 'local-fake-token',
                maxAttempts: 1,
              },
            },
          },
        }),
        mockServices.httpAuth.factory({ defaultCredentials: credentials }),
      ],
    });
    return server;
  }

  it('refuses requests without credentials', async () => {
    const server = await start(mockCredentials.none());
    for (const path of ['/api/ops/kpis', '/api/ops/overview']) {
      expect((await request(server).get(path)).status).toBe(401);
    }
  });

  it('names the wrong parameter', async () => {
    const server = await start();
    const cases: [string, RegExp][] = [
      ['period=7d', /^Invalid query: period: must be one of 30d, 90d, month/],
      [
        'scope=entity',
        /^Invalid query: entityRef: is required for scope entity/,
      ],
      [
        'period=month&month=2026-13',
        /^Invalid query: month: must be a month \(YYYY-MM\)/,
      ],
      [
        'period=30d&month=2026-01',
        /^Invalid query: month: is only for period month/,
      ],
      ['limit=5', /^Invalid query: unknown field\(s\) limit/],
      // A NUL byte is no catalog name; PostgreSQL refused it with a 503.
      [
        'scope=team&entityRef=group:default/dev%00-team',
        /^Invalid query: entityRef: /,
      ],
    ];
    for (const [query, message] of cases) {
      const res = await request(server).get(`/api/ops/kpis?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
    }
    const group = await request(server).get(
      '/api/ops/kpis?scope=team&entityRef=component:default/order-service',
    );
    expect(group.status).toBe(400);
    const missing = await request(server).get(
      '/api/ops/kpis?scope=entity&entityRef=component:default/nope',
    );
    expect(missing.status).toBe(404);
  });

  it("computes an entity's KPIs from the PagerDuty incidents, read on first view", async () => {
    const server = await start();
    const res = await request(server).get(
      '/api/ops/kpis?scope=entity&entityRef=component:default/order-service&period=30d',
    );
    expect(res.status).toBe(200);
    const report = res.body as KpiReport;
    expect(report.title).toBe('Order Service');
    const count = report.kpis.find(k => k.id === 'incidentCount')!;
    // The fake holds ten order-service incidents over 34 days and an open P1.
    expect(count.sample).toBeGreaterThan(0);
    expect(count.basis).toMatch(/incidents? in 30 days, 1 open/);
    expect(report.sources.find(s => s.source === 'incidents')?.available).toBe(
      true,
    );
    // No metrics provider is installed here: uptime says why it has none.
    expect(report.kpis.find(k => k.id === 'uptime')?.status).toBe('no-data');
    // An empty change store: known, and nothing implemented.
    expect(report.kpis.find(k => k.id === 'deploymentFrequency')?.value).toBe(
      0,
    );
  });

  it('lists the open P1 on order-service on the overview', async () => {
    const server = await start();
    const res = await request(server).get('/api/ops/overview');
    expect(res.status).toBe(200);
    const overview = res.body as OpsOverview;
    const open = overview.incidents.data!.open;
    expect(open.map(i => [i.severity, i.entityRef])).toEqual([
      ['P1', 'component:default/order-service'],
    ]);
    expect(overview.changes.data?.calendar.windows.length).toBeGreaterThan(0);
  });
});
