import {
  createApiFactory,
  createComponentExtension,
  createRoutableExtension,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { createCardExtension } from '@backstage/plugin-home-react';
import { OpsClient, opsApiRef } from './api';
import { capacityRouteRef } from './routes';
import { sloRouteRef } from './routes';
import { changesRouteRef, rootRouteRef, runbooksRouteRef } from './routes';
import { onCallRouteRef } from './routes';
import { overviewRouteRef } from './routes';
import { incidentsRouteRef } from './routes';
import { alertsRouteRef } from './routes';
import { securityRouteRef } from './routes';

/**
 * The ops portal for Backstage's legacy frontend system.
 * @public
 */
export const opsPlugin = createPlugin({
  id: 'ops',
  apis: [
    createApiFactory({
      api: opsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new OpsClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    root: rootRouteRef,
    capacity: capacityRouteRef,
    runbooks: runbooksRouteRef,
    changes: changesRouteRef,
    overview: overviewRouteRef,
    slos: sloRouteRef,
    onCall: onCallRouteRef,
    incidents: incidentsRouteRef,
    alerts: alertsRouteRef,
    security: securityRouteRef,
  },
});

/**
 * Entity card: which ops features the entity has set up.
 * @public
 */
export const EntityOpsSetupCard = opsPlugin.provide(
  createComponentExtension({
    name: 'EntityOpsSetupCard',
    component: {
      lazy: () =>
        import('./components/entityCards').then(m => m.EntityOpsSetupCard),
    },
  }),
);

/**
 * Entity card: the entity's runbooks and alarms, alarms without a runbook
 * flagged. Shows how to add a runbook when there is none.
 * @public
 */
export const EntityRunbooksCard = opsPlugin.provide(
  createComponentExtension({
    name: 'EntityRunbooksCard',
    component: {
      lazy: () =>
        import('./components/entityCards').then(m => m.EntityRunbooksCard),
    },
  }),
);

/**
 * Entity tab content: the runbook reader with table of contents and
 * copyable commands, and the entity's alarms. Mount it at `runbooks`.
 * @public
 */
export const EntityRunbooksContent = opsPlugin.provide(
  createComponentExtension({
    name: 'EntityRunbooksContent',
    component: {
      lazy: () =>
        import('./components/runbooks').then(m => m.EntityRunbooksContent),
    },
  }),
);

/**
 * Page: runbook coverage per team and service.
 * @public
 */
export const RunbooksPage = opsPlugin.provide(
  createRoutableExtension({
    name: 'RunbooksPage',
    component: () => import('./components/runbooks').then(m => m.RunbooksPage),
    mountPoint: runbooksRouteRef,
  }),
);

/**
 * Page: change management (list with filters, calendar with maintenance
 * windows and freezes, the change request form and detail pages). Mount it
 * at `/changes`.
 * @public
 */
export const ChangesPage = opsPlugin.provide(
  createRoutableExtension({
    name: 'ChangesPage',
    component: () => import('./components/changes').then(m => m.ChangesPage),
    mountPoint: changesRouteRef,
  }),
);

/**
 * Entity tab content: the entity's change requests and a "Request change"
 * button with the entity filled in. Mount it at `changes`.
 * @public
 */
export const EntityChangesContent = opsPlugin.provide(
  createComponentExtension({
    name: 'EntityChangesContent',
    component: {
      lazy: () =>
        import('./components/changes').then(m => m.EntityChangesContent),
    },
  }),
);

/**
 * Entity card: who is on call for the entity's PagerDuty services (several
 * allowed), every escalation level with contacts, shift ends and overrides.
 * Shows the annotation to add when the entity has none.
 * @public
 */
export const EntityOnCallCard = opsPlugin.provide(
  createComponentExtension({
    name: 'EntityOnCallCard',
    component: {
      lazy: () =>
        import('./components/entityCards').then(m => m.EntityOnCallCard),
    },
  }),
);

/**
 * Entity card: open and recent incidents with their severity (P1–P4),
 * response targets, MTTA and MTTR over 30 days.
 * @public
 */
export const EntityIncidentsCard = opsPlugin.provide(
  createComponentExtension({
    name: 'EntityIncidentsCard',
    component: {
      lazy: () =>
        import('./components/entityCards').then(m => m.EntityIncidentsCard),
    },
  }),
);

/**
 * Group tab content: the team's escalation chain now, its rotation for the
 * next four weeks, the services it answers for and their incidents. Mount
 * it at `on-call` with `isTeamOnCallAvailable` as the condition.
 * @public
 */
export const EntityTeamOnCallContent = opsPlugin.provide(
  createComponentExtension({
    name: 'EntityTeamOnCallContent',
    component: {
      lazy: () => import('./components/oncall').then(m => m.TeamOnCallContent),
    },
  }),
);

/**
 * Page: who is on call for every service and team, searchable (`/on-call`).
 * @public
 */
export const OnCallPage = opsPlugin.provide(
  createRoutableExtension({
    name: 'OnCallPage',
    component: () => import('./components/oncall').then(m => m.OnCallPage),
    mountPoint: onCallRouteRef,
  }),
);

/**
 * Entity card: SLOs with error budgets, burn-rate alerts and burn-down.
 * Show it where `isSloAvailable(entity)`.
 * @public
 */
export const EntitySloCard = opsPlugin.provide(
  createComponentExtension({
    name: 'EntitySloCard',
    component: {
      lazy: () => import('./components/entityCards').then(m => m.EntitySloCard),
    },
  }),
);

/**
 * Entity tab content: every SLO window by window, the alert rules and the
 * recorded history.
 * @public
 */
export const EntitySloContent = opsPlugin.provide(
  createComponentExtension({
    name: 'EntitySloContent',
    component: {
      lazy: () => import('./components/slo').then(m => m.EntitySloContent),
    },
  }),
);

/**
 * The platform SLO page: the overall objective and every service by error
 * budget left. Mount it at /slos.
 * @public
 */
export const SloPage = opsPlugin.provide(
  createRoutableExtension({
    name: 'SloPage',
    component: () => import('./components/slo').then(m => m.SloPage),
    mountPoint: sloRouteRef,
  }),
);

/**
 * Entity card: the metric that reaches its limit first, charted with its
 * forecast, and every metric's time to limit and triggers.
 * @public
 */
export const EntityCapacityCard = opsPlugin.provide(
  createComponentExtension({
    name: 'EntityCapacityCard',
    component: {
      lazy: () =>
        import('./components/entityCards').then(m => m.EntityCapacityCard),
    },
  }),
);

/**
 * Entity tab content: capacity charts for 7, 30 or 90 days with thresholds,
 * trigger episodes, forecast bands, headroom, days to limit and autoscaling.
 * @public
 */
export const EntityCapacityContent = opsPlugin.provide(
  createComponentExtension({
    name: 'EntityCapacityContent',
    component: {
      lazy: () =>
        import('./components/capacity').then(m => m.EntityCapacityContent),
    },
  }),
);

/**
 * The capacity review page: every service ranked by days to limit, CSV export.
 * @public
 */
export const CapacityReviewPage = opsPlugin.provide(
  createRoutableExtension({
    name: 'CapacityReviewPage',
    component: () =>
      import('./components/capacity').then(m => m.CapacityReviewPage),
    mountPoint: capacityRouteRef,
  }),
);

/**
 * Page: the operations overview — the platform's KPIs as the seed's two
 * tables, SLO summary, open P1/P2 incidents, on-call now, upcoming changes
 * and maintenance windows, services at capacity risk. Mount it at `/`.
 * @public
 */
export const OpsOverviewPage = opsPlugin.provide(
  createRoutableExtension({
    name: 'OpsOverviewPage',
    component: () => import('./components/kpis').then(m => m.OpsOverviewPage),
    mountPoint: overviewRouteRef,
  }),
);

/**
 * Entity card: the entity's operational KPIs over 30 / 90 days or a month,
 * each with target, status, trend and a small history. Show it where
 * `isKpisAvailable(entity)`.
 * @public
 */
export const EntityKpiCard = opsPlugin.provide(
  createComponentExtension({
    name: 'EntityKpiCard',
    component: {
      lazy: () => import('./components/entityCards').then(m => m.EntityKpiCard),
    },
  }),
);

/**
 * Group tab content: the team's KPIs over the services it owns or is on
 * call for. Mount it at `kpis` with `isTeamKpisAvailable` as the condition.
 * @public
 */
export const EntityTeamKpiContent = opsPlugin.provide(
  createComponentExtension({
    name: 'EntityTeamKpiContent',
    component: {
      lazy: () => import('./components/kpis').then(m => m.TeamKpiContent),
    },
  }),
);

/**
 * Group tab content: the post-incident reviews of the services the team
 * owns and of its members, open ones overdue first, overdue action items and
 * the reviews completed in the last 90 days, each linked to its incident
 * page. Mount it at `reviews` with `isTeamReviewsAvailable` as the condition.
 * @public
 */
export const EntityTeamReviewsContent = opsPlugin.provide(
  createComponentExtension({
    name: 'EntityTeamReviewsContent',
    component: {
      lazy: () =>
        import('./components/reviews').then(m => m.TeamReviewsContent),
    },
  }),
);

/**
 * Page: one incident (`/incidents/:id`) with its stage, roles, status
 * updates and their cadence, timeline, responders, what changed before it
 * and its post-incident review. Mount it at `/incidents`; the incident
 * cards link to it.
 * @public
 */
export const IncidentsPage = opsPlugin.provide(
  createRoutableExtension({
    name: 'IncidentsPage',
    component: () =>
      import('./components/incidents').then(m => m.IncidentsPage),
    mountPoint: incidentsRouteRef,
  }),
);

/**
 * Page "Alert health": the noisiest alarms with their review, paging load by
 * service and person, this month's alarm reviews, CSV exports. Mount it at
 * `/alerts`.
 * @public
 */
export const AlertsPage = opsPlugin.provide(
  createRoutableExtension({
    name: 'AlertsPage',
    component: () => import('./components/alerts').then(m => m.AlertsPage),
    mountPoint: alertsRouteRef,
  }),
);

/**
 * Entity card "Alerting policy": which alerts of the alerting policy the
 * component's alarms have, have looser or miss, and its flagged alarms.
 * Show it where `isAlertPolicyAvailable` holds.
 * @public
 */
export const EntityAlertPolicyCard = opsPlugin.provide(
  createComponentExtension({
    name: 'EntityAlertPolicyCard',
    component: {
      lazy: () =>
        import('./components/alerts').then(m => m.EntityAlertPolicyCard),
    },
  }),
);

/**
 * Entity card for systems and components: the business metrics configured
 * for the entity in `ops.business` (docs/business-metrics.md), each against
 * the same time last week with a 24-hour chart; a component also shows its
 * system's, folded.
 * @public
 */
export const EntityBusinessMetricsCard = opsPlugin.provide(
  createComponentExtension({
    name: 'EntityBusinessMetricsCard',
    component: {
      lazy: () =>
        import('./components/business').then(m => m.EntityBusinessMetricsCard),
    },
  }),
);

/**
 * Entity tab content for a Group, "Alert health": its entities' alarm and
 * policy counts, its alarms by noise, paging load and alarm reviews. Mount
 * it at `alert-health` with `isTeamAlertHealthAvailable` as the condition.
 * @public
 */
export const EntityTeamAlertHealthContent = opsPlugin.provide(
  createComponentExtension({
    name: 'EntityTeamAlertHealthContent',
    component: {
      lazy: () =>
        import('./components/alerts').then(m => m.TeamAlertHealthContent),
    },
  }),
);

/**
 * Page: security operations (docs/security-operations.md), the platform's security
 * signals against their thresholds, the alerts they raise, the security
 * contacts and the incident process. Mount it at `/security`.
 * @public
 */
export const SecurityPage = opsPlugin.provide(
  createRoutableExtension({
    name: 'SecurityPage',
    component: () => import('./components/security').then(m => m.SecurityPage),
    mountPoint: securityRouteRef,
  }),
);

/**
 * Entity card for components: the service's security signals (those
 * configured with `perEntity`), the alerts they raise, the security
 * contacts and the incident process.
 * @public
 */
export const EntitySecurityCard = opsPlugin.provide(
  createComponentExtension({
    name: 'EntitySecurityCard',
    component: {
      lazy: () =>
        import('./components/security').then(m => m.EntitySecurityCard),
    },
  }),
);

/**
 * Entity card for components with log groups, an X-Ray service or Grafana
 * dashboards (`isObservabilityAvailable`): error and warning counts, top
 * error messages, log retention against the policy and a Logs Insights
 * link; X-Ray links, latency and fault rate; Grafana dashboards.
 * @public
 */
export const EntityObservabilityCard = opsPlugin.provide(
  createComponentExtension({
    name: 'EntityObservabilityCard',
    component: {
      lazy: () =>
        import('./components/observability').then(
          m => m.EntityObservabilityCard,
        ),
    },
  }),
);

/*
 * Home page cards for `@backstage/plugin-home` (docs/home.md): put them in
 * the app's home page, e.g. `<Grid item xs={12} md={6}><MyOnCallShiftsCard /></Grid>`.
 */

/**
 * Home card: the signed-in user's on-call shifts, now and in the next four weeks.
 * @public
 */
export const MyOnCallShiftsCard = opsPlugin.provide(
  createCardExtension({
    name: 'MyOnCallShiftsCard',
    title: 'My on-call shifts',
    components: () =>
      import('./components/home').then(m => ({
        Content: m.MyOnCallShiftsContent,
      })),
  }),
);

/**
 * Home card: change requests awaiting approval that the signed-in user may approve.
 * @public
 */
export const MyApprovalsCard = opsPlugin.provide(
  createCardExtension({
    name: 'MyApprovalsCard',
    title: 'Changes waiting for my approval',
    components: () =>
      import('./components/home').then(m => ({
        Content: m.MyApprovalsContent,
      })),
  }),
);

/**
 * Home card: the signed-in user's open incidents and overdue reviews.
 * @public
 */
export const MyIncidentsCard = opsPlugin.provide(
  createCardExtension({
    name: 'MyIncidentsCard',
    title: 'My open incidents and overdue reviews',
    components: () =>
      import('./components/home').then(m => ({
        Content: m.MyIncidentsContent,
      })),
  }),
);

/**
 * Home card: the platform's SLOs by state and the least error budget left.
 * @public
 */
export const PlatformSloStatusCard = opsPlugin.provide(
  createCardExtension({
    name: 'PlatformSloStatusCard',
    title: 'Platform SLO status',
    components: () =>
      import('./components/home').then(m => ({
        Content: m.SloStatusContent,
      })),
  }),
);
