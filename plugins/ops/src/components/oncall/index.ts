export { EntityOnCallCard } from './EntityOnCallCard';
export { TeamOnCallContent } from './TeamOnCallContent';
export { OnCallPage, OnCallContent } from './OnCallPage';
export {
  isOnCallAvailable,
  isTeamOnCallAvailable,
  TEAM_ONCALL_TAB_PATH,
} from './helpers';
