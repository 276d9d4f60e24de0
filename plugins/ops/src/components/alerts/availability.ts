import { Entity } from '@backstage/catalog-model';
import { ANNOTATION_ALARM_PREFIX } from '@opsportal/plugin-ops-common';

/*
 * Whether an entity gets the alert hygiene card or tab. Kept apart from the
 * components so that the extension filters stay light.
 */

/**
 * Whether a component gets the "Alerting policy" card: it names CloudWatch
 * alarms (`opsportal.dev/alarm-prefix`).
 * @public
 */
export function isAlertPolicyAvailable(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'component' &&
    Boolean(entity.metadata.annotations?.[ANNOTATION_ALARM_PREFIX]?.trim())
  );
}

/**
 * Whether the entity gets the team "Alert health" tab: every Group, since
 * its alarms are those of the entities it owns.
 * @public
 */
export function isTeamAlertHealthAvailable(entity: Entity): boolean {
  return entity.kind.toLocaleLowerCase('en-US') === 'group';
}
