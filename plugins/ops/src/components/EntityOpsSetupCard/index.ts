export { EntityOpsSetupCard } from './EntityOpsSetupCard';
export { describeOpsSetup } from './setup';
