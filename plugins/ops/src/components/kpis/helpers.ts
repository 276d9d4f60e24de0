import { Entity } from '@backstage/catalog-model';

/** Whether an entity gets the KPI card: components (services). @public */
export function isKpisAvailable(entity: Entity): boolean {
  return entity.kind.toLocaleLowerCase('en-US') === 'component';
}

/** Whether a Group gets the team KPI tab. @public */
export function isTeamKpisAvailable(entity: Entity): boolean {
  return entity.kind.toLocaleLowerCase('en-US') === 'group';
}
