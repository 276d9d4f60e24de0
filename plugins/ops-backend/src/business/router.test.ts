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
import { EntityBusinessMetricsResponse } from '@opsportal/plugin-ops-common';
import request from 'supertest';
import { opsPlugin } from '../plugin';

jest.setTimeout(120_000);

const user = mockCredentials.user.header('user:default/guest');
const SYSTEM = 'system:default/ecommerce-platform';

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name: 'ecommerce-platform', namespace: 'default' },
    spec: { owner: 'group:default/sre-team' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'order-service', namespace: 'default' },
    spec: {
      type: 'service',
      owner: 'group:default/dev-team',
      lifecycle: 'production',
      system: 'ecommerce-platform',
    },
  },
];

const cw = (metricName: string, stat: string) => ({
  namespace: 'ECommerce/Business',
  metricName,
  stat,
  dimensions: { Environment: 'production' },
});

describe('business metrics routes', () => {
  let cloudwatch: FakeCloudWatch;
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];

  beforeAll(async () => {
    // The fake's discount-code hour runs around its anchor: now.
    cloudwatch = await startFakeCloudWatch({
      store: createPlatformStore(Date.now()),
    });
    ({ server } = await startTestBackend({
      features: [
        opsPlugin,
        cloudWatchModule,
        catalogServiceMock.factory({ entities }),
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.rootConfig.factory({
          data: {
            aws: {
              mainAccount: { accessKeyId: 'key', secretAccessKey: 'secret' },
            },
            ops: {
              cloudwatch: { region: 'us-east-1', endpoint: cloudwatch.url },
              business: {
                metrics: [
                  {
                    id: 'orders',
                    title: 'Orders per minute',
                    entities: [SYSTEM, 'component:default/order-service'],
                    cloudwatch: cw('OrdersPlaced', 'Sum'),
                    per: 'minute',
                  },
                  {
                    id: 'revenue',
                    title: 'Revenue per hour',
                    unit: 'currency',
                    entities: [SYSTEM],
                    cloudwatch: cw('Revenue', 'Sum'),
                    per: 'hour',
                  },
                ],
              },
            },
          },
        }),
      ],
    }));
  });
  afterAll(() => cloudwatch.close());

  it('needs a signed-in user', async () => {
    const res = await request(server)
      .get('/api/ops/business/entity')
      .query({ entityRef: SYSTEM });
    expect(res.status).toBe(401);
  });

  it('names the field that is wrong, and answers 404 for an unknown entity', async () => {
    const noRef = await request(server)
      .get('/api/ops/business/entity')
      .set('Authorization', user);
    expect(noRef.status).toBe(400);
    expect(noRef.body.error.message).toBe(
      'Invalid query: entityRef: is required',
    );
    const unknown = await request(server)
      .get('/api/ops/business/entity')
      .query({ entityRef: 'system:default/nope' })
      .set('Authorization', user);
    expect(unknown.status).toBe(404);
  });

  it("answers a system's metrics with revenue flagged, and folds them on its component", async () => {
    const res = await request(server)
      .get('/api/ops/business/entity')
      .query({ entityRef: SYSTEM })
      .set('Authorization', user);
    expect(res.status).toBe(200);
    const body = res.body as EntityBusinessMetricsResponse;
    expect(body.metrics.map(m => [m.id, m.flagged, m.comparison])).toEqual([
      ['orders', false, 'same'],
      ['revenue', true, 'worse'],
    ]);
    expect(body.metrics[1].series.length).toBeGreaterThan(280);
    expect(body.metrics[1].stale).toBe(false);

    const component = await request(server)
      .get('/api/ops/business/entity')
      .query({ entityRef: 'component:default/order-service' })
      .set('Authorization', user);
    const answer = component.body as EntityBusinessMetricsResponse;
    expect(answer.metrics.map(m => m.id)).toEqual(['orders']);
    expect(answer.system?.entityRef).toBe(SYSTEM);
    expect(answer.system?.metrics.map(m => m.id)).toEqual(['revenue']);
  });
});
