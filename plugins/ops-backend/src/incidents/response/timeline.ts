import {
  IncidentPerson,
  IncidentRole,
  incidentRoleLabels,
  IncidentTimelineEntry,
  IncidentTimelineKind,
  isMitigationText,
} from '@opsportal/plugin-ops-common';
import {
  UpstreamLogEntry,
  UpstreamLogEntryKind,
} from '@opsportal/plugin-ops-node';
import { UpstreamIncidentView } from './IncidentReadCache';
import { RoleAssignmentEvent } from './IncidentRoleStore';

/*
 * The incident page's reading of PagerDuty's log: the timeline, status
 * updates, the mitigation time, responders. Pure functions of what was read.
 */

/** Log entry kinds as timeline kinds; `notify` (one per person paged) is left out. */
const TIMELINE_KINDS: Record<
  UpstreamLogEntryKind,
  IncidentTimelineKind | undefined
> = {
  trigger: 'triggered',
  acknowledge: 'acknowledged',
  escalate: 'escalated',
  assign: 'reassigned',
  reassign: 'reassigned',
  annotate: 'note',
  'status-update': 'status-update',
  'responder-request': 'responder-requested',
  resolve: 'resolved',
  notify: undefined,
  other: 'other',
};

/** One-line summaries of entries whose text is in `detail`. */
const ENTRY_SUMMARIES: Partial<Record<IncidentTimelineKind, string>> = {
  'status-update': 'Status update',
  note: 'Note',
};

/** The note that mirrors a role assignment to PagerDuty. */
export function roleMirrorNote(
  role: IncidentRole,
  holder: string,
  actor: string,
): string {
  return `${incidentRoleLabels[role]}: ${holder} (assigned in the portal by ${actor})`;
}

const MIRROR_NOTE = new RegExp(
  `^(${Object.values(incidentRoleLabels).join(
    '|',
  )}): .+ \\(assigned in the portal by .+\\)$`,
);

/**
 * What the status-update rules read of an incident: its log and its notes
 * (the incident page's whole read, or the incidents refresh's smaller one).
 */
export type IncidentLog = Pick<UpstreamIncidentView, 'logEntries' | 'notes'>;

/**
 * Whether a log entry is one of the incident's notes: PagerDuty logs a note
 * as an `annotate` entry whose text is the note's (or, without text, at the
 * note's time).
 */
function noteMatcher(view: IncidentLog) {
  const texts = new Set(view.notes.map(n => n.content.trim()));
  const times = view.notes.map(n => Date.parse(n.at));
  return (e: UpstreamLogEntry) =>
    e.kind === 'annotate' &&
    (e.detail
      ? texts.has(e.detail.trim()) || MIRROR_NOTE.test(e.detail.trim())
      : times.some(t => Math.abs(t - Date.parse(e.at)) <= 2000));
}

/**
 * The incident's status updates in its log: `status-update` entries, and
 * `annotate` entries that are not notes (PagerDuty's published log entry
 * types have none for status updates, which it logs as annotations).
 */
export function statusUpdatesOf(view: IncidentLog): UpstreamLogEntry[] {
  const isNote = noteMatcher(view);
  return view.logEntries.filter(
    e =>
      e.kind === 'status-update' ||
      (e.kind === 'annotate' && !!e.detail && !isNote(e)),
  );
}

/** The first note or update that says the mitigation is in place. */
export function mitigatedAt(view: IncidentLog): string | undefined {
  const times = [
    ...view.notes.filter(n => isMitigationText(n.content)).map(n => n.at),
    ...statusUpdatesOf(view)
      .filter(e => isMitigationText(e.detail))
      .map(e => e.at),
  ].sort((a, b) => Date.parse(a) - Date.parse(b));
  return times[0];
}

/** People assigned now, and those who acknowledged (PagerDuty's responders). */
export function respondersOf(view: UpstreamIncidentView): IncidentPerson[] {
  const people = new Map<string, IncidentPerson>();
  for (const a of view.incident.assignees) people.set(a.id, a);
  for (const e of view.logEntries) {
    if (e.kind === 'acknowledge' && e.agent?.id && !people.has(e.agent.id)) {
      people.set(e.agent.id, {
        id: e.agent.id,
        name: e.agent.name,
        email: e.agent.email,
      });
    }
  }
  return [...people.values()];
}

/**
 * The timeline, oldest first: PagerDuty's log (without `notify` entries),
 * its notes (a note also logged as an `annotate` entry appears once, as the
 * note), and the portal's role assignments (their mirror notes are left
 * out: the assignment itself is the entry).
 */
export function timelineOf(
  view: UpstreamIncidentView,
  history: RoleAssignmentEvent[],
  people: {
    nameOf: (ref: string) => string;
    refOfEmail: (email?: string) => string | undefined;
  },
): IncidentTimelineEntry[] {
  const entries: IncidentTimelineEntry[] = [];
  const actor = (a?: { name: string; email?: string }) =>
    a ? { name: a.name, ref: people.refOfEmail(a.email) } : undefined;
  const notes = view.notes.filter(n => !MIRROR_NOTE.test(n.content.trim()));
  const isNoteEntry = noteMatcher(view);
  const updates = new Set(statusUpdatesOf(view));

  for (const e of view.logEntries) {
    const kind = updates.has(e) ? 'status-update' : TIMELINE_KINDS[e.kind];
    if (!kind || isNoteEntry(e)) continue;
    entries.push({
      id: `pd-log-${e.id}`,
      at: e.at,
      kind,
      summary: ENTRY_SUMMARIES[kind] ?? e.summary,
      detail: e.detail,
      actor: actor(e.agent),
      source: 'pagerduty',
    });
  }
  for (const n of notes) {
    entries.push({
      id: `pd-note-${n.id}`,
      at: n.at,
      kind: 'note',
      summary: 'Note',
      detail: n.content,
      actor: actor(n.user),
      source: 'pagerduty',
    });
  }
  for (const h of history) {
    entries.push({
      id: `portal-role-${h.id}`,
      at: h.assignedAt,
      kind: 'role-assigned',
      summary: `${incidentRoleLabels[h.role]}: ${people.nameOf(h.userRef)}`,
      actor: { name: people.nameOf(h.assignedBy), ref: h.assignedBy },
      source: 'portal',
    });
  }
  // Stable: entries at the same time keep log, notes, roles order.
  return entries
    .map((entry, index) => ({ entry, index, t: Date.parse(entry.at) }))
    .sort((a, b) => a.t - b.t || a.index - b.index)
    .map(({ entry }) => withoutUndefined(entry));
}

function withoutUndefined<T extends object>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}
