import {
  IncidentRecord,
  IncidentUpdateCadence,
  Severity,
} from '@opsportal/plugin-ops-common';
import { IncidentLog, statusUpdatesOf } from './timeline';

/*
 * The status update cadence of open incidents, in one place for the
 * incident page (which reads the log at view time) and the entity incident
 * cards (whose refresh stores the last status update in the snapshots).
 */

/** Minutes between status updates per severity; a severity left out has no cadence. */
export type UpdateCadenceMinutes = Partial<Record<Severity, number>>;

/** The seed's cadence: P1 every 15 minutes, P2 every 30. */
export const DEFAULT_UPDATE_CADENCE_MINUTES: UpdateCadenceMinutes = {
  P1: 15,
  P2: 30,
};

/** When the incident's last status update was logged (ISO 8601), if ever. */
export function lastStatusUpdateAt(log: IncidentLog): string | undefined {
  const times = statusUpdatesOf(log)
    .map(e => Date.parse(e.at))
    .filter(t => !Number.isNaN(t));
  return times.length ? new Date(Math.max(...times)).toISOString() : undefined;
}

/**
 * The later of two times (ISO 8601). Status updates are never taken back,
 * so the last one known only moves forward: a read that missed a newer one
 * (PagerDuty's lag, a refresh that raced a post) does not undo it.
 */
export function laterOf(
  a: string | undefined,
  b: string | undefined,
): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(b) > Date.parse(a) ? b : a;
}

/** Whether incidents of this severity, while open, owe status updates. */
export function hasUpdateCadence(
  incident: Pick<IncidentRecord, 'status'> & { severity: Severity },
  minutes: UpdateCadenceMinutes,
): boolean {
  return incident.status !== 'resolved' && Boolean(minutes[incident.severity]);
}

/**
 * When the next status update is due: the severity's interval after the
 * last status update, or after the incident's start while there was none;
 * nothing once resolved or for severities without a cadence.
 */
export function updateCadenceOf(
  incident: Pick<IncidentRecord, 'status' | 'createdAt'> & {
    severity: Severity;
  },
  lastUpdateAt: string | undefined,
  minutes: UpdateCadenceMinutes,
  now: Date,
): IncidentUpdateCadence | undefined {
  if (!hasUpdateCadence(incident, minutes)) return undefined;
  const interval = minutes[incident.severity]!;
  const last = Date.parse(lastUpdateAt ?? incident.createdAt);
  if (Number.isNaN(last)) return undefined;
  const due = last + interval * 60_000;
  return {
    intervalMinutes: interval,
    lastUpdateAt: new Date(last).toISOString(),
    nextUpdateDue: new Date(due).toISOString(),
    overdue: now.getTime() > due,
  };
}

/**
 * Told when the portal posted a status update, so that the incident cards
 * show the new due time at once (the incidents feature).
 */
export interface StatusUpdateListener {
  statusUpdatePosted(update: { incidentId: string; at: string }): Promise<void>;
}
