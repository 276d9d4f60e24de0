export { EntityIncidentsCard } from './EntityIncidentsCard';
export { isIncidentsAvailable } from './helpers';
export { IncidentsPage } from './IncidentPage';
