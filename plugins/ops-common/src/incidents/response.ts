import { z } from 'zod';
import { Freshness } from '../freshness';
import { textPolicy, TextKind } from '../text';
import { AssessedIncident, IncidentPerson } from './assess';

/**
 * The incident-response model: what the incident page shows and what the
 * API of `/incidents/:id/...` accepts. PagerDuty holds the incident, its log
 * entries, notes and status updates; the ops backend stores what PagerDuty
 * cannot hold (role assignments, post-incident reviews and their action
 * items).
 */

/** The three incident roles of the seed's incident process. @public */
export const incidentRoles = [
  'commander',
  'technical-lead',
  'communications-lead',
] as const;

/** An incident role. @public */
export type IncidentRole = (typeof incidentRoles)[number];

/** Display names of the incident roles. @public */
export const incidentRoleLabels: Record<IncidentRole, string> = {
  commander: 'Incident Commander',
  'technical-lead': 'Technical Lead',
  'communications-lead': 'Communications Lead',
};

/** The six stages of the seed's incident process, in order. @public */
export const incidentStages = [
  'detection',
  'triage',
  'investigation',
  'mitigation',
  'recovery',
  'review',
] as const;

/** A stage of an incident. @public */
export type IncidentStage = (typeof incidentStages)[number];

/** Display names of the stages. @public */
export const incidentStageLabels: Record<IncidentStage, string> = {
  detection: 'Detection',
  triage: 'Triage',
  investigation: 'Investigation',
  mitigation: 'Mitigation',
  recovery: 'Recovery',
  review: 'Post-incident review',
};

/** A stage, whether the incident reached it, and when (if known). @public */
export interface IncidentStageStep {
  stage: IncidentStage;
  reached: boolean;
  at?: string;
  /** Which rule reached it, in words ("acknowledged by Ana Silva"). */
  reason?: string;
}

/** Kinds of timeline entries. @public */
export type IncidentTimelineKind =
  | 'triggered'
  | 'acknowledged'
  | 'escalated'
  | 'reassigned'
  | 'note'
  | 'status-update'
  | 'responder-requested'
  | 'role-assigned'
  | 'resolved'
  | 'other';

/** One entry of an incident's timeline, oldest first in the response. @public */
export interface IncidentTimelineEntry {
  id: string;
  at: string;
  kind: IncidentTimelineKind;
  /** One line, plain text. */
  summary: string;
  /** Longer text (a note's or status update's content), plain text. */
  detail?: string;
  /** Who did it, when known. */
  actor?: { name: string; ref?: string };
  /** Where the entry comes from. */
  source: 'pagerduty' | 'portal';
}

/** A role as assigned: who holds it, who assigned it and when. @public */
export interface IncidentRoleAssignment {
  role: IncidentRole;
  /** Catalog user entity ref of the holder. */
  userRef: string;
  /** The holder's display name (catalog `spec.profile.displayName` or name). */
  displayName: string;
  assignedBy: string;
  /** Display name of who assigned it. */
  assignedByName?: string;
  assignedAt: string;
  /** Row version; send it back to replace the assignment (409 when stale). */
  version: number;
}

/** When the next status update of a P1/P2 incident is due. @public */
export interface IncidentUpdateCadence {
  /** Minutes between updates for the incident's severity. */
  intervalMinutes: number;
  /** The last status update (or the incident's start when there was none). */
  lastUpdateAt?: string;
  nextUpdateDue: string;
  overdue: boolean;
}

/** A change that preceded an incident (24 h before it). @public */
export interface IncidentRelatedChange {
  source: 'change-request' | 'pagerduty';
  /** `CHG-42` for change requests, PagerDuty's change event id otherwise. */
  id: string;
  title: string;
  /** `started` / `completed` for change requests; `change-event` for PagerDuty. */
  event: 'started' | 'completed' | 'change-event';
  at: string;
  entityRef?: string;
  /** Link: the portal's change request page (relative path) or PagerDuty's. */
  url?: string;
}

/** Links of an incident. @public */
export interface IncidentLinks {
  pagerDuty?: string;
  /** The incident's chat channel, from `ops.incidents.response.chatChannel`. */
  chat?: { name: string; url?: string };
  /** The status page post, when status updates are posted there. */
  statusPage?: string;
}

/** Statuses of a post-incident review. @public */
export const reviewStatuses = ['open', 'completed'] as const;

/** Status of a post-incident review. @public */
export type ReviewStatus = (typeof reviewStatuses)[number];

/** Statuses of an action item. @public */
export const actionItemStatuses = ['open', 'in-progress', 'done'] as const;

/** Status of an action item. @public */
export type ActionItemStatus = (typeof actionItemStatuses)[number];

/** An action item of a review. @public */
export interface ReviewActionItem {
  id: string;
  title: string;
  /** Catalog user entity ref. */
  owner: string;
  ownerName?: string;
  /** `YYYY-MM-DD`. */
  dueDate: string;
  status: ActionItemStatus;
  /** Issue tracker URL (http or https). */
  url?: string;
  overdue: boolean;
  version: number;
}

/** A post-incident review. @public */
export interface PostIncidentReview {
  /** `PIR-12`. */
  id: string;
  /** What the review is about. */
  subject:
    | { kind: 'incident'; incidentId: string; title: string; severity?: string }
    | { kind: 'change'; changeId: string; title: string };
  /** Entities the incident or change affected. */
  entityRefs: string[];
  /** Catalog user entity ref; absent until someone takes the review. */
  owner?: string;
  ownerName?: string;
  /** `YYYY-MM-DD`, business days after the incident or change. */
  dueDate: string;
  status: ReviewStatus;
  documentUrl?: string;
  contributingFactors: string;
  actionItems: ReviewActionItem[];
  createdAt: string;
  completedAt?: string;
  /** Not completed and past its due date. */
  overdue: boolean;
  /** Completed on or before its due date. */
  completedOnTime?: boolean;
  version: number;
}

/** Everything the incident page shows (`GET /incidents/:id`). @public */
export interface IncidentDetail {
  incident: AssessedIncident;
  /** Catalog entities whose PagerDuty service the incident is on. */
  entityRefs: string[];
  stage: IncidentStage;
  stages: IncidentStageStep[];
  timeline: IncidentTimelineEntry[];
  roles: IncidentRoleAssignment[];
  /** The on-call primary of the incident's escalation policy, proposed as IC. */
  proposedCommander?: { userRef?: string; name: string };
  /** People PagerDuty lists as assigned or as responders. */
  responders: IncidentPerson[];
  /** Present for severities with an update cadence (P1, P2 by default). */
  cadence?: IncidentUpdateCadence;
  links: IncidentLinks;
  /** Newest first. */
  whatChanged: IncidentRelatedChange[];
  /** Whether policy requires a review for this incident. */
  reviewRequired: boolean;
  review?: PostIncidentReview;
  /** Whether the user may assign roles, post updates, request responders. */
  canRespond: boolean;
  /** Whether the user may edit the review. */
  canReview: boolean;
  freshness: Freshness;
}

/** Reviews and action items to follow up (`GET /reviews`). @public */
export interface ReviewsReport {
  /** Open reviews, soonest due first. */
  open: PostIncidentReview[];
  /** Open reviews past their due date (a subset of `open`). */
  overdueCount: number;
  /** Open action items past their due date, with their review. */
  overdueActionItems: Array<ReviewActionItem & { reviewId: string }>;
  /** Reviews completed in the last 90 days. */
  recentlyCompleted: PostIncidentReview[];
}

// --- request bodies -----------------------------------------------------

const text = (max: number, kind: TextKind) =>
  z
    .string()
    .superRefine(textPolicy(kind))
    .max(max, `must be at most ${max} characters`);

/** Longest text of a status update, note or contributing factors. @public */
export const MAX_RESPONSE_TEXT = 4000;

const userRef = z
  .string()
  .trim()
  .min(1, 'must name a person')
  .max(255, 'must be at most 255 characters')
  .regex(
    /^(user:)?([a-z0-9][a-z0-9._-]*\/)?[A-Za-z0-9][A-Za-z0-9._-]*$/i,
    'must be a user entity ref such as user:default/jane',
  );

/**
 * A calendar date. `Date.parse` rolls days a month does not have over into
 * the next one (2031-02-30 is 2 March to it), so the date must read back as
 * itself.
 */
const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
  .refine(s => {
    const t = Date.parse(`${s}T00:00:00Z`);
    return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === s;
  }, 'is not a date');

// `new URL` takes control characters such as NUL (it escapes them in its
// own href), but the string as sent is what is stored: refuse them first.
const httpUrl = z
  .string()
  .trim()
  .max(2000, 'must be at most 2000 characters')
  .superRefine(textPolicy('single-line'))
  .refine(s => {
    try {
      const u = new URL(s);
      return u.protocol === 'https:' || u.protocol === 'http:';
    } catch {
      return false;
    }
  }, 'must be an http or https URL');

/**
 * A row version as the client saw it. The columns are 32-bit integers, and
 * a write stores the version plus one: a larger number was never issued,
 * and PostgreSQL fails on it (out of range) instead of finding it stale.
 */
const rowVersion = z
  .number()
  .int()
  .min(1)
  .max(2_147_483_646, 'must be a version this API sent');

/** `PUT /incidents/:id/roles/:role`. @public */
export const assignRoleBody = z.strictObject({
  userRef,
  /** The version the client saw; omitted (or null) when the role was unassigned. */
  version: rowVersion.nullable().optional(),
});

/** `POST /incidents/:id/status-updates`. @public */
export const statusUpdateBody = z.strictObject({
  message: text(MAX_RESPONSE_TEXT, 'multi-line')
    .trim()
    .min(5, 'must say something (5 characters at least)'),
  /** Marks the update as the mitigation being in place (stage rule). */
  mitigated: z.boolean().optional(),
});

/** `POST /incidents/:id/notes`. @public */
export const incidentNoteBody = z.strictObject({
  content: text(MAX_RESPONSE_TEXT, 'multi-line')
    .trim()
    .min(1, 'must not be empty'),
});

/** `POST /incidents/:id/responder-requests`. @public */
export const responderRequestBody = z.strictObject({
  userRefs: z.array(userRef).min(1, 'must name someone').max(10),
  message: text(1000, 'multi-line')
    .trim()
    .min(5, 'must say why (5 characters at least)'),
});

/** `PUT /reviews/:id`: every field optional but `version`. @public */
export const reviewUpdateBody = z.strictObject({
  version: rowVersion,
  owner: userRef.optional(),
  dueDate: date.optional(),
  documentUrl: httpUrl.nullable().optional(),
  contributingFactors: text(MAX_RESPONSE_TEXT, 'multi-line').optional(),
  status: z.enum(reviewStatuses).optional(),
});

/** `POST /reviews/:id/action-items`. @public */
export const actionItemCreateBody = z.strictObject({
  title: text(200, 'single-line').trim().min(3, 'must say what to do'),
  owner: userRef,
  dueDate: date,
  url: httpUrl.optional(),
});

/** `PATCH /reviews/:id/action-items/:itemId`. @public */
export const actionItemUpdateBody = z.strictObject({
  version: rowVersion,
  title: text(200, 'single-line').trim().min(3).optional(),
  owner: userRef.optional(),
  dueDate: date.optional(),
  status: z.enum(actionItemStatuses).optional(),
  url: httpUrl.nullable().optional(),
});

/** Request types. @public */
export type AssignRoleRequest = z.input<typeof assignRoleBody>;
/** @public */
export type StatusUpdateRequest = z.input<typeof statusUpdateBody>;
/** @public */
export type IncidentNoteRequest = z.input<typeof incidentNoteBody>;
/** @public */
export type ResponderRequest = z.input<typeof responderRequestBody>;
/** @public */
export type ReviewUpdateRequest = z.input<typeof reviewUpdateBody>;
/** @public */
export type ActionItemCreateRequest = z.input<typeof actionItemCreateBody>;
/** @public */
export type ActionItemUpdateRequest = z.input<typeof actionItemUpdateBody>;
