export { EntityBusinessMetricsCard } from './EntityBusinessMetricsCard';
