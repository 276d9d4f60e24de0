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
  CapacityReview,
  EntityCapacity,
  Snapshot,
} from '@opsportal/plugin-ops-common';
import request from 'supertest';
import { parse } from 'yaml';
import { opsPlugin } from '../plugin';

jest.setTimeout(180_000);

const examples = path.resolve(__dirname, '../../../../examples');
const user = mockCredentials.user.header('user:default/guest');

async function entities(): Promise<Entity[]> {
  const dir = path.join(examples, 'services');
  const out: Entity[] = [];
  for (const file of await fs.readdir(dir)) {
    const entity = parse(
      await fs.readFile(path.join(dir, file), 'utf8'),
    ) as Entity;
    entity.metadata.namespace = 'default';
    out.push(entity);
  }
  return out;
}

describe('capacity routes', () => {
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
                requestTimeoutMs: 60_000,
              },
              capacity: {
                // The test reads on demand; no background run in between.
                schedule: {
                  frequency: { trigger: 'manual' },
                  timeout: { minutes: 5 },
                },
              },
            },
          },
        }),
      ],
    }));
  });
  afterAll(() => cloudwatch.close());

  it('needs a signed-in user', async () => {
    const entity = await request(server)
      .get('/api/ops/capacity/entity')
      .query({ entityRef: 'component:default/search-service' });
    expect(entity.status).toBe(401);
    const review = await request(server).get('/api/ops/capacity/review');
    expect(review.status).toBe(401);
  });

  it('names the field that is wrong', async () => {
    const noRef = await request(server)
      .get('/api/ops/capacity/entity')
      .set('Authorization', user);
    expect(noRef.status).toBe(400);
    expect(noRef.body.error.message).toBe(
      'Invalid query: entityRef: is required',
    );

    const badRange = await request(server)
      .get('/api/ops/capacity/entity')
      .query({ entityRef: 'component:default/search-service', range: '1y' })
      .set('Authorization', user);
    expect(badRange.status).toBe(400);
    expect(badRange.body.error.message).toMatch(/^Invalid query: range: /);

    const badRef = await request(server)
      .get('/api/ops/capacity/entity')
      .query({ entityRef: 'component:' })
      .set('Authorization', user);
    expect(badRef.status).toBe(400);
    expect(badRef.body.error.message).toMatch(/^Invalid query: entityRef: /);
  });

  it('answers 404 for an unknown entity', async () => {
    const res = await request(server)
      .get('/api/ops/capacity/entity')
      .query({ entityRef: 'component:default/nope' })
      .set('Authorization', user);
    expect(res.status).toBe(404);
  });

  it('serves search-service’s CPU crossing date and its trigger episodes', async () => {
    const res = await request(server)
      .get('/api/ops/capacity/entity')
      .query({ entityRef: 'component:default/search-service', range: '7d' })
      .set('Authorization', user);

    expect(res.status).toBe(200);
    const body = res.body as Snapshot<EntityCapacity>;
    expect(body.stale).toBe(false);
    expect(body.data.range).toBe('7d');
    const cpu = body.data.metrics.find(m => m.id === 'cpu')!;
    expect(cpu.forecast.status).toBe('crossing');
    expect(Date.parse(cpu.forecast.crossingAt!)).toBeGreaterThan(Date.now());
    expect(cpu.triggers30d).toBe(3);
    // The 7-day view holds the one trigger of the last week.
    expect(cpu.episodes.filter(e => e.sustained)).toHaveLength(1);
  });

  it('ranks every service by days to limit, search-service first', async () => {
    // The review lists what has been fetched: fetch the others on demand.
    for (const name of [
      'order-service',
      'customer-service',
      'product-service',
      'payment-service',
    ]) {
      await request(server)
        .get('/api/ops/capacity/entity')
        .query({ entityRef: `component:default/${name}` })
        .set('Authorization', user)
        .expect(200);
    }

    const res = await request(server)
      .get('/api/ops/capacity/review')
      .set('Authorization', user);

    expect(res.status).toBe(200);
    const body = res.body as CapacityReview;
    // Five services from CloudWatch; event-processor from its Prometheus job
    // (whose metrics fail here: this backend has no Prometheus module).
    expect(body.rows).toHaveLength(6);
    expect(body.rows.map(r => r.entityRef)).toContain(
      'component:default/event-processor',
    );
    expect(body.rows[0].entityRef).toBe('component:default/search-service');
    expect(body.rows[0].binding?.id).toBe('cpu');
    expect(body.rows[0].binding?.forecast.status).toBe('crossing');
    expect(
      body.rows.slice(1).map(r => r.binding?.forecast.status),
    ).not.toContain('crossing');
  });
});
