import { promises as fs } from 'node:fs';
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
  EntitySlosResponse,
  PlatformSlosResponse,
} from '@opsportal/plugin-ops-common';
import request from 'supertest';
import { parse } from 'yaml';
import { opsPlugin } from '../plugin';

jest.setTimeout(120_000);

const examples = path.resolve(__dirname, '../../../../examples');
const user = mockCredentials.user.header('user:default/guest');

async function entities(): Promise<Entity[]> {
  const names = ['order-service', 'payment-service'];
  const out: Entity[] = [];
  for (const name of names) {
    const file = path.join(examples, 'services', `${name}.yaml`);
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
    out.push(entity);
  }
  // A component without SLOs (every example service has some).
  out.push({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'status-page', namespace: 'default' },
    spec: {
      type: 'website',
      lifecycle: 'production',
      owner: 'group:default/dev-team',
    },
  });
  return out;
}

describe('SLO routes', () => {
  let cloudwatch: FakeCloudWatch;
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];

  beforeAll(async () => {
    cloudwatch = await startFakeCloudWatch({
      store: createPlatformStore(Date.now()),
    });
    ({ server } = await startTestBackend({
      features: [
        opsPlugin,
        cloudWatchModule,
        catalogServiceMock.factory({ entities: await entities() }),
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.rootConfig.factory({
          data: {
            aws: {
              mainAccount: { accessKeyId: 'key', secretAccessKey: 'secret' },
            },
            ops: {
              cloudwatch: {
                region: 'us-east-1',
                endpoint: cloudwatch.url,
                requestTimeoutMs: 30_000,
              },
            },
          },
        }),
      ],
    }));
  });
  afterAll(() => cloudwatch.close());

  it('needs a signed-in user', async () => {
    const entity = await request(server).get(
      '/api/ops/slos/entity/component/default/payment-service',
    );
    expect(entity.status).toBe(401);
    const byQuery = await request(server).get(
      '/api/ops/slos/entity?entityRef=component:default/payment-service',
    );
    expect(byQuery.status).toBe(401);
    const list = await request(server).get('/api/ops/slos');
    expect(list.status).toBe(401);
  });

  it('answers the entity named in the query as every entity route does; the path form still answers, marked deprecated', async () => {
    const byQuery = await request(server)
      .get('/api/ops/slos/entity')
      .query({ entityRef: 'component:default/payment-service' })
      .set('Authorization', user)
      .expect(200);
    expect(byQuery.headers.deprecation).toBeUndefined();
    const byPath = await request(server)
      .get('/api/ops/slos/entity/component/default/payment-service')
      .set('Authorization', user)
      .expect(200);
    expect(byPath.headers.deprecation).toBe('true');
    expect(byQuery.body.entityRef).toBe('component:default/payment-service');
    expect(byQuery.body.objectives).toEqual(byPath.body.objectives);

    const bad = await request(server)
      .get('/api/ops/slos/entity')
      .query({ entityRef: 'component:default/pay\u0000ment' })
      .set('Authorization', user)
      .expect(400);
    expect(bad.body.error.message).toMatch(/^Invalid query: entityRef: /);
  });

  it("answers an entity's SLOs, evaluating them on first sight", async () => {
    const res = await request(server)
      .get('/api/ops/slos/entity/component/default/payment-service')
      .set('Authorization', user)
      .expect(200);
    const body = res.body as EntitySlosResponse;
    expect(body.entityRef).toBe('component:default/payment-service');
    expect(body.stale).toBe(false);
    expect(body.fetchedAt).toEqual(expect.any(String));
    const availability = body.objectives[0];
    expect(availability.objective).toMatchObject({
      id: 'payment-availability',
      target: 0.9999,
      source: { form: 'openslo', location: '../slo/payment-service.yaml' },
    });
    expect(availability.status!.sli).toBeGreaterThan(0.9999);
    expect(availability.status!.budget.totalMinutes).toBeCloseTo(4.32, 9);
  });

  it('lists every service with SLOs, least budget left first', async () => {
    const res = await request(server)
      .get('/api/ops/slos')
      .set('Authorization', user)
      .expect(200);
    const body = res.body as PlatformSlosResponse;
    expect(body.services.map(s => s.title)).toEqual([
      'Order Service',
      'Payment Service',
    ]);
    expect(body.services[0].alert).toBe('page');
    expect(body.platform).toEqual([]);
  });

  it('answers no SLOs for an entity without any, 404 for an unknown one, 400 for a bad name', async () => {
    const none = await request(server)
      .get('/api/ops/slos/entity/component/default/status-page')
      .set('Authorization', user)
      .expect(200);
    expect(none.body.objectives).toEqual([]);
    const missing = await request(server)
      .get('/api/ops/slos/entity/component/default/nowhere')
      .set('Authorization', user)
      .expect(404);
    expect(missing.body.error.message).toContain('component:default/nowhere');
    const bad = await request(server)
      .get('/api/ops/slos/entity/component/default/%20oops')
      .set('Authorization', user)
      .expect(400);
    expect(bad.body.error.message).toMatch(/^Invalid path: name: /);
    const badQuery = await request(server)
      .get('/api/ops/slos?kind=planet')
      .set('Authorization', user)
      .expect(400);
    expect(badQuery.body.error.message).toMatch(/^Invalid query: kind: /);
  });
});
