import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ServiceUnavailableError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { applyDatabaseMigrations } from '../database/migrations';
import { DatabaseSnapshotStore } from '../snapshots/SnapshotStore';
import { CatalogReadiness } from './CatalogReadiness';
import { EntityViewCatalog } from './EntityViewCatalog';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

function component(name: string, etag = '1'): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', etag },
    spec: { type: 'service', owner: 'group:default/dev-team' },
  };
}

const ORDERS = 'component:default/order-service';
const PAYMENTS = 'component:default/payment-service';
const ada = mockCredentials.user('user:default/ada');
const bob = mockCredentials.user('user:default/bob');

/**
 * A catalog that lets each user see only the entities listed for them (as
 * the catalog's permission policy would), and that may still be loading.
 */
function fakeCatalog() {
  const state = {
    entities: new Map<string, Entity>([
      [ORDERS, component('order-service')],
      [PAYMENTS, component('payment-service')],
    ]),
    visible: new Map<string, Set<string>>([
      ['user:default/ada', new Set([ORDERS, PAYMENTS])],
      ['user:default/bob', new Set([ORDERS])],
    ]),
    loaded: true,
    calls: 0,
  };
  const catalog = catalogServiceMock.mock({
    getEntityByRef: async (ref, options) => {
      state.calls += 1;
      const key = typeof ref === 'string' ? ref : stringifyEntityRef(ref);
      const credentials = (options as { credentials: BackstageCredentials })
        .credentials;
      const user = (credentials.principal as any).userEntityRef;
      if (!state.loaded || !state.visible.get(user)?.has(key)) {
        return undefined;
      }
      return state.entities.get(key);
    },
    queryEntities: async () => ({
      items: [],
      totalItems: state.loaded ? state.entities.size : 0,
      pageInfo: {},
    }),
  });
  return { catalog, state };
}

async function setup(
  options: {
    entityTtlSeconds?: number;
    maxEntities?: number;
    readAll?: AuthorizeResult;
  } = {},
) {
  const knex = await databases.init('SQLITE_3');
  await applyDatabaseMigrations(knex);
  const snapshots = new DatabaseSnapshotStore(knex);
  const { catalog, state } = fakeCatalog();
  let clock = 1_000_000;
  const logger = mockServices.logger.mock();
  const readiness = new CatalogReadiness({
    catalog,
    auth: mockServices.auth(),
    logger,
    settleSeconds: 10,
    now: () => clock,
  });
  const permissions = mockServices.permissions.mock({
    authorizeConditional: async () => [
      options.readAll === AuthorizeResult.CONDITIONAL
        ? {
            result: AuthorizeResult.CONDITIONAL,
            pluginId: 'catalog',
            resourceType: 'catalog-entity',
            conditions: {
              rule: 'IS_ENTITY_OWNER',
              resourceType: 'catalog-entity',
              params: { claims: [] },
            },
          }
        : { result: options.readAll ?? AuthorizeResult.ALLOW },
    ],
  });
  const views = new EntityViewCatalog({
    catalog,
    permissions,
    snapshots,
    readiness,
    logger,
    entityTtlSeconds: options.entityTtlSeconds ?? 10,
    maxEntities: options.maxEntities,
    now: () => clock,
  });
  return {
    views,
    catalog: views.catalog(),
    state,
    readiness,
    snapshots,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

describe('EntityViewCatalog', () => {
  it("reuses a user's answer for the same entity within the TTL", async () => {
    const { catalog, state } = await setup();
    for (let i = 0; i < 5; i++) {
      expect(
        await catalog.getEntityByRef(ORDERS, { credentials: ada }),
      ).toMatchObject({ metadata: { name: 'order-service' } });
    }
    expect(state.calls).toBe(1);
  });

  it('never serves one user what only another may see', async () => {
    const { catalog, readiness, advance } = await setup();
    // The catalog is read: "not found" means 404.
    advance(0);
    await readiness.check();
    advance(10_000);
    await readiness.check();
    expect(readiness.isReady()).toBe(true);

    expect(
      await catalog.getEntityByRef(PAYMENTS, { credentials: ada }),
    ).toBeDefined();
    expect(
      await catalog.getEntityByRef(PAYMENTS, { credentials: bob }),
    ).toBeUndefined();
  });

  it('asks the catalog again after the TTL, so a revoked entity disappears', async () => {
    const { catalog, state, readiness, advance } = await setup();
    await readiness.check();
    advance(10_000);
    await readiness.check();
    expect(
      await catalog.getEntityByRef(PAYMENTS, { credentials: ada }),
    ).toBeDefined();
    state.visible.get('user:default/ada')!.delete(PAYMENTS);
    advance(9_000);
    expect(
      await catalog.getEntityByRef(PAYMENTS, { credentials: ada }),
    ).toBeDefined();
    advance(1_000);
    expect(
      await catalog.getEntityByRef(PAYMENTS, { credentials: ada }),
    ).toBeUndefined();
  });

  it('does not keep "not found", so a new entity shows at once', async () => {
    const { catalog, state, readiness, advance } = await setup();
    await readiness.check();
    advance(10_000);
    await readiness.check();
    const ref = 'component:default/new-service';
    expect(await catalog.getEntityByRef(ref, { credentials: ada })).toBe(
      undefined,
    );
    state.entities.set(ref, component('new-service'));
    state.visible.get('user:default/ada')!.add(ref);
    expect(
      await catalog.getEntityByRef(ref, { credentials: ada }),
    ).toMatchObject({ metadata: { name: 'new-service' } });
  });

  it('keeps at most maxEntities answers', async () => {
    const { views, catalog } = await setup({ maxEntities: 1 });
    await catalog.getEntityByRef(ORDERS, { credentials: ada });
    await catalog.getEntityByRef(PAYMENTS, { credentials: ada });
    await catalog.getEntityByRef(ORDERS, { credentials: bob });
    expect(views.size).toBe(1);
  });

  it('passes service callers (refresh tasks) to the catalog every time', async () => {
    const { catalog, state } = await setup();
    const service = mockCredentials.service('plugin:ops');
    state.visible.set('undefined', new Set([ORDERS]));
    await catalog.getEntityByRef(ORDERS, { credentials: service });
    await catalog.getEntityByRef(ORDERS, { credentials: service });
    expect(state.calls).toBe(2);
  });

  describe('while the catalog is still loading after a start', () => {
    async function restarted(readAll?: AuthorizeResult) {
      const first = await setup({ readAll });
      // Before the restart: the entity was served, and a copy kept.
      await first.catalog.getEntityByRef(ORDERS, { credentials: ada });
      await first.views.flush();
      first.state.loaded = false;
      first.advance(60_000);
      return first;
    }

    it('serves the kept copy to a user who may read every entity', async () => {
      const { catalog, readiness } = await restarted(AuthorizeResult.ALLOW);
      expect(readiness.isReady()).toBe(false);
      expect(
        await catalog.getEntityByRef(ORDERS, { credentials: bob }),
      ).toMatchObject({ metadata: { name: 'order-service' } });
    });

    it('answers 503, not the copy, when the policy decides per entity', async () => {
      const { catalog } = await restarted(AuthorizeResult.CONDITIONAL);
      await expect(
        catalog.getEntityByRef(ORDERS, { credentials: bob }),
      ).rejects.toThrow(ServiceUnavailableError);
    });

    it("leaves the catalog's answer for an entity it has no copy of", async () => {
      const { catalog } = await restarted(AuthorizeResult.ALLOW);
      expect(
        await catalog.getEntityByRef(PAYMENTS, { credentials: ada }),
      ).toBeUndefined();
    });

    it('says "not found" again once the catalog is read', async () => {
      const { catalog, readiness, state, advance } = await restarted(
        AuthorizeResult.ALLOW,
      );
      state.loaded = true;
      await readiness.check();
      advance(10_000);
      await readiness.check();
      expect(readiness.isReady()).toBe(true);
      expect(
        await catalog.getEntityByRef('component:default/gone', {
          credentials: ada,
        }),
      ).toBeUndefined();
    });
  });
});
