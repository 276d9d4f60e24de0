import { Entity } from '@backstage/catalog-model';
import {
  BUILTIN_CAPACITY_METRICS,
  CapacityRange,
  CapacityReview,
  EntityCapacity,
  Snapshot,
  analyseCapacityMetric,
  bindingMetric,
  capacityMetricView,
  capacityReviewMetric,
} from '@opsportal/plugin-ops-common';

/** Fixed "now" of the fixtures: a Wednesday. */
export const NOW = Date.UTC(2026, 2, 18, 10, 0);
const HOUR = 3_600_000;
const DAY = 86_400_000;

export const searchEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'search-service',
    namespace: 'default',
    annotations: {
      'opsportal.dev/container-service':
        'ecommerce-prod/ecommerce/search-service',
      'opsportal.dev/autoscaling': 'min=2,max=10,cpu=70,memory=80,nodes=3-20',
    },
  },
  spec: { type: 'service', owner: 'dev-team', lifecycle: 'production' },
};

export const bareEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'docs-site', namespace: 'default' },
  spec: { type: 'website', owner: 'dev-team', lifecycle: 'production' },
};

/** Hourly CPU growing 1.5 points a week toward 70 %, with a daily cycle. */
function hourly(level: number, slopePerWeek: number) {
  const timestamps: number[] = [];
  const values: number[] = [];
  for (let t = NOW - 90 * DAY; t < NOW; t += HOUR) {
    const hour = (t % DAY) / HOUR;
    timestamps.push(t);
    values.push(
      level +
        (slopePerWeek * (t - NOW)) / (7 * DAY) +
        8 * Math.cos(((hour - 14) / 24) * 2 * Math.PI) +
        Math.sin(t / 7_777_777) * 0.8,
    );
  }
  return { timestamps, values };
}

/** Where the fixture's 1-minute CPU data starts: 15 days ago. */
export const MINUTE_DATA_FROM = NOW - 15 * DAY;

/**
 * CPU with three sustained breaches and a short one: 5-minute data from 30
 * to 15 days ago, 1-minute data since, as the backend collects it.
 */
function fine() {
  const bursts = [
    { at: NOW - 26 * DAY, minutes: 10 },
    { at: NOW - 19 * DAY, minutes: 50 },
    { at: NOW - 11 * DAY, minutes: 25 },
    { at: NOW - 4 * DAY, minutes: 35 },
  ];
  const part = (from: number, to: number, periodSeconds: number) => {
    const timestamps: number[] = [];
    const values: number[] = [];
    for (let t = from; t < to; t += periodSeconds * 1000) {
      const burst = bursts.some(
        b => t >= b.at && t < b.at + b.minutes * 60_000,
      );
      timestamps.push(t);
      values.push(burst ? 78 : 55);
    }
    return { series: { timestamps, values }, periodSeconds, from, to };
  };
  return [
    part(NOW - 30 * DAY, MINUTE_DATA_FROM, 300),
    part(MINUTE_DATA_FROM, NOW, 60),
  ];
}

/** Requests per second: a steady 17.16 with a daily cycle. */
function requests() {
  const timestamps: number[] = [];
  const values: number[] = [];
  for (let t = NOW - 90 * DAY; t < NOW; t += HOUR) {
    const hour = (t % DAY) / HOUR;
    timestamps.push(t);
    values.push(
      hour === 9 ? 17.16 : 17 + 4 * Math.cos(((hour - 14) / 24) * 2 * Math.PI),
    );
  }
  return { timestamps, values };
}

const cpu = BUILTIN_CAPACITY_METRICS.find(m => m.id === 'cpu')!;
const memory = BUILTIN_CAPACITY_METRICS.find(m => m.id === 'memory')!;
const requestRate = BUILTIN_CAPACITY_METRICS.find(m => m.id === 'requestRate')!;

export const analyses = [
  analyseCapacityMetric(
    {
      definition: cpu,
      hourly: hourly(55.5, 1.5),
      fine: fine(),
      statistic: 'Average',
    },
    { now: NOW },
  ),
  analyseCapacityMetric(
    { definition: memory, hourly: hourly(50, 0), statistic: 'Average' },
    { now: NOW },
  ),
  analyseCapacityMetric(
    { definition: requestRate, hourly: requests(), statistic: 'Sum' },
    { now: NOW },
  ),
];

export function entityCapacity(
  range: CapacityRange,
  freshness: Partial<Omit<Snapshot<unknown>, 'data'>> = {},
): Snapshot<EntityCapacity> {
  return {
    data: {
      entityRef: 'component:default/search-service',
      range,
      computedAt: new Date(NOW).toISOString(),
      autoscaling: {
        minReplicas: 2,
        maxReplicas: 10,
        targetCpu: 70,
        targetMemory: 80,
        nodes: { min: 3, max: 20, targetCpu: 70 },
        source: 'annotation',
      },
      metrics: analyses.map(a => capacityMetricView(a, range)),
      bindingMetricId: 'cpu',
      warnings: [],
    },
    fetchedAt: new Date(NOW).toISOString(),
    stale: false,
    ...freshness,
  };
}

export function review(): CapacityReview {
  const searchMetrics = analyses.map(capacityReviewMetric);
  const flat = [capacityReviewMetric(analyses[1])];
  return {
    generatedAt: new Date(NOW).toISOString(),
    rows: [
      {
        entityRef: 'component:default/search-service',
        title: 'Search Service',
        metrics: searchMetrics,
        binding: bindingMetric(searchMetrics),
        triggers30d: 3,
        fetchedAt: new Date(NOW).toISOString(),
        stale: false,
      },
      {
        entityRef: 'component:default/order-service',
        title: 'Order Service',
        metrics: flat,
        binding: bindingMetric(flat),
        triggers30d: 4,
        fetchedAt: new Date(NOW - HOUR).toISOString(),
        stale: true,
        error: 'AccessDeniedException: not authorized',
      },
    ],
  };
}
