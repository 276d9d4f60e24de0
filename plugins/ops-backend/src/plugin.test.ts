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
      features: [
        opsPlugin,
        catalogServiceMock.factory(),
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
      ],
    });

    const res = await request(server).get('/api/ops/health');

    expect(res.status).toBe(200);
    // Before any refresh ran: up, not degraded, every refresh 'never'.
    expect(res.body).toMatchObject({ status: 'ok', degraded: false });
    expect(res.body.refreshes.length).toBeGreaterThan(0);
    expect(
      res.body.refreshes.every((r: { status: string }) => r.status === 'never'),
    ).toBe(true);
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
