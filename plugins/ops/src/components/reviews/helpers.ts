import { DateTime } from 'luxon';
import {
  ActionItemStatus,
  PostIncidentReview,
  ReviewStatus,
} from '@opsportal/plugin-ops-common';

/** Display names of review statuses. */
export const reviewStatusLabels: Record<ReviewStatus, string> = {
  open: 'Open',
  completed: 'Completed',
};

/** Display names of action item statuses. */
export const actionItemStatusLabels: Record<ActionItemStatus, string> = {
  open: 'Open',
  'in-progress': 'In progress',
  done: 'Done',
};

/** A `YYYY-MM-DD` date as people read it ("Dec 12, 2026"). */
export function formatDueDate(date: string): string {
  const parsed = DateTime.fromISO(date);
  return parsed.isValid ? parsed.toLocaleString(DateTime.DATE_MED) : date;
}

/** Today as `YYYY-MM-DD` in the browser's zone: the earliest due date to offer. */
export function today(): string {
  return DateTime.local().toISODate()!;
}

/** What a failed request says: its HTTP status and the server's message. */
export interface RequestFailure {
  status?: number;
  message: string;
}

/**
 * Reads a failure of the ops API: a ResponseError carries the status and
 * the server's error (whose message names the field at fault for a 400);
 * anything else is a network or programming error, shown by its message.
 */
export function requestFailure(error: unknown): RequestFailure {
  const e = error as {
    statusCode?: number;
    response?: { status?: number };
    cause?: { message?: string };
    message?: string;
  };
  const status = e?.statusCode ?? e?.response?.status;
  const message = e?.cause?.message || e?.message || String(error);
  return { status, message };
}

/** The sentence a 409 gets: the review changed since the user loaded it. */
export const CONFLICT_MESSAGE =
  'Someone changed this review; reload to see their changes. Your input is kept.';

/** A person's name: the catalog's display name, or the ref's name. */
export function personName(ref?: string, name?: string): string | undefined {
  if (name) return name;
  if (!ref) return undefined;
  return ref.replace(/^user:/, '').replace(/^default\//, '');
}

/** A person's name for the picker, when the catalog may not list them. */
export function namesOf(
  ref?: string,
  name?: string,
): Record<string, string> | undefined {
  return ref && name ? { [ref]: name } : undefined;
}

/** What a review is about, in a few words ("Incident Q1ABC: DB outage"). */
export function subjectTitle(review: PostIncidentReview): string {
  const s = review.subject;
  return s.kind === 'incident'
    ? `${s.severity ? `${s.severity} ` : ''}incident ${s.incidentId}: ${
        s.title
      }`
    : `Change ${s.changeId}: ${s.title}`;
}

/** Open reviews with the overdue ones first, each part soonest due first. */
export function overdueFirst(
  reviews: PostIncidentReview[],
): PostIncidentReview[] {
  return [...reviews].sort(
    (a, b) =>
      Number(b.overdue) - Number(a.overdue) ||
      a.dueDate.localeCompare(b.dueDate) ||
      a.id.localeCompare(b.id, 'en', { numeric: true }),
  );
}
