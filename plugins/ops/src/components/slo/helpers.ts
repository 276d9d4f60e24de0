import { SloAlertState } from '@opsportal/plugin-ops-common';

// Defined in ../availability, which the plugin's entry points import
// without this module's dependencies.
export { isSloAvailable } from '../availability';

/** Decimals a target is written with: 99.99 % has 2. */
function decimalsOf(percent: number): number {
  const text = String(Number(percent.toFixed(6)));
  return text.includes('.') ? text.split('.')[1].length : 0;
}

/** A target as written: `99.99 %`. */
export function formatTarget(target: number): string {
  return `${Number((target * 100).toFixed(6))} %`;
}

/**
 * A measured share with one decimal more than its target, so the two can
 * be told apart: `99.996 %` against `99.99 %`.
 */
export function formatSli(value: number | null, target: number): string {
  if (value === null) return 'no data';
  const decimals = Math.min(4, Math.max(2, decimalsOf(target * 100) + 1));
  return `${(value * 100).toFixed(decimals)} %`;
}

/** A share of the budget: `41.3 %`, `-12 %`. */
export function formatShare(value: number | null): string {
  if (value === null) return 'no data';
  const percent = value * 100;
  return `${Number(percent.toFixed(Math.abs(percent) < 10 ? 1 : 0))} %`;
}

/** Budget time: `4.32 min`, `43.2 min`, `3.6 h`. */
export function formatMinutes(minutes: number | null): string {
  if (minutes === null) return 'no data';
  const size = Math.abs(minutes);
  if (size >= 120) return `${Number((minutes / 60).toFixed(1))} h`;
  return `${Number(minutes.toFixed(size < 10 ? 2 : 1))} min`;
}

/** A burn rate: `25x`, `0.42x`. */
export function formatBurnRate(rate: number | null): string {
  if (rate === null) return 'no data';
  return `${Number(rate.toFixed(rate < 10 ? 2 : 1))}x`;
}

/** Hours as words: `13 h`, `2.5 days`. */
export function formatHours(hours: number): string {
  if (hours < 48) return `${Number(hours.toFixed(hours < 10 ? 1 : 0))} h`;
  return `${Number((hours / 24).toFixed(1))} days`;
}

/** Words and colour of an alert state. */
export const ALERT_LABELS: Record<
  SloAlertState,
  { label: string; severity: 'error' | 'warning' | 'info' | 'success' }
> = {
  page: { label: 'Page', severity: 'error' },
  ticket: { label: 'Ticket', severity: 'warning' },
  'no-data': { label: 'No data', severity: 'info' },
  ok: { label: 'Healthy', severity: 'success' },
};
