import { PageBlueprint } from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import {
  compatWrapper,
  convertLegacyRouteRef,
} from '@backstage/core-compat-api';
import PhoneInTalk from '@material-ui/icons/PhoneInTalk';
import { isTeamOnCallAvailable } from './helpers';
import { onCallRouteRef } from '../../routes';

/*
 * The on-call feature's extensions for the new frontend system; the plugin
 * in ../../alpha.tsx lists them.
 */

/** Entity card: who is on call for the entity's PagerDuty services, every level. */
export const entityOnCallCard = EntityCardBlueprint.make({
  name: 'oncall',
  params: {
    filter: 'kind:component',
    loader: () => import('.').then(m => compatWrapper(<m.EntityOnCallCard />)),
  },
});

/** Entity card: open and recent incidents against the severity targets. */
export const entityIncidentsCard = EntityCardBlueprint.make({
  name: 'incidents',
  params: {
    filter: 'kind:component',
    loader: () =>
      import('.').then(m => compatWrapper(<m.EntityIncidentsCard />)),
  },
});

/** Group tab: the team's escalation chain, rotation, services and incidents. */
export const entityTeamOnCallContent = EntityContentBlueprint.make({
  name: 'oncall',
  params: {
    path: 'on-call',
    title: 'On-call',
    filter: isTeamOnCallAvailable,
    loader: () => import('.').then(m => compatWrapper(<m.TeamOnCallContent />)),
  },
});

/** Page: who is on call for every service and team, searchable. */
export const onCallPage = PageBlueprint.make({
  name: 'oncall',
  params: {
    path: '/on-call',
    title: 'On-call',
    icon: <PhoneInTalk />,
    noHeader: true,
    routeRef: convertLegacyRouteRef(onCallRouteRef),
    loader: () => import('.').then(m => compatWrapper(<m.OnCallPage />)),
  },
});
