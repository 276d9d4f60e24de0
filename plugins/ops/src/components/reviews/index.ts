export { IncidentReviewPanel } from './IncidentReviewPanel';
export type { IncidentReviewPanelProps } from './IncidentReviewPanel';
