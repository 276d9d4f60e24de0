/**
 * On-call and incident providers: what a paging tool (PagerDuty, or another
 * backend module) answers to the ops backend. Times are ISO 8601 strings in
 * UTC so that the answers can be stored and compared as they are.
 */

/** A person who can be on call. @public */
export interface OnCallUser {
  id: string;
  name: string;
  email?: string;
  /** The person's page in the paging tool. */
  htmlUrl?: string;
}

/** A paging-tool service (what incidents are raised on). @public */
export interface OnCallService {
  id: string;
  name: string;
  htmlUrl?: string;
  /** `active`, `warning`, `critical`, `maintenance` or `disabled`. */
  status?: string;
  /** The escalation policy that pages for this service. */
  escalationPolicyId?: string;
}

/** Who an escalation level pages: a schedule (whoever is on it) or a person. @public */
export interface EscalationTarget {
  type: 'schedule' | 'user';
  id: string;
  name: string;
  htmlUrl?: string;
}

/** One level (rule) of an escalation policy. @public */
export interface EscalationLevel {
  /** 1 for the first level. */
  level: number;
  /** Minutes before an unacknowledged incident escalates past this level. */
  delayMinutes: number;
  targets: EscalationTarget[];
}

/** An escalation policy with all its levels, in order. @public */
export interface EscalationPolicy {
  id: string;
  name: string;
  htmlUrl?: string;
  levels: EscalationLevel[];
  /** How many times the policy repeats when nobody acknowledges. */
  loops?: number;
}

/** One on-call shift: who is on call for a level of a policy, from when to when. @public */
export interface OnCallShift {
  escalationPolicyId: string;
  level: number;
  user: OnCallUser;
  /** The schedule the shift comes from; absent for a person targeted directly. */
  scheduleId?: string;
  scheduleName?: string;
  /** Absent for permanent on-call (a person targeted directly). */
  start?: string;
  end?: string;
}

/** A stretch of a schedule (final rendering or an override). @public */
export interface ScheduleEntry {
  user: OnCallUser;
  start: string;
  end: string;
}

/** A schedule rendered over a range: who is on call when, and the overrides. @public */
export interface ScheduleRendering {
  id: string;
  name: string;
  htmlUrl?: string;
  timeZone?: string;
  /**
   * `v2` when the REST v2 schedule was rendered; `v3` when the account uses
   * shift-based (v3) schedules and the rotation was read from on-calls instead.
   */
  source: 'v2' | 'v3';
  /** The final schedule (overrides applied), in time order. */
  entries: ScheduleEntry[];
  /** Overrides that fall in the range. */
  overrides: ScheduleEntry[];
}

/**
 * Who waits for an upstream call: `background` (a scheduled refresh, the
 * default) may wait for the provider's request budget and retry;
 * `interactive` (a page view without data) goes out at once and is tried
 * once, as the caller remembers a failure instead of retrying it.
 * @public
 */
export type UpstreamPriority = 'background' | 'interactive';

/** Options of a provider call. @public */
export interface UpstreamCallOptions {
  /** Cancels the call (and any wait for the budget). */
  signal?: AbortSignal;
  /** Default `background`. */
  priority?: UpstreamPriority;
}

/** Query of {@link OnCallProvider.listOnCalls}. @public */
export interface OnCallQuery extends UpstreamCallOptions {
  escalationPolicyIds?: string[];
  scheduleIds?: string[];
  /** Default: now (the current on-calls). */
  since?: Date;
  until?: Date;
}

/** Request counters of a provider, for benchmarks and logs. @public */
export interface UpstreamStats {
  requests: number;
  retries: number;
  throttled: number;
}

/**
 * Source of on-call data. Implementations ask for many ids per upstream
 * request where the upstream allows it, follow paging, and honour its rate
 * limits with bounded retries. Ids the upstream does not know are left out
 * of the answers (the caller reports them), other failures are thrown.
 * @public
 */
export interface OnCallProvider {
  readonly id: string;
  getServices(
    ids: string[],
    options?: UpstreamCallOptions,
  ): Promise<OnCallService[]>;
  getEscalationPolicies(
    ids: string[],
    options?: UpstreamCallOptions,
  ): Promise<EscalationPolicy[]>;
  listOnCalls(query: OnCallQuery): Promise<OnCallShift[]>;
  getSchedules(
    ids: string[],
    range: { since: Date; until: Date } & UpstreamCallOptions,
  ): Promise<ScheduleRendering[]>;
  /** Counters since start, if the provider keeps them. */
  stats?(): UpstreamStats;
}

/** Status of an incident. @public */
export type IncidentStatus = 'triggered' | 'acknowledged' | 'resolved';

/** An incident as the paging tool reports it. @public */
export interface UpstreamIncident {
  id: string;
  number?: number;
  title: string;
  status: IncidentStatus;
  urgency?: 'high' | 'low';
  /** The paging tool's priority name (`P1`, `SEV-2`, ...), if set. */
  priority?: string;
  serviceId: string;
  serviceName?: string;
  escalationPolicyId?: string;
  createdAt: string;
  /** First acknowledgement, when known (see {@link IncidentProvider.getFirstAcknowledgements}). */
  acknowledgedAt?: string;
  resolvedAt?: string;
  htmlUrl?: string;
  /** People the incident is assigned to now. */
  assignees: OnCallUser[];
  /** How many alerts were grouped into the incident, when the upstream tells. */
  alertCount?: number;
}

/** Query of {@link IncidentProvider.listIncidents}. @public */
export interface IncidentQuery extends UpstreamCallOptions {
  serviceIds: string[];
  /** Incidents created in this range... */
  since: Date;
  until: Date;
  /** ...with these statuses (default: all). */
  statuses?: IncidentStatus[];
}

/** An incident to open from the portal. @public */
export interface IncidentTrigger {
  /** Integration (routing) key of the service's Events API v2 integration. */
  routingKey: string;
  summary: string;
  source: string;
  severity: 'critical' | 'error' | 'warning' | 'info';
  /** Who triggered it (entity ref of the user), recorded in the details. */
  triggeredBy: string;
  dedupKey?: string;
}

/**
 * Source of incidents. `acknowledgedAt` is filled where the list answer
 * already tells it (incidents acknowledged now); the first acknowledgement of
 * resolved incidents comes from {@link IncidentProvider.getFirstAcknowledgements},
 * which callers use once per incident and keep.
 * @public
 */
export interface IncidentProvider {
  readonly id: string;
  listIncidents(query: IncidentQuery): Promise<UpstreamIncident[]>;
  /** Time of each incident's first acknowledgement; `null` when it was never acknowledged. */
  getFirstAcknowledgements(
    incidentIds: string[],
    options?: UpstreamCallOptions,
  ): Promise<Map<string, string | null>>;
  /** Opens an incident (optional; off unless the provider is configured for it). */
  triggerIncident?(trigger: IncidentTrigger): Promise<{ dedupKey: string }>;
  /**
   * Notifications sent to people (pages) about incidents of these services
   * in a time range, oldest first: PagerDuty's `notify_log_entry` entries.
   */
  listNotifications?(query: NotificationQuery): Promise<UpstreamNotification[]>;
}

/** Query of {@link IncidentProvider.listNotifications}. @public */
export interface NotificationQuery extends UpstreamCallOptions {
  serviceIds: string[];
  since: Date;
  until: Date;
}

/** One notification (page) of a person about an incident. @public */
export interface UpstreamNotification {
  id: string;
  incidentId: string;
  serviceId: string;
  /** When it was sent (ISO 8601). */
  at: string;
  user: OnCallUser;
  /** `sms`, `phone`, `email`, `push`... as the upstream names it. */
  channel?: string;
}

/** A maintenance window on the paging tool (no incidents open while it runs). @public */
export interface UpstreamMaintenanceWindow {
  id: string;
  start: string;
  end: string;
  description?: string;
  serviceIds: string[];
  htmlUrl?: string;
}

/**
 * Maintenance windows on the paging tool: while one runs, the services it
 * names open no incidents. Writes name the portal's integration user by
 * email (PagerDuty's `From` header).
 * @public
 */
export interface MaintenanceWindowProvider {
  readonly id: string;
  createMaintenanceWindow(window: {
    serviceIds: string[];
    start: Date;
    end: Date;
    description: string;
    fromEmail: string;
  }): Promise<UpstreamMaintenanceWindow>;
  /**
   * Ends a window now (a running one) or removes it (a future one). A window
   * the upstream no longer knows, or that already ended, is not an error.
   */
  endMaintenanceWindow(
    id: string,
    options: { fromEmail: string },
  ): Promise<void>;
  /** Windows of these services that overlap [since, until). */
  listMaintenanceWindows(
    query: NotificationQuery,
  ): Promise<UpstreamMaintenanceWindow[]>;
}

/** Kinds of incident log entries the portal tells apart. @public */
export type UpstreamLogEntryKind =
  | 'trigger'
  | 'acknowledge'
  | 'escalate'
  | 'assign'
  | 'reassign'
  | 'annotate'
  | 'status-update'
  | 'responder-request'
  | 'resolve'
  | 'notify'
  | 'other';

/** Who did something upstream. @public */
export interface UpstreamActor {
  id?: string;
  name: string;
  email?: string;
}

/** One entry of an incident's log. @public */
export interface UpstreamLogEntry {
  id: string;
  kind: UpstreamLogEntryKind;
  /** The upstream's own type name (`acknowledge_log_entry`), for display. */
  type: string;
  at: string;
  /** One line (the upstream's summary). */
  summary: string;
  /** A note's or status update's text, when the entry carries one. */
  detail?: string;
  agent?: UpstreamActor;
}

/** A note on an incident. @public */
export interface UpstreamIncidentNote {
  id: string;
  content: string;
  at: string;
  user?: UpstreamActor;
}

/** A status update of an incident. @public */
export interface UpstreamStatusUpdate {
  id: string;
  message: string;
  at: string;
  sender?: UpstreamActor;
}

/** A change event the paging tool holds (a deploy, a config change). @public */
export interface UpstreamChangeEvent {
  id: string;
  summary: string;
  at: string;
  serviceIds: string[];
  htmlUrl?: string;
}

/** A change event to send (PagerDuty Events API v2 `/v2/change/enqueue`). @public */
export interface ChangeEventInput {
  /** Integration (routing) key of the service's Events API v2 integration. */
  routingKey: string;
  summary: string;
  source: string;
  /** When the change happened. */
  timestamp: Date;
  customDetails?: Record<string, string>;
  links?: Array<{ href: string; text?: string }>;
}

/**
 * Incident response on the paging tool: reading an incident with its log,
 * notes and related change events, and writing notes, status updates and
 * responder requests. Writes name the portal user by email (PagerDuty's
 * `From` header); the provider maps it to the account's user or refuses
 * with an `InputError` when the account has no such user.
 * @public
 */
export interface IncidentResponseProvider {
  /** The incident, or `undefined` when the upstream does not know it. */
  getIncident(
    id: string,
    options?: UpstreamCallOptions,
  ): Promise<UpstreamIncident | undefined>;
  /** The incident's log entries, oldest first. */
  listLogEntries(
    incidentId: string,
    options?: UpstreamCallOptions,
  ): Promise<UpstreamLogEntry[]>;
  listNotes(
    incidentId: string,
    options?: UpstreamCallOptions,
  ): Promise<UpstreamIncidentNote[]>;
  /** Change events the upstream relates to the incident, newest first. */
  listRelatedChangeEvents(
    incidentId: string,
    options?: UpstreamCallOptions,
  ): Promise<UpstreamChangeEvent[]>;
  addNote(
    incidentId: string,
    note: { content: string; fromEmail: string },
  ): Promise<UpstreamIncidentNote>;
  postStatusUpdate(
    incidentId: string,
    update: { message: string; fromEmail: string },
  ): Promise<UpstreamStatusUpdate>;
  /** Asks these people (by email) to join the incident. */
  requestResponders(
    incidentId: string,
    request: { fromEmail: string; responderEmails: string[]; message: string },
  ): Promise<void>;
  /** Sends a change event (start or completion of a change request). */
  sendChangeEvent(event: ChangeEventInput): Promise<void>;
}
