import { Entity } from '@backstage/catalog-model';
import { isIncidentsConfigured } from '@opsportal/plugin-ops-common';

/**
 * Whether the entity has incidents to show: a PagerDuty service, or a team
 * whose policies page for services.
 * @public
 */
export function isIncidentsAvailable(entity: Entity): boolean {
  return isIncidentsConfigured(entity);
}
