import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { metricsServiceRef } from '@backstage/backend-plugin-api/alpha';
import {
  createUpstreamTelemetry,
  opsProvidersExtensionPoint,
} from '@opsportal/plugin-ops-node';
import { CloudWatchProvider } from './CloudWatchProvider';
import { CloudWatchLogsProvider } from './LogsProvider';
import { XRayTracesProvider } from './TracesProvider';

/**
 * Registers CloudWatch as the ops portal's metrics and alarms provider.
 * @public
 */
export const opsModuleCloudWatch = createBackendModule({
  pluginId: 'ops',
  moduleId: 'cloudwatch',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: opsProvidersExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        metrics: metricsServiceRef,
      },
      async init({ providers, config, logger, metrics }) {
        const telemetry = createUpstreamTelemetry(metrics, 'cloudwatch');
        const provider = await CloudWatchProvider.fromConfig(config, {
          logger,
          telemetry,
        });
        providers.addMetricsProvider(provider);
        providers.addAlarmsProvider(provider);
        // Logs Insights counts and log group retention (same region and credentials).
        providers.addLogsProvider(
          await CloudWatchLogsProvider.fromConfig(config, {
            logger,
            telemetry,
          }),
        );
        // Trace statistics from X-Ray's service graph (same region and credentials).
        if (XRayTracesProvider.isEnabled(config)) {
          providers.addTracesProvider(
            await XRayTracesProvider.fromConfig(config, { logger, telemetry }),
          );
        }
      },
    });
  },
});
