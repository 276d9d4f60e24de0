/**
 * Isomorphic part of the ops portal: entity annotations, the API contract,
 * permissions, and the pure math (SLOs, forecasts, workflow, KPIs) that the
 * backend computes with and the frontend explains with.
 *
 * @packageDocumentation
 */

export * from './annotations';
export * from './freshness';
export * from './text';
export * from './permissions';
export * from './incidents';
export * from './oncall';
export * from './changes';
export * from './runbooks';
export * from './slo';
export * from './capacity';
export * from './kpis';
export * from './alerts';
export * from './observability';
export * from './security';
export * from './setup';
export * from './business';
export * from './readiness';
export * from './home';
