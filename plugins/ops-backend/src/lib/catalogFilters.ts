import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';

/**
 * A catalog filter for entities that carry any of the annotations (the
 * catalog ORs the filters of a list). Refresh tasks fetch with it and then
 * keep the entities the feature's isXConfigured accepts, so the backend's
 * choice of what to refresh is the same answer the cards and tabs get.
 */
export function anyAnnotationFilter(
  annotations: readonly string[],
): Record<string, symbol>[] {
  return annotations.map(a => ({
    [`metadata.annotations.${a}`]: CATALOG_FILTER_EXISTS,
  }));
}
