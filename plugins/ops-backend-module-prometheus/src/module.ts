import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { metricsServiceRef } from '@backstage/backend-plugin-api/alpha';
import {
  createUpstreamTelemetry,
  opsProvidersExtensionPoint,
} from '@opsportal/plugin-ops-node';
import { PrometheusProvider } from './PrometheusProvider';

/**
 * Registers Prometheus as a metrics provider of the ops portal (id
 * `prometheus`) when `ops.prometheus.baseUrl` is configured; without it the
 * module logs that and registers nothing.
 * @public
 */
export const opsModulePrometheus = createBackendModule({
  pluginId: 'ops',
  moduleId: 'prometheus',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: opsProvidersExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        metrics: metricsServiceRef,
      },
      async init({ providers, config, logger, metrics }) {
        const provider = PrometheusProvider.fromConfig(config, {
          logger,
          telemetry: createUpstreamTelemetry(metrics, 'prometheus'),
        });
        if (!provider) return;
        providers.addMetricsProvider(provider);
        logger.info(
          `Prometheus metrics provider registered for ${config.getString(
            'ops.prometheus.baseUrl',
          )}`,
        );
      },
    });
  },
});
