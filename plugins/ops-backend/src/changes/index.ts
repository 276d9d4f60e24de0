import {
  AuditorService,
  AuthService,
  HttpAuthService,
  LoggerService,
  PermissionsRegistryService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  changeRequestPermissionRules,
  changeRequestResourceRef,
} from '@opsportal/plugin-ops-node';
import { Knex } from 'knex';
import { Clock, systemClock } from '../lib/clock';
import { OpsFeature, OpsTask } from '../lib/feature';
import { ChangeNotifier } from './ChangeNotifier';
import { ChangeRequestService } from './ChangeRequestService';
import { DatabaseChangeRequestStore } from './ChangeRequestStore';
import { readChangesConfig } from './config';
import { createChangesRouter } from './router';

export { ChangeRequestService } from './ChangeRequestService';
export type { CallContext } from './ChangeRequestService';

/**
 * Change management, wired: the store over the plugin's database, the policy
 * from `ops.changes`, the change-request resource type with its permission
 * rules, the service and its routes.
 */
export function createChangesFeature(options: {
  config: Config;
  database: Knex;
  catalog: CatalogService;
  permissions: PermissionsService;
  permissionsRegistry: PermissionsRegistryService;
  auditor: AuditorService;
  httpAuth: HttpAuthService;
  logger: LoggerService;
  notifications?: NotificationService;
  auth?: AuthService;
  clock?: Clock;
}): OpsFeature<ChangeRequestService> {
  const { policy, approverGroups, decisionTtlSeconds } = readChangesConfig(
    options.config,
  );
  const store = new DatabaseChangeRequestStore(options.database);
  let service: ChangeRequestService | undefined = undefined;

  options.permissionsRegistry.addResourceType({
    resourceRef: changeRequestResourceRef,
    rules: Object.values(changeRequestPermissionRules),
    getResources: refs => service!.loadForPermissions(refs),
  });

  service = new ChangeRequestService({
    store,
    policy,
    catalog: options.catalog,
    permissions: options.permissions,
    permissionsRegistry: options.permissionsRegistry,
    auditor: options.auditor,
    notifier: new ChangeNotifier({
      notifications: options.notifications,
      approverGroups,
      logger: options.logger,
    }),
    clock: options.clock ?? systemClock,
    logger: options.logger,
    approverGroups,
    decisionTtlSeconds,
  });

  // The approver groups come from config; in a catalog that lacks them, a
  // submission or an emergency change would notify nobody. Say so once the
  // catalog has had time to load, and again now and then, on each replica.
  const tasks: OpsTask[] = [];
  if (options.auth) {
    const { auth, catalog, logger } = options;
    tasks.push({
      id: 'ops-changes-approver-groups-check',
      scope: 'local',
      frequency: { hours: 6 },
      initialDelay: { minutes: 2 },
      timeout: { minutes: 1 },
      fn: async () => {
        const { items } = await catalog.getEntitiesByRefs(
          { entityRefs: approverGroups, fields: ['kind', 'metadata.name'] },
          { credentials: await auth.getOwnServiceCredentials() },
        );
        const missing = approverGroups.filter((_, i) => !items[i]);
        if (missing.length > 0) {
          logger.warn(
            `ops.changes.approverGroups: ${missing.join(
              ', ',
            )} not found in the catalog: nobody in ${
              missing.length === 1 ? 'it' : 'them'
            } is asked to approve normal changes or told of emergency changes`,
          );
        }
      },
    });
  }

  return {
    service,
    router: createChangesRouter({ service, httpAuth: options.httpAuth }),
    tasks,
  };
}
