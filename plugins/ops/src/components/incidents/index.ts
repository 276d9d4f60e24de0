export { EntityIncidentsCard } from './EntityIncidentsCard';
export { isIncidentsAvailable } from './helpers';
