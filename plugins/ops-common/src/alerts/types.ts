import { Freshness } from '../freshness';
import { Severity } from '../incidents/severity';

/**
 * Alert hygiene (docs/alerts.md): how noisy each CloudWatch alarm is, how
 * often PagerDuty pages people, whether each service has the alerts the
 * severity policy asks for, and the monthly alarm review.
 */

/** State of an alarm, as CloudWatch names it. @public */
export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** One state change of an alarm. @public */
export interface AlarmTransition {
  /** ISO 8601. */
  at: string;
  from?: AlarmStateValue;
  to: AlarmStateValue;
}

/** A period of maintenance (a PagerDuty maintenance window the portal or someone else opened). @public */
export interface MaintenancePeriod {
  /** ISO 8601. */
  start: string;
  end: string;
  /** Upstream service ids the window covers; empty means every service. */
  serviceIds: string[];
  /** The change request that opened it, when the portal did. */
  changeRequestId?: string;
}

/** Thresholds of the noise analysis (`ops.alerts.noise`, documented in docs/alerts.md). @public */
export interface NoiseThresholds {
  /** ALARM→OK round trips within one calendar day (UTC) that make the day flapping. Default 3. */
  flappingRoundTripsPerDay: number;
  /** Hours in ALARM after which an alarm is stuck. Default 24. */
  stuckAfterHours: number;
  /** Days without an ALARM after which an alarm never fires. Default 90. */
  neverFiredDays: number;
  /** ALARM transitions within 7 days from which an alarm counts as noisy. Default 5. */
  noisyAlarmsPerWeek: number;
  /** Whether transitions inside maintenance windows are left out of counts and rankings. Default true. */
  excludeMaintenance: boolean;
}

/** The seed's defaults for {@link NoiseThresholds}. @public */
export const DEFAULT_NOISE_THRESHOLDS: NoiseThresholds = {
  flappingRoundTripsPerDay: 3,
  stuckAfterHours: 24,
  neverFiredDays: 90,
  noisyAlarmsPerWeek: 5,
  excludeMaintenance: true,
};

/** Counts of one alarm over one window (7 or 30 days back from the analysis time). @public */
export interface AlarmWindowStats {
  days: number;
  /** Transitions into ALARM (outside maintenance when excluded). */
  alarmCount: number;
  /** Minutes spent in ALARM within the window. */
  minutesInAlarm: number;
  /** Days (UTC) with at least the flapping number of ALARM→OK round trips. */
  flappingDays: number;
  /** Largest number of round trips within one day. */
  maxRoundTripsPerDay: number;
  /** Transitions into ALARM that happened inside a maintenance window. */
  alarmsInMaintenance: number;
}

/** What is wrong with an alarm, for badges and filters. @public */
export type AlarmFlag =
  | 'noisy'
  | 'flapping'
  | 'stuck'
  | 'never-fired'
  | 'no-actions'
  | 'no-runbook';

/** Everything known about one alarm's noise. @public */
export interface AlarmNoise {
  alarmName: string;
  region?: string;
  /** The catalog entity whose `opsportal.dev/alarm-prefix` the alarm has. */
  entityRef: string;
  entityTitle?: string;
  /** The entity's owner (a Group ref). */
  owner?: string;
  state: AlarmStateValue;
  /** When the alarm entered its current state (ISO 8601). */
  since?: string;
  severity: Severity;
  /** `Namespace MetricName`. */
  metric?: string;
  description?: string;
  /** The first runbook link in the description, if any. */
  runbookUrl?: string;
  /** Whether the alarm notifies anyone or anything when it fires. */
  hasActions: boolean;
  week: AlarmWindowStats;
  month: AlarmWindowStats;
  /** Last transition into ALARM known (history or current state), ISO 8601. */
  lastFiredAt?: string;
  /** Days of history the portal has seen for this alarm (up to the never-fired days). */
  observedDays: number;
  flags: AlarmFlag[];
  /** Rank key: higher is noisier (documented in docs/alerts.md). */
  noiseScore: number;
  /** The alarm's latest review, if any. */
  review?: AlarmReview;
}

/** Outcome of reviewing an alarm. @public */
export const alarmReviewOutcomes = [
  'keep',
  'tune-threshold',
  'delete',
  'add-runbook',
] as const;

/** Outcome of reviewing an alarm. @public */
export type AlarmReviewOutcome = (typeof alarmReviewOutcomes)[number];

/** A review of an alarm (the monthly alert review). @public */
export interface AlarmReview {
  id: string;
  alarmName: string;
  region?: string;
  entityRef: string;
  outcome: AlarmReviewOutcome;
  note: string;
  /** User entity ref of the reviewer. */
  reviewedBy: string;
  /** ISO 8601. */
  reviewedAt: string;
}

/** Body of `POST /api/ops/alerts/reviews`. @public */
export interface AlarmReviewInput {
  alarmName: string;
  region?: string;
  entityRef: string;
  outcome: AlarmReviewOutcome;
  /** Required for every outcome but `keep`; at most 2,000 characters. */
  note?: string;
}

/** Business hours for the paging load (`ops.alerts.paging`). @public */
export interface PagingHours {
  /** IANA time zone, e.g. `Europe/Berlin`. Default `UTC`. */
  timeZone: string;
  /** Working days, 1 = Monday ... 7 = Sunday. Default 1–5. */
  workingDays: number[];
  /** Business hours `[start, end)` in whole hours. Default 9–17. */
  businessHours: [number, number];
  /** Night `[start, end)` in whole hours, wrapping midnight. Default 22–7. */
  nightHours: [number, number];
  /** Incidents resolved within this many minutes of opening count as auto-resolved noise. Default 5. */
  autoResolveMinutes: number;
}

/** The defaults of {@link PagingHours}. @public */
export const DEFAULT_PAGING_HOURS: PagingHours = {
  timeZone: 'UTC',
  workingDays: [1, 2, 3, 4, 5],
  businessHours: [9, 17],
  nightHours: [22, 7],
  autoResolveMinutes: 5,
};

/** An incident as the paging-load analysis needs it. @public */
export interface PagingIncident {
  id: string;
  title: string;
  serviceId: string;
  createdAt: string;
  resolvedAt?: string;
  alertCount?: number;
}

/** A page (notification) as the paging-load analysis needs it. @public */
export interface PagingNotification {
  incidentId: string;
  serviceId: string;
  at: string;
  userId: string;
  userName: string;
  userEmail?: string;
}

/** Paging load of one PagerDuty service over the window. @public */
export interface ServicePagingLoad {
  serviceId: string;
  serviceName?: string;
  /** The catalog entity with this `pagerduty.com/service-id`, if any. */
  entityRef?: string;
  entityTitle?: string;
  owner?: string;
  incidents: number;
  incidentsPerWeek: number;
  /** Incidents opened outside business hours (any time that is not a working day's business hours). */
  outsideBusinessHours: number;
  /** Incidents opened at night (a subset of outside business hours). */
  atNight: number;
  /** Incidents resolved within `autoResolveMinutes` of opening. */
  autoResolved: number;
  /** Mean alerts per incident, when the upstream tells alert counts. */
  alertsPerIncident?: number;
  /** Titles that opened more than one incident, most frequent first. */
  repeatTitles: { title: string; count: number }[];
  /** Incidents opened inside maintenance windows (left out of the other counts when excluded). */
  inMaintenance: number;
  /** Pages (notifications) sent about this service's incidents. */
  pages: number;
}

/** Paging load of one person over the window. @public */
export interface PersonPagingLoad {
  userId: string;
  name: string;
  email?: string;
  pages: number;
  pagesPerWeek: number;
  outsideBusinessHours: number;
  atNight: number;
}

/** Answer of the paging-load analysis. @public */
export interface PagingLoad {
  /** ISO 8601 window. */
  since: string;
  until: string;
  services: ServicePagingLoad[];
  people: PersonPagingLoad[];
}

/** A rule of the alerting policy: an alert every applicable service must have. @public */
export interface AlertPolicyRule {
  /** Stable id, e.g. `p2-error-rate`. */
  id: string;
  severity: Severity;
  /** What the seed calls it: `Error rate > 5 %`. */
  title: string;
  /** Alarms that implement the rule: any metric name or alarm name pattern (`*` wildcards) matching. */
  match: { metricNames?: string[]; alarmNames?: string[] };
  /** The direction the alarm must fire in; `any` skips the threshold check. */
  comparison: 'above' | 'below' | 'any';
  /** Policy threshold, in the metric's unit; alarms looser than it are reported. */
  threshold?: number;
  unit?: string;
  /**
   * Only entities in this scope need the rule: an entity is in scope when
   * one of its `metadata.tags` or its `opsportal.dev/alert-policy-scopes`
   * entries equals it. Rules without scope apply to every entity with alarms.
   */
  scope?: string;
}

/** How one policy rule is met by one entity's alarms. @public */
export type PolicyCoverageStatus = 'present' | 'looser' | 'missing';

/** One rule's coverage on one entity. @public */
export interface PolicyCoverageItem {
  rule: AlertPolicyRule;
  status: PolicyCoverageStatus;
  /** Alarms that match the rule, with how they compare to it. */
  alarms: {
    name: string;
    threshold?: number;
    comparisonOperator?: string;
    severity: Severity;
    /** The alarm's threshold is looser than the policy's. */
    looser: boolean;
    /** The alarm's severity differs from the rule's. */
    severityDiffers: boolean;
  }[];
  /** One sentence for the reader, e.g. `payment-service-high-memory fires above 95, the policy asks for 90`. */
  message: string;
}

/** Alerting policy coverage of one entity. @public */
export interface PolicyCoverage {
  entityRef: string;
  items: PolicyCoverageItem[];
  counts: { present: number; looser: number; missing: number };
}

/** An alarm definition as the policy matcher needs it. @public */
export interface PolicyAlarm {
  name: string;
  metricName?: string;
  threshold?: number;
  comparisonOperator?: string;
  severity: Severity;
}

/** Answer of `GET /api/ops/alerts/overview` (the `/alerts` page). @public */
export interface AlertsOverview {
  /** ISO 8601 time of the analysis. */
  generatedAt: string;
  thresholds: NoiseThresholds;
  /**
   * Noisiest first; alarms with a flag or noise score above zero: the top
   * `limit` of them (query parameter, default 100, at most 1,000).
   */
  alarms: AlarmNoise[];
  /**
   * How many alarms are listed in all for the caller (before `limit`); the
   * counts and the alarms CSV export cover all of them. Absent from older
   * backends, which answered every alarm.
   */
  alarmsTotal?: number;
  /** Busiest first. */
  paging: PagingLoad;
  /** Reviews of the current calendar month, newest first. */
  reviewsThisMonth: AlarmReview[];
  counts: {
    alarms: number;
    noisy: number;
    flapping: number;
    stuck: number;
    neverFired: number;
    noActions: number;
    noRunbook: number;
    reviewedThisMonth: number;
  };
  /** Maintenance windows of the last 30 days that counts left out. */
  maintenance: MaintenancePeriod[];
  freshness: { alarms: Freshness; paging: Freshness };
}

/** Answer of `GET /api/ops/alerts/entity?entityRef=` (entity card). @public */
export interface EntityAlerts {
  entityRef: string;
  alarms: AlarmNoise[];
  paging?: ServicePagingLoad[];
  policy: PolicyCoverage;
  /** Which sources the entity has (for empty states). */
  setup: { alarms: boolean; pagerDuty: boolean };
  freshness: { alarms: Freshness; paging: Freshness };
}

/** Answer of `GET /api/ops/alerts/group?entityRef=` (team "Alert health" tab). @public */
export interface GroupAlertHealth {
  entityRef: string;
  /** Entities the group owns that have alarms or PagerDuty services. */
  entities: {
    entityRef: string;
    title?: string;
    alarms: number;
    noisy: number;
    flagged: number;
    policyMissing: number;
    policyLooser: number;
  }[];
  /** The entities' alarms, noisiest first: the top `limit` (query parameter, default 100, at most 1,000). */
  alarms: AlarmNoise[];
  /** How many alarms the entities have in all (before `limit`); absent from older backends, which answered all. */
  alarmsTotal?: number;
  paging: PagingLoad;
  reviewsThisMonth: AlarmReview[];
  freshness: { alarms: Freshness; paging: Freshness };
}

/** A PagerDuty maintenance window the portal opened for a change request. @public */
export interface ChangeMaintenanceWindow {
  changeRequestId: string;
  /** Upstream window id, once created. */
  windowId?: string;
  serviceIds: string[];
  start: string;
  end: string;
  status: 'pending' | 'open' | 'ended' | 'failed';
  error?: string;
  htmlUrl?: string;
}
