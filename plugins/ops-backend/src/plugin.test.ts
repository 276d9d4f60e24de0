import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { opsPlugin } from './plugin';

describe('ops backend plugin', () => {
  it('answers /health without credentials', async () => {
    const { server } = await startTestBackend({
      features: [opsPlugin, catalogServiceMock.factory()],
    });

    const res = await request(server).get('/api/ops/health');

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('refuses other routes without credentials', async () => {
    const { server } = await startTestBackend({
      features: [
        opsPlugin,
        catalogServiceMock.factory(),
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
      ],
    });

    const res = await request(server).get('/api/ops/anything');

    expect(res.status).toBe(401);
  });
});
