import { Entity } from '@backstage/catalog-model';
import { isChangesConfigured } from '@opsportal/plugin-ops-common';

/**
 * Whether the entity gets the Changes tab: components, resources and
 * systems can be affected by change requests. The tab links into the
 * changes page (`ChangesPage`), which must be mounted too.
 * @public
 */
export function isChangesAvailable(entity: Entity): boolean {
  return isChangesConfigured(entity);
}
