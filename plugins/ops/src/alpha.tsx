import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { compatWrapper } from '@backstage/core-compat-api';
import { OpsClient, opsApiRef } from './api';

/** The ops API client. */
const opsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: opsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new OpsClient({ discoveryApi, fetchApi }),
    }),
});

/** Entity card: which ops features the entity has set up. */
const entityOpsSetupCard = EntityCardBlueprint.make({
  name: 'setup',
  params: {
    filter: 'kind:component',
    loader: () =>
      import('./components/EntityOpsSetupCard').then(m =>
        compatWrapper(<m.EntityOpsSetupCard />),
      ),
  },
});

/**
 * The ops portal for Backstage's new frontend system.
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'ops',
  info: { packageJson: () => import('../package.json') },
  extensions: [opsApi, entityOpsSetupCard],
});
