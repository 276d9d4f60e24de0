import {
  SECURITY_ALERT_TITLES,
  SecuritySignal,
  formatSecurityValue,
} from '@opsportal/plugin-ops-common';

/** The signal's value now, in words (`228`, `97.6 %`, `ALARM`). */
export function valueText(signal: SecuritySignal): string {
  if (signal.source === 'alarm') {
    if (!signal.alarms || signal.alarms.length === 0) return 'No alarm';
    return signal.alarms.map(a => `${a.name}: ${a.state}`).join(', ');
  }
  if (signal.error) return 'Not read';
  return signal.value === null
    ? 'No data'
    : formatSecurityValue(signal.value, signal.unit);
}

/** The thresholds in words (`warning ≥ 50, alert ≥ 100`). */
export function thresholdText(signal: SecuritySignal): string {
  const t = signal.thresholds;
  if (!t) return 'Its alarm decides';
  const op = t.direction === 'below' ? '≤' : '≥';
  const parts = [];
  if (t.warning !== undefined) {
    parts.push(`warning ${op} ${formatSecurityValue(t.warning, signal.unit)}`);
  }
  parts.push(`alert ${op} ${formatSecurityValue(t.alert, signal.unit)}`);
  return parts.join(', ');
}

/** The alert a signal raises, in words. */
export function raisesText(signal: SecuritySignal): string {
  return signal.raises ? SECURITY_ALERT_TITLES[signal.raises] : signal.title;
}

/** The state in words, with the alert for `alert`. */
export function stateText(signal: SecuritySignal): string {
  switch (signal.state) {
    case 'alert':
      return `Alert: ${raisesText(signal)}`;
    case 'warning':
      return 'Warning';
    case 'ok':
      return 'OK';
    default:
      return 'Unknown';
  }
}

/** A summary of a 24-hour series for screen readers and the text view. */
export function seriesSummary(signal: SecuritySignal): string {
  const values = signal.series.map(p => p.v);
  if (values.length === 0) return 'No datapoints in the last 24 hours';
  const f = (v: number) => formatSecurityValue(v, signal.unit);
  return `Last 24 hours, ${values.length} points: lowest ${f(
    Math.min(...values),
  )}, highest ${f(Math.max(...values))}, latest ${f(
    values[values.length - 1],
  )}`;
}
