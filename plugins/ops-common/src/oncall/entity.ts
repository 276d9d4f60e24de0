import { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_PAGERDUTY_ESCALATION_POLICY_ID,
  ANNOTATION_PAGERDUTY_SCHEDULE_ID,
  ANNOTATION_PAGERDUTY_SERVICE_ID,
  splitAnnotation,
} from '../annotations';

/** The PagerDuty ids an entity names through its annotations. @public */
export interface PagerDutyIds {
  serviceIds: string[];
  escalationPolicyIds: string[];
  scheduleIds: string[];
}

/** Reads the PagerDuty annotations of an entity (each may list several ids). @public */
export function pagerDutyIdsOf(entity: Entity): PagerDutyIds {
  const a = entity.metadata.annotations ?? {};
  return {
    serviceIds: unique(splitAnnotation(a[ANNOTATION_PAGERDUTY_SERVICE_ID])),
    escalationPolicyIds: unique(
      splitAnnotation(a[ANNOTATION_PAGERDUTY_ESCALATION_POLICY_ID]),
    ),
    scheduleIds: unique(splitAnnotation(a[ANNOTATION_PAGERDUTY_SCHEDULE_ID])),
  };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
