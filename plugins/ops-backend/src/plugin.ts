import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { opsPermissions } from '@opsportal/plugin-ops-common';
import { opsProvidersExtensionPoint } from '@opsportal/plugin-ops-node';
import { applyDatabaseMigrations } from './database/migrations';
import { ProviderRegistry } from './providers/ProviderRegistry';
import { createRouter } from './service/router';
import { createRunbooksFeature } from './runbooks';
import { createChangesFeature } from './changes';
import { createAlertsFeature } from './alerts';
import { createOnCallFeature } from './oncall';
import {
  createIncidentResponseFeature,
  createIncidentsFeature,
} from './incidents';
import { createSloFeature } from './slo';
import { createKpisFeature } from './kpis';
import { createCapacityFeature } from './capacity';
import { createSecurityFeature } from './security';
import { createBusinessFeature } from './business';
import { createOverviewFeature } from './overview';
import { createHomeFeature } from './home';
import { createObservabilityFeature } from './observability';
import { createReviewsFeature } from './reviews';
import { createReadinessFeature } from './readiness';
import { createChangeMaintenanceFeature } from './alerts/maintenance';
import { DatabaseSnapshotStore } from './snapshots/SnapshotStore';
import { scheduleFeatureTasks } from './lib/feature';
import { afterCatalogRead, createViewCaches } from './lib/viewCaches';
import {
  actionsRegistryServiceRef,
  metricsServiceRef,
} from '@backstage/backend-plugin-api/alpha';
import { createOpsTelemetry } from './lib/telemetry';
import { registerOpsActions } from './actions';

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
        cache: coreServices.cache,
        catalog: catalogServiceRef,
        notifications: notificationService,
        actionsRegistry: actionsRegistryServiceRef,
        metrics: metricsServiceRef,
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
        // The portal's own metrics and refresh status (docs/telemetry.md).
        const telemetry = createOpsTelemetry({
          db,
          logger,
          metrics: deps.metrics,
        });
        // Page views answer from kept catalog answers and parsed snapshots;
        // refreshes wait for the catalog's first complete read (lib/viewCaches.ts).
        const { snapshots, catalog, readiness } = createViewCaches({
          ...deps,
          db,
          store: new DatabaseSnapshotStore(db),
          telemetry: telemetry.cache,
        });
        const featureDeps = { ...deps, catalog };

        // Feature folders (slo/, oncall/, incidents/, capacity/, runbooks/,
        // changes/, kpis/): each answers { router, service, tasks }; other
        // features read its data only through its service.
        const runbooks = createRunbooksFeature({
          ...featureDeps,
          snapshots,
          alarms: providers.alarmsProvider(),
        });

        // Change management; `changes.service` gives the KPIs the changes
        // the caller may see (implemented()).
        const changes = createChangesFeature({ ...featureDeps, database: db });

        // PagerDuty maintenance windows for changes started in their
        // maintenance window (a transition listener and a reconciliation
        // task); `changeMaintenance.service.listPeriods` tells the alerts
        // feature when alarms fired during maintenance.
        const changeMaintenance = createChangeMaintenanceFeature({
          ...featureDeps,
          database: db,
          changes: changes.service,
          provider: providers.maintenanceWindowProvider(),
        });

        // Alert hygiene (docs/alerts.md): alarm noise from CloudWatch's
        // alarm history, policy coverage, paging load from PagerDuty and
        // alarm reviews. `maintenance` (a MaintenanceSource, optional) is
        // where maintenance periods come from: the windows the portal opened
        // for change requests (alerts/maintenance).
        const alerts = createAlertsFeature({
          ...featureDeps,
          database: db,
          snapshots,
          alarms: providers.alarmsProvider(),
          incidents: providers.incidentProvider(),
          maintenance: changeMaintenance.service,
          runbooks: runbooks.service,
        });

        // On-call; `oncall.service` tells the incidents feature a team's
        // services and gives the KPIs the teams and who is on call.
        const oncall = createOnCallFeature({
          ...featureDeps,
          snapshots,
          onCall: providers.onCallProvider(),
        });

        // Incidents; `incidents.service` is the incidents reader
        // (listIncidents) the KPIs use. The response provider tells the
        // cards the last status update of open P1/P2 incidents.
        const incidents = createIncidentsFeature({
          ...featureDeps,
          snapshots,
          oncall: oncall.service,
          incidents: providers.incidentProvider(),
          response: providers.incidentResponseProvider(),
        });

        // Post-incident reviews: required after the incidents of the
        // configured severities (read from the incidents feature when its
        // task runs) and after emergency changes (a transition listener).
        const reviews = createReviewsFeature({
          ...featureDeps,
          database: db,
          changes: changes.service,
          incidents: incidents.service,
        });

        // The incident page (/incidents/:id): roles stored in `db`, the
        // incidents' severity policy, "what changed?" and PagerDuty change
        // events from the change requests, the review from `reviews`; the
        // update cadence is the cards' and posted updates refresh them.
        const incidentResponse = createIncidentResponseFeature({
          ...featureDeps,
          database: db,
          provider: providers.incidentResponseProvider(),
          policy: incidents.service.policy,
          updateCadenceMinutes: incidents.service.updateCadenceMinutes,
          statusUpdates: incidents.service,
          oncall: oncall.service,
          changes: changes.service,
          reviews: reviews.service,
        });

        // SLOs from CloudWatch; `slo.service` is the uptime source
        // (getUptime, listUptime) the KPIs use.
        const slo = createSloFeature({
          ...featureDeps,
          snapshots,
          metrics: providers.metricsProvider(),
        });

        // Capacity trends, triggers and time-to-limit forecasts.
        const capacity = createCapacityFeature({
          ...featureDeps,
          snapshots,
          metrics: providers.metricsProvider(),
        });

        // Operational KPIs and the operations overview, computed from the
        // on-call, incidents, SLO, change and review services above.
        const kpis = createKpisFeature({
          ...featureDeps,
          oncall: oncall.service,
          incidents: incidents.service,
          slo: slo.service,
          changes: changes.service,
          reviews: reviews.service,
          maintenance: changeMaintenance.service,
        });

        // Business metrics (docs/business-metrics.md): the configured
        // CloudWatch or Prometheus queries against the same time last week.
        const business = createBusinessFeature({
          ...featureDeps,
          snapshots,
          metrics: providers.metricsProvider(),
        });

        // Logs, traces and dashboards of an entity (docs/observability.md):
        // Logs Insights counts and retention, X-Ray, Grafana.
        const observability = createObservabilityFeature({
          ...featureDeps,
          snapshots,
          logs: providers.logsProvider(),
          traces: providers.tracesProvider(),
          dashboards: providers.dashboardsProvider(),
        });

        // An entity page's overview tab in one request, read through the
        // services above.
        const overview = createOverviewFeature({
          ...featureDeps,
          oncall: oncall.service,
          incidents: incidents.service,
          slo: slo.service,
          runbooks: runbooks.service,
          capacity: capacity.service,
          kpis: kpis.service,
          health: telemetry.health,
        });

        // The home page cards of the signed-in user (docs/home.md), read
        // through the services above.
        const home = createHomeFeature({
          ...featureDeps,
          oncall: oncall.service,
          changes: changes.service,
          incidents: incidents.service,
          reviews: reviews.service,
          slo: slo.service,
          refreshes: telemetry.refreshes,
        });

        // Actions for AI assistants and other clients of Backstage's actions
        // registry (served as MCP tools by @backstage/plugin-mcp-actions-backend,
        // docs/mcp.md), read and written through the services above.
        registerOpsActions({
          ...featureDeps,
          oncall: oncall.service,
          slo: slo.service,
          incidents: incidents.service,
          capacity: capacity.service,
          changes: changes.service,
        });

        // Security operations (docs/security-operations.md): the
        // configured security metrics and alarms of the platform and of
        // each service.
        const security = createSecurityFeature({
          ...featureDeps,
          snapshots,
          metrics: providers.metricsProvider(),
          alarms: providers.alarmsProvider(),
        });

        // Operational readiness facts for scorecards (Tech Insights,
        // docs/tech-insights.md), read through the services above with the
        // plugin's own credentials; service callers only.
        const readinessFacts = createReadinessFeature({
          ...featureDeps,
          slo: slo.service,
          oncall: oncall.service,
          runbooks: runbooks.service,
          capacity: capacity.service,
          changes: changes.service,
        });

        const features = [
          runbooks,
          changes,
          changeMaintenance,
          alerts,
          oncall,
          incidents,
          // After `incidents`: its /incidents/entity before /incidents/:id.
          incidentResponse,
          slo,
          capacity,
          security,
          kpis,
          overview,
          home,
          reviews,
          observability,
          business,
          readinessFacts,
        ];
        readiness.start();
        // Each run is timed and recorded (lib/telemetry), after the wait
        // for the catalog's first read.
        await scheduleFeatureTasks(deps.scheduler, features, {
          refreshes: telemetry.refreshes,
          gate: tasks => afterCatalogRead(tasks, readiness),
        });
        const routers = features.map(f => f.router);
        httpRouter.use(
          await createRouter({
            features: routers,
            logger,
            health: telemetry.health,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
