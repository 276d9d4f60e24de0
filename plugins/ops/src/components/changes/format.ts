import { DateTime } from 'luxon';
import { ChangeStatus } from '@opsportal/plugin-ops-common';

/** "Sun 6 Dec 2026, 02:00 EST" in a zone (default: the browser's). */
export function formatDateTime(iso: string, zone?: string): string {
  return DateTime.fromISO(iso, { zone: zone ?? 'local' }).toFormat(
    'ccc d LLL yyyy, HH:mm ZZZZ',
  );
}

/** "02:00–04:00" (or with dates when the period spans days) in a zone. */
export function formatPeriod(
  start: string,
  end: string,
  zone?: string,
): string {
  const s = DateTime.fromISO(start, { zone: zone ?? 'local' });
  const e = DateTime.fromISO(end, { zone: zone ?? 'local' });
  if (s.hasSame(e, 'day')) {
    return `${s.toFormat('ccc d LLL yyyy, HH:mm')}–${e.toFormat('HH:mm ZZZZ')}`;
  }
  return `${s.toFormat('ccc d LLL yyyy, HH:mm')} – ${e.toFormat(
    'ccc d LLL yyyy, HH:mm ZZZZ',
  )}`;
}

/** The value of a `datetime-local` input for an instant, in the browser's zone. */
export function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  return DateTime.fromISO(iso).toLocal().toFormat("yyyy-LL-dd'T'HH:mm");
}

/** An instant from a `datetime-local` value (browser zone), or '' when empty or invalid. */
export function fromLocalInput(value: string): string {
  if (!value) return '';
  const time = DateTime.fromISO(value, { zone: 'local' });
  return time.isValid ? time.toUTC().toISO()! : '';
}

/** How a status reads at a glance. */
export function statusTone(
  status: ChangeStatus,
): 'neutral' | 'waiting' | 'good' | 'active' | 'bad' | 'done' {
  switch (status) {
    case 'draft':
      return 'neutral';
    case 'submitted':
    case 'review-pending':
      return 'waiting';
    case 'approved':
      return 'good';
    case 'in-progress':
      return 'active';
    case 'failed':
    case 'rolled-back':
    case 'rejected':
      return 'bad';
    default:
      return 'done';
  }
}
