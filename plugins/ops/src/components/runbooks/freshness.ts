import { EntityRunbooks, Freshness } from '@opsportal/plugin-ops-common';

/** One freshness for the card: the older data, with every error named. */
export function combinedFreshness(view: EntityRunbooks): Freshness {
  const { runbooks, alarms } = view.freshness;
  const errors = [
    runbooks.error && `Runbooks: ${runbooks.error}`,
    alarms.error && `Alarms: ${alarms.error}`,
  ].filter(Boolean);
  const times = [runbooks.fetchedAt, alarms.fetchedAt].filter(
    (t): t is string => Boolean(t),
  );
  const oldest = times.sort()[0];
  const stalest = alarms.stale ? alarms : runbooks;
  return {
    fetchedAt: runbooks.stale || alarms.stale ? stalest.fetchedAt : oldest,
    stale: runbooks.stale || alarms.stale,
    ...(errors.length > 0 ? { error: errors.join(' ') } : {}),
  };
}

/** "4 runbooks · 7 alarms · 1 firing · 1 without a runbook". */
export function describeCounts(view: EntityRunbooks): string {
  const { counts } = view;
  const parts = [plural(counts.runbooks, 'runbook')];
  if (counts.staleRunbooks > 0) parts.push(`${counts.staleRunbooks} stale`);
  if (view.setup.alarms) {
    parts.push(plural(counts.alarms, 'alarm'));
    if (counts.alarmsFiring > 0) parts.push(`${counts.alarmsFiring} firing`);
    parts.push(
      counts.alarmsWithoutRunbook === 0
        ? 'every alarm has a runbook'
        : `${counts.alarmsWithoutRunbook} without a runbook`,
    );
  }
  return parts.join(' · ');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
