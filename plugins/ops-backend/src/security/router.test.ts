import fs from 'node:fs';
import path from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  FakeCloudWatch,
  createPlatformStore,
  startFakeCloudWatch,
} from '@internal/fake-upstreams';
import cloudWatchModule from '@opsportal/plugin-ops-backend-module-cloudwatch';
import {
  EntitySecurityResponse,
  SecurityOverviewResponse,
} from '@opsportal/plugin-ops-common';
import request from 'supertest';
import { parse } from 'yaml';
import { opsPlugin } from '../plugin';

jest.setTimeout(60_000);

const root = path.resolve(__dirname, '../../../..');
const userHeader = mockCredentials.user.header('user:default/guest');

describe('security routes', () => {
  let cloudwatch: FakeCloudWatch;

  beforeAll(async () => {
    cloudwatch = await startFakeCloudWatch({
      store: createPlatformStore(Date.now()),
      port: 0,
    });
  });
  afterAll(() => cloudwatch.close());

  it('answers signed-in users only, names wrong fields, and hides entities the user may not read', async () => {
    const appConfig = parse(
      fs.readFileSync(path.join(root, 'app-config.yaml'), 'utf8'),
    );
    const { server } = await startTestBackend({
      features: [
        opsPlugin,
        cloudWatchModule,
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: { name: 'customer-service', namespace: 'default' },
              spec: { type: 'service', owner: 'dev-team', lifecycle: 'x' },
            },
          ],
        }),
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.rootConfig.factory({
          data: {
            aws: {
              mainAccount: { accessKeyId: 'k', secretAccessKey: 's' },
            },
            ops: {
              cloudwatch: { region: 'us-east-1', endpoint: cloudwatch.url },
              security: appConfig.ops.security,
            },
          },
        }),
      ],
    });

    for (const url of [
      '/api/ops/security/overview',
      '/api/ops/security/entity?entityRef=component:default/customer-service',
    ]) {
      expect((await request(server).get(url)).status).toBe(401);
    }

    const missing = await request(server)
      .get('/api/ops/security/entity')
      .set('Authorization', userHeader);
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toBe(
      'Invalid query: entityRef: is required',
    );

    const hidden = await request(server)
      .get(
        '/api/ops/security/entity?entityRef=component:default/secret-service',
      )
      .set('Authorization', userHeader);
    expect(hidden.status).toBe(404);

    const overview = await request(server)
      .get('/api/ops/security/overview')
      .set('Authorization', userHeader);
    expect(overview.status).toBe(200);
    const body = overview.body as SecurityOverviewResponse;
    expect(body.alerts.map(a => a.title)).toEqual([
      'Multiple failed login attempts',
    ]);
    expect(body.process).toHaveLength(6);

    const entity = await request(server)
      .get('/api/ops/security/entity?entityRef=customer-service')
      .set('Authorization', userHeader);
    expect(entity.status).toBe(200);
    const scoped = entity.body as EntitySecurityResponse;
    expect(scoped.entityRef).toBe('component:default/customer-service');
    expect(scoped.signals.find(s => s.id === 'failedLogins')?.state).toBe(
      'alert',
    );
  });
});
