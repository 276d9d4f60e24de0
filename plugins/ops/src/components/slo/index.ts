export { EntitySloCard } from './EntitySloCard';
export { EntitySloContent } from './EntitySloContent';
export { SloPage, SloPageContent } from './SloPage';
export { isSloAvailable } from './helpers';
