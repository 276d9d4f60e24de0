import { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_ALARM_PREFIX,
  ANNOTATION_CONTAINER_SERVICE,
  ANNOTATION_PAGERDUTY_ESCALATION_POLICY_ID,
  ANNOTATION_PAGERDUTY_SCHEDULE_ID,
  ANNOTATION_PAGERDUTY_SERVICE_ID,
  ANNOTATION_RUNBOOKS,
  ANNOTATION_SLO_AVAILABILITY,
  ANNOTATION_SLO_SPEC,
  splitAnnotation,
} from '@opsportal/plugin-ops-common';

/** One line of the setup card. */
export interface SetupItem {
  feature: string;
  configured: boolean;
  detail: string;
}

/** Which ops features an entity's annotations and links switch on. */
export function describeOpsSetup(entity: Entity): SetupItem[] {
  const a = entity.metadata.annotations ?? {};
  const pdServices = splitAnnotation(a[ANNOTATION_PAGERDUTY_SERVICE_ID]);
  const pdTeam = [
    ...splitAnnotation(a[ANNOTATION_PAGERDUTY_ESCALATION_POLICY_ID]),
    ...splitAnnotation(a[ANNOTATION_PAGERDUTY_SCHEDULE_ID]),
  ];
  const runbookLinks = (entity.metadata.links ?? []).filter(
    l => l.type === 'runbook',
  );
  const slo = a[ANNOTATION_SLO_SPEC] ?? a[ANNOTATION_SLO_AVAILABILITY];
  const container = a[ANNOTATION_CONTAINER_SERVICE];
  const alarms = splitAnnotation(a[ANNOTATION_ALARM_PREFIX]);

  let onCall = `Add ${ANNOTATION_PAGERDUTY_SERVICE_ID}`;
  if (pdServices.length > 0)
    onCall = `PagerDuty service ${pdServices.join(', ')}`;
  else if (pdTeam.length > 0) onCall = `PagerDuty ${pdTeam.join(', ')}`;

  let slos = `Add ${ANNOTATION_SLO_SPEC} or ${ANNOTATION_SLO_AVAILABILITY}`;
  if (a[ANNOTATION_SLO_SPEC]) slos = `OpenSLO ${a[ANNOTATION_SLO_SPEC]}`;
  else if (slo) slos = `Availability ${a[ANNOTATION_SLO_AVAILABILITY]} %`;

  return [
    {
      feature: 'On-call and incidents',
      configured: pdServices.length > 0 || pdTeam.length > 0,
      detail: onCall,
    },
    {
      feature: 'SLOs and error budgets',
      configured: Boolean(slo),
      detail: slos,
    },
    {
      feature: 'Capacity',
      configured: Boolean(container),
      detail: container
        ? `Container Insights ${container}`
        : `Add ${ANNOTATION_CONTAINER_SERVICE}`,
    },
    {
      feature: 'Runbooks and alarms',
      configured:
        runbookLinks.length > 0 ||
        Boolean(a[ANNOTATION_RUNBOOKS]) ||
        alarms.length > 0,
      detail:
        [
          runbookLinks.length > 0 ? `${runbookLinks.length} runbook links` : '',
          a[ANNOTATION_RUNBOOKS] ? `runbooks in ${a[ANNOTATION_RUNBOOKS]}` : '',
          alarms.length > 0 ? `alarms ${alarms.join(', ')}*` : '',
        ]
          .filter(Boolean)
          .join('; ') || `Add ${ANNOTATION_RUNBOOKS} or a runbook link`,
    },
  ];
}
