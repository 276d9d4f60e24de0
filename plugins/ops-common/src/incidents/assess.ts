import {
  DEFAULT_INCIDENT_POLICY,
  describeResponseTarget,
  IncidentPolicy,
  responseDeadline,
  Severity,
  SEVERITIES,
  severityOf,
} from './severity';

/** A person an incident is assigned to. @public */
export interface IncidentPerson {
  id: string;
  name: string;
  email?: string;
  htmlUrl?: string;
}

/** An incident with the times the math needs (ISO 8601). @public */
export interface IncidentRecord {
  id: string;
  number?: number;
  title: string;
  status: 'triggered' | 'acknowledged' | 'resolved';
  urgency?: 'high' | 'low';
  /** The paging tool's priority name. */
  priority?: string;
  serviceId: string;
  serviceName?: string;
  createdAt: string;
  acknowledgedAt?: string;
  resolvedAt?: string;
  htmlUrl?: string;
  assignees: IncidentPerson[];
}

/**
 * How an incident did against a target: `met` or `missed` once it happened,
 * `pending` while there is still time, `overdue` when the deadline passed
 * and it has not happened yet, `none` when there is no target.
 * @public
 */
export type TargetStatus = 'met' | 'missed' | 'pending' | 'overdue' | 'none';

/** An incident with its severity and how it did against its targets. @public */
export interface AssessedIncident extends IncidentRecord {
  severity: Severity;
  /** `Critical`, `High`, ... */
  severityLabel: string;
  /** Words for the response target (`5 min`, `next business day`). */
  responseTarget: string;
  /** Acknowledge by (ISO 8601). */
  respondBy: string;
  response: TargetStatus;
  /** Resolve by (ISO 8601), when the severity has a resolution target. */
  resolveBy?: string;
  resolution: TargetStatus;
  timeToAcknowledgeMs?: number;
  timeToResolveMs?: number;
  /**
   * When the next status update of an open P1/P2 incident is due (ISO 8601),
   * when the backend knows its last status update (incident response).
   */
  nextUpdateDue?: string;
}

function ms(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

function against(
  deadline: number | undefined,
  happenedAt: number | undefined,
  now: number,
): TargetStatus {
  if (deadline === undefined) return 'none';
  if (happenedAt !== undefined)
    return happenedAt <= deadline ? 'met' : 'missed';
  return now > deadline ? 'overdue' : 'pending';
}

/**
 * Classifies an incident and measures it against its severity's targets.
 * An incident resolved without ever being acknowledged counts as answered
 * when it was resolved (nobody needed to respond any more).
 * @public
 */
export function assessIncident(
  incident: IncidentRecord,
  now: Date,
  policy: IncidentPolicy = DEFAULT_INCIDENT_POLICY,
): AssessedIncident {
  const severity = severityOf(incident, policy);
  const definition = policy.severities[severity];
  const created = ms(incident.createdAt)!;
  const acked = ms(incident.acknowledgedAt);
  const resolved = ms(incident.resolvedAt);
  const respondBy = responseDeadline(severity, new Date(created), policy);
  const resolveBy =
    definition.resolveWithinMinutes !== undefined
      ? created + definition.resolveWithinMinutes * 60_000
      : undefined;
  const answered = acked ?? resolved;
  return {
    ...incident,
    severity,
    severityLabel: definition.label,
    responseTarget: describeResponseTarget(definition.respond),
    respondBy: respondBy.toISOString(),
    response: against(respondBy.getTime(), answered, now.getTime()),
    resolveBy:
      resolveBy !== undefined ? new Date(resolveBy).toISOString() : undefined,
    resolution: against(resolveBy, resolved, now.getTime()),
    timeToAcknowledgeMs: acked !== undefined ? acked - created : undefined,
    timeToResolveMs: resolved !== undefined ? resolved - created : undefined,
  };
}

/** Counts of one severity in a summary. @public */
export interface SeveritySummary {
  severity: Severity;
  label: string;
  responseTarget: string;
  count: number;
  open: number;
  /** Incidents whose response target was met / missed (or is overdue). */
  responseMet: number;
  responseMissed: number;
  /** Mean time to acknowledge of this severity's acknowledged incidents. */
  mttaMs?: number;
}

/** Incident figures over a window. @public */
export interface IncidentSummary {
  /** Window start and end (ISO 8601). */
  since: string;
  until: string;
  /** Incidents created in the window. */
  count: number;
  /** Open now (triggered or acknowledged), whenever they were created. */
  open: number;
  /** Mean time to acknowledge, over incidents acknowledged (created in the window). */
  mttaMs?: number;
  acknowledged: number;
  /** Mean time to resolve, over incidents resolved (created in the window). */
  mttrMs?: number;
  resolved: number;
  /** Share of decided response targets that were met (0–1), when any were. */
  responseMetRatio?: number;
  bySeverity: SeveritySummary[];
}

/**
 * MTTA, MTTR and the response record over a window (e.g. the last 30 days).
 * Only incidents created in the window count, except `open`, which counts
 * every incident still open.
 * @public
 */
export function summarizeIncidents(
  incidents: AssessedIncident[],
  window: { since: Date; until: Date },
  /** The incidents' creation times in ms, when the caller has them parsed. */
  createdMs?: readonly number[],
  /** Where each severity's label and response target come from. */
  policy: IncidentPolicy = DEFAULT_INCIDENT_POLICY,
): IncidentSummary {
  // One pass over the incidents (the KPI history calls this for many
  // windows over large lists), summing in the incidents' order.
  const since = window.since.getTime();
  const until = window.until.getTime();
  const tally = () => ({
    count: 0,
    open: 0,
    met: 0,
    missed: 0,
    ttaSum: 0,
    ttaCount: 0,
    ttrSum: 0,
    ttrCount: 0,
  });
  const total = tally();
  const count = (
    sum: ReturnType<typeof tally>,
    met: boolean,
    missed: boolean,
    tta: number | undefined,
  ) => {
    sum.count++;
    if (met) sum.met++;
    if (missed) sum.missed++;
    if (tta !== undefined) {
      sum.ttaSum += tta;
      sum.ttaCount++;
    }
  };
  const bySeverity = new Map(SEVERITIES.map(severity => [severity, tally()]));
  for (let n = 0; n < incidents.length; n++) {
    const i = incidents[n];
    const of = bySeverity.get(i.severity);
    if (i.status !== 'resolved') {
      total.open++;
      if (of) of.open++;
    }
    const t = createdMs ? createdMs[n] : Date.parse(i.createdAt);
    if (!(t >= since && t <= until)) continue;
    const met = i.response === 'met';
    const missed = i.response === 'missed' || i.response === 'overdue';
    count(total, met, missed, i.timeToAcknowledgeMs);
    if (of) count(of, met, missed, i.timeToAcknowledgeMs);
    if (i.timeToResolveMs !== undefined) {
      total.ttrSum += i.timeToResolveMs;
      total.ttrCount++;
    }
  }
  const mean = (sum: number, n: number) => (n === 0 ? undefined : sum / n);

  return {
    since: window.since.toISOString(),
    until: window.until.toISOString(),
    count: total.count,
    open: total.open,
    mttaMs: mean(total.ttaSum, total.ttaCount),
    acknowledged: total.ttaCount,
    mttrMs: mean(total.ttrSum, total.ttrCount),
    resolved: total.ttrCount,
    responseMetRatio:
      total.met + total.missed > 0
        ? total.met / (total.met + total.missed)
        : undefined,
    bySeverity: SEVERITIES.map(severity => {
      const of = bySeverity.get(severity)!;
      const definition = policy.severities[severity];
      return {
        severity,
        label: definition.label,
        responseTarget: describeResponseTarget(definition.respond),
        count: of.count,
        open: of.open,
        responseMet: of.met,
        responseMissed: of.missed,
        mttaMs: mean(of.ttaSum, of.ttaCount),
      };
    }),
  };
}

/** Durations for people: `4 min`, `1 h 20 min`, `2 d 3 h`. @public */
export function formatIncidentDuration(msValue: number | undefined): string {
  if (msValue === undefined || !Number.isFinite(msValue)) return '–';
  const minutes = Math.round(msValue / 60_000);
  if (minutes < 1) return `${Math.max(0, Math.round(msValue / 1000))} s`;
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    const rest = minutes % 60;
    return rest ? `${hours} h ${rest} min` : `${hours} h`;
  }
  const days = Math.floor(hours / 24);
  const restHours = hours % 24;
  return restHours ? `${days} d ${restHours} h` : `${days} d`;
}
