import { ResponseError } from '@backstage/errors';
import {
  AssessedIncident,
  formatIncidentDuration,
} from '@opsportal/plugin-ops-common';

/**
 * Minutes between status updates when the response lacks the incident's
 * cadence: the seed's defaults (P1 every 15 min, P2 every 30).
 */
export const DEFAULT_UPDATE_MINUTES: Partial<Record<string, number>> = {
  P1: 15,
  P2: 30,
};

/** When an update is due and whether it is overdue, in words. */
export interface UpdateDue {
  overdue: boolean;
  text: string;
}

/** "next update due in 12 min" or "update overdue by 3 min". */
export function describeUpdateDue(
  nextUpdateDue: string,
  now: number,
): UpdateDue {
  const left = Date.parse(nextUpdateDue) - now;
  if (left < 0) {
    return {
      overdue: true,
      text: `update overdue by ${formatIncidentDuration(-left)}`,
    };
  }
  return {
    overdue: false,
    text: `next update due in ${formatIncidentDuration(left)}`,
  };
}

/**
 * When the next status update of an open P1/P2 incident is due, for the
 * entity card. The backend's `nextUpdateDue` knows the configured cadence
 * and the last status update (kept by its incidents refresh). Only an answer
 * without it (a backend from before it was filled) falls back to the
 * default cadence counted from the incident's start.
 */
export function nextUpdateDueOf(
  incident: AssessedIncident,
): string | undefined {
  if (incident.status === 'resolved') return undefined;
  if (incident.nextUpdateDue) return incident.nextUpdateDue;
  const minutes = DEFAULT_UPDATE_MINUTES[incident.severity];
  if (minutes === undefined) return undefined;
  return new Date(
    Date.parse(incident.createdAt) + minutes * 60_000,
  ).toISOString();
}

/** The message the API gave (its body's), else the error's. */
export function errorText(e: unknown): string {
  if (e instanceof ResponseError) {
    return e.body?.error?.message ?? e.message;
  }
  const body = (e as { body?: { error?: { message?: string } } })?.body;
  return body?.error?.message ?? (e as Error)?.message ?? String(e);
}

/** Whether the API refused a write because the data changed meanwhile (409). */
export function isConflict(e: unknown): boolean {
  return (e as { statusCode?: number })?.statusCode === 409;
}
