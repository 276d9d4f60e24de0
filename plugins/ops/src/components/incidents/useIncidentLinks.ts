import { useRouteRef } from '@backstage/core-plugin-api';
import { incidentsRouteRef } from '../../routes';

/** Links to incident pages. */
export interface IncidentLinks {
  /** The page of one incident (`/incidents/:id`). */
  incident: (incidentId: string) => string;
}

function linksFrom(base: string): IncidentLinks {
  const root = base.replace(/\/$/, '');
  return {
    incident: id => `${root}/${encodeURIComponent(id)}`,
  };
}

/**
 * Links to incident pages, or undefined where the app has not mounted the
 * incident pages: cards then link to PagerDuty only, as before.
 */
export function useOptionalIncidentLinks(): IncidentLinks | undefined {
  let base: string | undefined;
  try {
    // Called on every render (the try is no condition): useRouteRef runs the
    // same hooks each time before it throws for a route that is not
    // mounted, so catching here keeps the order of hooks.
    // eslint-disable-next-line react-hooks/rules-of-hooks
    base = useRouteRef(incidentsRouteRef)();
  } catch {
    base = undefined;
  }
  return base === undefined ? undefined : linksFrom(base);
}
