import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  ChangeEventInput,
  EscalationPolicy,
  IncidentResponseProvider,
  IncidentProvider,
  IncidentQuery,
  IncidentTrigger,
  MaintenanceWindowProvider,
  NotificationQuery,
  OnCallProvider,
  OnCallQuery,
  OnCallService,
  OnCallShift,
  OnCallUser,
  ScheduleEntry,
  ScheduleRendering,
  UpstreamActor,
  UpstreamChangeEvent,
  UpstreamIncident,
  UpstreamIncidentNote,
  UpstreamLogEntry,
  UpstreamLogEntryKind,
  UpstreamMaintenanceWindow,
  UpstreamNotification,
  UpstreamStatusUpdate,
  RequestBudget,
  UpstreamCallOptions,
  UpstreamStats,
  mapWithConcurrency,
  systemBudgetClock,
  UpstreamTelemetry,
} from '@opsportal/plugin-ops-node';
import {
  OAuthClientCredentials,
  PagerDutyAuth,
  TokenAuth,
} from './client/auth';
import { PagerDutyClient, PagerDutyError } from './client/PagerDutyClient';

/* The parts of PagerDuty's answers that are read here. */
interface Ref {
  id: string;
  type?: string;
  summary?: string;
  html_url?: string;
}
interface WireUser extends Ref {
  name?: string;
  email?: string;
}
interface WireService extends Ref {
  name: string;
  status?: string;
  escalation_policy?: Ref;
}
interface WirePolicy extends Ref {
  name: string;
  num_loops?: number;
  escalation_rules: {
    escalation_delay_in_minutes: number;
    targets: Ref[];
  }[];
}
interface WireOnCall {
  escalation_policy: Ref;
  escalation_level: number;
  schedule?: Ref | null;
  user: WireUser;
  start?: string | null;
  end?: string | null;
}
interface WireEntry {
  start: string;
  end: string;
  user?: WireUser;
}
interface WireSchedule extends Ref {
  name: string;
  time_zone?: string;
  final_schedule?: { rendered_schedule_entries?: WireEntry[] };
  overrides_subschedule?: { rendered_schedule_entries?: WireEntry[] };
}
interface WireScheduleV3 {
  id: string;
  name: string;
  time_zone?: string;
  html_url?: string;
  final_schedule?: {
    computed_shift_assignments?: {
      start_time: string;
      end_time: string;
      member: { type: string; user_id?: string };
      source?: { type: string };
    }[];
  };
}
interface WireIncident extends Ref {
  incident_number?: number;
  title: string;
  status: 'triggered' | 'acknowledged' | 'resolved';
  urgency?: 'high' | 'low';
  priority?: { name?: string; summary?: string } | null;
  service: Ref;
  escalation_policy?: Ref;
  created_at: string;
  resolved_at?: string | null;
  last_status_change_at?: string;
  acknowledgements?: { at: string }[];
  assignments?: { assignee: WireUser }[];
  responder_requests?: WireResponderRequest[];
  alert_counts?: { all?: number; triggered?: number; resolved?: number };
}
interface WireLogEntry extends Ref {
  type: string;
  created_at: string;
  agent?: Ref | null;
  channel?: { type?: string; summary?: string; user?: WireUser } | null;
  note?: string;
  /** The person notified (`notify_log_entry`). */
  user?: WireUser | null;
  service?: Ref | null;
  /** A reference, or the incident itself with `include[]=incidents`. */
  incident?: (Ref & { service?: Ref }) | null;
}
interface WireMaintenanceWindow extends Ref {
  start_time: string;
  end_time: string;
  description?: string | null;
  services?: Ref[];
}
interface WireNote {
  id: string;
  content: string;
  created_at: string;
  user?: Ref | null;
}
interface WireStatusUpdate {
  id: string;
  message: string;
  created_at: string;
  sender?: Ref | null;
}
interface WireChangeEvent {
  id: string;
  summary: string;
  timestamp: string;
  services?: Ref[];
  links?: { href: string; text?: string }[];
}
interface WireResponderRequest {
  id?: string;
  requester?: Ref;
  requested_at?: string;
  message?: string;
  responder_request_targets?: {
    responder_request_target?: Ref & { incidents_responders?: unknown[] };
  }[];
}

/**
 * Log entry types of PagerDuty's published enum (`LogEntry.type`) the portal
 * tells apart. The enum has no reassign type: `delegate_log_entry` (the
 * incident handed to another escalation policy) is the reassignment, and
 * `assign_log_entry` (assigned to people) the assignment. It has no type for
 * status updates or responder requests either; `responder_request_log_entry`
 * and `status_update_log_entry` are recognised in case an account answers
 * with them, and responder requests are otherwise read from the incident.
 */
const LOG_ENTRY_KINDS: Record<string, UpstreamLogEntryKind> = {
  trigger_log_entry: 'trigger',
  acknowledge_log_entry: 'acknowledge',
  escalate_log_entry: 'escalate',
  assign_log_entry: 'assign',
  delegate_log_entry: 'reassign',
  annotate_log_entry: 'annotate',
  status_update_log_entry: 'status-update',
  responder_request_log_entry: 'responder-request',
  resolve_log_entry: 'resolve',
  notify_log_entry: 'notify',
};

/** Emails known to the account, remembered this long (people rarely change). */
const USER_CACHE_MS = 60 * 60_000;
const USER_CACHE_SIZE = 1_000;

/** Options of {@link PagerDutyProvider}. @public */
export interface PagerDutyProviderOptions {
  client: PagerDutyClient;
  logger: LoggerService;
  /** Parallel requests where PagerDuty has no filter by many ids. */
  concurrency: number;
  /** Up to this many ids are read one by one; more, and the whole list is read. */
  listThreshold: number;
  /** Events API v2 base URL, for triggering incidents and sending change events. */
  eventsBaseUrl: string;
  requestTimeoutMs: number;
  /** Attempts of an Events API request (429 and 5xx are retried). Default 3. */
  maxAttempts?: number;
  /** First Events API retry delay in milliseconds, doubled per retry. Default 500. */
  retryBaseDelayMs?: number;
  /** Longest Events API retry delay in milliseconds. Default 30000. */
  maxRetryDelayMs?: number;
  /** Counts the Events API requests (the REST ones are counted by the client). */
  telemetry?: UpstreamTelemetry;
}

/**
 * Ids per request for `service_ids[]`, `escalation_policy_ids[]`,
 * `schedule_ids[]`: as many as a page holds, so that one walk of pages
 * answers for a hundred policies (a URL of about 3 KB).
 */
const IDS_PER_REQUEST = 100;

/**
 * The account-wide log is read a week at a time: each range has its own
 * 10,000-record window, so a busy account's month is read whole.
 */
const LOG_SLICE_MS = 7 * 86_400_000;

/** PagerDuty's documented limit per REST API key. */
const DEFAULT_RATE_LIMIT_PER_MINUTE = 960;
/** Share of it the portal's scheduled refreshes may use. */
const DEFAULT_REFRESH_SHARE = 0.1;

function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    result.push(items.slice(i, i + size));
  }
  return result;
}

function utc(iso: string): string {
  return new Date(iso).toISOString();
}

/**
 * On-call and incidents from PagerDuty REST API v2: services, escalation
 * policies with every level, schedules rendered over a range (classic v2,
 * or shift-based v3 when the account uses them), on-calls for many policies
 * per request, incidents for many services per request, and the first
 * acknowledgement from each incident's log; and incident response: an
 * incident with its log, notes and related change events, notes, status
 * updates and responder requests written as the portal user, and change
 * events sent through the Events API v2; pages sent to people (the
 * account's `notify_log_entry` log entries) and maintenance windows opened,
 * ended and listed.
 * @public
 */
export class PagerDutyProvider
  implements
    OnCallProvider,
    IncidentProvider,
    IncidentResponseProvider,
    MaintenanceWindowProvider
{
  readonly id = 'pagerduty';
  /** Account users by lower-cased email; misses are not remembered. */
  private readonly usersByEmail = new Map<
    string,
    { user: OnCallUser; until: number }
  >();

  /** Builds the provider from `ops.pagerduty`; undefined when it has no credentials. */
  static fromConfig(
    config: Config,
    options: { logger: LoggerService; telemetry?: UpstreamTelemetry },
  ): PagerDutyProvider | undefined {
    const pd = config.getOptionalConfig('ops.pagerduty');
    if (!pd) return undefined;
    const requestTimeoutMs = pd.getOptionalNumber('requestTimeoutMs') ?? 10_000;
    let auth: PagerDutyAuth;
    const token = pd.getOptionalString('token');
    const oauth = pd.getOptionalConfig('oauth');
    if (token) {
      auth = new TokenAuth(token);
    } else if (oauth) {
      const region = oauth.getOptionalString('region') ?? 'us';
      const subdomain = oauth.getString('subdomain');
      const scopes = oauth.getOptionalStringArray('scopes') ?? [
        'services.read',
        'escalation_policies.read',
        'schedules.read',
        'oncalls.read',
        'incidents.read',
        'users.read',
      ];
      auth = new OAuthClientCredentials({
        clientId: oauth.getString('clientId'),
        clientSecret: oauth.getString('clientSecret'),
        tokenUrl:
          oauth.getOptionalString('tokenUrl') ??
          'https://identity.pagerduty.com/oauth/token',
        scope: [`as_account-${region}.${subdomain}`, ...scopes].join(' '),
        requestTimeoutMs,
        telemetry: options.telemetry,
      });
    } else {
      return undefined;
    }
    const rateLimit =
      pd.getOptionalNumber('rateLimitPerMinute') ??
      DEFAULT_RATE_LIMIT_PER_MINUTE;
    const share = pd.getOptionalNumber('refreshShare') ?? DEFAULT_REFRESH_SHARE;
    if (!(rateLimit > 0)) {
      throw new Error('ops.pagerduty.rateLimitPerMinute must be positive');
    }
    if (!(share > 0 && share <= 1)) {
      throw new Error(
        'ops.pagerduty.refreshShare must be a fraction above 0 and at most 1 (0.1 is 10 %)',
      );
    }
    const maxAttempts = pd.getOptionalNumber('maxAttempts') ?? 4;
    const retryBaseDelayMs = pd.getOptionalNumber('retryBaseDelayMs') ?? 500;
    const maxRetryDelayMs = pd.getOptionalNumber('maxRetryDelayMs') ?? 30_000;
    const client = new PagerDutyClient({
      baseUrl:
        pd.getOptionalString('apiBaseUrl') ?? 'https://api.pagerduty.com',
      auth,
      requestTimeoutMs,
      maxAttempts,
      baseDelayMs: retryBaseDelayMs,
      maxDelayMs: maxRetryDelayMs,
      logger: options.logger,
      budget: RequestBudget.perMinuteAtMost(rateLimit * share),
      telemetry: options.telemetry,
    });
    return new PagerDutyProvider({
      client,
      logger: options.logger,
      concurrency: pd.getOptionalNumber('concurrency') ?? 4,
      listThreshold: 10,
      eventsBaseUrl:
        pd.getOptionalString('eventsBaseUrl') ?? 'https://events.pagerduty.com',
      requestTimeoutMs,
      maxAttempts,
      retryBaseDelayMs,
      maxRetryDelayMs,
      telemetry: options.telemetry,
    });
  }

  constructor(private readonly options: PagerDutyProviderOptions) {}

  stats(): UpstreamStats {
    return this.options.client.stats();
  }

  async getServices(
    ids: string[],
    options: UpstreamCallOptions = {},
  ): Promise<OnCallService[]> {
    const found = await this.byIds<WireService>(ids, {
      one: id => `/services/${encodeURIComponent(id)}`,
      oneKey: 'service',
      all: '/services',
      allKey: 'services',
      call: options,
    });
    return found.map(s => ({
      id: s.id,
      name: s.name ?? s.summary ?? s.id,
      htmlUrl: s.html_url,
      status: s.status,
      escalationPolicyId: s.escalation_policy?.id,
    }));
  }

  async getEscalationPolicies(
    ids: string[],
    options: UpstreamCallOptions = {},
  ): Promise<EscalationPolicy[]> {
    const found = await this.byIds<WirePolicy>(ids, {
      one: id => `/escalation_policies/${encodeURIComponent(id)}`,
      oneKey: 'escalation_policy',
      all: '/escalation_policies',
      allKey: 'escalation_policies',
      call: options,
    });
    return found.map(p => ({
      id: p.id,
      name: p.name ?? p.summary ?? p.id,
      htmlUrl: p.html_url,
      loops: p.num_loops,
      levels: (p.escalation_rules ?? []).map((rule, index) => ({
        level: index + 1,
        delayMinutes: rule.escalation_delay_in_minutes,
        targets: rule.targets.map(t => ({
          type: t.type?.startsWith('user') ? 'user' : 'schedule',
          id: t.id,
          name: t.summary ?? t.id,
          htmlUrl: t.html_url,
        })),
      })),
    }));
  }

  async listOnCalls(query: OnCallQuery): Promise<OnCallShift[]> {
    const policyIds = query.escalationPolicyIds ?? [];
    const scheduleIds = query.scheduleIds ?? [];
    const batches: Record<string, string[]>[] = [];
    for (const ids of chunks(policyIds, IDS_PER_REQUEST)) {
      batches.push({ 'escalation_policy_ids[]': ids });
    }
    for (const ids of chunks(scheduleIds, IDS_PER_REQUEST)) {
      batches.push({ 'schedule_ids[]': ids });
    }
    const shifts: OnCallShift[] = [];
    const seen = new Set<string>();
    for (const batch of batches) {
      const rows = await this.options.client.list<WireOnCall>(
        '/oncalls',
        'oncalls',
        {
          ...batch,
          'include[]': ['users'],
          since: query.since?.toISOString(),
          until: query.until?.toISOString(),
          time_zone: 'UTC',
        },
        { signal: query.signal, priority: query.priority },
      );
      for (const row of rows) {
        const shift: OnCallShift = {
          escalationPolicyId: row.escalation_policy.id,
          level: row.escalation_level,
          user: this.user(row.user),
          scheduleId: row.schedule?.id,
          scheduleName: row.schedule?.summary,
          start: row.start ? utc(row.start) : undefined,
          end: row.end ? utc(row.end) : undefined,
        };
        // A policy found through two batches is reported once.
        const key = `${shift.escalationPolicyId}|${shift.level}|${shift.user.id}|${shift.scheduleId}|${shift.start}`;
        if (seen.has(key)) continue;
        seen.add(key);
        shifts.push(shift);
      }
    }
    return shifts;
  }

  async getSchedules(
    ids: string[],
    range: { since: Date; until: Date } & UpstreamCallOptions,
  ): Promise<ScheduleRendering[]> {
    const results = await this.each(ids, async id => {
      try {
        const { schedule } = await this.options.client.get<{
          schedule: WireSchedule;
        }>(
          `/schedules/${encodeURIComponent(id)}`,
          {
            since: range.since.toISOString(),
            until: range.until.toISOString(),
            time_zone: 'UTC',
          },
          { signal: range.signal, priority: range.priority },
        );
        const entries = (e?: WireEntry[]): ScheduleEntry[] =>
          (e ?? [])
            .filter(x => x.user)
            .map(x => ({
              user: this.user(x.user!),
              start: utc(x.start),
              end: utc(x.end),
            }));
        return {
          id: schedule.id,
          name: schedule.name ?? schedule.summary ?? id,
          htmlUrl: schedule.html_url,
          timeZone: schedule.time_zone,
          source: 'v2' as const,
          entries: entries(schedule.final_schedule?.rendered_schedule_entries),
          overrides: entries(
            schedule.overrides_subschedule?.rendered_schedule_entries,
          ),
        };
      } catch (error) {
        if (error instanceof PagerDutyError && error.status === 404) {
          return this.scheduleV3(id, range);
        }
        throw error;
      }
    });
    return results.filter((r): r is ScheduleRendering => r !== undefined);
  }

  async listIncidents(query: IncidentQuery): Promise<UpstreamIncident[]> {
    const incidents: UpstreamIncident[] = [];
    const seen = new Set<string>();
    for (const ids of chunks(query.serviceIds, IDS_PER_REQUEST)) {
      const rows = await this.options.client.list<WireIncident>(
        '/incidents',
        'incidents',
        {
          'service_ids[]': ids,
          'statuses[]': query.statuses,
          since: query.since.toISOString(),
          until: query.until.toISOString(),
          time_zone: 'UTC',
          sort_by: 'created_at:desc',
        },
        { signal: query.signal, priority: query.priority },
      );
      for (const row of rows) {
        if (seen.has(row.id)) continue;
        seen.add(row.id);
        incidents.push(this.incident(row));
      }
    }
    return incidents;
  }

  async getFirstAcknowledgements(
    incidentIds: string[],
    options: UpstreamCallOptions = {},
  ): Promise<Map<string, string | null>> {
    const result = new Map<string, string | null>();
    await this.each(incidentIds, async id => {
      try {
        const entries = await this.options.client.list<{
          type: string;
          created_at: string;
        }>(
          `/incidents/${encodeURIComponent(id)}/log_entries`,
          'log_entries',
          { is_overview: true, time_zone: 'UTC' },
          { signal: options.signal, priority: options.priority },
        );
        const acks = entries
          .filter(e => e.type === 'acknowledge_log_entry')
          .map(e => Date.parse(e.created_at))
          .sort((a, b) => a - b);
        result.set(id, acks.length ? new Date(acks[0]).toISOString() : null);
      } catch (error) {
        if (error instanceof PagerDutyError && error.status === 404) return;
        throw error;
      }
    });
    return result;
  }

  /**
   * Pages sent to people: the `notify_log_entry` entries of the account's
   * log (`GET /log_entries`, a week at a time, every page, with the
   * incidents included so that each entry's service is known), kept for
   * the asked services, oldest first.
   */
  async listNotifications(
    query: NotificationQuery,
  ): Promise<UpstreamNotification[]> {
    const wanted = new Set(query.serviceIds);
    if (wanted.size === 0) return [];
    const since = query.since.getTime();
    const until = query.until.getTime();
    const found = new Map<string, UpstreamNotification>();
    for (let from = since; from < until; from += LOG_SLICE_MS) {
      const to = Math.min(from + LOG_SLICE_MS, until);
      const rows = await this.options.client.list<WireLogEntry>(
        '/log_entries',
        'log_entries',
        {
          since: new Date(from).toISOString(),
          until: new Date(to).toISOString(),
          time_zone: 'UTC',
          is_overview: false,
          'include[]': ['incidents'],
        },
        { signal: query.signal, priority: query.priority },
      );
      for (const row of rows) {
        if (row.type !== 'notify_log_entry' || found.has(row.id)) continue;
        const serviceId = row.service?.id ?? row.incident?.service?.id;
        const person = row.user ?? row.channel?.user;
        if (!serviceId || !wanted.has(serviceId) || !row.incident || !person) {
          continue;
        }
        const at = Date.parse(row.created_at);
        // The bounds are PagerDuty's to apply; an entry outside them is not ours.
        if (!(at >= since && at < until)) continue;
        found.set(row.id, {
          id: row.id,
          incidentId: row.incident.id,
          serviceId,
          at: new Date(at).toISOString(),
          user: this.user(person),
          channel: row.channel?.type?.replace(/_notification$/, ''),
        });
      }
    }
    return [...found.values()].sort(
      (a, b) => Date.parse(a.at) - Date.parse(b.at) || a.id.localeCompare(b.id),
    );
  }

  // --- maintenance windows -------------------------------------------------

  /**
   * `POST /maintenance_windows` as the `From` user (who must be a user of
   * the account). Not retried after a 5xx or a timeout: the window may have
   * been opened, and a second one would be opened beside it.
   */
  async createMaintenanceWindow(window: {
    serviceIds: string[];
    start: Date;
    end: Date;
    description: string;
    fromEmail: string;
  }): Promise<UpstreamMaintenanceWindow> {
    const serviceIds = [...new Set(window.serviceIds)];
    if (serviceIds.length === 0) {
      throw new InputError('A maintenance window needs at least one service');
    }
    if (!(window.end.getTime() > window.start.getTime())) {
      throw new InputError('A maintenance window must end after it starts');
    }
    const from = await this.accountUser(window.fromEmail);
    const { maintenance_window: created } = await this.options.client.post<{
      maintenance_window: WireMaintenanceWindow;
    }>(
      '/maintenance_windows',
      {
        maintenance_window: {
          type: 'maintenance_window',
          start_time: window.start.toISOString(),
          end_time: window.end.toISOString(),
          description: window.description,
          services: serviceIds.map(id => ({ id, type: 'service_reference' })),
        },
      },
      { from: from.email },
    );
    return this.maintenanceWindow(created);
  }

  /**
   * `DELETE /maintenance_windows/{id}`: PagerDuty ends a running window
   * and deletes a future one. A window it does not know (404) or one that
   * already ended (405) is done already.
   */
  async endMaintenanceWindow(
    id: string,
    options: { fromEmail: string },
  ): Promise<void> {
    const from = await this.accountUser(options.fromEmail);
    try {
      await this.options.client.delete(
        `/maintenance_windows/${encodeURIComponent(id)}`,
        { from: from.email },
      );
    } catch (error) {
      if (
        error instanceof PagerDutyError &&
        (error.status === 404 || error.status === 405)
      ) {
        return;
      }
      throw error;
    }
  }

  /**
   * Windows of these services overlapping [since, until): `GET
   * /maintenance_windows?filter=all` (the list has no time range), 100
   * service ids a request, every page.
   */
  async listMaintenanceWindows(
    query: NotificationQuery,
  ): Promise<UpstreamMaintenanceWindow[]> {
    const since = query.since.getTime();
    const until = query.until.getTime();
    const found = new Map<string, UpstreamMaintenanceWindow>();
    for (const ids of chunks([...new Set(query.serviceIds)], IDS_PER_REQUEST)) {
      const rows = await this.options.client.list<WireMaintenanceWindow>(
        '/maintenance_windows',
        'maintenance_windows',
        { 'service_ids[]': ids, filter: 'all' },
        { signal: query.signal, priority: query.priority },
      );
      for (const row of rows) {
        const start = Date.parse(row.start_time);
        const end = Date.parse(row.end_time);
        if (!(start < until && end > since) || found.has(row.id)) continue;
        found.set(row.id, this.maintenanceWindow(row));
      }
    }
    return [...found.values()].sort(
      (a, b) => Date.parse(a.start) - Date.parse(b.start),
    );
  }

  async triggerIncident(
    trigger: IncidentTrigger,
  ): Promise<{ dedupKey: string }> {
    const response = await this.eventsFetch('/v2/enqueue', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        routing_key: trigger.routingKey,
        event_action: 'trigger',
        dedup_key: trigger.dedupKey,
        payload: {
          summary: trigger.summary,
          source: trigger.source,
          severity: trigger.severity,
          custom_details: { triggered_by: trigger.triggeredBy },
        },
        client: 'Ops portal',
      }),
      signal: AbortSignal.timeout(this.options.requestTimeoutMs),
    });
    const body = await response.json().catch(() => undefined);
    if (response.status !== 202 || typeof body?.dedup_key !== 'string') {
      throw new PagerDutyError(
        `PagerDuty did not accept the event (${response.status}${
          body?.message ? `: ${body.message}` : ''
        })`,
        response.status,
        'v2/enqueue',
      );
    }
    return { dedupKey: body.dedup_key };
  }

  // --- incident response ---------------------------------------------------

  async getIncident(
    id: string,
    options: UpstreamCallOptions = {},
  ): Promise<UpstreamIncident | undefined> {
    const wire = await this.wireIncident(id, options);
    return wire ? this.incident(wire) : undefined;
  }

  /**
   * The whole log (`is_overview=false`), oldest first, with the incident's
   * responder requests added as `responder-request` entries: PagerDuty's
   * published log entry types have none for them.
   */
  async listLogEntries(
    incidentId: string,
    options: UpstreamCallOptions = {},
  ): Promise<UpstreamLogEntry[]> {
    const path = `/incidents/${encodeURIComponent(incidentId)}`;
    let rows: WireLogEntry[];
    let incident: WireIncident | undefined;
    try {
      [rows, incident] = await Promise.all([
        this.options.client.list<WireLogEntry>(
          `${path}/log_entries`,
          'log_entries',
          { is_overview: false, time_zone: 'UTC' },
          { signal: options.signal, priority: options.priority },
        ),
        this.wireIncident(incidentId, options),
      ]);
    } catch (error) {
      if (error instanceof PagerDutyError && error.status === 404) return [];
      throw error;
    }
    const entries = rows.map(row => this.logEntry(row));
    const logged = new Set(
      entries.filter(e => e.kind === 'responder-request').map(e => e.at),
    );
    (incident?.responder_requests ?? []).forEach((request, index) => {
      if (!request.requested_at) return;
      const at = utc(request.requested_at);
      if (logged.has(at)) return;
      const targets = (request.responder_request_targets ?? [])
        .map(t => t.responder_request_target?.summary)
        .filter(Boolean);
      entries.push({
        id: request.id ?? `${incidentId}-responder-request-${index + 1}`,
        kind: 'responder-request',
        type: 'responder_request',
        at,
        summary: targets.length
          ? `Responders requested: ${targets.join(', ')}`
          : 'Responders requested',
        detail: request.message || undefined,
        agent: request.requester ? this.actor(request.requester) : undefined,
      });
    });
    return entries.sort(
      (a, b) => Date.parse(a.at) - Date.parse(b.at) || a.id.localeCompare(b.id),
    );
  }

  async listNotes(
    incidentId: string,
    options: UpstreamCallOptions = {},
  ): Promise<UpstreamIncidentNote[]> {
    try {
      // The notes endpoint takes no paging parameters: one answer holds all.
      const { notes } = await this.options.client.get<{ notes: WireNote[] }>(
        `/incidents/${encodeURIComponent(incidentId)}/notes`,
        {},
        { signal: options.signal, priority: options.priority },
      );
      return notes
        .map(n => this.note(n))
        .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    } catch (error) {
      if (error instanceof PagerDutyError && error.status === 404) return [];
      throw error;
    }
  }

  /** PagerDuty's related change events (it takes `limit` only, no offset), newest first. */
  async listRelatedChangeEvents(
    incidentId: string,
    options: UpstreamCallOptions = {},
  ): Promise<UpstreamChangeEvent[]> {
    try {
      const { change_events: events } = await this.options.client.get<{
        change_events: WireChangeEvent[];
      }>(
        `/incidents/${encodeURIComponent(incidentId)}/related_change_events`,
        { limit: 100 },
        { signal: options.signal, priority: options.priority },
      );
      return (events ?? [])
        .map(e => ({
          id: e.id,
          summary: e.summary,
          at: utc(e.timestamp),
          serviceIds: (e.services ?? []).map(x => x.id),
          htmlUrl: e.links?.[0]?.href,
        }))
        .sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
    } catch (error) {
      if (error instanceof PagerDutyError && error.status === 404) return [];
      throw error;
    }
  }

  async addNote(
    incidentId: string,
    note: { content: string; fromEmail: string },
  ): Promise<UpstreamIncidentNote> {
    const from = await this.accountUser(note.fromEmail);
    const { note: created } = await this.options.client.post<{
      note: WireNote;
    }>(
      `/incidents/${encodeURIComponent(incidentId)}/notes`,
      { note: { content: note.content } },
      { from: from.email },
    );
    return this.note(created);
  }

  async postStatusUpdate(
    incidentId: string,
    update: { message: string; fromEmail: string },
  ): Promise<UpstreamStatusUpdate> {
    const from = await this.accountUser(update.fromEmail);
    const { status_update: created } = await this.options.client.post<{
      status_update: WireStatusUpdate;
    }>(
      `/incidents/${encodeURIComponent(incidentId)}/status_updates`,
      { message: update.message },
      { from: from.email },
    );
    return {
      id: created.id,
      message: created.message,
      at: utc(created.created_at),
      sender: created.sender ? this.actor(created.sender) : undefined,
    };
  }

  /**
   * Every email is resolved before anything is sent, so that one unknown
   * person refuses the whole request instead of half of it going out.
   */
  async requestResponders(
    incidentId: string,
    request: { fromEmail: string; responderEmails: string[]; message: string },
  ): Promise<void> {
    const requester = await this.accountUser(request.fromEmail);
    const responders = await this.each(
      [...new Set(request.responderEmails.map(e => e.trim().toLowerCase()))],
      email => this.accountUser(email),
    );
    if (responders.length === 0) {
      throw new InputError('A responder request needs at least one responder');
    }
    await this.options.client.post(
      `/incidents/${encodeURIComponent(incidentId)}/responder_requests`,
      {
        requester_id: requester.id,
        message: request.message,
        responder_request_targets: responders.map(r => ({
          responder_request_target: { id: r.id, type: 'user_reference' },
        })),
      },
      // Not in the published operation, but PagerDuty's writes take it.
      { from: requester.email },
    );
  }

  /**
   * A change event (`/v2/change/enqueue`). A 429 or 5xx is retried with
   * backoff up to `maxAttempts`: a change event only informs, so one shown
   * twice costs less than one lost; a 400 is the caller's to fix.
   */
  async sendChangeEvent(event: ChangeEventInput): Promise<void> {
    const customDetails = event.customDetails ?? {};
    const body = {
      routing_key: event.routingKey,
      payload: {
        summary: event.summary.slice(0, 1024),
        timestamp: event.timestamp.toISOString(),
        source: event.source,
        ...(Object.keys(customDetails).length
          ? { custom_details: customDetails }
          : {}),
      },
      ...(event.links?.length
        ? {
            links: event.links.map(l =>
              l.text ? { href: l.href, text: l.text } : { href: l.href },
            ),
          }
        : {}),
    };
    await this.enqueue('/v2/change/enqueue', body);
  }

  /** One Events API request, counted (`opsportal.upstream.requests`). */
  private async eventsFetch(path: string, init: RequestInit) {
    const operation = `POST ${path}`;
    const telemetry = this.options.telemetry;
    try {
      const response = await fetch(
        `${this.options.eventsBaseUrl.replace(/\/+$/, '')}${path}`,
        init,
      );
      telemetry?.request(operation, { status: response.status });
      return response;
    } catch (error) {
      telemetry?.request(operation, {
        failure:
          (error as Error)?.name === 'TimeoutError' ? 'timeout' : 'unreachable',
      });
      throw error;
    }
  }

  /** POST to the Events API v2 (no REST credentials: the routing key is the credential). */
  private async enqueue(
    path: string,
    body: unknown,
  ): Promise<{ dedup_key?: string }> {
    const attempts = Math.max(1, this.options.maxAttempts ?? 3);
    let last = new PagerDutyError(
      `PagerDuty's Events API was not asked for ${path}`,
      0,
      path,
    );
    for (let attempt = 1; attempt <= attempts; attempt++) {
      let status = 0;
      let answer: any;
      try {
        const response = await this.eventsFetch(path, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(this.options.requestTimeoutMs),
        });
        status = response.status;
        answer = await response.json().catch(() => undefined);
      } catch (error) {
        last = new PagerDutyError(
          `PagerDuty's Events API could not be reached for ${path}: ${
            (error as Error).message
          }`,
          0,
          path,
        );
      }
      if (status === 202) return answer ?? {};
      if (status !== 0) {
        const said = [answer?.message, ...(answer?.errors ?? [])]
          .filter(Boolean)
          .join(': ');
        last = new PagerDutyError(
          `PagerDuty did not accept the event at ${path} (${status}${
            said ? `: ${said}` : ''
          })`,
          status,
          path,
        );
        if (status !== 429 && status < 500) throw last;
      }
      if (attempt < attempts) {
        await systemBudgetClock.sleep(
          Math.min(
            (this.options.retryBaseDelayMs ?? 500) * 2 ** (attempt - 1),
            this.options.maxRetryDelayMs ?? 30_000,
          ),
        );
      }
    }
    throw last;
  }

  /**
   * The account's user with this email (PagerDuty's `GET /users?query=`
   * matches names and emails; the exact email is picked). Unknown emails
   * are refused with an `InputError` naming them.
   */
  private async accountUser(email: string): Promise<OnCallUser> {
    const key = email.trim().toLowerCase();
    const cached = this.usersByEmail.get(key);
    if (cached && cached.until > Date.now()) return cached.user;
    const rows = await this.options.client.list<WireUser>(
      '/users',
      'users',
      { query: key },
      { priority: 'interactive', stop: items => items.some(matches) },
    );
    function matches(u: WireUser) {
      return u.email?.toLowerCase() === key;
    }
    const found = rows.find(matches);
    if (!found) {
      throw new InputError(
        `${email} is not the email of a user of the PagerDuty account`,
      );
    }
    const user = this.user(found);
    if (this.usersByEmail.size >= USER_CACHE_SIZE) {
      this.usersByEmail.delete(this.usersByEmail.keys().next().value!);
    }
    this.usersByEmail.set(key, { user, until: Date.now() + USER_CACHE_MS });
    return user;
  }

  private async wireIncident(
    id: string,
    options: UpstreamCallOptions,
  ): Promise<WireIncident | undefined> {
    try {
      const { incident } = await this.options.client.get<{
        incident: WireIncident;
      }>(
        `/incidents/${encodeURIComponent(id)}`,
        {},
        { signal: options.signal, priority: options.priority },
      );
      return incident;
    } catch (error) {
      if (error instanceof PagerDutyError && error.status === 404) {
        return undefined;
      }
      throw error;
    }
  }

  private logEntry(row: WireLogEntry): UpstreamLogEntry {
    const kind = LOG_ENTRY_KINDS[row.type] ?? 'other';
    // A note's text is the annotate entry's channel summary.
    const detail =
      kind === 'annotate' || kind === 'status-update'
        ? row.channel?.summary ?? row.note
        : row.note;
    return {
      id: row.id,
      kind,
      type: row.type,
      at: utc(row.created_at),
      summary: row.summary ?? row.type.replace(/_log_entry$/, ''),
      detail: detail || undefined,
      agent: row.agent ? this.actor(row.agent) : undefined,
    };
  }

  private maintenanceWindow(
    w: WireMaintenanceWindow,
  ): UpstreamMaintenanceWindow {
    return {
      id: w.id,
      start: utc(w.start_time),
      end: utc(w.end_time),
      description: w.description ?? undefined,
      serviceIds: (w.services ?? []).map(x => x.id),
      htmlUrl: w.html_url,
    };
  }

  private note(n: WireNote): UpstreamIncidentNote {
    return {
      id: n.id,
      content: n.content,
      at: utc(n.created_at),
      user: n.user ? this.actor(n.user) : undefined,
    };
  }

  private actor(r: WireUser): UpstreamActor {
    return {
      id: r.id,
      name: r.name ?? r.summary ?? r.id,
      email: r.email,
    };
  }

  /** A v3 (shift-based) schedule: its final schedule, people looked up by id. */
  private async scheduleV3(
    id: string,
    range: { since: Date; until: Date } & UpstreamCallOptions,
  ): Promise<ScheduleRendering | undefined> {
    let schedule: WireScheduleV3;
    try {
      ({ schedule } = await this.options.client.get<{
        schedule: WireScheduleV3;
      }>(
        `/v3/schedules/${encodeURIComponent(id)}`,
        {
          since: range.since.toISOString(),
          until: range.until.toISOString(),
          'include[]': ['final_schedule'],
        },
        { signal: range.signal, priority: range.priority },
      ));
    } catch (error) {
      if (error instanceof PagerDutyError && error.status === 404) {
        return undefined;
      }
      throw error;
    }
    const assignments = (
      schedule.final_schedule?.computed_shift_assignments ?? []
    ).filter(a => a.member.type === 'user_member' && a.member.user_id);
    const userIds = [...new Set(assignments.map(a => a.member.user_id!))];
    const users = new Map<string, OnCallUser>();
    await this.each(userIds, async userId => {
      try {
        const { user } = await this.options.client.get<{ user: WireUser }>(
          `/users/${encodeURIComponent(userId)}`,
          {},
          { signal: range.signal, priority: range.priority },
        );
        users.set(userId, this.user(user));
      } catch (error) {
        if (!(error instanceof PagerDutyError && error.status === 404)) {
          throw error;
        }
      }
    });
    const entry = (a: (typeof assignments)[number]): ScheduleEntry => ({
      user: users.get(a.member.user_id!) ?? {
        id: a.member.user_id!,
        name: a.member.user_id!,
      },
      start: utc(a.start_time),
      end: utc(a.end_time),
    });
    return {
      id: schedule.id,
      name: schedule.name,
      htmlUrl: schedule.html_url,
      timeZone: schedule.time_zone,
      source: 'v3',
      entries: assignments.map(entry),
      overrides: assignments
        .filter(a => a.source?.type.endsWith('_override'))
        .map(entry),
    };
  }

  private user(u: WireUser): OnCallUser {
    return {
      id: u.id,
      name: u.name ?? u.summary ?? u.id,
      email: u.email,
      htmlUrl: u.html_url,
    };
  }

  private incident(row: WireIncident): UpstreamIncident {
    const acks = (row.acknowledgements ?? [])
      .map(a => Date.parse(a.at))
      .filter(t => !Number.isNaN(t))
      .sort((a, b) => a - b);
    return {
      id: row.id,
      number: row.incident_number,
      title: row.title ?? row.summary ?? row.id,
      status: row.status,
      urgency: row.urgency,
      priority: row.priority?.name ?? row.priority?.summary ?? undefined,
      serviceId: row.service.id,
      serviceName: row.service.summary,
      escalationPolicyId: row.escalation_policy?.id,
      createdAt: utc(row.created_at),
      acknowledgedAt: acks.length ? new Date(acks[0]).toISOString() : undefined,
      resolvedAt:
        row.status === 'resolved'
          ? utc(row.resolved_at ?? row.last_status_change_at ?? row.created_at)
          : undefined,
      htmlUrl: row.html_url,
      assignees: (row.assignments ?? []).map(a => this.user(a.assignee)),
      alertCount:
        typeof row.alert_counts?.all === 'number'
          ? row.alert_counts.all
          : undefined,
    };
  }

  /**
   * Resources PagerDuty cannot filter by many ids: a few are read one by one
   * (unknown ids skipped), many by walking the list until all are found.
   */
  private async byIds<T extends Ref>(
    ids: string[],
    how: {
      one: (id: string) => string;
      oneKey: string;
      all: string;
      allKey: string;
      call: UpstreamCallOptions;
    },
  ): Promise<T[]> {
    const wanted = [...new Set(ids)];
    if (wanted.length === 0) return [];
    if (wanted.length <= this.options.listThreshold) {
      // When one read fails the call fails: the others are cancelled, so
      // that their retries do not go on spending the budget for nothing.
      const siblings = new AbortController();
      const signal = how.call.signal
        ? AbortSignal.any([how.call.signal, siblings.signal])
        : siblings.signal;
      try {
        const found = await this.each(wanted, async id => {
          try {
            const body = await this.options.client.get<Record<string, T>>(
              how.one(id),
              {},
              { ...how.call, signal },
            );
            return body[how.oneKey];
          } catch (error) {
            if (error instanceof PagerDutyError && error.status === 404) {
              return undefined;
            }
            throw error;
          }
        });
        return found.filter((x): x is Awaited<T> => x !== undefined);
      } catch (error) {
        siblings.abort();
        throw error;
      }
    }
    const want = new Set(wanted);
    const all = await this.options.client.list<T>(
      how.all,
      how.allKey,
      {},
      {
        ...how.call,
        stop: items => items.filter(i => want.has(i.id)).length >= want.size,
      },
    );
    return all.filter(item => want.has(item.id));
  }

  /** Runs `fn` over `items` with at most `concurrency` requests in flight. */
  private each<T, R>(items: T[], fn: (item: T) => Promise<R>): Promise<R[]> {
    return mapWithConcurrency(items, this.options.concurrency, fn);
  }
}
