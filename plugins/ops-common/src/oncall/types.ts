import { AssessedIncident, IncidentSummary } from '../incidents';
import { Snapshot } from '../freshness';

/**
 * The on-call API of the ops backend (`/api/ops/oncall/...`,
 * `/api/ops/incidents/...`): what the cards, the team tab and the platform
 * page read. All times are ISO 8601.
 */

/** A person who is (or will be) on call. @public */
export interface OnCallPerson {
  id: string;
  name: string;
  email?: string;
  /** The person's page in PagerDuty. */
  htmlUrl?: string;
  /** The catalog User with the same email, if there is one. */
  userEntityRef?: string;
}

/** Someone on call for a level right now. @public */
export interface OnCallAssignment {
  person: OnCallPerson;
  /** The schedule that puts them there (absent when targeted directly). */
  schedule?: { id: string; name: string; htmlUrl?: string };
  /** Shift start and end; absent for permanent on-call. */
  start?: string;
  end?: string;
  /** True when the shift comes from a schedule override. */
  override: boolean;
  /** Who takes over at the end of the shift, and when. */
  next?: { person: OnCallPerson; start: string; override: boolean };
}

/** One escalation level with who it pages now. @public */
export interface OnCallLevel {
  level: number;
  /** `Primary`, `Secondary`, `Escalation`... */
  label: string;
  /** Minutes before escalating to the next level. */
  delayMinutes: number;
  /** What the level targets (schedules and people). */
  targets: { type: 'schedule' | 'user'; id: string; name: string }[];
  onCall: OnCallAssignment[];
}

/** An escalation policy with its levels, now. @public */
export interface OnCallPolicyView {
  id: string;
  name: string;
  htmlUrl?: string;
  levels: OnCallLevel[];
  /** Set when the policy could not be read (unknown id). */
  problem?: string;
}

/** A PagerDuty service of an entity with its escalation chain now. @public */
export interface OnCallServiceView {
  id: string;
  name: string;
  htmlUrl?: string;
  status?: string;
  escalationPolicy?: OnCallPolicyView;
  /** Set when the service could not be shown (unknown id, no policy). */
  problem?: string;
}

/** One shift of a rotation. @public */
export interface RotationShift {
  person: OnCallPerson;
  start: string;
  end: string;
  override: boolean;
}

/** A schedule's rotation over the coming weeks, handoffs and overrides included. @public */
export interface RotationView {
  id: string;
  name: string;
  htmlUrl?: string;
  timeZone?: string;
  /** `v3` when the account uses shift-based schedules (rotation read from on-calls). */
  source: 'v2' | 'v3';
  since: string;
  until: string;
  /** The final schedule, overrides applied, in time order. */
  shifts: RotationShift[];
  overrides: RotationShift[];
  problem?: string;
}

/** A service of a team, with who is first paged for it now. @public */
export interface TeamServiceView {
  /** The catalog entity the service belongs to. */
  entityRef: string;
  title?: string;
  serviceId: string;
  serviceName: string;
  htmlUrl?: string;
  /** Level 1 on-call now. */
  primary: OnCallPerson[];
}

/**
 * Everything on-call about one catalog entity: the PagerDuty services it
 * names with their escalation chains, escalation policies and rotations it
 * names directly (teams), and — for teams — the services they answer for.
 * @public
 */
export interface EntityOnCall {
  entityRef: string;
  serviceIds: string[];
  escalationPolicyIds: string[];
  scheduleIds: string[];
  services: OnCallServiceView[];
  escalationPolicies: OnCallPolicyView[];
  rotations: RotationView[];
  teamServices: TeamServiceView[];
}

/** Answer of `GET /oncall/entity`. @public */
export type EntityOnCallResponse = Snapshot<EntityOnCall>;

/** One line of the platform on-call page: an entity and who is on call for it. @public */
export interface PlatformOnCallRow {
  entityRef: string;
  kind: string;
  title: string;
  services: { id: string; name: string; htmlUrl?: string }[];
  levels: { level: number; label: string; people: OnCallPerson[] }[];
  fetchedAt?: string;
  stale: boolean;
  error?: string;
}

/** Answer of `GET /oncall/platform`. @public */
export interface PlatformOnCallResponse {
  rows: PlatformOnCallRow[];
}

/** Incidents of one entity: open ones and those of the window, assessed. @public */
export interface EntityIncidents {
  entityRef: string;
  serviceIds: string[];
  /** Newest first. */
  incidents: AssessedIncident[];
  summary: IncidentSummary;
  /** PagerDuty pages of the entity's services. */
  services: { id: string; name: string; htmlUrl?: string }[];
  /** Whether the user interface may offer to trigger an incident. */
  triggerEnabled: boolean;
}

/** Answer of `GET /incidents/entity`. @public */
export type EntityIncidentsResponse = Snapshot<EntityIncidents>;

/**
 * Label of an escalation level: `Primary`, `Secondary`, then `Escalation`
 * (numbered when there are several).
 * @public
 */
export function escalationLevelLabel(level: number, levels: number): string {
  if (level === 1) return 'Primary';
  if (level === 2 && levels > 1) return 'Secondary';
  return levels > 3 ? `Escalation ${level - 2}` : 'Escalation';
}
