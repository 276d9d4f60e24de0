import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { OpsChangeRequestClient } from './OpsChangeRequestClient';
import { createChangeRequestAction } from './actions/createChangeRequest';
import { waitForChangeRequestAction } from './actions/waitForChangeRequest';

/**
 * The scaffolder module `ops`: adds `ops:change-request:create` and
 * `ops:change-request:wait`, which call the ops backend's REST API over
 * HTTP on behalf of the user who runs the template.
 * @public
 */
export const scaffolderModuleOps = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'ops',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        config: coreServices.rootConfig,
      },
      async init({ scaffolder, discovery, auth, config }) {
        const client = new OpsChangeRequestClient({ discovery, auth });
        const appBaseUrl = config.getOptionalString('app.baseUrl');
        scaffolder.addActions(
          createChangeRequestAction({ client, appBaseUrl }),
          waitForChangeRequestAction({ client, appBaseUrl }),
        );
      },
    });
  },
});
