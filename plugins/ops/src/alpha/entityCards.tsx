import { compatWrapper } from '@backstage/core-compat-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isSloAvailable } from '../components/availability';
import { isAlertPolicyAvailable } from '../components/alerts/availability';
import { isObservabilityAvailable } from '../components/observability/availability';

/*
 * Entity cards. Most show on every component: a component without the
 * feature's annotations gets the card's empty state, which says what to
 * add. The SLO card shows only where SLOs are defined. The tabs
 * (entityContent.tsx) appear only where a feature is set up.
 */

/** Which ops features the entity has set up. */
export const entityOpsSetupCard = EntityCardBlueprint.make({
  name: 'setup',
  params: {
    filter: { kind: 'component' },
    loader: () =>
      import('../components/entityCards').then(m =>
        compatWrapper(<m.EntityOpsSetupCard />),
      ),
  },
});

/** Who is on call for the entity's PagerDuty services, every level. */
export const entityOnCallCard = EntityCardBlueprint.make({
  name: 'oncall',
  params: {
    filter: { kind: 'component' },
    loader: () =>
      import('../components/entityCards').then(m =>
        compatWrapper(<m.EntityOnCallCard />),
      ),
  },
});

/** Open and recent incidents against the severity targets. */
export const entityIncidentsCard = EntityCardBlueprint.make({
  name: 'incidents',
  params: {
    filter: { kind: 'component' },
    loader: () =>
      import('../components/entityCards').then(m =>
        compatWrapper(<m.EntityIncidentsCard />),
      ),
  },
});

/** SLOs with error budgets, burn-rate alerts and burn-down. */
export const entitySloCard = EntityCardBlueprint.make({
  name: 'slo',
  params: {
    filter: isSloAvailable,
    loader: () =>
      import('../components/entityCards').then(m =>
        compatWrapper(<m.EntitySloCard />),
      ),
  },
});

/** Runbooks and alarms. */
export const entityRunbooksCard = EntityCardBlueprint.make({
  name: 'runbooks',
  params: {
    filter: { kind: 'component' },
    loader: () =>
      import('../components/entityCards').then(m =>
        compatWrapper(<m.EntityRunbooksCard />),
      ),
  },
});

/** First limit, 30-day chart, time to limit. */
export const entityCapacityCard = EntityCardBlueprint.make({
  name: 'capacity',
  params: {
    filter: { kind: 'component' },
    loader: () =>
      import('../components/entityCards').then(m =>
        compatWrapper(<m.EntityCapacityCard />),
      ),
  },
});

/** The entity's operational KPIs with targets, trend and history. */
export const entityKpiCard = EntityCardBlueprint.make({
  name: 'kpis',
  params: {
    filter: { kind: 'component' },
    loader: () =>
      import('../components/entityCards').then(m =>
        compatWrapper(<m.EntityKpiCard />),
      ),
  },
});

/**
 * Which alerts of the alerting policy the component's CloudWatch alarms
 * have, have looser, or miss; its noisy alarms with a review action. Only on
 * components with an alarm prefix; a chunk of its own (not batched).
 */
export const entityAlertPolicyCard = EntityCardBlueprint.make({
  name: 'alert-policy',
  params: {
    filter: isAlertPolicyAvailable,
    loader: () =>
      import('../components/alerts').then(m =>
        compatWrapper(<m.EntityAlertPolicyCard />),
      ),
  },
});

/**
 * Business metrics (docs/business-metrics.md) against the same time last
 * week, on systems and components; configured in app-config
 * (`ops.business`), so the card's empty state says how. A chunk of its own.
 */
export const entityBusinessMetricsCard = EntityCardBlueprint.make({
  name: 'business',
  params: {
    filter: { kind: { $in: ['system', 'component'] } },
    loader: () =>
      import('../components/business').then(m =>
        compatWrapper(<m.EntityBusinessMetricsCard />),
      ),
  },
});

/**
 * Logs (error and warning counts, top error messages, retention, a Logs
 * Insights link), traces (X-Ray) and dashboards (Grafana) of components
 * that have any of their annotations (docs/observability.md). A chunk of
 * its own.
 */
export const entityObservabilityCard = EntityCardBlueprint.make({
  name: 'observability',
  params: {
    filter: isObservabilityAvailable,
    loader: () =>
      import('../components/observability').then(m =>
        compatWrapper(<m.EntityObservabilityCard />),
      ),
  },
});

/**
 * Security signals scoped to the service (`ops.security.metrics` with
 * `perEntity`, docs/security-operations.md), the alerts they raise, the
 * security contacts and the incident process. A chunk of its own.
 */
export const entitySecurityCard = EntityCardBlueprint.make({
  name: 'security',
  params: {
    filter: { kind: 'component' },
    loader: () =>
      import('../components/security').then(m =>
        compatWrapper(<m.EntitySecurityCard />),
      ),
  },
});
