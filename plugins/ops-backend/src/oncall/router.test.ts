import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { FakePagerDuty, startFakePagerDuty } from '@internal/fake-upstreams';
import opsModulePagerDuty from '@opsportal/plugin-ops-backend-module-pagerduty';
import request from 'supertest';
import { opsPlugin } from '../plugin';

jest.setTimeout(60_000);

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'order-service',
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

describe('on-call routes', () => {
  let pagerduty: FakePagerDuty;
  beforeAll(async () => {
    pagerduty = await startFakePagerDuty({ rateLimitPerMinute: 100_000 });
  });
  afterAll(() => pagerduty.close());

  async function start(
    credentials:
      | ReturnType<typeof mockCredentials.user>
      | ReturnType<typeof mockCredentials.none> = mockCredentials.user(),
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
              incidents: { trigger: { enabled: true } },
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
    for (const path of [
      '/api/ops/oncall/entity?entityRef=component:default/order-service',
      '/api/ops/oncall/platform',
      '/api/ops/incidents/entity?entityRef=component:default/order-service',
    ]) {
      expect((await request(server).get(path)).status).toBe(401);
    }
    const post = await request(server)
      .post('/api/ops/incidents/trigger')
      .send({});
    expect(post.status).toBe(401);
  });

  it('names the missing or wrong field', async () => {
    const server = await start();

    const missing = await request(server).get('/api/ops/oncall/entity');
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toBe('entityRef is required');

    const bad = await request(server).post('/api/ops/incidents/trigger').send({
      entityRef: 'component:default/order-service',
      summary: 'down',
      severity: 'critical',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^summary must say what is wrong/);

    const severity = await request(server)
      .post('/api/ops/incidents/trigger')
      .send({
        entityRef: 'component:default/order-service',
        summary: 'Checkout is down',
        severity: 'P1',
      });
    expect(severity.status).toBe(400);
    expect(severity.body.error.message).toMatch(/^severity /);
  });

  it('answers 404 for an entity the catalog does not have', async () => {
    const server = await start();
    const res = await request(server).get(
      '/api/ops/oncall/entity?entityRef=component:default/nope',
    );
    expect(res.status).toBe(404);
  });

  it('serves an entity its on-call and incidents, read on the first view', async () => {
    const server = await start();

    const oncall = await request(server).get(
      '/api/ops/oncall/entity?entityRef=component:default/order-service',
    );
    expect(oncall.status).toBe(200);
    expect(
      oncall.body.data.services[0].escalationPolicy.levels.map(
        (l: any) => `${l.label}: ${l.onCall[0].person.name}`,
      ),
    ).toHaveLength(3);
    expect(oncall.body.stale).toBe(false);

    const incidents = await request(server).get(
      '/api/ops/incidents/entity?entityRef=component:default/order-service',
    );
    expect(incidents.status).toBe(200);
    const p1 = incidents.body.data.incidents.find(
      (i: any) => i.severity === 'P1' && i.status !== 'resolved',
    );
    expect(p1.responseTarget).toBe('5 min');
    expect(incidents.body.data.triggerEnabled).toBe(false);

    const platform = await request(server).get('/api/ops/oncall/platform');
    expect(platform.body.rows.map((r: any) => r.entityRef)).toEqual([
      'component:default/order-service',
    ]);
  });

  it('answers an entity without PagerDuty annotations with nothing to show', async () => {
    const server = await start();
    const res = await request(server).get(
      '/api/ops/oncall/entity?entityRef=component:default/storefront',
    );
    expect(res.status).toBe(200);
    expect(res.body.data.services).toEqual([]);
  });
});
