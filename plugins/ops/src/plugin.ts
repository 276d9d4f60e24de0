import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { OpsClient, opsApiRef } from './api';
import { rootRouteRef } from './routes';

/**
 * The ops portal for Backstage's legacy frontend system.
 * @public
 */
export const opsPlugin = createPlugin({
  id: 'ops',
  apis: [
    createApiFactory({
      api: opsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new OpsClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { root: rootRouteRef },
});

/**
 * Entity card: which ops features the entity has set up.
 * @public
 */
export const EntityOpsSetupCard = opsPlugin.provide(
  createComponentExtension({
    name: 'EntityOpsSetupCard',
    component: {
      lazy: () =>
        import('./components/EntityOpsSetupCard').then(
          m => m.EntityOpsSetupCard,
        ),
    },
  }),
);
