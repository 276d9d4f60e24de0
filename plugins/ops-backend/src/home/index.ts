import { HttpAuthService } from '@backstage/backend-plugin-api';
import { OpsFeature } from '../lib/feature';
import { HomeService, HomeSources } from './HomeService';
import { createHomeRouter } from './router';

export { HomeService } from './HomeService';
export type { HomeSources } from './HomeService';

/**
 * The home page cards (docs/home.md): the signed-in user's on-call shifts,
 * approvals, incidents and overdue reviews, and the platform's SLO status,
 * read through the other features' services. No tasks, no data of its own.
 */
export function createHomeFeature(
  options: HomeSources & { httpAuth: HttpAuthService },
): OpsFeature<HomeService> {
  const service = new HomeService(options);
  return {
    router: createHomeRouter({ service, httpAuth: options.httpAuth }),
    service,
    tasks: [],
  };
}
