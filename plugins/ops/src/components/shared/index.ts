export { OpsCard } from './OpsCard';
export type { OpsCardProps } from './OpsCard';
export { StaleNotice } from './StaleNotice';
export { EmptyAnnotation } from './EmptyAnnotation';
