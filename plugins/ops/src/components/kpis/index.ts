export { EntityKpiCard } from './EntityKpiCard';
export { TeamKpiContent } from './TeamKpiContent';
export { OpsOverviewPage } from './OpsOverviewPage';
export { isKpisAvailable, isTeamKpisAvailable } from './helpers';
