/*
 * The capacity benchmark's fake data: N services, each with the eight
 * metrics the capacity feature reads for an EKS service behind an ALB (CPU,
 * memory, network in + out, running pods, request count, response time),
 * 100 days of history with daily and weekly patterns, varied per service so
 * that some grow toward their limits and some do not.
 */
import { MetricStore } from '../../test/fake-upstreams/src';
import {
  Shape,
  addServiceCapacitySeries,
} from '../../test/fake-upstreams/src/cloudwatch/capacitySeries';

export const LB = 'app/bench-alb/0123456789abcdef';
export const CLUSTER = 'bench-prod';
export const NAMESPACE = 'bench';

export function targetGroup(i: number): string {
  return `targetgroup/svc-${i}/${(0x1000 + i).toString(16).padStart(16, '0')}`;
}

function shape(
  level: number,
  growthPerWeek: number,
  extra: Partial<Shape> = {},
): Shape {
  return {
    level,
    growthPerWeek,
    daily: level * 0.15,
    weekend: -level * 0.05,
    noise: level * 0.04,
    hourlyNoise: level * 0.02,
    min: 0,
    ...extra,
  };
}

export function benchStore(services: number, anchor: number): MetricStore {
  const store = new MetricStore();
  for (let i = 0; i < services; i++) {
    addServiceCapacitySeries(store, anchor, {
      name: `svc-${i}`,
      cluster: CLUSTER,
      namespace: NAMESPACE,
      targetGroup: targetGroup(i),
      loadBalancer: LB,
      cpu: shape(30 + (i % 35), ((i % 9) - 3) * 0.25, { max: 100 }),
      memory: shape(40 + (i % 30), ((i % 5) - 2) * 0.1, { max: 100 }),
      diskIo: shape(20, 0, { max: 100 }),
      network: shape(5e5 + i * 1e3, 2e3),
      replicas: shape(3 + (i % 5), 0.02, { min: 2, max: 10 }),
      requests: shape(50 + (i % 200), 0.5),
      latency: shape(0.05 + (i % 10) * 0.01, 0),
    });
  }
  return store;
}
