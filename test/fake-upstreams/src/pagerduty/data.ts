import {
  ESCALATION_POLICY_ID,
  people,
  schedules as platformSchedules,
  services as platformServices,
} from '../platform';
import { hash, unit } from '../random';

/**
 * The example platform's PagerDuty account, computed from a clock anchor so
 * that every run tells the same story (the seed's on-call model):
 * - the SRE primary schedule rotates weekly among the three SRE people, the
 *   DevOps secondary schedule weekly among the three DevOps people, both
 *   handing off on Mondays at 09:00 UTC;
 * - the escalation policy pages primary, then secondary, then the
 *   engineering manager;
 * - overrides in the coming weeks (an SRE swap next week, a DevOps evening
 *   cover the week after);
 * - 30+ days of incidents with priorities P1–P4, and open ones now: an
 *   acknowledged P1 on order-service (the service burning its error
 *   budget), a triggered P3 on payment-service, a P4 on search-service;
 * - a month of paging history on top (see `PAGING_HISTORY`): payment-service
 *   pages most, mostly at night, with gateway timeouts that often resolve
 *   themselves within minutes; order-service's event queue backs up on
 *   weekends; search-service's CPU alert flaps in the evenings; the payment
 *   gateway's webhook failures group many alerts into one incident;
 *   product-service stays quiet;
 * - every incident pages the primary on call (push, then SMS after a
 *   minute, a phone call after three while nobody acknowledges), and the
 *   secondary after the first level's ten minutes; low-urgency ones send
 *   one email;
 * - one past maintenance window on order-service.
 */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const WEEK = 7 * DAY;
/** A Monday 09:00 UTC: rotations hand off every week at this time of day. */
export const ROTATION_EPOCH = Date.UTC(2024, 0, 1, 9, 0, 0);

export interface PdUser {
  id: string;
  name: string;
  email: string;
  timeZone: string;
}

export interface PdOverride {
  id: string;
  start: number;
  end: number;
  userId: string;
}

export interface PdSchedule {
  id: string;
  name: string;
  /** 2 for classic schedules; 3 for shift-based ones (served under /v3 only). */
  version: 2 | 3;
  timeZone: string;
  /** The rotation's members in order; one week each. */
  members: string[];
  overrides: PdOverride[];
}

export interface PdRule {
  id: string;
  delayMinutes: number;
  targets: { type: 'schedule' | 'user'; id: string }[];
}

export interface PdEscalationPolicy {
  id: string;
  name: string;
  description: string;
  rules: PdRule[];
  numLoops: number;
}

export interface PdService {
  id: string;
  name: string;
  description: string;
  status: 'active' | 'warning' | 'critical' | 'maintenance' | 'disabled';
  escalationPolicyId: string;
  /** Routing key of the service's Events API v2 integration (32 hex characters). */
  integrationKey?: string;
}

/** A change event PagerDuty holds (a deploy, a config change). */
export interface PdChangeEvent {
  id: string;
  summary: string;
  timestamp: number;
  source: string;
  serviceId: string;
  customDetails?: Record<string, unknown>;
  links?: { href: string; text?: string }[];
}

export type PdPriority = 'P1' | 'P2' | 'P3' | 'P4' | 'P5';

export interface PdIncident {
  id: string;
  number: number;
  title: string;
  status: 'triggered' | 'acknowledged' | 'resolved';
  urgency: 'high' | 'low';
  priority?: PdPriority;
  serviceId: string;
  createdAt: number;
  acknowledgedAt?: number;
  resolvedAt?: number;
  /** Who acknowledged (and is assigned). */
  responderId: string;
  /** Alerts grouped into the incident. Default 1. */
  alerts?: number;
  /** Resolved by the monitoring tool (a resolve event), not by a person. */
  autoResolved?: boolean;
  /** People paged about it, oldest first (see `notificationsOf`). */
  notifications?: PdNotification[];
}

/** A page of a person about an incident (a `notify_log_entry`). */
export interface PdNotification {
  /** The log entry's id. */
  id: string;
  userId: string;
  at: number;
  channel: 'push_notification' | 'sms' | 'phone' | 'email';
}

/** A maintenance window (seeded, or opened through the REST API). */
export interface PdMaintenanceWindow {
  id: string;
  sequenceNumber: number;
  start: number;
  end: number;
  description: string;
  serviceIds: string[];
  createdById: string;
}

export interface PagerDutyAccount {
  subdomain: string;
  users: PdUser[];
  schedules: PdSchedule[];
  escalationPolicies: PdEscalationPolicy[];
  services: PdService[];
  incidents: PdIncident[];
  priorities: { id: string; name: PdPriority; description: string }[];
  /** Change events known at start (more arrive through `/v2/change/enqueue`). */
  changeEvents?: PdChangeEvent[];
  /** Maintenance windows known at start (more are opened through the API). */
  maintenanceWindows?: PdMaintenanceWindow[];
}

export interface AccountOptions {
  /** Extra generated services on the same escalation policy (benchmarks). */
  extraServices?: number;
  /**
   * Give each extra service an escalation policy of its own (`PEPX0001`...)
   * with two weekly schedules of its own (`PSPX0001` primary, `PSSX0001`
   * secondary) and the engineering manager as the last level, as in an
   * account where every team pages its own rotations.
   */
  extraServicePolicies?: boolean;
  /** Schedule ids to serve as shift-based (v3) schedules instead of v2. */
  v3Schedules?: string[];
}

/** Start of the rotation week that contains `t`. */
export function weekStart(t: number): number {
  return ROTATION_EPOCH + Math.floor((t - ROTATION_EPOCH) / WEEK) * WEEK;
}

/** Who the rotation (before overrides) puts on call at `t`. */
export function rotationMember(schedule: PdSchedule, t: number): string {
  const week = Math.floor((t - ROTATION_EPOCH) / WEEK);
  const n = schedule.members.length;
  return schedule.members[((week % n) + n) % n];
}

export interface RenderedEntry {
  start: number;
  end: number;
  userId: string;
  override?: string;
}

/** The weekly rotation layer over a range (entries cut at the bounds). */
export function renderLayer(
  schedule: PdSchedule,
  since: number,
  until: number,
): RenderedEntry[] {
  const entries: RenderedEntry[] = [];
  for (let start = weekStart(since); start < until; start += WEEK) {
    entries.push({
      start: Math.max(start, since),
      end: Math.min(start + WEEK, until),
      userId: rotationMember(schedule, start),
    });
  }
  return entries;
}

/** Overrides that overlap a range (cut at the bounds). */
export function renderOverrides(
  schedule: PdSchedule,
  since: number,
  until: number,
): RenderedEntry[] {
  return schedule.overrides
    .filter(o => o.end > since && o.start < until)
    .sort((a, b) => a.start - b.start)
    .map(o => ({
      start: Math.max(o.start, since),
      end: Math.min(o.end, until),
      userId: o.userId,
      override: o.id,
    }));
}

/** The final schedule: the rotation with the overrides laid over it. */
export function renderFinal(
  schedule: PdSchedule,
  since: number,
  until: number,
): RenderedEntry[] {
  const overrides = renderOverrides(schedule, since, until);
  const result: RenderedEntry[] = [];
  for (const entry of renderLayer(schedule, since, until)) {
    let cursor = entry.start;
    for (const o of overrides) {
      if (o.end <= cursor || o.start >= entry.end) continue;
      if (o.start > cursor) {
        result.push({ ...entry, start: cursor, end: o.start });
      }
      result.push({
        ...o,
        start: Math.max(o.start, cursor),
        end: Math.min(o.end, entry.end),
      });
      cursor = Math.min(o.end, entry.end);
    }
    if (cursor < entry.end) result.push({ ...entry, start: cursor });
  }
  // Join neighbours with the same person (an override by the person on call anyway).
  return result.reduce<RenderedEntry[]>((joined, e) => {
    const last = joined[joined.length - 1];
    if (
      last &&
      last.userId === e.userId &&
      last.end === e.start &&
      last.override === e.override
    ) {
      last.end = e.end;
    } else {
      joined.push({ ...e });
    }
    return joined;
  }, []);
}

/** Who is on call on a schedule at `t` (overrides applied). */
export function onCallAt(schedule: PdSchedule, t: number): string {
  return renderFinal(schedule, t, t + 1)[0]?.userId ?? schedule.members[0];
}

/**
 * The Events API v2 routing key of a service's integration: 32 hex
 * characters fixed by the service id, so that catalog entities and tests
 * can name it (`pagerduty.com/integration-key`).
 */
export function integrationKeyOf(serviceId: string): string {
  return [1, 2, 3, 4]
    .map(n =>
      hash(`${serviceId}:integration:${n}`).toString(16).padStart(8, '0'),
    )
    .join('');
}

function incidentId(key: string): string {
  return `Q${hash(key).toString(36).toUpperCase().padStart(7, '0')}`;
}

const TITLES: Record<string, string[]> = {
  'order-service': [
    'Order API 5xx error rate above 1%',
    'Order placement latency p95 above 500 ms',
    'order-events queue backlog growing',
    'Order database connection pool exhausted',
  ],
  'customer-service': [
    'Customer profile API errors',
    'Customer service p95 latency above 500 ms',
  ],
  'product-service': [
    'Product catalogue cache hit rate below 80%',
    'Product search index stale',
  ],
  'payment-service': [
    'Payment gateway timeouts',
    'Payment failures above 0.01%',
    'Refund job failures',
  ],
  'search-service': ['Search CPU above 70%', 'Search latency p95 above 1 s'],
};

function pickPriority(u: number): PdPriority | undefined {
  if (u < 0.12) return 'P1';
  if (u < 0.37) return 'P2';
  if (u < 0.72) return 'P3';
  if (u < 0.9) return 'P4';
  return undefined;
}

/** Ack delay in minutes for a priority, mostly within the seed's targets. */
function ackMinutes(priority: PdPriority | undefined, u: number): number {
  switch (priority) {
    case 'P1':
      return 1 + u * 6; // target 5: some missed
    case 'P2':
      return 3 + u * 16; // target 15
    case 'P3':
      return 8 + u * 65; // target 60
    case 'P4':
      return 60 + u * 20 * 60;
    default:
      return 4 + u * 20;
  }
}

/** A repeated alert in the month of paging history. */
interface PagingPattern {
  key: string;
  serviceId: string;
  title: string;
  /** Incidents over the last 30 days. */
  count: number;
  /** When it pages (UTC): at night (22–06), on weekends, evenings, or office hours. */
  when: 'night' | 'weekend' | 'evening' | 'office';
  priority: PdPriority;
  urgency: 'high' | 'low';
  /** Share of its incidents resolved by the monitoring tool within 5 minutes. */
  autoResolved: number;
  /** Alerts grouped per incident, `[fewest, most]`. */
  alerts: [number, number];
}

/**
 * The month of paging that makes alert health worth a look: who pages,
 * when, and how much of it is noise. All P3/P4, so that they ask for no
 * post-incident review. Incidents per week over 30 days
 * (with the older history): payment-service about 5, order-service about
 * 5, search-service about 3, the payment gateway about 1.5, customer-service
 * about 1.5, product-service under 1.
 */
export const PAGING_HISTORY: PagingPattern[] = [
  {
    key: 'payment-gateway-timeouts',
    serviceId: 'PSVPAYM',
    title: 'Payment gateway timeouts',
    count: 16,
    when: 'night',
    priority: 'P3',
    urgency: 'high',
    autoResolved: 0.6,
    alerts: [1, 4],
  },
  {
    key: 'order-events-backlog',
    serviceId: 'PSVORDR',
    title: 'order-events queue backlog growing',
    count: 10,
    when: 'weekend',
    priority: 'P3',
    urgency: 'high',
    autoResolved: 0,
    alerts: [2, 6],
  },
  {
    key: 'order-latency-night',
    serviceId: 'PSVORDR',
    title: 'Order placement latency p95 above 500 ms',
    count: 4,
    when: 'night',
    priority: 'P3',
    urgency: 'high',
    autoResolved: 0.5,
    alerts: [1, 3],
  },
  {
    key: 'search-cpu-flapping',
    serviceId: 'PSVSRCH',
    title: 'Search CPU above 70%',
    count: 9,
    when: 'evening',
    priority: 'P4',
    urgency: 'low',
    autoResolved: 0.8,
    alerts: [1, 1],
  },
  {
    key: 'gateway-webhooks',
    serviceId: 'PSVPGWY',
    title: 'Payment provider webhook failures',
    count: 4,
    when: 'office',
    priority: 'P3',
    urgency: 'high',
    autoResolved: 0,
    alerts: [3, 12],
  },
  {
    key: 'customer-profile-errors',
    serviceId: 'PSVCUST',
    title: 'Customer profile API errors',
    count: 3,
    when: 'office',
    priority: 'P3',
    urgency: 'high',
    autoResolved: 0,
    alerts: [1, 2],
  },
];

const NIGHT_HOURS = [22, 23, 0, 1, 2, 3, 4, 5];

/**
 * When the `k`-th of `count` incidents of a pattern opens: spread over the
 * days 1 to 29 before the anchor, moved to a weekend day or a weekday as
 * the pattern wants, at an hour of its kind.
 */
function pagingTime(pattern: PagingPattern, k: number, anchor: number): number {
  const key = `${pattern.key}#${k}`;
  const first = Math.floor(anchor / DAY) * DAY - 29 * DAY;
  const last = Math.floor(anchor / DAY) * DAY - DAY;
  const spread = (k + 0.15 + 0.7 * unit(`${key}:day`)) / pattern.count;
  let day = first + Math.floor(spread * 28) * DAY;
  const weekend = (d: number) => [0, 6].includes(new Date(d).getUTCDay());
  const wanted = (d: number) => {
    if (pattern.when === 'weekend') return weekend(d);
    if (pattern.when === 'office') return !weekend(d);
    return true;
  };
  // The nearest fitting day, within the month.
  for (let step = 0; step < 7 && !wanted(day); step++) {
    const later = day + (step + 1) * DAY;
    const earlier = day - (step + 1) * DAY;
    if (later <= last && wanted(later)) day = later;
    else if (earlier >= first && wanted(earlier)) day = earlier;
  }
  const u = unit(`${key}:hour`);
  let hour: number;
  switch (pattern.when) {
    case 'night':
      hour = NIGHT_HOURS[Math.floor(u * NIGHT_HOURS.length)];
      break;
    case 'evening':
      hour = 18 + Math.floor(u * 4);
      break;
    case 'office':
      hour = 10 + Math.floor(u * 7);
      break;
    default:
      hour = 7 + Math.floor(u * 16);
  }
  const minute = Math.floor(unit(`${key}:minute`) * 60);
  return day + hour * HOUR + minute * MINUTE;
}

/**
 * Who PagerDuty pages about an incident, by the escalation policy and the
 * users' notification rules: low urgency, one email to the primary; high
 * urgency, the primary by push at once, SMS after a minute and a phone call
 * after three, then the secondary (push and SMS) when the first level's ten
 * minutes pass; nobody more once it is acknowledged or resolved. The first
 * page is always sent.
 */
export function notificationsOf(
  incident: PdIncident,
  secondary: PdSchedule,
): PdNotification[] {
  const stop = incident.acknowledgedAt ?? incident.resolvedAt ?? Infinity;
  const pages: Omit<PdNotification, 'id'>[] = [];
  const page = (
    userId: string,
    after: number,
    channel: PdNotification['channel'],
  ) => {
    const at = incident.createdAt + after;
    if (pages.length === 0 || at < stop) pages.push({ userId, at, channel });
  };
  const primary = incident.responderId;
  if (incident.urgency === 'low') {
    page(primary, 5_000, 'email');
  } else {
    page(primary, 5_000, 'push_notification');
    page(primary, MINUTE, 'sms');
    page(primary, 3 * MINUTE, 'phone');
    const second = onCallAt(secondary, incident.createdAt + 10 * MINUTE);
    page(second, 10 * MINUTE + 5_000, 'push_notification');
    page(second, 11 * MINUTE, 'sms');
  }
  return pages.map((p, index) => ({
    ...p,
    id: `R${incident.id.slice(1)}N${index === 0 ? '' : index + 1}`,
  }));
}

/** The example platform's account. `anchor` is the fake's "now" at start. */
export function createPlatformAccount(
  anchor: number,
  options: AccountOptions = {},
): PagerDutyAccount {
  const v3 = new Set(options.v3Schedules ?? []);
  const users: PdUser[] = people.map(p => ({
    id: p.pagerDutyId,
    name: p.displayName,
    email: p.email,
    timeZone: 'UTC',
  }));
  // The account's integration user: what the portal writes as for people
  // without a PagerDuty login of their own (ops.incidents.response.fromEmail).
  users.push({
    id: 'PUOPSPT',
    name: 'Ops Portal',
    email: 'ops-portal@ecommerce-platform.com',
    timeZone: 'UTC',
  });
  const membersOf = (team: string) =>
    people.filter(p => p.team === team).map(p => p.pagerDutyId);
  const sre = membersOf('sre-team');
  const devops = membersOf('devops-team');
  const manager = people.find(p => p.team === 'engineering')!.pagerDutyId;

  const thisWeek = weekStart(anchor);
  const primary: PdSchedule = {
    id: platformSchedules.primary.id,
    name: platformSchedules.primary.name,
    version: v3.has(platformSchedules.primary.id) ? 3 : 2,
    timeZone: 'UTC',
    members: sre,
    overrides: [],
  };
  const secondary: PdSchedule = {
    id: platformSchedules.secondary.id,
    name: platformSchedules.secondary.name,
    version: v3.has(platformSchedules.secondary.id) ? 3 : 2,
    timeZone: 'UTC',
    members: devops,
    overrides: [],
  };
  // Next week, Wednesday 09:00 to Friday 09:00: the next SRE in line covers.
  const swapStart = thisWeek + WEEK + 2 * DAY;
  const nextWeekPrimary = rotationMember(primary, thisWeek + WEEK);
  primary.overrides.push({
    id: 'POVSRE1',
    start: swapStart,
    end: swapStart + 2 * DAY,
    userId: sre[(sre.indexOf(nextWeekPrimary) + 1) % sre.length],
  });
  // In two weeks, Thursday 18:00 to Friday 09:00: an evening cover in DevOps.
  const coverStart = thisWeek + 2 * WEEK + 3 * DAY + 9 * HOUR;
  const coveredDevops = rotationMember(secondary, thisWeek + 2 * WEEK);
  secondary.overrides.push({
    id: 'POVDVO1',
    start: coverStart,
    end: coverStart + 15 * HOUR,
    userId: devops[(devops.indexOf(coveredDevops) + 2) % devops.length],
  });

  const policy: PdEscalationPolicy = {
    id: ESCALATION_POLICY_ID,
    name: 'E-Commerce Platform',
    description:
      'SRE primary (weekly), then DevOps secondary (weekly), then the engineering manager.',
    numLoops: 1,
    rules: [
      {
        id: 'PERSRE1',
        delayMinutes: 10,
        targets: [{ type: 'schedule', id: primary.id }],
      },
      {
        id: 'PERDVO2',
        delayMinutes: 15,
        targets: [{ type: 'schedule', id: secondary.id }],
      },
      {
        id: 'PERMGR3',
        delayMinutes: 30,
        targets: [{ type: 'user', id: manager }],
      },
    ],
  };

  const services: PdService[] = [];
  for (const s of platformServices) {
    s.pagerDutyServiceIds.forEach((id, index) => {
      services.push({
        id,
        name: index === 0 ? s.title : `${s.title} gateway`,
        description: `${s.title} in production`,
        status: 'active',
        escalationPolicyId: policy.id,
        integrationKey: integrationKeyOf(id),
      });
    });
  }
  const extraSchedules: PdSchedule[] = [];
  const extraPolicies: PdEscalationPolicy[] = [];
  for (let i = 1; i <= (options.extraServices ?? 0); i++) {
    const n = String(i).padStart(4, '0');
    let policyId = policy.id;
    if (options.extraServicePolicies) {
      const own = (id: string, name: string, members: string[]) => ({
        id,
        name,
        version: 2 as const,
        timeZone: 'UTC',
        // Each service's rotation starts with a different person.
        members: members.map((_, k) => members[(k + i) % members.length]),
        overrides: [],
      });
      const first = own(`PSPX${n}`, `Service ${i} primary`, sre);
      const second = own(`PSSX${n}`, `Service ${i} secondary`, devops);
      extraSchedules.push(first, second);
      policyId = `PEPX${n}`;
      extraPolicies.push({
        id: policyId,
        name: `Generated service ${i}`,
        description: 'Primary, secondary, then the engineering manager.',
        numLoops: 1,
        rules: [
          {
            id: `PERX${n}A`,
            delayMinutes: 10,
            targets: [{ type: 'schedule', id: first.id }],
          },
          {
            id: `PERX${n}B`,
            delayMinutes: 15,
            targets: [{ type: 'schedule', id: second.id }],
          },
          {
            id: `PERX${n}C`,
            delayMinutes: 30,
            targets: [{ type: 'user', id: manager }],
          },
        ],
      });
    }
    services.push({
      id: `PSVX${n}`,
      name: `Generated service ${i}`,
      description: 'A generated service for load tests',
      status: 'active',
      escalationPolicyId: policyId,
      integrationKey: integrationKeyOf(`PSVX${n}`),
    });
  }

  const incidents: PdIncident[] = [];
  const incidentCounts: Record<string, number> = {
    PSVORDR: 10,
    PSVCUST: 3,
    PSVPROD: 3,
    PSVPAYM: 5,
    PSVPGWY: 2,
    PSVSRCH: 4,
  };
  for (const s of platformServices) {
    const titles = TITLES[s.name] ?? [`${s.title} degraded`];
    for (const serviceId of s.pagerDutyServiceIds) {
      for (let i = 0; i < (incidentCounts[serviceId] ?? 0); i++) {
        const key = `${serviceId}#${i}`;
        const createdAt =
          Math.floor((anchor - (1 + unit(`${key}:age`) * 33) * DAY) / MINUTE) *
          MINUTE;
        const priority = pickPriority(unit(`${key}:priority`));
        const acknowledgedAt =
          createdAt +
          Math.round(ackMinutes(priority, unit(`${key}:ack`)) * MINUTE);
        const resolvedAt =
          acknowledgedAt + Math.round((20 + unit(`${key}:fix`) * 300) * MINUTE);
        incidents.push({
          id: incidentId(key),
          number: 0,
          title: titles[i % titles.length],
          status: 'resolved',
          urgency: priority === 'P4' ? 'low' : 'high',
          priority,
          serviceId,
          createdAt,
          // A few low ones are auto-resolved without anyone acknowledging.
          acknowledgedAt:
            priority === undefined && unit(`${key}:auto`) < 0.5
              ? undefined
              : acknowledgedAt,
          resolvedAt,
          responderId: onCallAt(primary, createdAt),
        });
      }
    }
  }
  for (const pattern of PAGING_HISTORY) {
    for (let k = 0; k < pattern.count; k++) {
      const key = `history:${pattern.key}#${k}`;
      const createdAt = pagingTime(pattern, k, anchor);
      const responderId = onCallAt(primary, createdAt);
      const [fewest, most] = pattern.alerts;
      const alerts =
        fewest + Math.floor(unit(`${key}:alerts`) * (most - fewest + 1));
      const base = {
        id: incidentId(key),
        number: 0,
        title: pattern.title,
        status: 'resolved' as const,
        urgency: pattern.urgency,
        priority: pattern.priority,
        serviceId: pattern.serviceId,
        createdAt,
        responderId,
        alerts,
      };
      if (unit(`${key}:auto`) < pattern.autoResolved) {
        // The alert cleared on its own: resolved by the monitoring tool in
        // 1.5 to 4.5 minutes, before anyone acknowledged.
        incidents.push({
          ...base,
          resolvedAt:
            createdAt + Math.round((1.5 + unit(`${key}:fix`) * 3) * MINUTE),
          autoResolved: true,
        });
        continue;
      }
      const acknowledgedAt =
        createdAt +
        Math.round(
          ackMinutes(pattern.priority, unit(`${key}:ack`) * 0.5) * MINUTE,
        );
      incidents.push({
        ...base,
        acknowledgedAt,
        resolvedAt:
          acknowledgedAt + Math.round((15 + unit(`${key}:fix`) * 90) * MINUTE),
      });
    }
  }
  const openNow: Omit<PdIncident, 'number' | 'responderId'>[] = [
    {
      id: incidentId('open:order'),
      title: 'Order API error budget burning: 5xx rate above 5%',
      status: 'acknowledged',
      urgency: 'high',
      priority: 'P1',
      serviceId: 'PSVORDR',
      createdAt: anchor - 12 * MINUTE,
      acknowledgedAt: anchor - 9 * MINUTE,
    },
    {
      id: incidentId('open:payment'),
      title: 'Refund job failures above 1%',
      status: 'triggered',
      urgency: 'high',
      priority: 'P3',
      serviceId: 'PSVPAYM',
      createdAt: anchor - 25 * MINUTE,
    },
    {
      id: incidentId('open:search'),
      title: 'Search CPU trending toward its limit',
      status: 'triggered',
      urgency: 'low',
      priority: 'P4',
      serviceId: 'PSVSRCH',
      createdAt: anchor - 3 * HOUR,
    },
  ];
  for (const o of openNow) {
    incidents.push({
      ...o,
      number: 0,
      responderId: onCallAt(primary, o.createdAt),
    });
  }
  incidents.sort((a, b) => a.createdAt - b.createdAt);
  incidents.forEach((incident, index) => {
    incident.number = 1001 + index;
    incident.notifications = notificationsOf(incident, secondary);
  });

  // A failover drill on order-service about twelve days ago, in maintenance
  // for two hours: PagerDuty opened no incident on it meanwhile.
  const busy = (start: number) =>
    incidents.some(
      i =>
        i.serviceId === 'PSVORDR' &&
        i.createdAt >= start &&
        i.createdAt < start + 2 * HOUR,
    );
  let drill = Math.floor(anchor / DAY) * DAY - 12 * DAY + 6 * HOUR;
  while (busy(drill)) drill += DAY;
  const maintenanceWindows: PdMaintenanceWindow[] = [
    {
      id: 'PMWSEED1',
      sequenceNumber: 1,
      start: drill,
      end: drill + 2 * HOUR,
      description: 'Order database failover drill',
      serviceIds: ['PSVORDR'],
      createdById: 'PUOPSPT',
    },
  ];

  // The deploy that preceded order-service's open P1: PagerDuty relates it
  // to the incident (same service, shortly before).
  const orderP1 = incidents.find(i => i.id === incidentId('open:order'))!;
  const changeEvents: PdChangeEvent[] = [
    {
      id: '01ORDERAPI2140DEPLOY00000A',
      summary: 'Deploy order-api 2.14.0',
      timestamp: orderP1.createdAt - 40 * MINUTE,
      source: 'deploy-pipeline',
      serviceId: 'PSVORDR',
      customDetails: {
        version: '2.14.0',
        previous_version: '2.13.4',
        deployed_by: 'ci',
      },
      links: [
        {
          href: 'https://ci.ecommerce-platform.example/order-api/deploys/2.14.0',
          text: 'Deploy 2.14.0',
        },
      ],
    },
  ];

  return {
    subdomain: 'ecommerce-platform',
    users,
    schedules: [primary, secondary, ...extraSchedules],
    escalationPolicies: [policy, ...extraPolicies],
    services,
    incidents,
    changeEvents,
    maintenanceWindows,
    priorities: [
      {
        id: 'PPRIO01',
        name: 'P1',
        description: 'Critical: respond within 5 minutes',
      },
      {
        id: 'PPRIO02',
        name: 'P2',
        description: 'High: respond within 15 minutes',
      },
      {
        id: 'PPRIO03',
        name: 'P3',
        description: 'Medium: respond within 1 hour',
      },
      {
        id: 'PPRIO04',
        name: 'P4',
        description: 'Low: respond the next business day',
      },
      { id: 'PPRIO05', name: 'P5', description: 'Cosmetic' },
    ],
  };
}
