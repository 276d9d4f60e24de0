/**
 * Prometheus for the ops portal: metric series for SLOs and capacity from
 * PromQL range queries (`/api/v1/query_range`), sized to Prometheus's
 * limits, retried when throttled, with basic or bearer authentication.
 *
 * @packageDocumentation
 */

export { opsModulePrometheus as default } from './module';
export {
  PrometheusProvider,
  PROMETHEUS_MAX_POINTS_PER_SERIES,
} from './PrometheusProvider';
export type {
  PrometheusAuth,
  PrometheusProviderOptions,
  PrometheusProviderStats,
} from './PrometheusProvider';
