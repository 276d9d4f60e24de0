import { useApi } from '@backstage/core-plugin-api';
import { Freshness, KpiReport } from '@opsportal/plugin-ops-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { KpiQuery, opsApiRef } from '../../api';

/** The KPI report of a scope and period, reloaded when either changes. */
export function useKpiReport(query: KpiQuery) {
  const api = useApi(opsApiRef);
  const { scope, entityRef, period, month } = query;
  return useAsyncRetry(
    () => api.getKpis({ scope, entityRef, period, month }),
    [api, scope, entityRef, period, month],
  );
}

/** How fresh a report's data are: the oldest fetch of its sources, stale if one is. */
export function reportFreshness(report: KpiReport | undefined): Freshness {
  const available = report?.sources.filter(s => s.available) ?? [];
  const fetched = available
    .map(s => s.fetchedAt)
    .filter((t): t is string => Boolean(t))
    .sort();
  const failing = available.find(s => s.stale || s.error);
  return {
    ...(fetched.length ? { fetchedAt: fetched[0] } : {}),
    stale: Boolean(failing),
    ...(failing?.error ? { error: `${failing.source}: ${failing.error}` } : {}),
  };
}
