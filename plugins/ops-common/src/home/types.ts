import { z } from 'zod';
import { Freshness } from '../freshness';
import { PlatformSloRow } from '../slo/types';

/*
 * The home page cards (`@backstage/plugin-home`): what the signed-in user
 * has to do or know today, computed by the ops backend from the on-call,
 * change, incident, review and SLO features (docs/home.md).
 */

/** Days ahead `GET /home/on-call-shifts` looks at most (and by default). @public */
export const HOME_SHIFT_DAYS = 28;

/** Query of `GET /home/on-call-shifts`. @public */
export const homeShiftsQuerySchema = z.strictObject({
  days: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number of days')
    .min(1, 'must be at least 1')
    .max(HOME_SHIFT_DAYS, `must be at most ${HOME_SHIFT_DAYS}`)
    .default(HOME_SHIFT_DAYS),
});

/** Query of `GET /home/slo-status`. @public */
export const homeSloStatusQuerySchema = z.strictObject({
  worst: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must be at least 0')
    .max(20, 'must be at most 20')
    .default(5),
});

/** Where a shift puts the user: an escalation level of a policy. @public */
export interface HomeShiftLevel {
  policyId: string;
  policyName: string;
  level: number;
  /** `Primary`, `Secondary`, `Escalation`. */
  label: string;
}

/** One of the user's on-call shifts. @public */
export interface HomeShift {
  /** The schedule the shift is on; absent when a level targets the user directly. */
  schedule?: { id: string; name: string; htmlUrl?: string };
  /** The catalog entities (services, teams) the shift answers for. */
  entities: { entityRef: string; title: string; kind: string }[];
  /** The escalation levels that page this schedule (or the user), lowest first. */
  levels: HomeShiftLevel[];
  /** ISO 8601; absent for a level that targets the user directly (always on call). */
  start?: string;
  end?: string;
  /** True when the shift comes from a schedule override. */
  override: boolean;
  /** True when the shift is on now. */
  now: boolean;
}

/** Answer of `GET /home/on-call-shifts`. @public */
export interface HomeShiftsResponse extends Freshness {
  /** The catalog user the shifts are of. */
  userEntityRef: string;
  /**
   * How the user was found among the on-call provider's people
   * (docs/home.md): the `pagerduty.com/user-id` annotation (or an id seen
   * with the user's email), the catalog user the on-call feature linked by
   * email, or the email. Empty when the user has no shifts.
   */
  matchedBy: ('catalog-user' | 'email' | 'pagerduty-id')[];
  /** The range looked at (ISO 8601). */
  since: string;
  until: string;
  /** Ongoing first, then by start. */
  shifts: HomeShift[];
}

/** A change request the user may approve now. @public */
export interface HomeApproval {
  id: string;
  title: string;
  category: string;
  risk: string;
  requester: string;
  entityRefs: string[];
  plannedStart: string;
  plannedEnd: string;
  /** When it was submitted (ISO 8601). */
  submittedAt?: string;
  approvals: number;
  requiredApprovals: number;
}

/** Answer of `GET /home/approvals`. @public */
export interface HomeApprovalsResponse {
  /** Soonest planned start first. */
  items: HomeApproval[];
  /** True when more were awaiting approval than were checked. */
  truncated: boolean;
}

/** Why an incident is on the user's list. @public */
export type HomeIncidentReason = 'assigned' | 'owned' | 'on-call' | 'team';

/** An open incident of the user. @public */
export interface HomeIncident {
  id: string;
  number?: number;
  title: string;
  status: string;
  severity: string;
  severityLabel: string;
  serviceName?: string;
  createdAt: string;
  htmlUrl?: string;
  /** The catalog entities the incident is on that the user can see. */
  entityRefs: string[];
  reasons: HomeIncidentReason[];
}

/** A post-incident review the user owns that is past its due date. @public */
export interface HomeOverdueReview {
  id: string;
  title: string;
  /** The incident it reviews, when it reviews one. */
  incidentId?: string;
  changeId?: string;
  dueDate: string;
  entityRefs: string[];
}

/** Answer of `GET /home/incidents`. @public */
export interface HomeIncidentsResponse extends Freshness {
  /** Most severe first, then newest. */
  incidents: HomeIncident[];
  /** Longest overdue first. */
  overdueReviews: HomeOverdueReview[];
  /**
   * True while incidents may still be missing because they are being read
   * for the first time (the incidents refresh has not completed once since
   * the backend started, or one of the user's teams is being fetched): ask
   * again in a few seconds rather than conclude there are none.
   */
  loading: boolean;
}

/** How an SLO stands, for the home card's counts. @public */
export type HomeSloState = 'met' | 'at-risk' | 'breached' | 'no-data';

/** Error budget share left below which a met SLO counts as at risk. @public */
export const HOME_SLO_AT_RISK_REMAINING = 0.25;

/**
 * How one SLO stands: no data without an SLI or budget; breached when the
 * budget is spent; at risk when a burn-rate alert fires or less than a
 * quarter of the budget is left; met otherwise.
 * @public
 */
export function homeSloState(objective: {
  sli: number | null;
  remaining: number | null;
  alert: string;
}): HomeSloState {
  if (
    objective.sli === null ||
    objective.remaining === null ||
    objective.alert === 'no-data'
  ) {
    return 'no-data';
  }
  if (objective.remaining <= 0) return 'breached';
  if (
    objective.alert === 'page' ||
    objective.alert === 'ticket' ||
    objective.remaining < HOME_SLO_AT_RISK_REMAINING
  ) {
    return 'at-risk';
  }
  return 'met';
}

/** One of the SLOs with the least budget left. @public */
export interface HomeSloWorst {
  entityRef: string;
  title: string;
  kind: string;
  sloId: string;
  sloName: string;
  target: number;
  sli: number | null;
  remaining: number | null;
  state: HomeSloState;
}

/** Answer of `GET /home/slo-status`. @public */
export interface HomeSloStatusResponse extends Freshness {
  /** SLOs by state, over every entity with SLOs the user can see. */
  counts: Record<HomeSloState, number>;
  /** Entities counted. */
  entities: number;
  /** Least budget left first (SLOs without data last, left out). */
  worst: HomeSloWorst[];
}

/**
 * Counts and worst SLOs of the platform list (`GET /slos` rows).
 * @public
 */
export function summarizeHomeSlos(
  rows: PlatformSloRow[],
  worst: number,
): Omit<HomeSloStatusResponse, keyof Freshness> {
  const counts: Record<HomeSloState, number> = {
    met: 0,
    'at-risk': 0,
    breached: 0,
    'no-data': 0,
  };
  const all: HomeSloWorst[] = [];
  for (const row of rows) {
    for (const o of row.objectives) {
      const state = homeSloState(o);
      counts[state] += 1;
      all.push({
        entityRef: row.entityRef,
        title: row.title,
        kind: row.kind,
        sloId: o.id,
        sloName: o.name,
        target: o.target,
        sli: o.sli,
        remaining: o.remaining,
        state,
      });
    }
  }
  return {
    counts,
    entities: rows.length,
    worst: all
      .filter(w => w.remaining !== null)
      .sort(
        (a, b) =>
          a.remaining! - b.remaining! ||
          a.title.localeCompare(b.title) ||
          a.sloName.localeCompare(b.sloName),
      )
      .slice(0, worst),
  };
}

/**
 * Annotation of a catalog User naming their PagerDuty user id (`PXXXXXX`),
 * for the home page's on-call shifts: schedules name people by id only.
 * Without it, the shifts are found through the email the on-call feature
 * links PagerDuty people by (docs/home.md).
 * @public
 */
export const ANNOTATION_PAGERDUTY_USER_ID = 'pagerduty.com/user-id';
