import { mockCredentials } from '@backstage/backend-test-utils';
import { FakePagerDuty, startFakePagerDuty } from '@internal/fake-upstreams';
import request from 'supertest';
import { startOpsBackend } from './__testUtils__/backend';

jest.setTimeout(60_000);

describe('on-call routes', () => {
  let pagerduty: FakePagerDuty;
  beforeAll(async () => {
    pagerduty = await startFakePagerDuty({ rateLimitPerMinute: 100_000 });
  });
  afterAll(() => pagerduty.close());

  const start = (credentials?: Parameters<typeof startOpsBackend>[1]) =>
    startOpsBackend(pagerduty, credentials);

  it('refuses requests without credentials', async () => {
    const server = await start(mockCredentials.none());
    for (const path of [
      '/api/ops/oncall/entity?entityRef=component:default/order-service',
      '/api/ops/oncall/platform',
    ]) {
      expect((await request(server).get(path)).status).toBe(401);
    }
  });

  it('names the missing or wrong field', async () => {
    const server = await start();

    const missing = await request(server).get('/api/ops/oncall/entity');
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toBe(
      'Invalid query: entityRef: is required',
    );
  });

  it('answers 404 for an entity the catalog does not have', async () => {
    const server = await start();
    const res = await request(server).get(
      '/api/ops/oncall/entity?entityRef=component:default/nope',
    );
    expect(res.status).toBe(404);
  });

  it('serves an entity its on-call, read on the first view', async () => {
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
