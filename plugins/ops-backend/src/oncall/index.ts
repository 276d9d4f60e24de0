import {
  AuthService,
  HttpAuthService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { OnCallProvider } from '@opsportal/plugin-ops-node';
import { Clock } from '../lib/clock';
import { SnapshotStore } from '../snapshots/SnapshotStore';
import { readOnCallConfig } from './config';
import { OnCallService } from './OnCallService';
import { createOnCallRouter } from './router';

export { OnCallService, ONCALL_KIND } from './OnCallService';
export type {
  EntityPagerDutyServices,
  PagerDutyServiceRef,
} from './OnCallService';
import { OpsFeature, OpsTask } from '../lib/feature';

export { readOnCallConfig } from './config';

/** What the on-call feature is built from. */
export interface OnCallFeatureOptions {
  config: RootConfigService;
  logger: LoggerService;
  catalog: CatalogService;
  auth: AuthService;
  httpAuth: HttpAuthService;
  snapshots: SnapshotStore;
  onCall?: OnCallProvider;
  clock?: Clock;
}

/**
 * The on-call feature: its service (also where the incidents feature learns
 * a team's services), its refresh task (on one replica at a time) and its
 * router.
 */
export function createOnCallFeature(
  options: OnCallFeatureOptions,
): OpsFeature<OnCallService> {
  const config = readOnCallConfig(options.config);
  const service = new OnCallService({
    catalog: options.catalog,
    auth: options.auth,
    snapshots: options.snapshots,
    onCall: options.onCall,
    config,
    logger: options.logger,
    clock: options.clock,
  });

  const tasks: OpsTask[] = [];
  if (options.onCall) {
    tasks.push({
      id: 'ops-oncall-refresh',
      scope: 'global',
      frequency: { minutes: config.refreshMinutes },
      timeout: { minutes: 10 },
      initialDelay: { seconds: 5 },
      fn: async () => {
        const done = await service.refreshOnCall();
        options.logger.info(`On-call refreshed for ${done.size} entities`);
      },
    });
  }

  return {
    router: createOnCallRouter({ service, httpAuth: options.httpAuth }),
    service,
    tasks,
  };
}
