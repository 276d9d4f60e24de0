import { Entity } from '@backstage/catalog-model';

/**
 * Whether the entity gets the team reviews tab: every Group, since its
 * reviews are those of the services it owns and those its members own.
 * Kept apart from the components so that extension filters stay light.
 * @public
 */
export function isTeamReviewsAvailable(entity: Entity): boolean {
  return entity.kind.toLocaleLowerCase('en-US') === 'group';
}
