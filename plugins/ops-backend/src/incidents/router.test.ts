import { mockCredentials } from '@backstage/backend-test-utils';
import { FakePagerDuty, startFakePagerDuty } from '@internal/fake-upstreams';
import request from 'supertest';
import { startOpsBackend } from '../oncall/__testUtils__/backend';

jest.setTimeout(60_000);

describe('incidents routes', () => {
  let pagerduty: FakePagerDuty;
  beforeAll(async () => {
    pagerduty = await startFakePagerDuty({ rateLimitPerMinute: 100_000 });
  });
  afterAll(() => pagerduty.close());

  const start = (credentials?: Parameters<typeof startOpsBackend>[1]) =>
    startOpsBackend(pagerduty, credentials);

  it('refuses requests without credentials', async () => {
    const server = await start(mockCredentials.none());
    const get = await request(server).get(
      '/api/ops/incidents/entity?entityRef=component:default/order-service',
    );
    expect(get.status).toBe(401);
    const post = await request(server)
      .post('/api/ops/incidents/trigger')
      .send({});
    expect(post.status).toBe(401);
  });

  it('names the missing or wrong field', async () => {
    const server = await start();

    const bad = await request(server).post('/api/ops/incidents/trigger').send({
      entityRef: 'component:default/order-service',
      summary: 'down',
      severity: 'critical',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(
      /^Invalid body: summary: must say what is wrong/,
    );

    const severity = await request(server)
      .post('/api/ops/incidents/trigger')
      .send({
        entityRef: 'component:default/order-service',
        summary: 'Checkout is down',
        severity: 'P1',
      });
    expect(severity.status).toBe(400);
    expect(severity.body.error.message).toMatch(/^Invalid body: severity: /);
  });

  it('serves an entity its incidents, read on the first view', async () => {
    const server = await start();

    const incidents = await request(server).get(
      '/api/ops/incidents/entity?entityRef=component:default/order-service',
    );
    expect(incidents.status).toBe(200);
    const p1 = incidents.body.data.incidents.find(
      (i: any) => i.severity === 'P1' && i.status !== 'resolved',
    );
    expect(p1.responseTarget).toBe('5 min');
    expect(incidents.body.data.triggerEnabled).toBe(false);
  });
});
