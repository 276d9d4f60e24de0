import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { Router } from 'express';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { opsPermissions } from '@opsportal/plugin-ops-common';
import { opsProvidersExtensionPoint } from '@opsportal/plugin-ops-node';
import { applyDatabaseMigrations } from './database/migrations';
import { ProviderRegistry } from './providers/ProviderRegistry';
import { createRouter } from './service/router';
import { createRunbooksFeature } from './runbooks';
import { createChangesFeature } from './changes';
import { createOnCallFeature } from './oncall';
import { createIncidentsFeature } from './incidents';
import { createSloFeature } from './slo';
import { createKpisFeature } from './kpis';
import { createCapacityFeature } from './capacity';
import { DatabaseSnapshotStore } from './snapshots/SnapshotStore';

/**
 * The ops backend plugin: SLOs, on-call, runbooks, capacity, change requests
 * and KPIs under /api/ops. This file only wires dependencies together.
 *
 * @public
 */
export const opsPlugin = createBackendPlugin({
  pluginId: 'ops',
  register(env) {
    const providers = new ProviderRegistry();
    env.registerExtensionPoint(opsProvidersExtensionPoint, providers);

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        auditor: coreServices.auditor,
        urlReader: coreServices.urlReader,
        catalog: catalogServiceRef,
        notifications: notificationService,
      },
      async init(deps) {
        const { logger, httpRouter, permissionsRegistry, database } = deps;
        providers.lock();
        permissionsRegistry.addPermissions(opsPermissions);
        logger.info(`ops providers: ${JSON.stringify(providers.describe())}`);

        const db = await database.getClient();
        if (!database.migrations?.skip) {
          await applyDatabaseMigrations(db);
        }
        const snapshots = new DatabaseSnapshotStore(db);

        // Feature folders (slo/, oncall/, incidents/, capacity/, runbooks/,
        // changes/, kpis/): each builds its service and router part here,
        // sharing the snapshot store.
        const features: Router[] = [];
        features.push(
          await createRunbooksFeature({
            ...deps,
            snapshots,
            alarms: providers.alarmsProvider(),
          }),
        );

        // Change management; `changes.service.measures()` serves the KPIs.
        const changes = createChangesFeature({ ...deps, database: db });
        features.push(changes.router);

        // On-call; `oncall.service` tells the incidents feature a team's
        // services and gives the KPIs the teams and who is on call.
        const oncall = await createOnCallFeature({
          ...deps,
          snapshots,
          onCall: providers.onCallProvider(),
        });
        features.push(oncall.router);

        // Incidents; `incidents.service` is the incidents reader
        // (listIncidents) the KPIs use.
        const incidents = await createIncidentsFeature({
          ...deps,
          snapshots,
          oncall: oncall.service,
          incidents: providers.incidentProvider(),
        });
        features.push(incidents.router);

        // SLOs from CloudWatch; `slo.service` is the uptime source
        // (getUptime, listUptime) the KPIs use.
        const slo = await createSloFeature({
          ...deps,
          snapshots,
          metrics: providers.metricsProvider(),
        });
        features.push(slo.router);

        // Capacity trends, triggers and time-to-limit forecasts from the
        // metrics provider, refreshed by a scheduled task.
        features.push(
          await createCapacityFeature({
            ...deps,
            snapshots,
            metrics: providers.metricsProvider(),
          }),
        );

        // Operational KPIs and the operations overview, computed from the
        // on-call, incidents, SLO and change features above.
        const kpis = createKpisFeature({
          ...deps,
          snapshots,
          oncall: oncall.service,
          incidents: incidents.service,
          slo: slo.service,
          changes: changes.service,
        });
        features.push(kpis.router);

        httpRouter.use(await createRouter({ features, logger }));
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
