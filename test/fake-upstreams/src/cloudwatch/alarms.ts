import { MetricStore } from './store';

/** Adds the CloudWatch alarms of the services. */
export function addAlarms(_store: MetricStore, _anchor: number): void {
  // Filled in by the feature that reads these metrics.
}
