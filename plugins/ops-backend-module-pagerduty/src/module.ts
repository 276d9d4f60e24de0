import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { metricsServiceRef } from '@backstage/backend-plugin-api/alpha';
import {
  createUpstreamTelemetry,
  opsProvidersExtensionPoint,
} from '@opsportal/plugin-ops-node';
import { PagerDutyProvider } from './PagerDutyProvider';

/**
 * Registers PagerDuty as the ops portal's on-call, incident, incident
 * response and maintenance-window provider.
 * Without credentials under `ops.pagerduty` it registers nothing and says so.
 * @public
 */
export const opsModulePagerDuty = createBackendModule({
  pluginId: 'ops',
  moduleId: 'pagerduty',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: opsProvidersExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        metrics: metricsServiceRef,
      },
      async init({ providers, config, logger, metrics }) {
        const provider = PagerDutyProvider.fromConfig(config, {
          logger,
          telemetry: createUpstreamTelemetry(metrics, 'pagerduty'),
        });
        if (!provider) {
          logger.warn(
            'ops.pagerduty has no token or OAuth client: no on-call or incident data',
          );
          return;
        }
        providers.addOnCallProvider(provider);
        providers.addIncidentProvider(provider);
        providers.addIncidentResponseProvider(provider);
        providers.addMaintenanceWindowProvider(provider);
      },
    });
  },
});
