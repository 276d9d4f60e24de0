import { Entity } from '@backstage/catalog-model';
import {
  isCapacityConfigured,
  isChangesConfigured,
  isIncidentsConfigured,
  isKpisConfigured,
  isOnCallConfigured,
  isRunbooksConfigured,
  isSloConfigured,
  isTeamKpisConfigured,
  isTeamOnCallConfigured,
} from '@opsportal/plugin-ops-common';

/*
 * Whether an entity gets a card or tab. The plugin's entry points (the
 * extension filters) import these from here rather than from the features'
 * helpers, so the app's first load does not carry the helpers' imports
 * (luxon, the runbook reader).
 */

/**
 * Whether an entity has a source of capacity metrics: Container Insights,
 * an ALB target group or an SQS queue.
 * @public
 */
export function isCapacityAvailable(entity: Entity): boolean {
  return isCapacityConfigured(entity);
}

/**
 * Whether the entity gets the Changes tab: components, resources and
 * systems can be affected by change requests. The tab links into the
 * changes page (`ChangesPage`), which must be mounted too.
 * @public
 */
export function isChangesAvailable(entity: Entity): boolean {
  return isChangesConfigured(entity);
}

/**
 * Whether the entity has incidents to show: a PagerDuty service, or a team
 * whose policies page for services.
 * @public
 */
export function isIncidentsAvailable(entity: Entity): boolean {
  return isIncidentsConfigured(entity);
}

/** Whether an entity gets the KPI card: components (services). @public */
export function isKpisAvailable(entity: Entity): boolean {
  return isKpisConfigured(entity);
}

/** Whether a Group gets the team KPI tab. @public */
export function isTeamKpisAvailable(entity: Entity): boolean {
  return isTeamKpisConfigured(entity);
}

/**
 * Whether the entity names any PagerDuty service, escalation policy or
 * schedule, so that the on-call card has something to show.
 * @public
 */
export function isOnCallAvailable(entity: Entity): boolean {
  return isOnCallConfigured(entity);
}

/**
 * Whether the entity is a team (Group) with a PagerDuty escalation policy or
 * schedule: the condition of the team on-call tab.
 * @public
 */
export function isTeamOnCallAvailable(entity: Entity): boolean {
  return isTeamOnCallConfigured(entity);
}

/**
 * Whether an entity has any runbook or alarm source: the runbooks annotation,
 * runbook links, TechDocs, or an alarm prefix.
 * @public
 */
export function isRunbooksAvailable(entity: Entity): boolean {
  return isRunbooksConfigured(entity);
}

/**
 * True when the entity defines SLOs: an OpenSLO spec or one of the compact
 * annotations. Use it to show the SLO card and tab only where they apply.
 * @public
 */
export function isSloAvailable(entity: Entity): boolean {
  return isSloConfigured(entity);
}
