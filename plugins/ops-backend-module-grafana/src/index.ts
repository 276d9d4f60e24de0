/**
 * Grafana for the ops portal: the dashboards of an entity, found through
 * Grafana's search API by the tags its `grafana/dashboard-selector` names.
 *
 * @packageDocumentation
 */

export { opsModuleGrafana as default } from './module';
export { GrafanaDashboardsProvider } from './GrafanaDashboardsProvider';
export type { GrafanaDashboardsProviderOptions } from './GrafanaDashboardsProvider';
