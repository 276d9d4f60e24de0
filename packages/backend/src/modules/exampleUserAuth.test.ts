import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import authPlugin from '@backstage/plugin-auth-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import exampleUserAuth, { EXAMPLE_USER_HEADER } from './exampleUserAuth';

const alice = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: 'alice-chen', namespace: 'default' },
  spec: {
    profile: { displayName: 'Alice Chen', email: 'alice.chen@example.com' },
    memberOf: ['sre-team'],
  },
  relations: [{ type: 'memberOf', targetRef: 'group:default/sre-team' }],
};

function decode(token: string) {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
}

describe('example-user sign-in', () => {
  const nodeEnv = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = nodeEnv;
  });

  async function start() {
    const { server } = await startTestBackend({
      features: [
        authPlugin,
        exampleUserAuth,
        catalogServiceMock.factory({ entities: [alice] }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            auth: { providers: { 'example-user': { namespace: 'default' } } },
          },
        }),
      ],
    });
    return server;
  }

  it('signs in as the catalog user named in the header, with their groups', async () => {
    process.env.NODE_ENV = 'development';
    const server = await start();
    const res = await request(server)
      .get('/api/auth/example-user/refresh')
      .set(EXAMPLE_USER_HEADER, 'alice-chen');
    expect(res.status).toBe(200);
    expect(res.body.profile).toMatchObject({ displayName: 'Alice Chen' });
    expect(res.body.backstageIdentity.identity).toMatchObject({
      userEntityRef: 'user:default/alice-chen',
      ownershipEntityRefs: expect.arrayContaining([
        'user:default/alice-chen',
        'group:default/sre-team',
      ]),
    });
    expect(decode(res.body.backstageIdentity.token).sub).toBe(
      'user:default/alice-chen',
    );
  });

  it('refuses users that are not in the catalog, and bad names', async () => {
    process.env.NODE_ENV = 'development';
    const server = await start();
    const unknown = await request(server)
      .get('/api/auth/example-user/refresh')
      .set(EXAMPLE_USER_HEADER, 'mallory');
    expect(unknown.status).toBeGreaterThanOrEqual(400);
    expect(unknown.body.backstageIdentity).toBeUndefined();
    const bad = await request(server)
      .get('/api/auth/example-user/refresh')
      .set(EXAMPLE_USER_HEADER, '../admin');
    expect(bad.status).toBe(400);
  });

  it('refuses to work outside development', async () => {
    process.env.NODE_ENV = 'production';
    const server = await start();
    const res = await request(server)
      .get('/api/auth/example-user/refresh')
      .set(EXAMPLE_USER_HEADER, 'alice-chen');
    expect(res.status).toBe(403);
    expect(res.body.backstageIdentity).toBeUndefined();
  });
});
