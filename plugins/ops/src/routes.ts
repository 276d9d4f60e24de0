import { createRouteRef } from '@backstage/core-plugin-api';

/** Root of the ops portal's pages. @public */
export const rootRouteRef = createRouteRef({ id: 'ops' });

/** The capacity review page (`/capacity`). @public */
export const capacityRouteRef = createRouteRef({ id: 'ops.capacity' });

/** The runbook coverage page (`/runbooks`). @public */
export const runbooksRouteRef = createRouteRef({ id: 'ops.runbooks' });

/** The change requests page (list, calendar, form, detail). @public */
export const changesRouteRef = createRouteRef({ id: 'ops.changes' });

/** The platform on-call page (`/on-call`). @public */
export const onCallRouteRef = createRouteRef({ id: 'ops.oncall' });

/**
 * The incident pages: `/incidents/:id` shows one incident (timeline, roles,
 * update cadence, what changed, its review). @public
 */
export const incidentsRouteRef = createRouteRef({ id: 'ops.incidents' });

/** The platform SLO page. @public */
export const sloRouteRef = createRouteRef({ id: 'ops.slos' });

/** The operations overview, the suite's landing page. @public */
export const overviewRouteRef = createRouteRef({ id: 'ops.overview' });

/** The alert health page (`/alerts`): noisy alarms, paging load, alarm reviews. @public */
export const alertsRouteRef = createRouteRef({ id: 'ops.alerts' });

/** The security operations page (`/security`): signals, alerts, contacts, process. @public */
export const securityRouteRef = createRouteRef({ id: 'ops.security' });
