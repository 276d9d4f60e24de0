/**
 * Tech Insights fact retrievers for the ops portal's operational
 * readiness facts, and example scorecard checks.
 *
 * @packageDocumentation
 */

export { techInsightsModuleOps as default } from './module';
export { ReadinessFactsClient } from './client';
export {
  createOpsFactRetrievers,
  OPS_FACT_RETRIEVER_IDS,
  OPS_FACTS_ENTITY_FILTER,
} from './retrievers';
export type { OpsFactRetrieverId } from './retrievers';
export { opsReadinessChecks } from './checks';
export type { OpsCheckCondition, OpsReadinessCheck } from './checks';
