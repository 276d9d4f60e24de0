import { Entity } from '@backstage/catalog-model';
import {
  isKpisConfigured,
  isTeamKpisConfigured,
} from '@opsportal/plugin-ops-common';

/** Whether an entity gets the KPI card: components (services). @public */
export function isKpisAvailable(entity: Entity): boolean {
  return isKpisConfigured(entity);
}

/** Whether a Group gets the team KPI tab. @public */
export function isTeamKpisAvailable(entity: Entity): boolean {
  return isTeamKpisConfigured(entity);
}
