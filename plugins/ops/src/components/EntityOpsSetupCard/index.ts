export { EntityOpsSetupCard } from './EntityOpsSetupCard';
