import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { metricsServiceRef } from '@backstage/backend-plugin-api/alpha';
import {
  createUpstreamTelemetry,
  opsProvidersExtensionPoint,
} from '@opsportal/plugin-ops-node';
import { GrafanaDashboardsProvider } from './GrafanaDashboardsProvider';

/**
 * Registers Grafana as the ops portal's dashboards provider when
 * `ops.grafana.baseUrl` is set; without it the module does nothing and the
 * dashboards section shows annotation links only.
 * @public
 */
export const opsModuleGrafana = createBackendModule({
  pluginId: 'ops',
  moduleId: 'grafana',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: opsProvidersExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        metrics: metricsServiceRef,
      },
      async init({ providers, config, logger, metrics }) {
        const provider = GrafanaDashboardsProvider.fromConfig(config, {
          logger,
          telemetry: createUpstreamTelemetry(metrics, 'grafana'),
        });
        if (!provider) {
          logger.info(
            'Grafana dashboards are not searched: ops.grafana.baseUrl is not set',
          );
          return;
        }
        providers.addDashboardsProvider(provider);
      },
    });
  },
});
