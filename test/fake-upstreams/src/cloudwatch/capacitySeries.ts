import { MetricStore } from './store';

/** Adds the resource metrics (Container Insights, SQS) behind capacity trends. */
export function addCapacitySeries(_store: MetricStore, _anchor: number): void {
  // Filled in by the feature that reads these metrics.
}
