export { AlertsPage, AlertsContent } from './AlertsPage';
export { TeamAlertHealthContent } from './TeamAlertHealthContent';
export { EntityAlertPolicyCard } from './EntityAlertPolicyCard';
export { ChangeMaintenanceWindowLine } from './MaintenanceWindowLine';
export {
  isAlertPolicyAvailable,
  isTeamAlertHealthAvailable,
} from './availability';
