import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import {
  compatWrapper,
  convertLegacyRouteRef,
} from '@backstage/core-compat-api';
import SwapHoriz from '@material-ui/icons/SwapHoriz';
import { changesRouteRef } from './routes';
import { OpsClient, opsApiRef } from './api';
import ShowChart from '@material-ui/icons/ShowChart';
import { capacityRouteRef } from './routes';
import { isCapacityAvailable } from './components/capacity/helpers';
import TrackChanges from '@material-ui/icons/TrackChanges';
import { isSloAvailable } from './components/slo/helpers';
import { sloRouteRef } from './routes';
import {
  entityIncidentsCard,
  entityOnCallCard,
  entityTeamOnCallContent,
  onCallPage,
} from './components/oncall/extensions';
import {
  entityKpiCard,
  entityTeamKpiContent,
  overviewPage,
} from './components/kpis/extensions';
import { PageBlueprint } from '@backstage/frontend-plugin-api';
import LibraryBooks from '@material-ui/icons/LibraryBooks';
import { isRunbooksAvailable } from './components/runbooks/helpers';
import { runbooksRouteRef } from './routes';

/** The ops API client. */
const opsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: opsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new OpsClient({ discoveryApi, fetchApi }),
    }),
});

/** Entity card: which ops features the entity has set up. */
const entityOpsSetupCard = EntityCardBlueprint.make({
  name: 'setup',
  params: {
    filter: 'kind:component',
    loader: () =>
      import('./components/EntityOpsSetupCard').then(m =>
        compatWrapper(<m.EntityOpsSetupCard />),
      ),
  },
});

/** Entity card: runbooks and alarms (empty state says how to add one). */
const entityRunbooksCard = EntityCardBlueprint.make({
  name: 'runbooks',
  params: {
    filter: 'kind:component',
    loader: () =>
      import('./components/runbooks').then(m =>
        compatWrapper(<m.EntityRunbooksCard />),
      ),
  },
});

/** Entity tab: the runbook reader and the alarms. */
const entityRunbooksContent = EntityContentBlueprint.make({
  name: 'runbooks',
  params: {
    path: 'runbooks',
    title: 'Runbooks',
    filter: isRunbooksAvailable,
    loader: () =>
      import('./components/runbooks').then(m =>
        compatWrapper(<m.EntityRunbooksContent />),
      ),
  },
});

/** Page: runbook coverage per team and service. */
const runbooksPage = PageBlueprint.make({
  name: 'runbooks',
  params: {
    path: '/runbooks',
    title: 'Runbooks',
    icon: <LibraryBooks />,
    noHeader: true,
    routeRef: convertLegacyRouteRef(runbooksRouteRef),
    loader: () =>
      import('./components/runbooks').then(m =>
        compatWrapper(<m.RunbooksPage />),
      ),
  },
});

/** Entity tab: the entity's change requests and "Request change". */
const entityChangesContent = EntityContentBlueprint.make({
  name: 'changes',
  params: {
    path: 'changes',
    title: 'Changes',
    filter: 'kind:component,resource,system',
    loader: () =>
      import('./components/changes').then(m =>
        compatWrapper(<m.EntityChangesContent />),
      ),
  },
});

/** Page: change management (list, calendar, form, detail). */
const changesPage = PageBlueprint.make({
  name: 'changes',
  params: {
    path: '/changes',
    title: 'Changes',
    icon: <SwapHoriz />,
    noHeader: true,
    routeRef: convertLegacyRouteRef(changesRouteRef),
    loader: () =>
      import('./components/changes').then(m =>
        compatWrapper(<m.ChangesPage />),
      ),
  },
});

/** Entity card: SLOs with error budgets, burn-rate alerts and burn-down. */
const entitySloCard = EntityCardBlueprint.make({
  name: 'slo',
  params: {
    filter: isSloAvailable,
    loader: () =>
      import('./components/slo').then(m => compatWrapper(<m.EntitySloCard />)),
  },
});

/** Entity tab: every SLO window by window, alert rules, recorded history. */
const entitySloContent = EntityContentBlueprint.make({
  name: 'slo',
  params: {
    path: 'slos',
    title: 'SLOs',
    filter: isSloAvailable,
    loader: () =>
      import('./components/slo').then(m =>
        compatWrapper(<m.EntitySloContent />),
      ),
  },
});

/** Page: the platform objective and every service by error budget left. */
const sloPage = PageBlueprint.make({
  name: 'slo',
  params: {
    path: '/slos',
    title: 'SLOs',
    icon: <TrackChanges />,
    noHeader: true,
    routeRef: convertLegacyRouteRef(sloRouteRef),
    loader: () =>
      import('./components/slo').then(m => compatWrapper(<m.SloPage />)),
  },
});

/** Entity card: first limit, 30-day chart, time to limit (or how to add one). */
const entityCapacityCard = EntityCardBlueprint.make({
  name: 'capacity',
  params: {
    filter: { kind: 'component' },
    loader: () =>
      import('./components/capacity').then(m =>
        compatWrapper(<m.EntityCapacityCard />),
      ),
  },
});

/** Entity tab: capacity charts, triggers, forecasts and autoscaling. */
const entityCapacityContent = EntityContentBlueprint.make({
  name: 'capacity',
  params: {
    path: 'capacity',
    title: 'Capacity',
    filter: isCapacityAvailable,
    loader: () =>
      import('./components/capacity').then(m =>
        compatWrapper(<m.EntityCapacityContent />),
      ),
  },
});

/** Page: the capacity review, every service ranked by days to limit. */
const capacityPage = PageBlueprint.make({
  name: 'capacity',
  params: {
    path: '/capacity',
    title: 'Capacity',
    icon: <ShowChart />,
    noHeader: true,
    routeRef: convertLegacyRouteRef(capacityRouteRef),
    loader: () =>
      import('./components/capacity').then(m =>
        compatWrapper(<m.CapacityReviewPage />),
      ),
  },
});

/**
 * The ops portal for Backstage's new frontend system.
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'ops',
  info: { packageJson: () => import('../package.json') },
  extensions: [
    overviewPage,
    entityKpiCard,
    entityTeamKpiContent,
    entityCapacityCard,
    entityCapacityContent,
    capacityPage,
    entitySloCard,
    entitySloContent,
    sloPage,
    opsApi,
    entityOpsSetupCard,
    entityOnCallCard,
    entityIncidentsCard,
    entityTeamOnCallContent,
    onCallPage,
    entityRunbooksCard,
    entityRunbooksContent,
    runbooksPage,
    entityChangesContent,
    changesPage,
  ],
});
