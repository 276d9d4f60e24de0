import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { techInsightsFactRetrieversExtensionPoint } from '@backstage-community/plugin-tech-insights-node';
import { ReadinessFactsClient } from './client';
import { createOpsFactRetrievers } from './retrievers';

/**
 * Tech Insights module: the ops portal's readiness facts as five fact
 * retrievers (`opsSloFacts`, `opsOnCallFacts`, `opsRunbookFacts`,
 * `opsCapacityFacts`, `opsChangeFacts`) that read
 * `GET /api/ops/readiness/facts`. Tech Insights schedules a retriever only
 * when `techInsights.factRetrievers.<id>.cadence` is configured.
 *
 * @public
 */
export const techInsightsModuleOps = createBackendModule({
  pluginId: 'tech-insights',
  moduleId: 'ops',
  register(env) {
    env.registerInit({
      deps: {
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        logger: coreServices.logger,
        retrievers: techInsightsFactRetrieversExtensionPoint,
      },
      async init({ discovery, auth, logger, retrievers }) {
        const client = new ReadinessFactsClient({ discovery, auth, logger });
        retrievers.addFactRetrievers(createOpsFactRetrievers(client));
      },
    });
  },
});
