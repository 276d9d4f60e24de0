import { MetricStore } from './store';
import { addSloSeries } from './sloSeries';
import { addCapacitySeries } from './capacitySeries';
import { addBusinessSeries } from './businessSeries';
import { addPerformanceSloSeries } from './performanceSloSeries';
import { addSecuritySeries } from './securitySeries';
import { addAlarms } from './alarms';

/**
 * The example platform's metrics and alarms, computed from the clock anchor
 * so that the story is the same on every run: a few weeks of history, one
 * service burning its error budget, one trending toward its CPU limit.
 *
 * @param anchor - the fake's "now" at start (epoch ms); scenarios are placed relative to it
 */
export function createPlatformStore(anchor: number): MetricStore {
  const store = new MetricStore();
  addSloSeries(store, anchor);
  addCapacitySeries(store, anchor);
  addBusinessSeries(store, anchor);
  addPerformanceSloSeries(store, anchor);
  addSecuritySeries(store, anchor);
  addAlarms(store, anchor);
  return store;
}
