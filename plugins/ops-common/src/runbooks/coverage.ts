import { matchesPattern } from './severity';
import {
  AlarmRunbookLink,
  RunbookAlarm,
  RunbookSummary,
  StoredAlarm,
} from './types';

const DAY_MS = 86_400_000;

/**
 * Whether a runbook is overdue for review: last updated more than
 * `staleAfterDays` before `now`. A runbook without a known date (a plain
 * link) is not called stale: there is nothing to measure.
 * @public
 */
export function isRunbookStale(
  runbook: Pick<RunbookSummary, 'lastUpdated'>,
  now: Date,
  staleAfterDays: number,
): boolean {
  if (!runbook.lastUpdated) return false;
  const updated = Date.parse(runbook.lastUpdated);
  if (Number.isNaN(updated)) return false;
  return now.getTime() - updated > staleAfterDays * DAY_MS;
}

function fileStem(name: string): string {
  const base = name.split('/').pop() ?? name;
  return base.replace(/\.(md|markdown)$/i, '').toLowerCase();
}

function urlMatches(url: string, runbook: RunbookSummary): boolean {
  if (runbook.url && sameUrl(url, runbook.url)) return true;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  // A portal link to the runbook (`...?runbook=<id>`).
  if (parsed.searchParams.get('runbook') === runbook.id) return true;
  // A link to the markdown file in its repository (`.../blob/main/db-failover.md`).
  if (runbook.name) {
    const path = decodeURIComponent(parsed.pathname).toLowerCase();
    return path.endsWith(`/${runbook.name.toLowerCase()}`);
  }
  return false;
}

function sameUrl(a: string, b: string): boolean {
  const normal = (u: string) => u.replace(/\/+$/, '').replace(/#.*$/, '');
  return normal(a) === normal(b);
}

/**
 * Links each alarm to the runbooks that cover it, in this order:
 * 1. runbook URLs in the alarm description (matched to the entity's runbooks
 *    by URL, by `?runbook=<id>`, or by the markdown file name; kept as an
 *    external link otherwise);
 * 2. runbooks whose front matter lists the alarm (name or `prefix*` pattern);
 * 3. the naming convention: a markdown runbook named after the alarm without
 *    the entity's alarm prefix (`payment-service-high-memory` → `high-memory.md`).
 * An alarm with no link at all is what the card flags.
 * @public
 */
export function linkAlarmsToRunbooks(
  alarms: StoredAlarm[],
  runbooks: RunbookSummary[],
  alarmPrefixes: string[],
): RunbookAlarm[] {
  return alarms.map(alarm => {
    const links: AlarmRunbookLink[] = [];
    const add = (link: AlarmRunbookLink) => {
      const duplicate = links.some(l =>
        link.runbookId ? l.runbookId === link.runbookId : l.url === link.url,
      );
      if (!duplicate) links.push(link);
    };

    for (const url of alarm.runbookUrls) {
      const runbook = runbooks.find(r => urlMatches(url, r));
      if (runbook) {
        add({
          runbookId: runbook.id,
          title: runbook.title,
          via: 'description',
        });
      } else {
        add({ url, title: url, via: 'description' });
      }
    }
    for (const runbook of runbooks) {
      if (runbook.alarms.some(pattern => matchesPattern(alarm.name, pattern))) {
        add({
          runbookId: runbook.id,
          title: runbook.title,
          via: 'front-matter',
        });
      }
    }
    const stems = alarmPrefixes
      .filter(prefix => alarm.name.startsWith(prefix))
      .map(prefix => alarm.name.slice(prefix.length).toLowerCase());
    for (const runbook of runbooks) {
      if (runbook.name && stems.includes(fileStem(runbook.name))) {
        add({ runbookId: runbook.id, title: runbook.title, via: 'naming' });
      }
    }
    return { ...alarm, runbooks: links };
  });
}

const STATE_ORDER: Record<StoredAlarm['state'], number> = {
  ALARM: 0,
  INSUFFICIENT_DATA: 1,
  OK: 2,
};

/**
 * Orders alarms as an on-call engineer reads them: firing first, then
 * without data, then by severity (P1 first), then by name.
 * @public
 */
export function compareAlarms(a: StoredAlarm, b: StoredAlarm): number {
  return (
    STATE_ORDER[a.state] - STATE_ORDER[b.state] ||
    a.severity.localeCompare(b.severity) ||
    a.name.localeCompare(b.name)
  );
}
