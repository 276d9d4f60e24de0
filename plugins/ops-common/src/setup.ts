import { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_ALARM_PREFIX,
  ANNOTATION_ALB,
  ANNOTATION_ALB_TARGET_GROUP,
  ANNOTATION_CONTAINER_SERVICE,
  ANNOTATION_PAGERDUTY_ESCALATION_POLICY_ID,
  ANNOTATION_PAGERDUTY_SCHEDULE_ID,
  ANNOTATION_PAGERDUTY_SERVICE_ID,
  ANNOTATION_PROMETHEUS_JOB,
  ANNOTATION_RUNBOOKS,
  ANNOTATION_SLO_AVAILABILITY,
  ANNOTATION_SLO_ERROR_RATE,
  ANNOTATION_SLO_LATENCY_P95,
  ANNOTATION_SLO_SPEC,
  ANNOTATION_SQS_QUEUE,
  ANNOTATION_TECHDOCS_RUNBOOKS,
  splitAnnotation,
} from './annotations';
import { pagerDutyIdsOf } from './oncall/entity';

/*
 * "Is feature X set up for this entity?", answered once. The frontend's
 * isXAvailable filters (which decide the tabs), the setup card and the
 * backend's choice of what to refresh all call these.
 */

/** TechDocs' own annotation: a TechDocs site counts as a runbook. */
const TECHDOCS_REF = 'backstage.io/techdocs-ref';

function kindOf(entity: Entity): string {
  return entity.kind.toLocaleLowerCase('en-US');
}

function has(entity: Entity, annotation: string): boolean {
  return Boolean(entity.metadata.annotations?.[annotation]?.trim());
}

/** The annotations that define SLOs (any one is enough). @public */
export const SLO_ANNOTATIONS: readonly string[] = [
  ANNOTATION_SLO_SPEC,
  ANNOTATION_SLO_AVAILABILITY,
  ANNOTATION_SLO_LATENCY_P95,
  ANNOTATION_SLO_ERROR_RATE,
];

/** Whether the entity defines SLOs: an OpenSLO spec or a compact annotation. @public */
export function isSloConfigured(entity: Entity): boolean {
  return SLO_ANNOTATIONS.some(a => has(entity, a));
}

/**
 * The annotations that give an entity capacity metrics: Container Insights,
 * an ALB target group (with its load balancer, {@link ANNOTATION_ALB}), SQS
 * queues or a Prometheus job. @public
 */
export const CAPACITY_ANNOTATIONS: readonly string[] = [
  ANNOTATION_CONTAINER_SERVICE,
  ANNOTATION_ALB_TARGET_GROUP,
  ANNOTATION_SQS_QUEUE,
  ANNOTATION_PROMETHEUS_JOB,
];

/** Whether the entity has a source of capacity metrics. @public */
export function isCapacityConfigured(entity: Entity): boolean {
  return CAPACITY_ANNOTATIONS.some(a => has(entity, a));
}

/** The PagerDuty annotations (each may list several ids). @public */
export const ONCALL_ANNOTATIONS: readonly string[] = [
  ANNOTATION_PAGERDUTY_SERVICE_ID,
  ANNOTATION_PAGERDUTY_ESCALATION_POLICY_ID,
  ANNOTATION_PAGERDUTY_SCHEDULE_ID,
];

/** Whether the entity names a PagerDuty service, escalation policy or schedule. @public */
export function isOnCallConfigured(entity: Entity): boolean {
  const ids = pagerDutyIdsOf(entity);
  return (
    ids.serviceIds.length > 0 ||
    ids.escalationPolicyIds.length > 0 ||
    ids.scheduleIds.length > 0
  );
}

/** Whether the entity is a team (Group) with an escalation policy or schedule. @public */
export function isTeamOnCallConfigured(entity: Entity): boolean {
  if (kindOf(entity) !== 'group') return false;
  const ids = pagerDutyIdsOf(entity);
  return ids.escalationPolicyIds.length > 0 || ids.scheduleIds.length > 0;
}

/** Whether the entity has incidents: a PagerDuty service, or a team with policies. @public */
export function isIncidentsConfigured(entity: Entity): boolean {
  return (
    pagerDutyIdsOf(entity).serviceIds.length > 0 ||
    isTeamOnCallConfigured(entity)
  );
}

/**
 * The annotations that give an entity runbooks or alarms (TechDocs pages
 * named by {@link ANNOTATION_TECHDOCS_RUNBOOKS} need the TechDocs site). @public
 */
export const RUNBOOK_ANNOTATIONS: readonly string[] = [
  ANNOTATION_RUNBOOKS,
  TECHDOCS_REF,
  ANNOTATION_ALARM_PREFIX,
];

/** Whether the entity has runbooks or alarms: the annotations above or `runbook` links. @public */
export function isRunbooksConfigured(entity: Entity): boolean {
  return (
    RUNBOOK_ANNOTATIONS.some(a => has(entity, a)) ||
    runbookLinksOf(entity).length > 0
  );
}

function runbookLinksOf(entity: Entity) {
  return (entity.metadata.links ?? []).filter(
    link => link.type?.toLocaleLowerCase('en-US') === 'runbook',
  );
}

/** Kinds of entity a change request can affect. @public */
export const CHANGE_ENTITY_KINDS: readonly string[] = [
  'component',
  'resource',
  'system',
];

/** Whether change requests can affect the entity (no annotation needed). @public */
export function isChangesConfigured(entity: Entity): boolean {
  return CHANGE_ENTITY_KINDS.includes(kindOf(entity));
}

/** Whether the entity has service KPIs: components. @public */
export function isKpisConfigured(entity: Entity): boolean {
  return kindOf(entity) === 'component';
}

/** Whether the entity has team KPIs: groups. @public */
export function isTeamKpisConfigured(entity: Entity): boolean {
  return kindOf(entity) === 'group';
}

/** One line of the setup card: a feature, whether it is on, and from what. @public */
export interface OpsSetupItem {
  feature: string;
  configured: boolean;
  /** What switches it on, or what to add. */
  detail: string;
}

/**
 * Which ops features an entity's annotations and links switch on, in the
 * words of the setup card; `configured` is the isXConfigured answer.
 * @public
 */
export function describeOpsSetup(entity: Entity): OpsSetupItem[] {
  const a = entity.metadata.annotations ?? {};
  const list = (annotation: string) => splitAnnotation(a[annotation]);
  const ids = pagerDutyIdsOf(entity);
  const links = runbookLinksOf(entity);

  const onCall =
    (ids.serviceIds.length > 0 &&
      `PagerDuty service ${ids.serviceIds.join(', ')}`) ||
    (ids.escalationPolicyIds.length + ids.scheduleIds.length > 0 &&
      `PagerDuty ${[...ids.escalationPolicyIds, ...ids.scheduleIds].join(
        ', ',
      )}`) ||
    `Add ${ANNOTATION_PAGERDUTY_SERVICE_ID}`;

  const slos =
    (a[ANNOTATION_SLO_SPEC] && `OpenSLO ${a[ANNOTATION_SLO_SPEC]}`) ||
    [
      a[ANNOTATION_SLO_AVAILABILITY] &&
        `availability ${a[ANNOTATION_SLO_AVAILABILITY]} %`,
      a[ANNOTATION_SLO_LATENCY_P95] &&
        `p95 latency ${a[ANNOTATION_SLO_LATENCY_P95]}`,
      a[ANNOTATION_SLO_ERROR_RATE] &&
        `error rate ${a[ANNOTATION_SLO_ERROR_RATE]}`,
    ]
      .filter(Boolean)
      .join('; ') ||
    `Add ${ANNOTATION_SLO_SPEC} or ${ANNOTATION_SLO_AVAILABILITY}`;

  const capacity =
    [
      a[ANNOTATION_CONTAINER_SERVICE] &&
        `Container Insights ${a[ANNOTATION_CONTAINER_SERVICE]}`,
      a[ANNOTATION_ALB_TARGET_GROUP] &&
        `target group ${a[ANNOTATION_ALB_TARGET_GROUP]}${
          a[ANNOTATION_ALB] ? ` of ${a[ANNOTATION_ALB]}` : ''
        }`,
      list(ANNOTATION_SQS_QUEUE).length > 0 &&
        `SQS ${list(ANNOTATION_SQS_QUEUE).join(', ')}`,
      a[ANNOTATION_PROMETHEUS_JOB] &&
        `Prometheus job ${a[ANNOTATION_PROMETHEUS_JOB]}`,
    ]
      .filter(Boolean)
      .join('; ') ||
    `Add ${ANNOTATION_CONTAINER_SERVICE}, ${ANNOTATION_ALB_TARGET_GROUP} or ${ANNOTATION_SQS_QUEUE}`;

  const runbooks =
    [
      links.length > 0 &&
        `${links.length} runbook link${links.length === 1 ? '' : 's'}`,
      a[ANNOTATION_RUNBOOKS] && `runbooks in ${a[ANNOTATION_RUNBOOKS]}`,
      (a[ANNOTATION_TECHDOCS_RUNBOOKS] || a[TECHDOCS_REF]) && 'TechDocs',
      list(ANNOTATION_ALARM_PREFIX).length > 0 &&
        `alarms ${list(ANNOTATION_ALARM_PREFIX).join('*, ')}*`,
    ]
      .filter(Boolean)
      .join('; ') || `Add ${ANNOTATION_RUNBOOKS} or a runbook link`;

  return [
    {
      feature: 'On-call and incidents',
      configured: isOnCallConfigured(entity),
      detail: onCall,
    },
    {
      feature: 'SLOs and error budgets',
      configured: isSloConfigured(entity),
      detail: slos,
    },
    {
      feature: 'Capacity',
      configured: isCapacityConfigured(entity),
      detail: capacity,
    },
    {
      feature: 'Runbooks and alarms',
      configured: isRunbooksConfigured(entity),
      detail: runbooks,
    },
  ];
}
