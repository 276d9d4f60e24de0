import http from 'node:http';
import {
  FakeServer,
  RecordedRequest,
  sendJson,
  serve,
  ServeOptions,
} from '../http';
import { hash } from '../random';
import { PagerDutyContract } from './contract';
import {
  createPlatformAccount,
  DAY,
  PagerDutyAccount,
  PdChangeEvent,
  PdEscalationPolicy,
  PdIncident,
  PdMaintenanceWindow,
  PdPriority,
  PdSchedule,
  PdService,
  PdUser,
  renderFinal,
  renderLayer,
  renderOverrides,
  RenderedEntry,
} from './data';

/**
 * A fake PagerDuty REST API v2 with the example platform's account: token
 * or OAuth bearer auth, `limit/offset/more` paging (at most 100 per page,
 * offset + limit at most 10,000), `ratelimit-*` headers and a per-minute
 * budget answered with 429 (code 2020), v3 schedules under `/v3`, and
 * faults that tests queue. Every request is checked against PagerDuty's
 * published OpenAPI description when the file is present
 * (see {@link PagerDutyContract}); a non-conforming request is answered 400
 * and recorded in `violations`.
 *
 * Incident response: notes (`GET`/`POST /incidents/{id}/notes`), status
 * updates (`POST /incidents/{id}/status_updates`), responder requests
 * (`POST /incidents/{id}/responder_requests`, shown on the incident's
 * `responder_requests` and `incidents_responders`), all kept per incident
 * until `reset`; notes and status updates appear in the incident's log as
 * `annotate_log_entry` (the published log entry types have none for status
 * updates or responder requests). Writes need a `From` header naming a
 * user of the account (400 otherwise). Change events: the seeded ones and
 * those received at the Events API's `POST /v2/change/enqueue` (routing key
 * = a service's integration key), served by `/change_events`,
 * `/services/{id}/change_events` and, for the 24 hours before an incident
 * on its service, `/incidents/{id}/related_change_events`. Events API
 * requests are checked against the Events API v2 description.
 *
 * Alert hygiene: incidents carry `alert_counts` (alerts grouped); the
 * account-wide log (`GET /log_entries`, `since`/`until`, `include[]=incidents`)
 * holds every incident's entries, with a `notify_log_entry` (user,
 * `channel.type` `push_notification`/`sms`/`phone`/`email`) per page sent.
 * Maintenance windows: `POST /maintenance_windows` (From user, existing
 * services, end in the future and after the start), `GET` (filters
 * `service_ids[]`, `filter=past|future|ongoing|open|all`, `query`),
 * `GET /maintenance_windows/{id}`, and `DELETE` (ends a running window,
 * deletes a future one, 405 for one that has ended); kept until `reset`
 * (which brings back the seeded ones). A trigger event on a service in
 * maintenance opens no incident.
 */

/** A fault the next matching request meets. */
export type PagerDutyFault = (
  | { kind: 'rate-limit'; retryAfterSeconds?: number }
  | { kind: 'server-error' }
  | { kind: 'unauthorized' }
  | { kind: 'forbidden' }
  | { kind: 'malformed-json' }
  | { kind: 'delay'; ms: number }
) & {
  /** Only requests whose path starts with this meet the fault. */
  path?: string;
};

/** Request counters. */
export interface PagerDutyStats {
  requests: number;
  /** Requests per endpoint, e.g. `GET /oncalls`. */
  byEndpoint: Record<string, number>;
  throttled: number;
  violations: number;
}

export interface FakePagerDuty extends FakeServer {
  account: PagerDutyAccount;
  /** Faults met by the next matching requests, first in first out. */
  faults: PagerDutyFault[];
  /** When set, every request meets this fault (an outage) until cleared. */
  outage?: PagerDutyFault;
  stats: PagerDutyStats;
  /** Requests that did not conform to the OpenAPI description, with the problems. */
  violations: { method: string; url: string; problems: string[] }[];
  /** Whether requests are being checked against the OpenAPI description. */
  contractChecked: boolean;
  /** Events accepted at `POST /v2/enqueue` (Events API v2). */
  events: any[];
  /** Change events accepted at `POST /v2/change/enqueue` (Events API v2), as sent. */
  changeEvents: any[];
  /** Notes, status updates and responder requests written, in order. */
  writes: PagerDutyWrite[];
  /**
   * The account's maintenance windows: the seeded ones and those opened
   * through `POST /maintenance_windows` (ended ones keep their new end;
   * deleted future ones are gone). `reset` brings back the seeded ones.
   */
  maintenanceWindows: PdMaintenanceWindow[];
}

/** A write the fake accepted (for tests to inspect). */
export interface PagerDutyWrite {
  kind: 'note' | 'status_update' | 'responder_request';
  incidentId: string;
  /** The `From` header. */
  from?: string;
  /** The JSON body as sent. */
  body: any;
  /** What the fake answered (the created note, status update or request). */
  created: any;
}

export interface FakePagerDutyOptions extends ServeOptions {
  /** The token requests must carry (`Authorization: Token token=<token>`). */
  token?: string;
  /** OAuth client credentials accepted at `POST /oauth/token`. */
  oauthClient?: { clientId: string; clientSecret: string };
  /** The fake's clock. Default: Date.now. */
  now?: () => number;
  /** The account; default: the example platform anchored at start. */
  account?: PagerDutyAccount;
  /** Extra generated services (benchmarks), when no account is given. */
  extraServices?: number;
  /** Each extra service with its own policy and two schedules (see `createPlatformAccount`). */
  extraServicePolicies?: boolean;
  /** Schedules served as v3 (shift-based), when no account is given. */
  v3Schedules?: string[];
  /** Requests per minute before 429s. Default 960, PagerDuty's per-key limit. */
  rateLimitPerMinute?: number;
  /** The contract checker; default loads the spec if present; `false` disables. */
  contract?: PagerDutyContract | false;
  /** The Events API v2 contract checker; default loads its spec if present; `false` disables. */
  eventsContract?: PagerDutyContract | false;
}

/** An answer with another status than 200 (201 Created, 204 No Content). */
class Answer {
  constructor(readonly status: number, readonly body?: unknown) {}
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors: string[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const MAX_LIMIT = 100;
const WEEK_MS = 7 * DAY;

export async function startFakePagerDuty(
  options: FakePagerDutyOptions = {},
): Promise<FakePagerDuty> {
  const now = options.now ?? (() => Date.now());
  const token = options.token ?? 'local-fake-token';
  const account =
    options.account ??
    createPlatformAccount(Math.floor(now() / 60_000) * 60_000, {
      extraServices: options.extraServices,
      extraServicePolicies: options.extraServicePolicies,
      v3Schedules: options.v3Schedules,
    });
  const contract =
    options.contract === false
      ? undefined
      : options.contract ?? PagerDutyContract.load();
  const eventsContract =
    options.eventsContract === false
      ? undefined
      : options.eventsContract ?? PagerDutyContract.loadEvents();
  const rateLimit = options.rateLimitPerMinute ?? 960;
  const baseWeb = `https://${account.subdomain}.pagerduty.com`;
  const issuedTokens = new Set<string>();
  const faults: PagerDutyFault[] = [];
  const stats: PagerDutyStats = {
    requests: 0,
    byEndpoint: {},
    throttled: 0,
    violations: 0,
  };
  const violations: FakePagerDuty['violations'] = [];
  const events: any[] = [];
  const receivedChangeEvents: any[] = [];
  const writes: PagerDutyWrite[] = [];
  let windowStart = now();
  let windowCount = 0;
  let selfUrl = '';
  const state: { outage?: PagerDutyFault } = {};

  const users = new Map(account.users.map(u => [u.id, u]));
  const schedules = new Map(account.schedules.map(s => [s.id, s]));
  const policies = new Map(account.escalationPolicies.map(p => [p.id, p]));
  const services = new Map(account.services.map(s => [s.id, s]));
  const incidents = new Map(account.incidents.map(i => [i.id, i]));
  const servicesByKey = new Map(
    account.services
      .filter(s => s.integrationKey)
      .map(s => [s.integrationKey!, s]),
  );
  const usersByEmail = new Map(
    account.users.map(u => [u.email.toLowerCase(), u]),
  );
  const seededWindows = () =>
    (account.maintenanceWindows ?? []).map(w => ({
      ...w,
      serviceIds: [...w.serviceIds],
    }));
  /** Seeded maintenance windows, then those opened (dropped again by `reset`). */
  const maintenanceWindows: PdMaintenanceWindow[] = seededWindows();
  let windowSequence = maintenanceWindows.length;
  /** Seeded change events, then those received (dropped again by `reset`). */
  const changeEvents: PdChangeEvent[] = [...(account.changeEvents ?? [])];

  /** What was written on an incident: notes, status updates, responder requests. */
  interface IncidentState {
    notes: { id: string; userId: string; content: string; at: number }[];
    statusUpdates: {
      id: string;
      userId: string;
      message: string;
      subject?: string;
      htmlMessage?: string;
      at: number;
    }[];
    responderRequests: any[];
    responders: any[];
  }
  const incidentStates = new Map<string, IncidentState>();
  const stateOf = (id: string): IncidentState => {
    let st = incidentStates.get(id);
    if (!st) {
      st = {
        notes: [],
        statusUpdates: [],
        responderRequests: [],
        responders: [],
      };
      incidentStates.set(id, st);
    }
    return st;
  };
  let writeCount = 0;

  // --- wire shapes --------------------------------------------------------
  const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');
  const ref = (type: string, id: string, summary: string, web: string) => ({
    id,
    type: `${type}_reference`,
    summary,
    self: `${selfUrl}/${
      type === 'escalation_policy' ? 'escalation_policies' : `${type}s`
    }/${id}`,
    html_url: `${baseWeb}${web}`,
  });
  const userRef = (u: PdUser) => ref('user', u.id, u.name, `/users/${u.id}`);
  const userFull = (u: PdUser) => ({
    ...userRef(u),
    type: 'user',
    name: u.name,
    email: u.email,
    time_zone: u.timeZone,
    role: 'user',
    job_title: '',
    contact_methods: [],
  });
  const scheduleRef = (s: PdSchedule) =>
    ref('schedule', s.id, s.name, `/schedules/${s.id}`);
  const policyRef = (p: PdEscalationPolicy) =>
    ref('escalation_policy', p.id, p.name, `/escalation_policies/${p.id}`);
  const serviceRef = (s: PdService) =>
    ref('service', s.id, s.name, `/service-directory/${s.id}`);
  function policyFull(p: PdEscalationPolicy, include: string[]): any {
    return {
      ...policyRef(p),
      type: 'escalation_policy',
      name: p.name,
      description: p.description,
      num_loops: p.numLoops,
      on_call_handoff_notifications: 'if_has_services',
      escalation_rules: p.rules.map(r => ({
        id: r.id,
        escalation_delay_in_minutes: r.delayMinutes,
        targets: r.targets.map(t =>
          t.type === 'user'
            ? userRef(users.get(t.id)!)
            : scheduleRef(schedules.get(t.id)!),
        ),
      })),
      services: account.services
        .filter(s => s.escalationPolicyId === p.id)
        .map(s =>
          include.includes('services') ? serviceFull(s, []) : serviceRef(s),
        ),
      teams: [],
    };
  }
  function serviceFull(s: PdService, include: string[]): any {
    const p = policies.get(s.escalationPolicyId)!;
    return {
      ...serviceRef(s),
      type: 'service',
      name: s.name,
      description: s.description,
      status: s.status,
      created_at: '2024-01-02T10:00:00Z',
      auto_resolve_timeout: 14400,
      acknowledgement_timeout: 1800,
      alert_creation: 'create_alerts_and_incidents',
      escalation_policy: include.includes('escalation_policies')
        ? policyFull(p, [])
        : policyRef(p),
      teams: [],
      integrations: [],
      incident_urgency_rule: { type: 'constant', urgency: 'high' },
    };
  }
  const entry = (e: RenderedEntry) => ({
    start: iso(e.start),
    end: iso(e.end),
    user: userRef(users.get(e.userId)!),
  });
  const priorityOf = (i: PdIncident) => {
    const p = account.priorities.find(x => x.name === i.priority);
    return p
      ? {
          id: p.id,
          type: 'priority',
          summary: p.name,
          self: `${selfUrl}/priorities/${p.id}`,
          name: p.name,
          description: p.description,
        }
      : null;
  };
  /** Incidents live on the fake's clock: what has not happened yet is not told. */
  const statusAt = (i: PdIncident): PdIncident['status'] => {
    const t = now();
    if (i.resolvedAt !== undefined && i.resolvedAt <= t) return 'resolved';
    if (i.acknowledgedAt !== undefined && i.acknowledgedAt <= t) {
      return 'acknowledged';
    }
    return i.status === 'resolved' ? 'acknowledged' : i.status;
  };

  const incidentFull = (i: PdIncident) => {
    const s = services.get(i.serviceId)!;
    const responder = users.get(i.responderId)!;
    const status = statusAt(i);
    return {
      id: i.id,
      type: 'incident',
      summary: `[#${i.number}] ${i.title}`,
      self: `${selfUrl}/incidents/${i.id}`,
      html_url: `${baseWeb}/incidents/${i.id}`,
      incident_number: i.number,
      title: i.title,
      created_at: iso(i.createdAt),
      updated_at: iso(i.resolvedAt ?? i.acknowledgedAt ?? i.createdAt),
      status,
      incident_key: `${i.id.toLowerCase()}-key`,
      service: serviceRef(s),
      escalation_policy: policyRef(policies.get(s.escalationPolicyId)!),
      assigned_via: 'escalation_policy',
      assignments:
        status === 'resolved'
          ? []
          : [{ at: iso(i.createdAt), assignee: userRef(responder) }],
      acknowledgements:
        status === 'acknowledged' && i.acknowledgedAt !== undefined
          ? [{ at: iso(i.acknowledgedAt), acknowledger: userRef(responder) }]
          : [],
      last_status_change_at: iso(
        (status === 'resolved' ? i.resolvedAt : undefined) ??
          (status !== 'triggered' ? i.acknowledgedAt : undefined) ??
          i.createdAt,
      ),
      resolved_at:
        status === 'resolved' && i.resolvedAt ? iso(i.resolvedAt) : null,
      urgency: i.urgency,
      priority: priorityOf(i),
      teams: [],
      alert_counts: {
        all: i.alerts ?? 1,
        triggered: status === 'resolved' ? 0 : i.alerts ?? 1,
        resolved: status === 'resolved' ? i.alerts ?? 1 : 0,
      },
      is_mergeable: true,
      incidents_responders: incidentStates.get(i.id)?.responders ?? [],
      responder_requests: incidentStates.get(i.id)?.responderRequests ?? [],
      incident_type: { name: 'incident_default' },
      first_trigger_log_entry: {
        id: `R${i.id.slice(1)}T`,
        type: 'trigger_log_entry_reference',
        summary: 'Triggered through the API',
        self: `${selfUrl}/log_entries/R${i.id.slice(1)}T`,
        html_url: `${baseWeb}/incidents/${i.id}/log_entries/R${i.id.slice(1)}T`,
      },
    };
  };
  // --- helpers ------------------------------------------------------------
  function page<T>(
    query: URLSearchParams,
    items: T[],
    key: string,
    extra: Record<string, unknown> = {},
  ) {
    const limit = Math.min(
      Math.max(Number(query.get('limit') ?? 25), 1),
      MAX_LIMIT,
    );
    const offset = Math.max(Number(query.get('offset') ?? 0), 0);
    if (offset + limit > 10_000) {
      throw new ApiError(400, 2001, 'Invalid Input Provided', [
        'Offset + limit must be at most 10000',
      ]);
    }
    return {
      [key]: items.slice(offset, offset + limit),
      limit,
      offset,
      more: offset + limit < items.length,
      total: query.get('total') === 'true' ? items.length : null,
      ...extra,
    };
  }
  const list = (query: URLSearchParams, name: string) => query.getAll(name);
  const time = (value: string | null, fallback: number, name: string) => {
    if (!value) return fallback;
    const t = Date.parse(value);
    if (Number.isNaN(t)) {
      throw new ApiError(400, 2001, 'Invalid Input Provided', [
        `${name} is not a date`,
      ]);
    }
    return t;
  };
  const notFound = () => new ApiError(404, 2100, 'Not Found');
  /** Final-schedule entries overlapping a range, with their whole extent. */
  const overflowing = (s: PdSchedule, since: number, until: number) =>
    renderFinal(s, since - 2 * WEEK_MS, until + 2 * WEEK_MS).filter(
      e => e.end > since && e.start < until,
    );

  // --- endpoints ----------------------------------------------------------
  function oncalls(query: URLSearchParams) {
    const since = time(query.get('since'), now(), 'since');
    const until = Math.max(time(query.get('until'), since, 'until'), since);
    if (until - since > 90 * DAY) {
      throw new ApiError(400, 2001, 'Invalid Input Provided', [
        'The range between since and until must be at most 90 days',
      ]);
    }
    const policyIds = list(query, 'escalation_policy_ids[]');
    const scheduleIds = list(query, 'schedule_ids[]');
    const userIds = list(query, 'user_ids[]');
    const include = list(query, 'include[]');
    const earliest = query.get('earliest') === 'true';
    const rows: any[] = [];
    for (const p of account.escalationPolicies) {
      if (policyIds.length && !policyIds.includes(p.id)) continue;
      p.rules.forEach((rule, index) => {
        for (const target of rule.targets) {
          if (target.type === 'user') {
            if (scheduleIds.length && !scheduleIds.includes('null')) continue;
            rows.push({ policy: p, level: index + 1, userId: target.id });
            continue;
          }
          if (scheduleIds.length && !scheduleIds.includes(target.id)) continue;
          const s = schedules.get(target.id)!;
          // On-calls carry their whole shift, not the part in the range;
          // a point query (since = until) finds the shift covering it.
          const entries = overflowing(s, since, Math.max(until, since + 1));
          for (const e of entries) {
            rows.push({ policy: p, level: index + 1, schedule: s, ...e });
          }
        }
      });
    }
    let filtered = rows.filter(
      r => !userIds.length || userIds.includes(r.userId),
    );
    if (earliest) {
      const seen = new Set<string>();
      filtered = filtered.filter(r => {
        const key = `${r.policy.id}|${r.level}|${r.userId}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    }
    const answer = filtered.map(r => {
      const u = users.get(r.userId)!;
      return {
        escalation_policy: include.includes('escalation_policies')
          ? policyFull(r.policy, [])
          : policyRef(r.policy),
        escalation_level: r.level,
        schedule: r.schedule
          ? {
              ...scheduleRef(r.schedule),
              ...(include.includes('schedules')
                ? { type: 'schedule', name: r.schedule.name }
                : {}),
            }
          : null,
        user: include.includes('users') ? userFull(u) : userRef(u),
        start: r.start !== undefined ? iso(r.start) : null,
        end: r.end !== undefined ? iso(r.end) : null,
      };
    });
    return page(query, answer, 'oncalls');
  }

  function scheduleV2(id: string, query: URLSearchParams) {
    const s = schedules.get(id);
    if (!s || s.version !== 2) throw notFound();
    const until = time(query.get('until'), now() + 14 * DAY, 'until');
    const since = time(query.get('since'), until - 14 * DAY, 'since');
    // Entries are cut at the range unless overflow=true.
    const overflow = query.get('overflow') === 'true';
    const final = overflow
      ? overflowing(s, since, until)
      : renderFinal(s, since, until);
    const overrides = overflow
      ? s.overrides
          .filter(o => o.end > since && o.start < until)
          .map(o => ({ start: o.start, end: o.end, userId: o.userId }))
      : renderOverrides(s, since, until);
    const span = Math.max(until - since, 1);
    const coverage = (entries: RenderedEntry[]) =>
      Math.round(
        (entries.reduce((n, e) => n + (e.end - e.start), 0) / span) * 1000,
      ) / 10;
    return {
      schedule: {
        ...scheduleRef(s),
        type: 'schedule',
        name: s.name,
        time_zone: s.timeZone,
        description: `${s.name}: weekly handoff on Mondays 09:00 UTC`,
        escalation_policies: account.escalationPolicies
          .filter(p => p.rules.some(r => r.targets.some(t => t.id === s.id)))
          .map(policyRef),
        users: s.members.map(m => userRef(users.get(m)!)),
        teams: [],
        schedule_layers: [
          {
            id: `${s.id}L1`,
            name: 'Weekly rotation',
            start: '2024-01-01T09:00:00Z',
            rotation_virtual_start: '2024-01-01T09:00:00Z',
            rotation_turn_length_seconds: 7 * 86400,
            users: s.members.map(m => ({ user: userRef(users.get(m)!) })),
            restrictions: [],
            rendered_schedule_entries: renderLayer(s, since, until).map(entry),
            rendered_coverage_percentage: 100,
          },
        ],
        overrides_subschedule: {
          name: 'Overrides',
          rendered_schedule_entries: overrides.map(entry),
          rendered_coverage_percentage: coverage(overrides),
        },
        final_schedule: {
          name: 'Final Schedule',
          rendered_schedule_entries: final.map(entry),
          rendered_coverage_percentage: coverage(final),
        },
      },
    };
  }

  function scheduleV3(id: string, query: URLSearchParams) {
    const s = schedules.get(id);
    if (!s || s.version !== 3) throw notFound();
    const include = list(query, 'include[]');
    const body: any = {
      id: s.id,
      type: 'schedule_v3',
      name: s.name,
      time_zone: s.timeZone,
      description: `${s.name} (shift-based)`,
      self: `${selfUrl}/v3/schedules/${s.id}`,
      html_url: `${baseWeb}/schedules/${s.id}`,
    };
    if (include.includes('final_schedule')) {
      const since = time(query.get('since'), now(), 'since');
      const until = time(query.get('until'), since + 7 * DAY, 'until');
      body.final_schedule = {
        type: 'final_schedule',
        rendered_coverage_percentage: 100,
        computed_shift_assignments: renderFinal(s, since, until).map(e => ({
          type: 'computed_shift_assignment',
          start_time: iso(e.start),
          end_time: iso(e.end),
          member: { type: 'user_member', user_id: e.userId },
          source: e.override
            ? {
                type: 'schedule_rotation_override',
                rotation_id: `${s.id}R1`,
                override_id: e.override,
              }
            : { type: 'schedule_rotation', rotation_id: `${s.id}R1` },
        })),
      };
    }
    return { schedule: body };
  }

  function incidentList(query: URLSearchParams) {
    const serviceIds = list(query, 'service_ids[]');
    const statuses = list(query, 'statuses[]');
    const all = query.get('date_range') === 'all';
    const until = time(query.get('until'), now(), 'until');
    const since = time(query.get('since'), until - 30 * DAY, 'since');
    if (!all && until - since > 183 * DAY) {
      throw new ApiError(400, 2001, 'Invalid Input Provided', [
        'The range between since and until must be at most 6 months',
      ]);
    }
    const t = now();
    const found = account.incidents.filter(
      i =>
        i.createdAt <= t &&
        (!serviceIds.length || serviceIds.includes(i.serviceId)) &&
        (!statuses.length || statuses.includes(statusAt(i))) &&
        (all || (i.createdAt >= since && i.createdAt <= until)),
    );
    return page(query, found.map(incidentFull), 'incidents');
  }

  const incidentRef = (i: PdIncident) => ({
    id: i.id,
    type: 'incident_reference',
    summary: `[#${i.number}] ${i.title}`,
    self: `${selfUrl}/incidents/${i.id}`,
    html_url: `${baseWeb}/incidents/${i.id}`,
  });

  const CHANNEL_WORDS: Record<string, string> = {
    push_notification: 'push notification',
    sms: 'SMS',
    phone: 'phone call',
    email: 'email',
  };

  /** A log entry's one-line summary, in PagerDuty's words. */
  function logSummary(type: string, agent: string, notified: string) {
    switch (type) {
      case 'trigger_log_entry':
        return 'Triggered through the API';
      case 'notify_log_entry':
        return `Notified ${notified} by push notification`;
      case 'acknowledge_log_entry':
        return `Acknowledged by ${agent}`;
      case 'resolve_log_entry':
        return `Resolved by ${agent}`;
      default:
        return type.replace(/_log_entry$/, '').replace(/_/g, ' ');
    }
  }

  /**
   * An incident's log as PagerDuty keeps it, in no order: trigger, the
   * pages sent (not in the overview), acknowledgement and resolution as far
   * as the fake's clock has come, and the notes and status updates written.
   * With `include[]=incidents` an entry carries the whole incident.
   */
  function incidentLog(
    i: PdIncident,
    how: { overview: boolean; include: string[] },
  ) {
    const responder = userRef(users.get(i.responderId)!);
    const s = serviceRef(services.get(i.serviceId)!);
    const incident = how.include.includes('incidents')
      ? incidentFull(i)
      : incidentRef(i);
    const item = (
      type: string,
      at: number,
      agent: unknown,
      suffix: string,
    ) => ({
      id: `R${i.id.slice(1)}${suffix}`,
      type,
      summary: logSummary(
        type,
        (agent as { summary: string }).summary,
        responder.summary,
      ),
      self: `${selfUrl}/log_entries/R${i.id.slice(1)}${suffix}`,
      html_url: `${baseWeb}/incidents/${i.id}/log_entries/R${i.id.slice(
        1,
      )}${suffix}`,
      created_at: iso(at),
      agent,
      channel: {
        type: type === 'trigger_log_entry' ? 'api' : 'website',
      } as { type: string; summary?: string },
      service: s,
      incident,
      teams: [],
      contexts: [],
    });
    const t = now();
    const entries: ReturnType<typeof item>[] = [];
    if (i.createdAt > t) return entries;
    entries.push(item('trigger_log_entry', i.createdAt, s, 'T'));
    if (!how.overview) {
      const pages = i.notifications ?? [
        {
          id: `R${i.id.slice(1)}N`,
          userId: i.responderId,
          at: i.createdAt + 5_000,
          channel: 'push_notification' as const,
        },
      ];
      for (const n of pages) {
        if (n.at > t) continue;
        const notified = userRef(users.get(n.userId)!);
        entries.push({
          ...item('notify_log_entry', n.at, s, n.id.slice(i.id.length)),
          summary: `Notified ${notified.summary} by ${
            CHANNEL_WORDS[n.channel] ?? n.channel
          }`,
          channel: { type: n.channel },
          user: notified,
        } as ReturnType<typeof item>);
      }
    }
    if (i.acknowledgedAt !== undefined && i.acknowledgedAt <= t) {
      entries.push(
        item('acknowledge_log_entry', i.acknowledgedAt, responder, 'A'),
      );
    }
    if (i.resolvedAt !== undefined && i.resolvedAt <= t) {
      entries.push(
        i.autoResolved
          ? {
              // The monitoring tool's resolve event.
              ...item('resolve_log_entry', i.resolvedAt, s, 'R'),
              summary: 'Resolved through the API',
              channel: { type: 'api' },
            }
          : item('resolve_log_entry', i.resolvedAt, responder, 'R'),
      );
    }
    // Notes and status updates are annotations of the log; the text is the
    // channel's summary.
    const written = incidentStates.get(i.id);
    for (const n of written?.notes ?? []) {
      entries.push({
        ...item(
          'annotate_log_entry',
          n.at,
          userRef(users.get(n.userId)!),
          n.id,
        ),
        summary: 'Note added',
        channel: { type: 'note', summary: n.content },
      });
    }
    for (const u of written?.statusUpdates ?? []) {
      entries.push({
        ...item(
          'annotate_log_entry',
          u.at,
          userRef(users.get(u.userId)!),
          u.id,
        ),
        summary: 'Status update sent',
        channel: { type: 'note', summary: u.message },
      });
    }
    return entries;
  }

  /** PagerDuty lists log entries newest first. */
  const newestFirst = (a: { created_at: string; id: string }, b: typeof a) =>
    Date.parse(b.created_at) - Date.parse(a.created_at) ||
    b.id.localeCompare(a.id);

  function logEntries(id: string, query: URLSearchParams) {
    const i = incidents.get(id);
    if (!i || i.createdAt > now()) throw notFound();
    const entries = incidentLog(i, {
      overview: query.get('is_overview') === 'true',
      include: list(query, 'include[]'),
    });
    return page(query, entries.sort(newestFirst), 'log_entries');
  }

  /**
   * The account's log (`GET /log_entries`): every incident's entries
   * created in [since, until) (default: the last 30 days), newest first.
   */
  function accountLogEntries(query: URLSearchParams) {
    const until = time(query.get('until'), now(), 'until');
    const since = time(query.get('since'), until - 30 * DAY, 'since');
    const how = {
      overview: query.get('is_overview') === 'true',
      include: list(query, 'include[]'),
    };
    const entries = account.incidents
      .filter(i => i.createdAt < until)
      .flatMap(i => incidentLog(i, how))
      .filter(e => {
        const at = Date.parse(e.created_at);
        return at >= since && at < until;
      });
    return page(query, entries.sort(newestFirst), 'log_entries');
  }

  // --- incident response --------------------------------------------------
  const invalid = (...errors: string[]) =>
    new ApiError(400, 2001, 'Invalid Input Provided', errors);
  const openIncident = (id: string) => {
    const i = incidents.get(id);
    if (!i || i.createdAt > now()) throw notFound();
    return i;
  };
  /** The user a write is made as: the `From` header must be a user's email. */
  const fromUser = (req: RecordedRequest): PdUser | undefined => {
    const from = String(req.headers.from ?? '')
      .trim()
      .toLowerCase();
    if (!from) return undefined;
    const user = usersByEmail.get(from);
    if (!user) {
      throw invalid(
        `The From header must be the email of a user of the account (got ${from})`,
      );
    }
    return user;
  };
  const jsonBody = (req: RecordedRequest): any => {
    try {
      return JSON.parse(req.body || '{}');
    } catch {
      throw invalid('The body is not JSON');
    }
  };
  const noteWire = (n: IncidentState['notes'][number]) => ({
    id: n.id,
    user: userRef(users.get(n.userId)!),
    channel: { summary: 'The PagerDuty website or APIs' },
    content: n.content,
    created_at: iso(n.at),
    updated_at: iso(n.at),
  });
  const nextId = (prefix: string) => {
    writeCount += 1;
    return `${prefix}${String(writeCount).padStart(5, '0')}`;
  };

  function addNote(id: string, req: RecordedRequest) {
    const i = openIncident(id);
    const user = fromUser(req);
    if (!user) throw invalid('The From header is required');
    const body = jsonBody(req);
    const note = {
      id: nextId('PNT'),
      userId: user.id,
      content: String(body.note.content),
      at: now(),
    };
    stateOf(i.id).notes.push(note);
    const created = noteWire(note);
    writes.push({
      kind: 'note',
      incidentId: i.id,
      from: user.email,
      body,
      created,
    });
    return { note: created };
  }

  function addStatusUpdate(id: string, req: RecordedRequest) {
    const i = openIncident(id);
    const user = fromUser(req);
    if (!user) throw invalid('The From header is required');
    const body = jsonBody(req);
    const update = {
      id: nextId('PSU'),
      userId: user.id,
      message: String(body.message),
      subject: body.subject,
      htmlMessage: body.html_message,
      at: now(),
    };
    stateOf(i.id).statusUpdates.push(update);
    const created = {
      id: update.id,
      message: update.message,
      sender: userRef(user),
      created_at: iso(update.at),
      ...(update.subject ? { subject: update.subject } : {}),
      ...(update.htmlMessage ? { html_message: update.htmlMessage } : {}),
    };
    writes.push({
      kind: 'status_update',
      incidentId: i.id,
      from: user.email,
      body,
      created,
    });
    return { status_update: created };
  }

  /**
   * A responder request: the requester and every target must exist (users
   * by id; escalation policies page their first level's people).
   */
  function addResponderRequest(id: string, req: RecordedRequest) {
    const i = openIncident(id);
    const from = fromUser(req);
    const body = jsonBody(req);
    const requester = users.get(String(body.requester_id));
    if (!requester) {
      throw invalid(`requester_id ${body.requester_id} is not a user`);
    }
    const at = iso(now());
    const targets: any[] = Array.isArray(body.responder_request_targets)
      ? body.responder_request_targets
      : [];
    if (targets.length === 0) {
      throw invalid('responder_request_targets must name at least one target');
    }
    const responders: any[] = [];
    const answered = targets.map(t => {
      const target = t?.responder_request_target ?? t ?? {};
      const kind = String(target.type ?? '').replace(/_reference$/, '');
      let paged: PdUser[];
      let summary: string;
      if (kind === 'user' && users.has(target.id)) {
        paged = [users.get(target.id)!];
        summary = paged[0].name;
      } else if (kind === 'escalation_policy' && policies.has(target.id)) {
        const p = policies.get(target.id)!;
        summary = p.name;
        paged = p.rules[0].targets.map(
          x =>
            users.get(
              x.type === 'user' ? x.id : onCallAtSchedule(x.id, now()),
            )!,
        );
      } else {
        throw invalid(
          `responder_request_target ${target.type} ${target.id} is not known`,
        );
      }
      const these = paged.map(u => ({
        state: 'pending',
        user: userRef(u),
        incident: incidentRef(i),
        updated_at: at,
        message: String(body.message),
        requester: userRef(requester),
        requested_at: at,
        ...(kind === 'escalation_policy'
          ? { escalation_policy_requests: [summary] }
          : {}),
      }));
      responders.push(...these);
      return {
        responder_request_target: {
          type: kind,
          id: target.id,
          summary,
          incidents_responders: these,
        },
      };
    });
    const created = {
      id: nextId('PRR'),
      incident: incidentRef(i),
      requester: userRef(requester),
      requested_at: at,
      message: String(body.message),
      responder_request_targets: answered,
    };
    const st = stateOf(i.id);
    st.responderRequests.push(created);
    st.responders.push(...responders);
    writes.push({
      kind: 'responder_request',
      incidentId: i.id,
      from: from?.email,
      body,
      created,
    });
    return { responder_request: created };
  }

  /**
   * A trigger event on a service's integration opens an incident on that
   * service, as PagerDuty does; a second trigger with the same dedup key
   * while it is open adds nothing. The account's event rule sets the
   * priority from the event's severity (critical P1, error P2, warning P3,
   * info P4); the incident is assigned to whoever is on call at the first
   * level of the service's escalation policy.
   */
  /** Who a first escalation level's target pages at `t`. */
  function assigneeAt(
    target: { type: string; id: string } | undefined,
    t: number,
  ): string {
    if (!target) return account.users[0].id;
    return target.type === 'user' ? target.id : onCallAtSchedule(target.id, t);
  }

  /** Incidents opened by trigger events (dropped again by `reset`). */
  const opened: PdIncident[] = [];

  function openIncidentFromEvent(
    routingKey: string,
    dedupKey: string,
    payload: { summary: string; severity: string },
  ) {
    const service = servicesByKey.get(routingKey);
    // Unknown keys, and services in maintenance, open nothing.
    if (!service || inMaintenance(service.id, now())) return;
    const id = `Q${hash(`event:${routingKey}:${dedupKey}`)
      .toString(36)
      .toUpperCase()
      .padStart(7, '0')}`;
    const open = incidents.get(id);
    if (open && open.status !== 'resolved') return;
    const level = policies.get(service.escalationPolicyId)?.rules[0];
    const target = level?.targets[0];
    const t = now();
    const priorities: Record<string, PdPriority> = {
      critical: 'P1',
      error: 'P2',
      warning: 'P3',
      info: 'P4',
    };
    const incident: PdIncident = {
      id,
      number: Math.max(1000, ...account.incidents.map(i => i.number)) + 1,
      title: String(payload.summary),
      status: 'triggered',
      urgency: payload.severity === 'info' ? 'low' : 'high',
      priority: priorities[payload.severity],
      serviceId: service.id,
      createdAt: t,
      responderId: assigneeAt(target, t),
    };
    account.incidents.push(incident);
    incidents.set(id, incident);
    opened.push(incident);
  }

  function onCallAtSchedule(scheduleId: string, t: number): string {
    const s = schedules.get(scheduleId)!;
    return renderFinal(s, t, t + 1)[0]?.userId ?? s.members[0];
  }

  const changeEventWire = (e: PdChangeEvent) => {
    const s = services.get(e.serviceId);
    return {
      id: e.id,
      type: 'change_event',
      summary: e.summary,
      timestamp: iso(e.timestamp),
      source: e.source,
      services: s ? [serviceRef(s)] : [],
      integration: {
        id: `PINT${e.serviceId.replace(/^PSV/, '')}`,
        type: 'inbound_integration_reference',
      },
      custom_details: e.customDetails ?? {},
      links: e.links ?? [],
    };
  };
  const changeEventsIn = (
    query: URLSearchParams,
    serviceId?: string,
  ): PdChangeEvent[] => {
    const until = time(query.get('until'), now(), 'until');
    const since = time(query.get('since'), until - 30 * DAY, 'since');
    return changeEvents
      .filter(
        e =>
          e.timestamp <= now() &&
          e.timestamp >= since &&
          e.timestamp <= until &&
          (!serviceId || e.serviceId === serviceId),
      )
      .sort((a, b) => b.timestamp - a.timestamp);
  };

  /** Change events on the incident's service in the 24 hours before it, newest first. */
  function relatedChangeEvents(id: string, query: URLSearchParams) {
    const i = openIncident(id);
    const related = changeEvents
      .filter(
        e =>
          e.serviceId === i.serviceId &&
          e.timestamp <= i.createdAt &&
          e.timestamp >= i.createdAt - DAY,
      )
      .sort((a, b) => b.timestamp - a.timestamp);
    const limit = Math.min(
      Math.max(Number(query.get('limit') ?? 25), 1),
      MAX_LIMIT,
    );
    return {
      change_events: related.slice(0, limit).map((e, index) => ({
        ...changeEventWire(e),
        correlation_reason: {
          reason: index === 0 ? 'most_recent' : 'related_service',
        },
      })),
      limit: null,
      offset: null,
      total: null,
      more: false,
    };
  }

  // --- maintenance windows ------------------------------------------------
  const windowWire = (w: PdMaintenanceWindow) => {
    const creator = users.get(w.createdById);
    return {
      id: w.id,
      type: 'maintenance_window',
      summary: w.description,
      self: `${selfUrl}/maintenance_windows/${w.id}`,
      html_url: `${baseWeb}/maintenance_windows#/show/${w.id}`,
      sequence_number: w.sequenceNumber,
      start_time: iso(w.start),
      end_time: iso(w.end),
      description: w.description,
      created_by: creator ? userRef(creator) : null,
      services: w.serviceIds
        .map(id => services.get(id))
        .filter((x): x is PdService => x !== undefined)
        .map(serviceRef),
      teams: [],
    };
  };
  const windowState = (w: PdMaintenanceWindow, t = now()) => {
    if (w.end <= t) return 'past';
    return w.start > t ? 'future' : 'ongoing';
  };
  /** Whether a service is in maintenance at `t` (PagerDuty opens no incident then). */
  function inMaintenance(serviceId: string, t: number) {
    return maintenanceWindows.some(
      w => w.serviceIds.includes(serviceId) && w.start <= t && w.end > t,
    );
  }

  /**
   * `POST /maintenance_windows`: the `From` user opens a window on existing
   * services; a start in the past becomes now, the end must be in the
   * future and after the start.
   */
  function createWindow(req: RecordedRequest) {
    const user = fromUser(req);
    if (!user) throw invalid('The From header is required');
    const body = jsonBody(req).maintenance_window ?? {};
    const t = now();
    const start = Date.parse(body.start_time);
    const end = Date.parse(body.end_time);
    if (Number.isNaN(start) || Number.isNaN(end)) {
      throw invalid('start_time and end_time must be dates');
    }
    if (end <= start) throw invalid('end_time must be after start_time');
    if (end <= t) throw invalid('end_time must be in the future');
    const refs: any[] = Array.isArray(body.services) ? body.services : [];
    if (refs.length === 0) throw invalid('services must name a service');
    const unknown = refs.filter(r => !services.has(r?.id)).map(r => r?.id);
    if (unknown.length) {
      throw invalid(`services ${unknown.join(', ')} are not services`);
    }
    windowSequence += 1;
    const w: PdMaintenanceWindow = {
      id: `PMW${String(windowSequence).padStart(4, '0')}`,
      sequenceNumber: windowSequence,
      start: Math.max(start, t),
      end,
      description: String(body.description ?? ''),
      serviceIds: [...new Set(refs.map(r => String(r.id)))],
      createdById: user.id,
    };
    maintenanceWindows.push(w);
    return new Answer(201, { maintenance_window: windowWire(w) });
  }

  function maintenance(
    method: string,
    id: string | undefined,
    rest: string | undefined,
    query: URLSearchParams,
    req: RecordedRequest,
  ) {
    if (rest) throw notFound();
    if (!id) {
      if (method === 'POST') return createWindow(req);
      if (method !== 'GET') throw notFound();
      const serviceIds = list(query, 'service_ids[]');
      const filter = query.get('filter') ?? 'all';
      const q = (query.get('query') ?? '').toLowerCase();
      const t = now();
      const found = maintenanceWindows
        .filter(
          w =>
            (!serviceIds.length ||
              w.serviceIds.some(x => serviceIds.includes(x))) &&
            (!q || w.description.toLowerCase().includes(q)) &&
            (filter === 'all' ||
              (filter === 'open'
                ? windowState(w, t) !== 'past'
                : windowState(w, t) === filter)),
        )
        .sort(
          (a, b) => b.start - a.start || b.sequenceNumber - a.sequenceNumber,
        );
      return page(query, found.map(windowWire), 'maintenance_windows');
    }
    const w = maintenanceWindows.find(x => x.id === id);
    if (!w) throw notFound();
    if (method === 'GET') return { maintenance_window: windowWire(w) };
    if (method !== 'DELETE') throw notFound();
    // PagerDuty deletes a future window, ends a running one, and refuses
    // one that has ended.
    const current = windowState(w);
    if (current === 'past') {
      throw new ApiError(
        405,
        2001,
        "The maintenance window can't be deleted because it has already ended.",
      );
    }
    if (current === 'future') {
      maintenanceWindows.splice(maintenanceWindows.indexOf(w), 1);
    } else {
      w.end = now();
    }
    return new Answer(204);
  }

  function route(
    method: string,
    path: string,
    query: URLSearchParams,
    req: RecordedRequest,
  ) {
    const parts = path.split('/').filter(Boolean);
    const include = list(query, 'include[]');
    const q = (query.get('query') ?? '').toLowerCase();
    const named = <T extends { name: string }>(items: T[]) =>
      q ? items.filter(x => x.name.toLowerCase().includes(q)) : items;
    const [a, b, c, d] = parts;
    if (method === 'POST' && a === 'incidents' && b && !d) {
      if (c === 'notes') return addNote(b, req);
      if (c === 'status_updates') return addStatusUpdate(b, req);
      if (c === 'responder_requests') return addResponderRequest(b, req);
    }
    if (a === 'maintenance_windows') {
      return maintenance(method, b, c, query, req);
    }
    if (method !== 'GET') throw notFound();
    switch (a) {
      case 'services':
        if (!b) {
          return page(
            query,
            named(account.services).map(s => serviceFull(s, include)),
            'services',
          );
        }
        if (!c && services.has(b)) {
          return { service: serviceFull(services.get(b)!, include) };
        }
        if (c === 'change_events' && !d && services.has(b)) {
          return page(
            query,
            changeEventsIn(query, b).map(changeEventWire),
            'change_events',
          );
        }
        throw notFound();
      case 'change_events':
        if (!b) {
          return page(
            query,
            changeEventsIn(query).map(changeEventWire),
            'change_events',
          );
        }
        throw notFound();
      case 'escalation_policies':
        if (!b) {
          return page(
            query,
            named(account.escalationPolicies).map(p => policyFull(p, include)),
            'escalation_policies',
          );
        }
        if (!c && policies.has(b)) {
          return { escalation_policy: policyFull(policies.get(b)!, include) };
        }
        throw notFound();
      case 'schedules':
        if (!b) {
          return page(
            query,
            named(account.schedules.filter(s => s.version === 2)).map(s => ({
              ...scheduleRef(s),
              type: 'schedule',
              name: s.name,
              time_zone: s.timeZone,
            })),
            'schedules',
          );
        }
        if (!c) return scheduleV2(b, query);
        throw notFound();
      case 'v3':
        if (b === 'schedules' && c && !d) return scheduleV3(c, query);
        if (b === 'schedules' && c && d === 'overrides') {
          const s = schedules.get(c);
          if (!s || s.version !== 3) throw notFound();
          const since = time(query.get('since'), now(), 'since');
          const until = time(query.get('until'), since, 'until');
          return page(
            query,
            renderOverrides(s, since, until).map(o => ({
              id: o.override,
              type: 'override_shift',
              rotation_id: `${s.id}R1`,
              start_time: iso(o.start),
              end_time: iso(o.end),
              overridden_member: {
                type: 'user_member',
                user_id: renderLayer(s, o.start, o.start + 1)[0].userId,
              },
              overriding_member: { type: 'user_member', user_id: o.userId },
            })),
            'overrides',
          );
        }
        throw notFound();
      case 'oncalls':
        if (!b) return oncalls(query);
        throw notFound();
      case 'users':
        if (!b) {
          // PagerDuty's user query matches names and emails.
          const found = q
            ? account.users.filter(
                u =>
                  u.name.toLowerCase().includes(q) ||
                  u.email.toLowerCase().includes(q),
              )
            : account.users;
          return page(query, found.map(userFull), 'users');
        }
        if (!c && users.has(b)) return { user: userFull(users.get(b)!) };
        throw notFound();
      case 'priorities':
        if (!b) {
          return page(
            query,
            account.priorities.map(p => ({
              id: p.id,
              type: 'priority',
              summary: p.name,
              self: `${selfUrl}/priorities/${p.id}`,
              name: p.name,
              description: p.description,
            })),
            'priorities',
          );
        }
        throw notFound();
      case 'log_entries':
        if (!b) return accountLogEntries(query);
        throw notFound();
      case 'incidents':
        if (!b) return incidentList(query);
        if (!c && incidents.has(b) && incidents.get(b)!.createdAt <= now()) {
          return { incident: incidentFull(incidents.get(b)!) };
        }
        if (c === 'log_entries' && !d) return logEntries(b, query);
        if (c === 'notes' && !d) {
          const i = openIncident(b);
          return {
            notes: (incidentStates.get(i.id)?.notes ?? []).map(noteWire),
          };
        }
        if (c === 'related_change_events' && !d) {
          return relatedChangeEvents(b, query);
        }
        throw notFound();
      default:
        throw notFound();
    }
  }

  // --- the server ---------------------------------------------------------
  function rateHeaders(): Record<string, string> {
    const t = now();
    if (t - windowStart >= 60_000) {
      windowStart = t;
      windowCount = 0;
    }
    windowCount += 1;
    return {
      'ratelimit-limit': String(rateLimit),
      'ratelimit-remaining': String(Math.max(rateLimit - windowCount, 0)),
      'ratelimit-reset': String(
        Math.max(Math.ceil((windowStart + 60_000 - t) / 1000), 1),
      ),
    };
  }

  function takeFault(path: string): PagerDutyFault | undefined {
    const outage = state.outage;
    if (outage && (!outage.path || path.startsWith(outage.path))) {
      return outage;
    }
    const index = faults.findIndex(f => !f.path || path.startsWith(f.path));
    return index >= 0 ? faults.splice(index, 1)[0] : undefined;
  }

  function oauthToken(req: RecordedRequest, res: http.ServerResponse) {
    const form = new URLSearchParams(req.body);
    const client = options.oauthClient;
    if (
      !client ||
      form.get('grant_type') !== 'client_credentials' ||
      form.get('client_id') !== client.clientId ||
      form.get('client_secret') !== client.clientSecret
    ) {
      sendJson(res, 401, { error: 'invalid_client' });
      return;
    }
    const issued = `pdfake_${issuedTokens.size + 1}_${Math.floor(
      now() / 1000,
    )}`;
    issuedTokens.add(issued);
    sendJson(res, 200, {
      access_token: issued,
      token_type: 'bearer',
      expires_in: 3600,
      scope: form.get('scope') ?? 'read',
    });
  }

  /**
   * An Events API request against its published description; a refused one
   * is answered 400 as PagerDuty's Events API does and recorded in
   * `violations`. Answers whether it may go on.
   */
  function eventConforms(req: RecordedRequest, res: http.ServerResponse) {
    if (!eventsContract) return true;
    const problems = eventsContract.check({
      method: req.method,
      url: req.url,
      headers: req.headers,
      body: req.body,
    });
    if (problems.length === 0) return true;
    stats.violations += 1;
    violations.push({ method: req.method, url: req.url, problems });
    sendJson(res, 400, {
      status: 'invalid event',
      message: 'Event object is invalid',
      errors: problems,
    });
    return false;
  }

  /**
   * An Events API v2 body: checked against the Events API description, parsed,
   * its routing key and `check`'s rules applied; answers 400 as PagerDuty
   * does and gives undefined when it is refused.
   */
  function readEvent(
    req: RecordedRequest,
    res: http.ServerResponse,
    check: (event: any, errors: string[]) => void,
  ): any | undefined {
    if (!eventConforms(req, res)) return undefined;
    let event: any;
    try {
      event = JSON.parse(req.body);
    } catch {
      sendJson(res, 400, {
        status: 'invalid event',
        message: 'Event object is invalid',
        errors: ['Body is not JSON'],
      });
      return undefined;
    }
    const errors: string[] = [];
    if (
      typeof event.routing_key !== 'string' ||
      event.routing_key.length !== 32
    ) {
      errors.push("'routing_key' must be a 32 character integration key");
    }
    check(event, errors);
    if (errors.length > 0) {
      sendJson(res, 400, {
        status: 'invalid event',
        message: 'Event object is invalid',
        errors,
      });
      return undefined;
    }
    return event;
  }

  /**
   * Events API v2 change event: recorded, and kept as a change event of the
   * service whose integration key is the routing key (unknown keys are
   * accepted and recorded, as PagerDuty accepts them).
   */
  function changeEnqueue(req: RecordedRequest, res: http.ServerResponse) {
    const event = readEvent(req, res, (e, errors) => {
      if (String(e.payload?.summary ?? '').length > 1024) {
        errors.push("'payload.summary' is longer than 1024 characters");
      }
    });
    if (!event) return;
    receivedChangeEvents.push(event);
    const service = servicesByKey.get(event.routing_key);
    if (service) {
      const at = event.payload.timestamp
        ? Date.parse(event.payload.timestamp)
        : now();
      changeEvents.push({
        id: `01CHG${String(receivedChangeEvents.length).padStart(21, '0')}`,
        summary: event.payload.summary,
        timestamp: Number.isNaN(at) ? now() : at,
        source: event.payload.source ?? 'unknown',
        serviceId: service.id,
        customDetails: event.payload.custom_details,
        links: event.links,
      });
    }
    sendJson(res, 202, {
      status: 'success',
      message: 'Change event processed',
    });
  }

  /** Events API v2: a trigger needs a routing key, a summary, a source and a severity. */
  function enqueue(req: RecordedRequest, res: http.ServerResponse) {
    const event = readEvent(req, res, (e, errors) => {
      if (!['trigger', 'acknowledge', 'resolve'].includes(e.event_action)) {
        errors.push("'event_action' is invalid");
      }
      const payload = e.payload ?? {};
      if (e.event_action === 'trigger') {
        if (!payload.summary || String(payload.summary).length > 1024) {
          errors.push("'payload.summary' is missing or too long");
        }
        if (!payload.source) errors.push("'payload.source' is missing");
        if (
          !['critical', 'error', 'warning', 'info'].includes(payload.severity)
        ) {
          errors.push("'payload.severity' is invalid");
        }
      }
    });
    if (!event) return;
    const payload = event.payload ?? {};
    const dedupKey = event.dedup_key ?? `dedup-${events.length + 1}`;
    events.push({ ...event, dedup_key: dedupKey });
    if (event.event_action === 'trigger') {
      openIncidentFromEvent(event.routing_key, dedupKey, payload);
    }
    sendJson(res, 202, {
      status: 'success',
      message: 'Event processed',
      dedup_key: dedupKey,
    });
  }

  const handler = async (req: RecordedRequest, res: http.ServerResponse) => {
    const url = new URL(req.url, 'http://fake');
    if (req.method === 'GET' && url.pathname === '/__stats') {
      sendJson(res, 200, stats);
      return;
    }
    if (req.method === 'POST' && url.pathname === '/oauth/token') {
      oauthToken(req, res);
      return;
    }
    if (req.method === 'POST' && url.pathname === '/v2/enqueue') {
      enqueue(req, res);
      return;
    }
    if (req.method === 'POST' && url.pathname === '/v2/change/enqueue') {
      changeEnqueue(req, res);
      return;
    }
    stats.requests += 1;
    const endpoint = `${req.method} ${url.pathname.replace(
      /\/(P|Q)[A-Z0-9]{5,}/g,
      '/{id}',
    )}`;
    stats.byEndpoint[endpoint] = (stats.byEndpoint[endpoint] ?? 0) + 1;
    const headers = rateHeaders();
    try {
      const auth = String(req.headers.authorization ?? '');
      const bearer = auth.startsWith('Bearer ')
        ? auth.slice('Bearer '.length)
        : undefined;
      if (
        auth !== `Token token=${token}` &&
        !(bearer && issuedTokens.has(bearer))
      ) {
        throw new ApiError(401, 2006, 'Unauthorized');
      }
      if (contract) {
        const problems = contract.check({
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: req.body,
        });
        if (problems.length > 0) {
          stats.violations += 1;
          violations.push({ method: req.method, url: req.url, problems });
          throw new ApiError(400, 2001, 'Invalid Input Provided', problems);
        }
      }
      const fault = takeFault(url.pathname);
      if (fault) {
        switch (fault.kind) {
          case 'rate-limit':
            stats.throttled += 1;
            throw new ApiError(
              429,
              2020,
              'Rate Limit Exceeded',
              [],
              fault.retryAfterSeconds !== undefined
                ? { 'retry-after': String(fault.retryAfterSeconds) }
                : {},
            );
          case 'server-error':
            throw new ApiError(500, 2999, 'Internal Server Error');
          case 'unauthorized':
            throw new ApiError(401, 2006, 'Unauthorized');
          case 'forbidden':
            throw new ApiError(
              403,
              2010,
              'Access Denied: the API key lacks the permission for this resource',
            );
          case 'malformed-json': {
            const text = '{"oncalls": [{"user": {"id": "PUALI';
            res.writeHead(200, {
              'Content-Type': 'application/json',
              'Content-Length': Buffer.byteLength(text),
              ...headers,
            });
            res.end(text);
            return;
          }
          case 'delay':
            await new Promise(r => setTimeout(r, fault.ms));
            break;
          default:
            break;
        }
      }
      if (windowCount > rateLimit) {
        stats.throttled += 1;
        throw new ApiError(429, 2020, 'Rate Limit Exceeded');
      }
      const body = route(req.method, url.pathname, url.searchParams, req);
      if (body instanceof Answer && body.body === undefined) {
        res.writeHead(body.status, headers);
        res.end();
      } else if (body instanceof Answer) {
        sendJson(res, body.status, body.body, headers);
      } else {
        sendJson(res, 200, body, headers);
      }
    } catch (error) {
      const e =
        error instanceof ApiError
          ? error
          : new ApiError(500, 2999, String(error));
      sendJson(
        res,
        e.status,
        {
          error: {
            message: e.message,
            code: e.code,
            ...(e.errors.length ? { errors: e.errors } : {}),
          },
        },
        { ...headers, ...e.headers },
      );
    }
  };

  const base = await serve(handler, options);
  selfUrl = base.url;
  const reset = base.reset;
  const forgetRequests = base.forgetRequests;
  const forgetStats = () => {
    stats.requests = 0;
    stats.byEndpoint = {};
    stats.throttled = 0;
    stats.violations = 0;
  };
  const server: FakePagerDuty = Object.assign(base, {
    account,
    faults,
    stats,
    violations,
    events,
    changeEvents: receivedChangeEvents,
    writes,
    maintenanceWindows,
    contractChecked: Boolean(contract),
    reset: () => {
      reset();
      faults.length = 0;
      violations.length = 0;
      events.length = 0;
      receivedChangeEvents.length = 0;
      writes.length = 0;
      incidentStates.clear();
      for (const incident of opened.splice(0)) {
        incidents.delete(incident.id);
        account.incidents.splice(account.incidents.indexOf(incident), 1);
      }
      changeEvents.length = 0;
      changeEvents.push(...(account.changeEvents ?? []));
      maintenanceWindows.splice(
        0,
        maintenanceWindows.length,
        ...seededWindows(),
      );
      windowSequence = maintenanceWindows.length;
      state.outage = undefined;
      forgetStats();
    },
    // Keeps the account as clients left it (windows, incidents, notes,
    // received events, which also number what comes next).
    forgetRequests: () => {
      forgetRequests();
      violations.length = 0;
      writes.length = 0;
      forgetStats();
    },
  });
  Object.defineProperty(server, 'outage', {
    get: () => state.outage,
    set: (value?: PagerDutyFault) => {
      state.outage = value;
    },
    enumerable: true,
  });
  return server;
}
