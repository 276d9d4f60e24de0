/**
 * Backend library of the ops portal: the interfaces of the providers that
 * feed it (metrics, alarms, on-call, incidents) and the extension point that
 * backend modules register them through.
 *
 * @packageDocumentation
 */

export * from './metrics';
export * from './oncall';
export * from './observability';
export * from './extensions';
export * from './changes/permissions';
export * from './concurrency';
export * from './budget';
export * from './telemetry';
