import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  FakeCloudWatch,
  MetricStore,
  startFakeCloudWatch,
} from '@internal/fake-upstreams';
import cloudWatchModule from '@opsportal/plugin-ops-backend-module-cloudwatch';
import { EntityObservabilityResponse } from '@opsportal/plugin-ops-common';
import request from 'supertest';
import { opsPlugin } from '../plugin';

jest.setTimeout(60_000);

const user = mockCredentials.user.header('user:default/guest');

function entity(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  };
}

describe('observability routes', () => {
  let cloudwatch: FakeCloudWatch;
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];

  beforeAll(async () => {
    cloudwatch = await startFakeCloudWatch({ store: new MetricStore() });
    ({ server } = await startTestBackend({
      features: [
        opsPlugin,
        cloudWatchModule,
        catalogServiceMock.factory({
          entities: [
            entity('order-service', {
              'opsportal.dev/log-groups': '/ecommerce/prod/order-service',
            }),
            entity('customer-service', {}),
          ],
        }),
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.rootConfig.factory({
          data: {
            aws: {
              mainAccount: { accessKeyId: 'key', secretAccessKey: 'secret' },
            },
            ops: {
              cloudwatch: { region: 'us-east-2', endpoint: cloudwatch.url },
              observability: { logs: { retentionDays: 14 } },
            },
          },
        }),
      ],
    }));
  });
  afterAll(() => cloudwatch.close());

  it('needs a signed-in user', async () => {
    const res = await request(server)
      .get('/api/ops/observability/entity')
      .query({ entityRef: 'component:default/order-service' });
    expect(res.status).toBe(401);
  });

  it('names the field that is wrong, and answers 404 for an entity the caller cannot see', async () => {
    const missing = await request(server)
      .get('/api/ops/observability/entity')
      .set('Authorization', user);
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toBe(
      'Invalid query: entityRef: is required',
    );
    const bad = await request(server)
      .get('/api/ops/observability/entity')
      .query({ entityRef: 'component:' })
      .set('Authorization', user);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^Invalid query: entityRef: /);
    const unknown = await request(server)
      .get('/api/ops/observability/entity')
      .query({ entityRef: 'component:default/nope' })
      .set('Authorization', user);
    expect(unknown.status).toBe(404);
  });

  it("answers an entity's logs part before its first refresh without querying, and null parts without annotations", async () => {
    const res = await request(server)
      .get('/api/ops/observability/entity')
      .query({ entityRef: 'order-service' })
      .set('Authorization', user);
    expect(res.status).toBe(200);
    const body = res.body as EntityObservabilityResponse;
    expect(body.entityRef).toBe('component:default/order-service');
    expect(body.logs).toMatchObject({
      logGroups: ['/ecommerce/prod/order-service'],
      region: 'us-east-2',
      counts: [],
      topErrors: [],
      stale: false,
      policy: { hotDays: 14, archiveDays: 365 },
    });
    expect(body.logs!.fetchedAt).toBeUndefined();
    expect(body.logs!.insightsUrl).toMatch(
      /^https:\/\/us-east-2\.console\.aws\.amazon\.com\/.*#logsV2:logs-insights\$3FqueryDetail/,
    );
    // A page view never starts a Logs Insights query.
    expect(cloudwatch.logs.stats.startQueryCalls).toBe(0);

    const none = await request(server)
      .get('/api/ops/observability/entity')
      .query({ entityRef: 'component:default/customer-service' })
      .set('Authorization', user);
    expect(none.body).toEqual({
      entityRef: 'component:default/customer-service',
      logs: null,
      traces: null,
      dashboards: null,
    });
  });
});
