import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import { RunbookCollatorFactory } from './RunbookCollatorFactory';

/**
 * Adds the ops portal's runbooks to Backstage search (documents of type
 * `runbook`). Schedule: `search.collators.opsRunbooks.schedule`.
 * @public
 */
export const searchModuleOpsRunbooks = createBackendModule({
  pluginId: 'search',
  moduleId: 'ops-runbooks-collator',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        scheduler: coreServices.scheduler,
        indexRegistry: searchIndexRegistryExtensionPoint,
      },
      async init({ config, discovery, auth, scheduler, indexRegistry }) {
        const key = 'search.collators.opsRunbooks.schedule';
        const schedule = config.has(key)
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
              config.getConfig(key),
            )
          : {
              frequency: { minutes: 30 },
              timeout: { minutes: 10 },
              initialDelay: { minutes: 1 },
            };
        indexRegistry.addCollator({
          schedule: scheduler.createScheduledTaskRunner(schedule),
          factory: new RunbookCollatorFactory({ discovery, auth }),
        });
      },
    });
  },
});
