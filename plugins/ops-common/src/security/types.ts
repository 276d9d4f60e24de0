import { Freshness } from '../freshness';

/*
 * Security operations (docs/security-operations.md): the seed's security metrics read
 * from configured CloudWatch or Prometheus queries or alarms, each with
 * thresholds that raise one of the seed's security alerts, the security
 * contacts and the security incident process. Answers of
 * `GET /api/ops/security/overview` and `GET /api/ops/security/entity`.
 */

/**
 * The seed's security alerts ("安全告警"), which a metric's thresholds raise.
 * @public
 */
export const SECURITY_ALERTS = [
  'multipleFailedLogins',
  'unusualApiAccess',
  'privilegeEscalation',
  'dataExfiltration',
  'malwareDetection',
] as const;

/** One of the seed's security alerts. @public */
export type SecurityAlertId = (typeof SECURITY_ALERTS)[number];

/** The seed's words for each security alert. @public */
export const SECURITY_ALERT_TITLES: Record<SecurityAlertId, string> = {
  multipleFailedLogins: 'Multiple failed login attempts',
  unusualApiAccess: 'Unusual API access patterns',
  privilegeEscalation: 'Privilege escalation attempts',
  dataExfiltration: 'Data exfiltration indicators',
  malwareDetection: 'Malware detection',
};

/** Units a security metric is shown in. @public */
export const SECURITY_UNITS = ['count', 'percent'] as const;

/** Unit of a security metric. @public */
export type SecurityUnit = (typeof SECURITY_UNITS)[number];

/** Where a security signal is read from. @public */
export type SecuritySource = 'cloudwatch' | 'prometheus' | 'alarm';

/**
 * Where a signal stands: `ok`, `warning` (past the warning threshold),
 * `alert` (past the alert threshold, or its alarm is in ALARM), `unknown`
 * (no datapoint in its window, its query failed, or its alarm has
 * insufficient data or does not exist).
 * @public
 */
export type SecuritySignalState = 'ok' | 'warning' | 'alert' | 'unknown';

/**
 * Thresholds of a metric. `above`: a value at or above a threshold reaches
 * it (failed logins); `below`: a value at or below it does (patch compliance).
 * @public
 */
export interface SecurityThresholds {
  warning?: number;
  alert: number;
  direction: 'above' | 'below';
}

/** A CloudWatch alarm behind an alarm-based signal, as last read. @public */
export interface SecurityAlarmStatus {
  name: string;
  state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  stateReason?: string;
  /** ISO 8601. */
  stateUpdatedAt?: string;
}

/** One datapoint of a metric's 24-hour series. @public */
export interface SecurityPoint {
  /** Epoch milliseconds, start of the period. */
  t: number;
  v: number;
}

/** A security signal (a metric, or an alarm-based signal) as last evaluated. @public */
export interface SecuritySignal {
  id: string;
  title: string;
  unit: SecurityUnit;
  source: SecuritySource;
  /** The window the value covers, as configured (`15m`, `1h`, `1d`). */
  window: string;
  /** The value over the window; null for alarms and without data. */
  value: number | null;
  /** Absent for alarm-based signals. */
  thresholds?: SecurityThresholds;
  state: SecuritySignalState;
  /** The seed's alert that this signal raises in state `alert`. */
  raises?: SecurityAlertId;
  /** Why the signal is in its state, in words. */
  reason: string;
  /** The last 24 hours, oldest first (empty for alarm-based signals). */
  series: SecurityPoint[];
  /** Seconds per datapoint of `series`. */
  seriesPeriod?: number;
  /** The alarms behind an alarm-based signal. */
  alarms?: SecurityAlarmStatus[];
  /** Set when this signal could not be read in the last refresh. */
  error?: string;
}

/** A security contact from config (user content: render as text). @public */
export interface SecurityContact {
  role: string;
  email?: string;
  phone?: string;
  url?: string;
}

/** One step of the security incident process. @public */
export interface SecurityProcessStep {
  /** 1-based position. */
  step: number;
  title: string;
  description?: string;
}

/** A security alert raised now: a signal in state `alert`. @public */
export interface ActiveSecurityAlert {
  /** Absent when the signal names no seed alert. */
  alert?: SecurityAlertId;
  /** The alert in words (the seed's, or the signal's title). */
  title: string;
  signalId: string;
  reason: string;
}

/** What the security page and cards show around the signals. @public */
export interface SecurityGuidance {
  contacts: SecurityContact[];
  process: SecurityProcessStep[];
}

/**
 * Answer of `GET /api/ops/security/overview`: the platform's security
 * signals. `configured` is false when `ops.security.metrics` is empty.
 * @public
 */
export interface SecurityOverviewResponse extends Freshness, SecurityGuidance {
  configured: boolean;
  /** When the signals were evaluated (ISO 8601). */
  computedAt?: string;
  signals: SecuritySignal[];
  alerts: ActiveSecurityAlert[];
}

/** A configured signal that is not scoped to the entity, and why. @public */
export interface UnscopedSecuritySignal {
  id: string;
  title: string;
  reason: string;
}

/**
 * Answer of `GET /api/ops/security/entity?entityRef=`: the signals scoped
 * to one service (those with `perEntity` in config), and the others with
 * the reason they are not.
 * @public
 */
export interface EntitySecurityResponse extends Freshness, SecurityGuidance {
  entityRef: string;
  computedAt?: string;
  signals: SecuritySignal[];
  alerts: ActiveSecurityAlert[];
  unscoped: UnscopedSecuritySignal[];
}
