export { MyOnCallShiftsContent } from './MyOnCallShiftsCard';
export { MyApprovalsContent } from './MyApprovalsCard';
export { MyIncidentsContent } from './MyIncidentsCard';
export { SloStatusContent } from './SloStatusCard';
