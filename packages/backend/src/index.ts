/*
 * The demo backend of the ops portal: Backstage's own plugins that the
 * portal builds on (auth with guest sign-in, catalog, permissions, search,
 * notifications) plus the ops plugin and its CloudWatch and PagerDuty
 * modules. See app-config.yaml for what each is pointed at.
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

// The events bus that the catalog and signals subscribe to.
backend.add(import('@backstage/plugin-events-backend'));

// Sign-in: guest locally (see README for signing in as the example users).
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// Development only: sign in as any example user (docs/changes.md).
backend.add(import('./modules/exampleUserAuth'));

// The catalog holds the example platform (examples/).
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// Permissions, with the portal's policy (who may approve change requests).
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('./modules/permissionPolicy'));

// Search (in-memory index locally) over the catalog.
backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
// Runbooks of the ops portal (documents of type `runbook`).
backend.add(import('@opsportal/plugin-search-backend-module-ops'));

// Notifications and signals, used by the change-request workflow.
backend.add(import('@backstage/plugin-notifications-backend'));
// Notifications to Slack (docs/slack.md): inactive until
// notifications.processors.slack has a bot token (none locally).
backend.add(import('@backstage/plugin-notifications-backend-module-slack'));
backend.add(import('@backstage/plugin-signals-backend'));
backend.add(import('@backstage/plugin-user-settings-backend'));

// The ops portal.
backend.add(import('@opsportal/plugin-ops-backend'));
backend.add(import('@opsportal/plugin-ops-backend-module-cloudwatch'));
backend.add(import('@opsportal/plugin-ops-backend-module-pagerduty'));
// Prometheus metrics for PromQL SLOs (registers only with ops.prometheus.baseUrl).
backend.add(import('@opsportal/plugin-ops-backend-module-prometheus'));
// Grafana dashboards search (registers only with ops.grafana.baseUrl).
backend.add(import('@opsportal/plugin-ops-backend-module-grafana'));
// Development only: an example change history for the KPIs (docs/kpis.md).
backend.add(import('./modules/exampleChangeHistory'));

// Software templates (/create), with the ops actions that file change
// requests as the user who runs the template (docs/scaffolder.md), and the
// catalog's Template kind for the templates the Create page lists.
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@opsportal/plugin-scaffolder-backend-module-ops'));

// MCP: the ops actions (and any other plugin's in backend.actions.pluginSources)
// as tools for AI assistants at /api/mcp-actions/v1 (docs/mcp.md).
backend.add(import('@backstage/plugin-mcp-actions-backend'));

// Tech Insights scorecards: the ops readiness facts and the example checks in
// app-config.yaml (techInsights.*) graded by the JSON rules engine
// (docs/tech-insights.md).
backend.add(import('@backstage-community/plugin-tech-insights-backend'));
backend.add(
  import('@backstage-community/plugin-tech-insights-backend-module-jsonfc'),
);
backend.add(import('@opsportal/plugin-tech-insights-backend-module-ops'));

backend.start();
