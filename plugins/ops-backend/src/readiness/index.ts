import { HttpAuthService } from '@backstage/backend-plugin-api';
import { OpsFeature } from '../lib/feature';
import { ReadinessService, ReadinessSources } from './ReadinessService';
import { createReadinessRouter } from './router';

export {
  ReadinessService,
  READINESS_CHANGE_PERIOD_DAYS,
  hasOpsConfiguration,
} from './ReadinessService';
export type { ReadinessSources } from './ReadinessService';

/**
 * Operational readiness facts for scorecards (docs/tech-insights.md), read
 * through the SLO, on-call, runbooks, capacity and change services. It has
 * no refresh tasks and no data of its own.
 */
export function createReadinessFeature(
  options: ReadinessSources & { httpAuth: HttpAuthService },
): OpsFeature<ReadinessService> {
  const service = new ReadinessService(options);
  return {
    router: createReadinessRouter({ service, httpAuth: options.httpAuth }),
    service,
    tasks: [],
  };
}
