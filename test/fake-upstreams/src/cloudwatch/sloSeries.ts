import { MetricStore } from './store';

/** Adds the request, error and latency metrics (ALB) behind the SLOs. */
export function addSloSeries(_store: MetricStore, _anchor: number): void {
  // Filled in by the feature that reads these metrics.
}
