/**
 * CloudWatch for the ops portal: metrics through GetMetricData (batched,
 * paginated, retried) and alarms through DescribeAlarms.
 *
 * @packageDocumentation
 */

export { opsModuleCloudWatch as default } from './module';
export { CloudWatchProvider } from './CloudWatchProvider';
export type { CloudWatchProviderOptions } from './CloudWatchProvider';
export { CloudWatchLogsProvider } from './LogsProvider';
export type { CloudWatchLogsProviderOptions } from './LogsProvider';
export { XRayTracesProvider } from './TracesProvider';
export type { XRayTracesProviderOptions } from './TracesProvider';
