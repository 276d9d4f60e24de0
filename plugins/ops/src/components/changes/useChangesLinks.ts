import { useRouteRef } from '@backstage/core-plugin-api';
import { changesRouteRef } from '../../routes';

/** Links inside the change requests page. */
export type ChangesLinks = ReturnType<typeof linksFrom>;

function linksFrom(base: string) {
  const root = base.replace(/\/$/, '');
  return {
    list: root || '/',
    calendar: `${root}?view=calendar`,
    detail: (id: string) => `${root}/${encodeURIComponent(id)}`,
    edit: (id: string) => `${root}/${encodeURIComponent(id)}/edit`,
    create: (entityRef?: string) =>
      `${root}/new${
        entityRef ? `?entity=${encodeURIComponent(entityRef)}` : ''
      }`,
  };
}

/** Links inside the change requests page, from a component of that page. */
export function useChangesLinks(): ChangesLinks {
  return linksFrom(useRouteRef(changesRouteRef)());
}

/**
 * Links inside the change requests page, or undefined where the app has not
 * mounted `ChangesPage` (content outside the page, such as the entity tab,
 * then shows the changes without links).
 */
export function useOptionalChangesLinks(): ChangesLinks | undefined {
  let base: string | undefined;
  try {
    // Called on every render (the try is no condition): useRouteRef runs the
    // same hooks each time before it throws for a route that is not
    // mounted, so catching here keeps the order of hooks.
    // eslint-disable-next-line react-hooks/rules-of-hooks
    base = useRouteRef(changesRouteRef)();
  } catch {
    base = undefined;
  }
  return base === undefined ? undefined : linksFrom(base);
}
