import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  activeChangeStatuses,
  ChangeRequestSummary,
} from '@opsportal/plugin-ops-common';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import { opsApiRef } from '../../../api';

/**
 * Overlapping active changes on the same entities, looked up as the plan
 * takes shape (debounced; none until the period is valid).
 */
export function useConflicts(plan: {
  entityRefs: string[];
  plannedStart: string;
  plannedEnd: string;
  periodValid: boolean;
  /** The change being edited, which does not overlap itself. */
  exceptId?: string;
}): ChangeRequestSummary[] {
  const opsApi = useApi(opsApiRef);
  const { entityRefs, plannedStart, plannedEnd, periodValid, exceptId } = plan;
  const [conflictKey, setConflictKey] = useState('');
  useDebounce(
    () =>
      setConflictKey(
        periodValid && entityRefs.length
          ? JSON.stringify([entityRefs, plannedStart, plannedEnd])
          : '',
      ),
    400,
    [entityRefs.join(), plannedStart, plannedEnd, periodValid],
  );
  const conflicts = useAsync(async () => {
    if (!conflictKey) return [];
    const [entityRef, plannedFrom, plannedTo] = JSON.parse(conflictKey);
    const { items } = await opsApi.listChangeRequests({
      entityRef,
      plannedFrom,
      plannedTo,
      status: [...activeChangeStatuses],
      sort: 'plannedStart',
      order: 'asc',
      limit: 20,
    });
    return items.filter(c => c.id !== exceptId);
  }, [conflictKey, opsApi]);
  return conflicts.value ?? [];
}
