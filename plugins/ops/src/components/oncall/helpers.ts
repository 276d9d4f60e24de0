import { Entity } from '@backstage/catalog-model';
import {
  isOnCallConfigured,
  isTeamOnCallConfigured,
} from '@opsportal/plugin-ops-common';

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

/** Path of the team on-call tab of a Group page. */
export const TEAM_ONCALL_TAB_PATH = 'on-call';

/** Short local date and time, e.g. `Mon 24 Mar, 09:00` (incidents use it too). */
export function formatWhen(iso: string | undefined): string {
  if (!iso) return '';
  return new Date(iso).toLocaleString(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
}
