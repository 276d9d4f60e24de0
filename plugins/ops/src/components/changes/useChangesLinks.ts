import { useRouteRef } from '@backstage/core-plugin-api';
import { changesRouteRef } from '../../routes';

/** Links inside the change requests page. */
export function useChangesLinks() {
  const base = useRouteRef(changesRouteRef)();
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
