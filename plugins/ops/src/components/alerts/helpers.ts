import { DateTime } from 'luxon';
import {
  AlarmFlag,
  AlarmReview,
  AlarmReviewOutcome,
  PolicyCoverageStatus,
} from '@opsportal/plugin-ops-common';

/** What each flag says, as chip text and filter option. */
export const flagLabels: Record<AlarmFlag, string> = {
  noisy: 'Noisy',
  flapping: 'Flapping',
  stuck: 'Stuck in ALARM',
  'never-fired': 'Never fired',
  'no-actions': 'No actions',
  'no-runbook': 'No runbook',
};

/** The flags in the order the page counts them. */
export const flagOrder: AlarmFlag[] = [
  'noisy',
  'flapping',
  'stuck',
  'never-fired',
  'no-actions',
  'no-runbook',
];

/** Review outcomes as people read them. */
export const outcomeLabels: Record<AlarmReviewOutcome, string> = {
  keep: 'Keep',
  'tune-threshold': 'Tune threshold',
  delete: 'Delete',
  'add-runbook': 'Add runbook',
};

/** Policy coverage statuses as words. */
export const coverageLabels: Record<PolicyCoverageStatus, string> = {
  present: 'Present',
  looser: 'Looser',
  missing: 'Missing',
};

/** "3 present, 1 looser, 6 missing". */
export function coverageSummary(counts: {
  present: number;
  looser: number;
  missing: number;
}): string {
  return `${counts.present} present, ${counts.looser} looser, ${counts.missing} missing`;
}

/** Minutes as "45 min", "3 h 20 min" or "2 d 4 h". */
export function formatMinutes(minutes: number): string {
  const m = Math.round(minutes);
  if (m < 60) return `${m} min`;
  if (m < 24 * 60) {
    const rest = m % 60;
    return `${Math.floor(m / 60)} h${rest ? ` ${rest} min` : ''}`;
  }
  const hours = Math.floor((m % (24 * 60)) / 60);
  return `${Math.floor(m / (24 * 60))} d${hours ? ` ${hours} h` : ''}`;
}

/** A number with at most one decimal ("2.5", "3"); a dash when absent. */
export function formatDecimal(value?: number): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  return String(Math.round(value * 10) / 10);
}

/** An ISO time as "2026-12-05 14:30" (the browser's zone). */
export function formatTime(iso: string): string {
  const t = DateTime.fromISO(iso);
  return t.isValid ? t.toFormat('yyyy-LL-dd HH:mm') : iso;
}

/** An ISO time as "3 days ago". */
export function formatRelative(iso: string): string {
  const t = DateTime.fromISO(iso);
  return t.isValid ? t.toRelative() ?? iso : iso;
}

/** "1 alarm", "2 alarms". */
export function plural(
  count: number,
  word: string,
  many: string = word.endsWith('y') ? `${word.slice(0, -1)}ies` : `${word}s`,
): string {
  return `${count} ${count === 1 ? word : many}`;
}

/** A person's name from a user ref: `user:default/jane-doe` → `jane-doe`. */
export function refName(ref: string): string {
  return ref.replace(/^[^:]+:/, '').replace(/^default\//, '');
}

/** The key of an alarm among others (names repeat across regions). */
export function alarmKey(alarm: { alarmName: string; region?: string }) {
  return `${alarm.region ?? ''}/${alarm.alarmName}`;
}

/** What a failed request says: its HTTP status and the server's message. */
export function failureOf(error: unknown): {
  status?: number;
  message: string;
} {
  const e = error as {
    statusCode?: number;
    response?: { status?: number };
    cause?: { message?: string };
    message?: string;
  };
  return {
    status: e?.statusCode ?? e?.response?.status,
    message: e?.cause?.message || e?.message || String(error),
  };
}

/** The reviews saved on the page first, then those the backend sent. */
export function withNewReviews(
  saved: AlarmReview[],
  reviews: AlarmReview[],
): AlarmReview[] {
  const ids = new Set(saved.map(r => r.id));
  return [...saved, ...reviews.filter(r => !ids.has(r.id))];
}

/** The ranking's subheader: says when the backend sent only the top alarms. */
export function rankingSubheader(shown: number, total?: number): string {
  const base =
    'Noisiest first: ALARMs, time in ALARM and flapping; flagged alarms too';
  if (total === undefined || total <= shown) return base;
  return `${base}. The top ${shown} of ${total}; the CSV export has all.`;
}
