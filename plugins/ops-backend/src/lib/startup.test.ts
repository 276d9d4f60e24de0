import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { opsPlugin } from '../plugin';

jest.setTimeout(60_000);

const user = mockCredentials.user.header('user:default/guest');

const checkout: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    etag: 'e1',
    links: [
      {
        url: 'https://runbooks.example/checkout/payment-failures',
        title: 'Runbook: checkout payment failures',
        type: 'runbook',
      },
    ],
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'group:default/a' },
};

/**
 * The ops plugin in a backend whose catalog can be emptied, as a catalog
 * looks right after a restart before it has read its locations.
 */
async function start() {
  const catalog = { loaded: true };
  const { server } = await startTestBackend({
    features: [
      opsPlugin,
      catalogServiceMock.mock({
        getEntityByRef: async ref =>
          catalog.loaded &&
          (typeof ref === 'string' ? ref : stringifyEntityRef(ref)) ===
            'component:default/checkout'
            ? checkout
            : undefined,
        getEntities: async () => ({
          items: catalog.loaded ? [checkout] : [],
        }),
        queryEntities: async () => ({
          items: [],
          totalItems: catalog.loaded ? 1 : 0,
          pageInfo: {},
        }),
      }).factory,
      mockServices.rootConfig.factory({
        data: { ops: { viewCache: { entityTtlSeconds: 0 } } },
      }),
    ],
  });
  return { server, catalog };
}

async function runbooks(server: any, ref: string) {
  return request(server)
    .get('/api/ops/runbooks/entity')
    .query({ entityRef: ref })
    .set('Authorization', user);
}

describe('entity views while the catalog is still loading', () => {
  it('answers from the kept entity and its snapshot instead of 404', async () => {
    const { server, catalog } = await start();
    const first = await runbooks(server, 'component:default/checkout');
    expect(first.status).toBe(200);
    expect(first.body.runbooks).toHaveLength(1);

    // The catalog forgets everything, as after a restart on a fresh catalog.
    catalog.loaded = false;
    let res = await runbooks(server, 'component:default/checkout');
    // The copy of the entity is stored in the background after the first view.
    for (let i = 0; i < 20 && res.status !== 200; i++) {
      await new Promise(r => setTimeout(r, 50));
      res = await runbooks(server, 'component:default/checkout');
    }
    expect(res.status).toBe(200);
    expect(res.body.runbooks).toEqual(first.body.runbooks);
  });

  it('keeps 404 for an entity it never served', async () => {
    const { server, catalog } = await start();
    catalog.loaded = false;
    const res = await runbooks(server, 'component:default/unknown');
    expect(res.status).toBe(404);
  });
});
