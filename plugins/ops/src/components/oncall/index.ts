export { EntityOnCallCard } from './EntityOnCallCard';
export { EntityIncidentsCard } from './EntityIncidentsCard';
export { TeamOnCallContent } from './TeamOnCallContent';
export { OnCallPage, OnCallContent } from './OnCallPage';
export {
  isOnCallAvailable,
  isTeamOnCallAvailable,
  isIncidentsAvailable,
  TEAM_ONCALL_TAB_PATH,
} from './helpers';
