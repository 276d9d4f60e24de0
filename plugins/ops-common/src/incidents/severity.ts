import { DateTime } from 'luxon';

/**
 * The seed's alert severities: P1 critical, P2 high, P3 medium, P4 low.
 * @public
 */
export type Severity = 'P1' | 'P2' | 'P3' | 'P4';

/** All severities, most severe first. @public */
export const SEVERITIES: readonly Severity[] = ['P1', 'P2', 'P3', 'P4'];

/**
 * How fast an incident of a severity must be answered: within a number of
 * minutes, or by the end of the next business day.
 * @public
 */
export type ResponseTarget =
  | { kind: 'minutes'; minutes: number }
  | { kind: 'next-business-day' };

/** What a severity means and promises. @public */
export interface SeverityDefinition {
  severity: Severity;
  /** `Critical`, `High`, `Medium`, `Low`. */
  label: string;
  /** Time to acknowledge (respond). */
  respond: ResponseTarget;
  /** Optional time-to-resolve target in minutes (the seed sets none). */
  resolveWithinMinutes?: number;
}

/** Business hours, for "next business day" targets. @public */
export interface BusinessHours {
  /** IANA time zone, e.g. `America/New_York`. */
  timeZone: string;
  /** `HH:mm` */
  start: string;
  /** `HH:mm` */
  end: string;
  /** ISO weekdays (1 = Monday ... 7 = Sunday). */
  days: number[];
}

/**
 * How incidents are classified and which targets apply: the mapping from
 * the paging tool's priority names to severities (case-insensitive), the
 * severity of incidents without a priority by urgency, and the targets.
 * @public
 */
export interface IncidentPolicy {
  priorities: Record<string, Severity>;
  urgencies: { high: Severity; low: Severity };
  severities: Record<Severity, SeverityDefinition>;
  businessHours: BusinessHours;
}

/**
 * The seed's incident policy: P1 respond < 5 min, P2 < 15 min, P3 < 1 h, P4
 * next business day; PagerDuty's default priority names P1–P5 (P5 counts as
 * low); high-urgency incidents without a priority are P2, low-urgency P4.
 * @public
 */
export const DEFAULT_INCIDENT_POLICY: IncidentPolicy = {
  priorities: { P1: 'P1', P2: 'P2', P3: 'P3', P4: 'P4', P5: 'P4' },
  urgencies: { high: 'P2', low: 'P4' },
  severities: {
    P1: {
      severity: 'P1',
      label: 'Critical',
      respond: { kind: 'minutes', minutes: 5 },
    },
    P2: {
      severity: 'P2',
      label: 'High',
      respond: { kind: 'minutes', minutes: 15 },
    },
    P3: {
      severity: 'P3',
      label: 'Medium',
      respond: { kind: 'minutes', minutes: 60 },
    },
    P4: {
      severity: 'P4',
      label: 'Low',
      respond: { kind: 'next-business-day' },
    },
  },
  businessHours: {
    timeZone: 'UTC',
    start: '09:00',
    end: '17:00',
    days: [1, 2, 3, 4, 5],
  },
};

/** Whether a string names a severity. @public */
export function isSeverity(value: unknown): value is Severity {
  return SEVERITIES.includes(value as Severity);
}

/**
 * The severity of an incident: its priority through the policy's mapping
 * when it has a known one, otherwise its urgency (high when unknown).
 * @public
 */
export function severityOf(
  incident: { priority?: string; urgency?: 'high' | 'low' },
  policy: IncidentPolicy = DEFAULT_INCIDENT_POLICY,
): Severity {
  if (incident.priority) {
    const wanted = incident.priority.trim().toLocaleLowerCase('en-US');
    for (const [name, severity] of Object.entries(policy.priorities)) {
      if (name.trim().toLocaleLowerCase('en-US') === wanted) return severity;
    }
  }
  return policy.urgencies[incident.urgency ?? 'high'];
}

/** Words for a response target: `5 min`, `1 h`, `next business day`. @public */
export function describeResponseTarget(target: ResponseTarget): string {
  if (target.kind === 'next-business-day') return 'next business day';
  if (target.minutes % 60 === 0) return `${target.minutes / 60} h`;
  return `${target.minutes} min`;
}

function atTime(day: DateTime, hhmm: string): DateTime {
  const [hour, minute] = hhmm.split(':').map(Number);
  return day.set({ hour, minute, second: 0, millisecond: 0 });
}

/**
 * End of business on the first business day after the day `from` falls on
 * (in the business time zone): an incident raised on Friday is due Monday
 * at close of business.
 * @public
 */
export function endOfNextBusinessDay(
  from: Date,
  hours: BusinessHours = DEFAULT_INCIDENT_POLICY.businessHours,
): Date {
  if (hours.days.length === 0) {
    throw new Error('business hours need at least one business day');
  }
  let day = DateTime.fromJSDate(from, { zone: hours.timeZone }).startOf('day');
  do {
    day = day.plus({ days: 1 });
  } while (!hours.days.includes(day.weekday));
  return atTime(day, hours.end).toJSDate();
}

/** When an incident raised at `createdAt` must be acknowledged by. @public */
export function responseDeadline(
  severity: Severity,
  createdAt: Date,
  policy: IncidentPolicy = DEFAULT_INCIDENT_POLICY,
): Date {
  const target = policy.severities[severity].respond;
  if (target.kind === 'minutes') {
    return new Date(createdAt.getTime() + target.minutes * 60_000);
  }
  return endOfNextBusinessDay(createdAt, policy.businessHours);
}
