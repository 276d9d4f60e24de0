import {
  convertLegacyRouteRef,
  compatWrapper,
} from '@backstage/core-compat-api';
import { PageBlueprint } from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import Dashboard from '@material-ui/icons/Dashboard';
import { overviewRouteRef } from '../../routes';
import { isTeamKpisAvailable } from './helpers';

/*
 * The KPI feature's extensions for the new frontend system; the plugin in
 * ../../alpha.tsx lists them.
 */

/** Entity card: the entity's operational KPIs with targets, trend and history. */
export const entityKpiCard = EntityCardBlueprint.make({
  name: 'kpis',
  params: {
    filter: 'kind:component',
    loader: () => import('.').then(m => compatWrapper(<m.EntityKpiCard />)),
  },
});

/** Group tab: the team's KPIs over its services. */
export const entityTeamKpiContent = EntityContentBlueprint.make({
  name: 'kpis',
  params: {
    path: 'kpis',
    title: 'KPIs',
    filter: isTeamKpisAvailable,
    loader: () => import('.').then(m => compatWrapper(<m.TeamKpiContent />)),
  },
});

/**
 * Page: the operations overview. Mounted at `/overview`; the demo app mounts
 * it at `/` through app-config (`page:ops/overview`), making it the landing page.
 */
export const overviewPage = PageBlueprint.make({
  name: 'overview',
  params: {
    path: '/overview',
    title: 'Overview',
    icon: <Dashboard />,
    noHeader: true,
    routeRef: convertLegacyRouteRef(overviewRouteRef),
    loader: () => import('.').then(m => compatWrapper(<m.OpsOverviewPage />)),
  },
});
