import { compatWrapper } from '@backstage/core-compat-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import {
  isCapacityAvailable,
  isChangesAvailable,
  isRunbooksAvailable,
  isSloAvailable,
  isTeamKpisAvailable,
  isTeamOnCallAvailable,
} from '../components/availability';
import { isTeamReviewsAvailable } from '../components/reviews/availability';
import { isTeamAlertHealthAvailable } from '../components/alerts/availability';

/*
 * Entity tabs, each shown only where its feature is set up (the
 * isXAvailable helpers, which the legacy exports share).
 */

/** Every SLO window by window, alert rules, recorded history. */
export const entitySloContent = EntityContentBlueprint.make({
  name: 'slo',
  params: {
    path: 'slos',
    title: 'SLOs',
    filter: isSloAvailable,
    loader: () =>
      import('../components/slo').then(m =>
        compatWrapper(<m.EntitySloContent />),
      ),
  },
});

/** The runbook reader and the alarms. */
export const entityRunbooksContent = EntityContentBlueprint.make({
  name: 'runbooks',
  params: {
    path: 'runbooks',
    title: 'Runbooks',
    filter: isRunbooksAvailable,
    loader: () =>
      import('../components/runbooks').then(m =>
        compatWrapper(<m.EntityRunbooksContent />),
      ),
  },
});

/** Capacity charts, triggers, forecasts and autoscaling. */
export const entityCapacityContent = EntityContentBlueprint.make({
  name: 'capacity',
  params: {
    path: 'capacity',
    title: 'Capacity',
    filter: isCapacityAvailable,
    loader: () =>
      import('../components/capacity').then(m =>
        compatWrapper(<m.EntityCapacityContent />),
      ),
  },
});

/** The entity's change requests and "Request change". */
export const entityChangesContent = EntityContentBlueprint.make({
  name: 'changes',
  params: {
    path: 'changes',
    title: 'Changes',
    filter: isChangesAvailable,
    loader: () =>
      import('../components/changes').then(m =>
        compatWrapper(<m.EntityChangesContent />),
      ),
  },
});

/** Group tab: the team's escalation chain, rotation, services and incidents. */
export const entityTeamOnCallContent = EntityContentBlueprint.make({
  name: 'oncall',
  params: {
    path: 'on-call',
    title: 'On-call',
    filter: isTeamOnCallAvailable,
    loader: () =>
      import('../components/oncall').then(m =>
        compatWrapper(<m.TeamOnCallContent />),
      ),
  },
});

/** Group tab: the team's KPIs over its services. */
export const entityTeamKpiContent = EntityContentBlueprint.make({
  name: 'kpis',
  params: {
    path: 'kpis',
    title: 'KPIs',
    filter: isTeamKpisAvailable,
    loader: () =>
      import('../components/kpis').then(m =>
        compatWrapper(<m.TeamKpiContent />),
      ),
  },
});

/**
 * Group tab: the post-incident reviews of the team's services and members,
 * open ones overdue first, overdue action items, recently completed.
 */
export const entityTeamReviewsContent = EntityContentBlueprint.make({
  name: 'reviews',
  params: {
    path: 'reviews',
    title: 'Reviews',
    filter: isTeamReviewsAvailable,
    loader: () =>
      import('../components/reviews').then(m =>
        compatWrapper(<m.TeamReviewsContent />),
      ),
  },
});

/**
 * Group tab: the team's alarms by noise, its entities' alerting policy
 * coverage, the paging load of its services and people, its alarm reviews.
 */
export const entityTeamAlertHealthContent = EntityContentBlueprint.make({
  name: 'alert-health',
  params: {
    path: 'alert-health',
    title: 'Alert health',
    filter: isTeamAlertHealthAvailable,
    loader: () =>
      import('../components/alerts').then(m =>
        compatWrapper(<m.TeamAlertHealthContent />),
      ),
  },
});
