import { Entity } from '@backstage/catalog-model';
import { useEntityRefLink } from '@backstage/plugin-catalog-react';
import { RunbookAlarm, RunbookListItem } from '@opsportal/plugin-ops-common';
import { headingElementId } from './RunbookDocumentView';

// Defined in ../availability, which the plugin's entry points import
// without this module's dependencies.
export { isRunbooksAvailable } from '../availability';

/** Path of the Runbooks tab of an entity page. */
export const RUNBOOKS_TAB_PATH = 'runbooks';

/** Builds links to an entity's runbooks in its Runbooks tab. */
export function useRunbookHref(entity: Entity | string) {
  const entityLink = useEntityRefLink();
  const base = `${entityLink(entity)}/${RUNBOOKS_TAB_PATH}`;
  return (id: string, anchor?: string) =>
    `${base}?runbook=${encodeURIComponent(id)}${
      anchor ? `#${headingElementId(anchor)}` : ''
    }`;
}

/** Whether a runbook or alarm matches what was typed in the search field. */
export function matchesSearch(
  item: RunbookListItem | RunbookAlarm,
  search: string,
): boolean {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack =
    'source' in item
      ? [
          item.title,
          item.owner,
          item.name,
          ...item.alarms,
          ...item.headings,
          ...item.tags,
        ]
      : [item.name, item.description, item.severity, item.state];
  const text = haystack.filter(Boolean).join(' ').toLowerCase();
  return words.every(word => text.includes(word));
}

/**
 * Where an alarm's runbook link goes: the reader tab for a markdown runbook,
 * the runbook's own address for a link or TechDocs page.
 */
export function alarmRunbookHref(
  runbooks: RunbookListItem[],
  runbookHref: (id: string) => string,
) {
  return (id: string) => {
    const runbook = runbooks.find(r => r.id === id);
    return runbook && runbook.source !== 'markdown' && runbook.url
      ? runbook.url
      : runbookHref(id);
  };
}
