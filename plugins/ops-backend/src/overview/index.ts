import { HttpAuthService, LoggerService } from '@backstage/backend-plugin-api';
import { OpsFeature } from '../lib/feature';
import {
  EntityOverviewService,
  EntityOverviewSources,
} from './EntityOverviewService';
import { createOverviewRouter } from './router';

export {
  EntityOverviewService,
  ENTITY_OVERVIEW_PARTS,
} from './EntityOverviewService';
export type {
  EntityOverviewPart,
  EntityOverviewPartName,
  EntityOverviewResponse,
  EntityOverviewSources,
} from './EntityOverviewService';

/**
 * The entity overview: one request for the cards of an entity page's
 * overview tab, read through the other features' services. It has no
 * refresh tasks and no data of its own.
 */
export function createOverviewFeature(
  options: EntityOverviewSources & {
    logger: LoggerService;
    httpAuth: HttpAuthService;
  },
): OpsFeature<EntityOverviewService> {
  const service = new EntityOverviewService(options, options.logger);
  return {
    router: createOverviewRouter({ service, httpAuth: options.httpAuth }),
    service,
    tasks: [],
  };
}
