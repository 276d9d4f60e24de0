export { EntityCapacityCard } from './EntityCapacityCard';
export { EntityCapacityContent } from './EntityCapacityContent';
export { CapacityReviewPage } from './CapacityReviewPage';
export { isCapacityAvailable, CAPACITY_TAB_PATH } from './helpers';
