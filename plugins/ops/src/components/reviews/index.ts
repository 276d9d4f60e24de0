export { IncidentReviewPanel } from './IncidentReviewPanel';
export type { IncidentReviewPanelProps } from './IncidentReviewPanel';
export { ReviewsList } from './ReviewsList';
export { TeamReviewsContent } from './TeamReviewsContent';
export { OverviewReviewsSection } from './OverviewReviewsSection';
