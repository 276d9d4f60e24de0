import {
  AuditorService,
  AuthService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { Knex } from 'knex';
import { ChangeRequestService } from '../changes';
import { Clock } from '../lib/clock';
import { OpsFeature, OpsTask } from '../lib/feature';
import { readReviewsConfig } from './config';
import { ReviewNotifier } from './ReviewNotifier';
import { ReviewIncidentSource, ReviewsService } from './ReviewsService';
import { DatabaseReviewsStore } from './ReviewsStore';
import { createReviewsRouter } from './router';

export { ReviewsService, REVIEWS_SYSTEM_ACTOR } from './ReviewsService';
export type {
  IncidentReviews,
  ReviewCallContext,
  ReviewIncidentSource,
} from './ReviewsService';
export { DatabaseReviewsStore } from './ReviewsStore';
export type { ReviewsStore } from './ReviewsStore';
export { readReviewsConfig } from './config';
export type { ReviewsConfig } from './config';

/** What the reviews feature is built from. */
export interface ReviewsFeatureOptions {
  config: RootConfigService;
  /** The plugin's database, migrated. */
  database: Knex;
  catalog: CatalogService;
  auth: AuthService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  logger: LoggerService;
  /** Backstage notifications; without them no reminders are sent. */
  notifications?: NotificationService;
  /** The incidents feature's incidents: where required reviews come from. */
  incidents?: ReviewIncidentSource;
  /** Change management: emergency changes get a review once implemented. */
  changes?: Pick<ChangeRequestService, 'onTransition'>;
  clock?: Clock;
}

/**
 * Post-incident reviews: the store over the plugin's database, the policy
 * from `ops.reviews`, the service (also the `IncidentReviews` the incident
 * page uses and the KPIs' source), its routes, and two tasks on one replica
 * at a time: creating the reviews policy requires, and reminding owners.
 */
export function createReviewsFeature(
  options: ReviewsFeatureOptions,
): OpsFeature<ReviewsService> {
  const config = readReviewsConfig(options.config);
  const service = new ReviewsService({
    store: new DatabaseReviewsStore(options.database),
    config,
    catalog: options.catalog,
    auth: options.auth,
    permissions: options.permissions,
    auditor: options.auditor,
    logger: options.logger,
    notifier: options.notifications
      ? new ReviewNotifier({
          notifications: options.notifications,
          logger: options.logger,
        })
      : undefined,
    incidents: options.incidents,
    clock: options.clock,
  });

  options.changes?.onTransition(async (change, action) => {
    await service.ensureForChange(change, action);
  });

  const tasks: OpsTask[] = [];
  if (options.incidents && config.requiredSeverities.length > 0) {
    tasks.push({
      id: 'ops-reviews-create',
      scope: 'global',
      frequency: { minutes: config.createEveryMinutes },
      timeout: { minutes: 5 },
      // After the first incidents refresh (which starts 20 s after start-up).
      initialDelay: { minutes: 2 },
      fn: async () => {
        const created = await service.createRequiredReviews();
        if (created > 0) {
          options.logger.info(`Created ${created} post-incident reviews`);
        }
      },
    });
  }
  if (options.notifications) {
    tasks.push({
      id: 'ops-reviews-reminders',
      scope: 'global',
      frequency: { minutes: 30 },
      timeout: { minutes: 5 },
      initialDelay: { minutes: 3 },
      fn: async () => {
        const sent = await service.sendReminders();
        if (sent > 0) {
          options.logger.info(`Sent ${sent} post-incident review reminders`);
        }
      },
    });
  }

  return {
    service,
    router: createReviewsRouter({ service, httpAuth: options.httpAuth }),
    tasks,
  };
}
