import {
  ActiveSecurityAlert,
  SECURITY_ALERT_TITLES,
  SecurityAlarmStatus,
  SecurityContact,
  SecurityProcessStep,
  SecuritySignal,
  SecuritySignalState,
  SecurityThresholds,
  SecurityUnit,
} from './types';

/**
 * The seed's security incident process ("安全事件回應"), in its order.
 * @public
 */
export const DEFAULT_SECURITY_PROCESS: SecurityProcessStep[] = [
  { step: 1, title: 'Detect the security incident' },
  { step: 2, title: 'Contain the threat' },
  { step: 3, title: 'Investigate scope and impact' },
  { step: 4, title: 'Eradicate the threat' },
  { step: 5, title: 'Restore systems' },
  { step: 6, title: 'Post-incident analysis' },
];

const WINDOW = /^([1-9][0-9]*)(m|h|d)$/;
const UNIT_SECONDS = { m: 60, h: 3600, d: 86400 } as const;

/** Longest window a security metric may have (one day). @public */
export const MAX_SECURITY_WINDOW_SECONDS = 86400;

/**
 * Seconds of a window such as `15m`, `1h` or `1d`: whole minutes, hours or
 * days, from one minute to one day. Undefined for anything else.
 * @public
 */
export function parseSecurityWindow(window: string): number | undefined {
  const match = WINDOW.exec(window.trim());
  if (!match) return undefined;
  const seconds =
    Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
  return seconds <= MAX_SECURITY_WINDOW_SECONDS ? seconds : undefined;
}

/**
 * Seconds per datapoint of a metric's 24-hour chart: the window itself
 * between 5 minutes and an hour (so a point reads like the current value),
 * 5 minutes for shorter windows, an hour for longer ones.
 * @public
 */
export function securitySeriesPeriod(windowSeconds: number): number {
  return Math.min(3600, Math.max(300, Math.round(windowSeconds / 60) * 60));
}

/** Whether `value` reaches `threshold` in the thresholds' direction. */
function reaches(
  value: number,
  threshold: number,
  direction: SecurityThresholds['direction'],
): boolean {
  return direction === 'below' ? value <= threshold : value >= threshold;
}

/**
 * The state of a metric's value against its thresholds: `alert` when it
 * reaches the alert threshold, else `warning` when it reaches the warning
 * threshold, else `ok`; `unknown` without a value.
 * @public
 */
export function evaluateSecurityThresholds(
  value: number | null | undefined,
  thresholds: SecurityThresholds,
): SecuritySignalState {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return 'unknown';
  }
  if (reaches(value, thresholds.alert, thresholds.direction)) return 'alert';
  if (
    thresholds.warning !== undefined &&
    reaches(value, thresholds.warning, thresholds.direction)
  ) {
    return 'warning';
  }
  return 'ok';
}

/** A value with its unit, for sentences and cells (`142`, `87.5 %`). @public */
export function formatSecurityValue(value: number, unit: SecurityUnit): string {
  const rounded =
    Math.abs(value) >= 100 || Number.isInteger(value)
      ? Math.round(value).toLocaleString('en-US')
      : value.toLocaleString('en-US', { maximumFractionDigits: 1 });
  return unit === 'percent' ? `${rounded} %` : rounded;
}

/**
 * Why a metric is in its state, in words, e.g. `142 in the last 15m, at or
 * above the alert threshold of 100`.
 * @public
 */
export function describeSecurityMetricState(
  value: number | null,
  unit: SecurityUnit,
  window: string,
  thresholds: SecurityThresholds,
): string {
  if (value === null || !Number.isFinite(value)) {
    return `No datapoint in the last ${window}`;
  }
  const state = evaluateSecurityThresholds(value, thresholds);
  const shown = `${formatSecurityValue(value, unit)} in the last ${window}`;
  const way = thresholds.direction === 'below' ? 'at or below' : 'at or above';
  if (state === 'alert') {
    return `${shown}, ${way} the alert threshold of ${formatSecurityValue(
      thresholds.alert,
      unit,
    )}`;
  }
  if (state === 'warning') {
    return `${shown}, ${way} the warning threshold of ${formatSecurityValue(
      thresholds.warning!,
      unit,
    )}`;
  }
  const limit = thresholds.warning ?? thresholds.alert;
  const side = thresholds.direction === 'below' ? 'above' : 'below';
  return `${shown}, ${side} the ${
    thresholds.warning === undefined ? 'alert' : 'warning'
  } threshold of ${formatSecurityValue(limit, unit)}`;
}

/**
 * The state of an alarm-based signal: `alert` when any of its alarms is in
 * ALARM, `unknown` when none is found or any has insufficient data (and
 * none fires), else `ok`; with the reason in words.
 * @public
 */
export function evaluateSecurityAlarms(
  alarms: SecurityAlarmStatus[],
  wanted: string,
): { state: SecuritySignalState; reason: string } {
  if (alarms.length === 0) {
    return { state: 'unknown', reason: `No CloudWatch alarm ${wanted}` };
  }
  const firing = alarms.filter(a => a.state === 'ALARM');
  if (firing.length > 0) {
    return {
      state: 'alert',
      reason: `In alarm: ${firing.map(a => a.name).join(', ')}`,
    };
  }
  const missing = alarms.filter(a => a.state === 'INSUFFICIENT_DATA');
  if (missing.length > 0) {
    return {
      state: 'unknown',
      reason: `Insufficient data: ${missing.map(a => a.name).join(', ')}`,
    };
  }
  return {
    state: 'ok',
    reason:
      alarms.length === 1
        ? `Alarm ${alarms[0].name} is OK`
        : `All ${alarms.length} alarms are OK`,
  };
}

/** The alerts that signals in state `alert` raise, in the signals' order. @public */
export function activeSecurityAlerts(
  signals: Pick<
    SecuritySignal,
    'id' | 'title' | 'state' | 'raises' | 'reason'
  >[],
): ActiveSecurityAlert[] {
  return signals
    .filter(s => s.state === 'alert')
    .map(s => ({
      alert: s.raises,
      title: s.raises ? SECURITY_ALERT_TITLES[s.raises] : s.title,
      signalId: s.id,
      reason: s.reason,
    }));
}

const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
/** A dialable number: an optional +, then 3 to 20 digits with spaces, dots, dashes or brackets. */
const PHONE = /^\+?[0-9 ().-]{3,30}$/;

/**
 * Links for a contact's values, only where the value is valid: `mailto:`
 * for an email address, `tel:` for a dialable number (placeholders such as
 * `+1-XXX-XXX-XXXX` get none), and the URL itself only for http(s). Values
 * without a link are shown as text.
 * @public
 */
export function securityContactLinks(contact: SecurityContact): {
  mailto?: string;
  tel?: string;
  href?: string;
} {
  const links: { mailto?: string; tel?: string; href?: string } = {};
  const email = contact.email?.trim();
  if (email && email.length <= 254 && EMAIL.test(email)) {
    links.mailto = `mailto:${email}`;
  }
  const phone = contact.phone?.trim();
  if (phone && PHONE.test(phone)) {
    const digits = phone.replace(/[^0-9]/g, '');
    if (digits.length >= 3 && digits.length <= 20) {
      links.tel = `tel:${phone.startsWith('+') ? '+' : ''}${digits}`;
    }
  }
  const url = contact.url?.trim();
  if (url) {
    try {
      const parsed = new URL(url);
      if (parsed.protocol === 'https:' || parsed.protocol === 'http:') {
        links.href = parsed.toString();
      }
    } catch {
      // Not a URL: shown as text.
    }
  }
  return links;
}
