import {
  compatWrapper,
  convertLegacyRouteRef,
} from '@backstage/core-compat-api';
import { PageBlueprint } from '@backstage/frontend-plugin-api';
import Dashboard from '@material-ui/icons/Dashboard';
import NotificationsActive from '@material-ui/icons/NotificationsActive';
import Security from '@material-ui/icons/Security';
import LibraryBooks from '@material-ui/icons/LibraryBooks';
import PhoneInTalk from '@material-ui/icons/PhoneInTalk';
import ShowChart from '@material-ui/icons/ShowChart';
import SwapHoriz from '@material-ui/icons/SwapHoriz';
import TrackChanges from '@material-ui/icons/TrackChanges';
import {
  alertsRouteRef,
  capacityRouteRef,
  changesRouteRef,
  incidentsRouteRef,
  onCallRouteRef,
  overviewRouteRef,
  runbooksRouteRef,
  securityRouteRef,
  sloRouteRef,
} from '../routes';

/*
 * Pages. Each has an icon and a route ref, so the app's sidebar (nav) gets
 * an entry for it.
 */

/**
 * The operations overview. Mounted at `/overview`; the demo app mounts it
 * at `/` through app-config (`page:ops/overview`), making it the landing page.
 */
export const overviewPage = PageBlueprint.make({
  name: 'overview',
  params: {
    path: '/overview',
    title: 'Overview',
    icon: <Dashboard />,
    noHeader: true,
    routeRef: convertLegacyRouteRef(overviewRouteRef),
    loader: () =>
      import('../components/kpis').then(m =>
        compatWrapper(<m.OpsOverviewPage />),
      ),
  },
});

/** The platform objective and every service by error budget left. */
export const sloPage = PageBlueprint.make({
  name: 'slo',
  params: {
    path: '/slos',
    title: 'SLOs',
    icon: <TrackChanges />,
    noHeader: true,
    routeRef: convertLegacyRouteRef(sloRouteRef),
    loader: () =>
      import('../components/slo').then(m => compatWrapper(<m.SloPage />)),
  },
});

/** Who is on call for every service and team, searchable. */
export const onCallPage = PageBlueprint.make({
  name: 'oncall',
  params: {
    path: '/on-call',
    title: 'On-call',
    icon: <PhoneInTalk />,
    noHeader: true,
    routeRef: convertLegacyRouteRef(onCallRouteRef),
    loader: () =>
      import('../components/oncall').then(m => compatWrapper(<m.OnCallPage />)),
  },
});

/** The capacity review, every service ranked by days to limit. */
export const capacityPage = PageBlueprint.make({
  name: 'capacity',
  params: {
    path: '/capacity',
    title: 'Capacity',
    icon: <ShowChart />,
    noHeader: true,
    routeRef: convertLegacyRouteRef(capacityRouteRef),
    loader: () =>
      import('../components/capacity').then(m =>
        compatWrapper(<m.CapacityReviewPage />),
      ),
  },
});

/** Runbook coverage per team and service. */
export const runbooksPage = PageBlueprint.make({
  name: 'runbooks',
  params: {
    path: '/runbooks',
    title: 'Runbooks',
    icon: <LibraryBooks />,
    noHeader: true,
    routeRef: convertLegacyRouteRef(runbooksRouteRef),
    loader: () =>
      import('../components/runbooks').then(m =>
        compatWrapper(<m.RunbooksPage />),
      ),
  },
});

/** Change management: list, calendar, form, detail. */
export const changesPage = PageBlueprint.make({
  name: 'changes',
  params: {
    path: '/changes',
    title: 'Changes',
    icon: <SwapHoriz />,
    noHeader: true,
    routeRef: convertLegacyRouteRef(changesRouteRef),
    loader: () =>
      import('../components/changes').then(m =>
        compatWrapper(<m.ChangesPage />),
      ),
  },
});

/**
 * One incident at `/incidents/:id`. No title or icon: it has no nav entry
 * of its own; incident cards and lists link to it.
 */
export const incidentsPage = PageBlueprint.make({
  name: 'incidents',
  params: {
    path: '/incidents',
    noHeader: true,
    routeRef: convertLegacyRouteRef(incidentsRouteRef),
    loader: () =>
      import('../components/incidents').then(m =>
        compatWrapper(<m.IncidentsPage />),
      ),
  },
});

/** Alert health: the noisiest alarms and services, paging load, alarm reviews. */
export const alertsPage = PageBlueprint.make({
  name: 'alerts',
  params: {
    path: '/alerts',
    title: 'Alert health',
    icon: <NotificationsActive />,
    noHeader: true,
    routeRef: convertLegacyRouteRef(alertsRouteRef),
    loader: () =>
      import('../components/alerts').then(m => compatWrapper(<m.AlertsPage />)),
  },
});

/** Security operations: the security signals, alerts, contacts and incident process. */
export const securityPage = PageBlueprint.make({
  name: 'security',
  params: {
    path: '/security',
    title: 'Security',
    icon: <Security />,
    noHeader: true,
    routeRef: convertLegacyRouteRef(securityRouteRef),
    loader: () =>
      import('../components/security').then(m =>
        compatWrapper(<m.SecurityPage />),
      ),
  },
});
