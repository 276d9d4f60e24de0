import { normal } from '../random';
import {
  CPU_TRENDING_SERVICE,
  LOAD_BALANCER,
  PlatformService,
  services,
} from '../platform';
import { MetricKey, MetricStore, SeriesGenerator } from './store';

/**
 * The resource metrics behind the capacity trends, 100 days of them with a
 * daily and a weekly pattern and noise, computed from the clock anchor so
 * every run tells the same story:
 *
 * - search-service's CPU (over its pod limit) grows about 1.5 points a week;
 *   its weekday peaks reach 70 % about three to four weeks after the anchor,
 *   and it already had three sustained breaches (CPU > 70 % for 15 minutes
 *   or longer) and one short one in the last 30 days;
 * - order-service's queue backs up past 100 messages a few times;
 * - the others are flat or grow gently; customer-service has a six-hour hole
 *   in its data (an agent outage) and product-service a two-day one in memory.
 *
 * Metrics: EKS Container Insights (`ContainerInsights`, dimensions
 * ClusterName + Namespace + Service), a custom disk I/O utilisation metric
 * (`ECommerce/Capacity`), SQS queue depth, and the ALB request count and
 * response time percentiles unless the SLO series already define them.
 */

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const WEEK = 7 * DAY;
/** History the fake serves, in days before the anchor. */
const HISTORY_DAYS = 100;

/** Kubernetes namespace of the example platform's services. */
export const KUBERNETES_NAMESPACE = 'ecommerce';
/** Namespace and name of the custom disk I/O metric (see app-config.yaml). */
export const DISK_IO_NAMESPACE = 'ECommerce/Capacity';
export const DISK_IO_METRIC = 'DiskIOUtilization';

/** A stretch where the metric sits at (at least) `level`. */
export interface Burst {
  /** Start, epoch ms. */
  start: number;
  minutes: number;
  level: number;
}

/** The shape of one fake metric. */
export interface Shape {
  /** Trend level at the anchor. */
  level: number;
  /** Trend growth per week (negative: falling). */
  growthPerWeek: number;
  /** Amplitude of the daily cycle, highest at 14:00 UTC. */
  daily: number;
  /** Offset on Saturdays and Sundays (weekdays get the opposite share). */
  weekend: number;
  /** Standard deviation of one-minute samples. */
  noise: number;
  /**
   * Standard deviation of a slower wander shared by all samples of an hour
   * (traffic is busier some hours than the pattern says). Default 0.
   */
  hourlyNoise?: number;
  min?: number;
  max?: number;
  bursts?: Burst[];
  /** Intervals [from, to) without data, epoch ms. */
  gaps?: [number, number][];
}

/** Everything the fake serves for one service's capacity. */
export interface CapacityServiceSpec {
  name: string;
  cluster: string;
  namespace: string;
  targetGroup?: string;
  loadBalancer?: string;
  queue?: string;
  cpu: Shape;
  memory: Shape;
  diskIo: Shape;
  /** Received bytes per second; sent is twice that. */
  network: Shape;
  replicas: Shape;
  /** Requests per second. */
  requests: Shape;
  /** Median response time in seconds; p95 and p99 are multiples. */
  latency: Shape;
  queueDepth?: Shape;
}

/**
 * Noise is kept within 2.5 standard deviations, so that the story's
 * breaches are the ones it tells and noise never adds one.
 */
function bounded(z: number): number {
  return Math.max(-2.5, Math.min(2.5, z));
}

/** Value of a shape's smooth part (trend + daily + weekly) at time t. */
function smooth(shape: Shape, anchor: number, t: number): number {
  const trend = shape.level + (shape.growthPerWeek * (t - anchor)) / WEEK;
  const hour = (t % DAY) / HOUR;
  const daily = shape.daily * Math.cos(((hour - 14) / 24) * 2 * Math.PI);
  // 1970-01-01 was a Thursday (day 4).
  const dow = (Math.floor(t / DAY) + 4) % 7;
  const weekly =
    dow === 0 || dow === 6 ? shape.weekend : (-shape.weekend * 2) / 5;
  return trend + daily + weekly;
}

/** How much of [from, to) a burst covers, and by how much it lifts the value. */
function burstLift(shape: Shape, from: number, to: number, base: number) {
  let lift = 0;
  let peak = 0;
  for (const burst of shape.bursts ?? []) {
    const end = burst.start + burst.minutes * MINUTE;
    const overlap = Math.min(to, end) - Math.max(from, burst.start);
    if (overlap <= 0) continue;
    const up = Math.max(0, burst.level - base);
    lift += (overlap / (to - from)) * up;
    peak = Math.max(peak, up);
  }
  return { lift, peak };
}

function clamp(shape: Shape, value: number): number {
  return Math.min(shape.max ?? Infinity, Math.max(shape.min ?? 0, value));
}

/**
 * A generator for a shape: `Average` (and percentiles, scaled by the
 * caller) is the bucket mean with noise shrinking as buckets grow,
 * `Maximum` adds the bucket's bursts and a noise excursion, `Sum` is the
 * mean times the period in seconds (for rates), `SampleCount` one per minute.
 */
export function shapeGenerator(
  id: string,
  shape: Shape,
  anchor: number,
  scale: (stat: string) => number | undefined = stat =>
    ['Average', 'Maximum', 'Minimum', 'Sum', 'SampleCount'].includes(stat)
      ? 1
      : undefined,
): SeriesGenerator {
  const first = anchor - HISTORY_DAYS * DAY;
  return (bucketStart, periodSeconds, stat) => {
    const factor = scale(stat);
    if (factor === undefined) return undefined;
    const periodMs = periodSeconds * 1000;
    const end = bucketStart + periodMs;
    if (end <= first || bucketStart > anchor + 365 * DAY) return undefined;
    for (const [from, to] of shape.gaps ?? []) {
      if (bucketStart < to && end > from) return undefined;
    }
    const samples = Math.max(1, periodSeconds / 60);
    const hours = Math.max(1, periodSeconds / 3600);
    const wander = shape.hourlyNoise
      ? (bounded(
          normal(`${id}|hour|${Math.floor(bucketStart / HOUR)}|${hours}`),
        ) *
          shape.hourlyNoise) /
        Math.sqrt(hours)
      : 0;
    const base = smooth(shape, anchor, bucketStart + periodMs / 2) + wander;
    const { lift, peak } = burstLift(shape, bucketStart, end, base);
    const z = bounded(normal(`${id}|${periodSeconds}|${bucketStart}`));
    switch (stat) {
      case 'SampleCount':
        return samples;
      case 'Sum':
        return (
          clamp(shape, base + lift + (z * shape.noise) / Math.sqrt(samples)) *
          periodSeconds
        );
      case 'Maximum':
        return clamp(
          shape,
          base + peak + Math.abs(z) * shape.noise * (1 + Math.log(samples) / 2),
        );
      case 'Minimum':
        return clamp(shape, base - Math.abs(z) * shape.noise);
      default:
        return (
          clamp(shape, base + lift + (z * shape.noise) / Math.sqrt(samples)) *
          factor
        );
    }
  };
}

/** Percentile statistics of response times as multiples of the median. */
function latencyScale(stat: string): number | undefined {
  const percentiles: Record<string, number> = {
    p50: 1,
    Average: 1.3,
    p90: 2,
    p95: 2.4,
    p99: 4,
    Maximum: 8,
  };
  return percentiles[stat];
}

/** Adds one service's capacity metrics to the store. */
export function addServiceCapacitySeries(
  store: MetricStore,
  anchor: number,
  spec: CapacityServiceSpec,
): void {
  const k8s = {
    ClusterName: spec.cluster,
    Namespace: spec.namespace,
    Service: spec.name,
  };
  const add = (
    key: MetricKey,
    shape: Shape,
    scale?: (stat: string) => number | undefined,
  ) => {
    store.add({
      key,
      generate: shapeGenerator(
        `${key.metricName}|${Object.values(key.dimensions).join('|')}`,
        shape,
        anchor,
        scale,
      ),
    });
  };
  const insights = (metricName: string): MetricKey => ({
    namespace: 'ContainerInsights',
    metricName,
    dimensions: k8s,
  });

  add(insights('pod_cpu_utilization_over_pod_limit'), spec.cpu);
  add(insights('pod_memory_utilization_over_pod_limit'), spec.memory);
  add(insights('pod_network_rx_bytes'), spec.network);
  add(insights('pod_network_tx_bytes'), {
    ...spec.network,
    level: spec.network.level * 2,
    growthPerWeek: spec.network.growthPerWeek * 2,
    daily: spec.network.daily * 2,
    weekend: spec.network.weekend * 2,
  });
  add(insights('service_number_of_running_pods'), spec.replicas);
  add(
    {
      namespace: DISK_IO_NAMESPACE,
      metricName: DISK_IO_METRIC,
      dimensions: { ClusterName: spec.cluster, Service: spec.name },
    },
    spec.diskIo,
  );
  if (spec.queue && spec.queueDepth) {
    add(
      {
        namespace: 'AWS/SQS',
        metricName: 'ApproximateNumberOfMessagesVisible',
        dimensions: { QueueName: spec.queue },
      },
      spec.queueDepth,
    );
  }
  if (spec.targetGroup && spec.loadBalancer) {
    const alb = (metricName: string): MetricKey => ({
      namespace: 'AWS/ApplicationELB',
      metricName,
      dimensions: {
        LoadBalancer: spec.loadBalancer!,
        TargetGroup: spec.targetGroup!,
      },
    });
    // The SLO series own the ALB metrics they define; only fill the rest.
    if (!store.find(alb('RequestCount'))) {
      add(alb('RequestCount'), spec.requests);
    }
    if (!store.find(alb('TargetResponseTime'))) {
      add(alb('TargetResponseTime'), spec.latency, latencyScale);
    }
  }
}

/** Start of the UTC day `days` before the anchor's, plus hours and minutes. */
function dayBefore(anchor: number, days: number, hh: number, mm = 0): number {
  return Math.floor(anchor / DAY) * DAY - days * DAY + hh * HOUR + mm * MINUTE;
}

const quiet = (level: number, extra: Partial<Shape> = {}): Shape => ({
  level,
  growthPerWeek: 0,
  daily: level * 0.15,
  weekend: -level * 0.05,
  noise: level * 0.04,
  hourlyNoise: level * 0.02,
  min: 0,
  max: 100,
  ...extra,
});

/** What sets a service apart in the story; the rest is quiet. */
type Story = Partial<CapacityServiceSpec> & {
  /** Hours without any container metrics (an agent outage). */
  outage?: [number, number][];
};

/** The example platform's capacity story, service by service. */
export function platformCapacitySpecs(anchor: number): CapacityServiceSpec[] {
  const byName = new Map<string, Story>([
    [
      CPU_TRENDING_SERVICE,
      {
        cpu: {
          level: 55.5,
          growthPerWeek: 1.5,
          daily: 8,
          weekend: -3,
          noise: 2,
          hourlyNoise: 1,
          min: 0,
          max: 100,
          bursts: [
            { start: dayBefore(anchor, 4, 13, 40), minutes: 35, level: 78 },
            { start: dayBefore(anchor, 11, 14, 0), minutes: 25, level: 76 },
            { start: dayBefore(anchor, 19, 13, 20), minutes: 50, level: 81 },
            // Ten minutes only: a breach, not a trigger.
            { start: dayBefore(anchor, 26, 14, 10), minutes: 10, level: 77 },
          ],
        },
        memory: quiet(58, { growthPerWeek: 0.3, daily: 4 }),
        diskIo: quiet(38, { growthPerWeek: 0.2 }),
        replicas: {
          level: 5.5,
          growthPerWeek: 0.08,
          daily: 1.2,
          weekend: -0.5,
          noise: 0.2,
          min: 2,
          max: 10,
        },
        requests: quiet(220, { growthPerWeek: 4, max: undefined }),
        network: quiet(1.8e6, { growthPerWeek: 3e4, max: undefined }),
        latency: quiet(0.09, { max: undefined, noise: 0.004 }),
      },
    ],
    [
      'order-service',
      {
        cpu: quiet(40, { growthPerWeek: 0.15, daily: 10 }),
        memory: quiet(55),
        queueDepth: {
          level: 18,
          growthPerWeek: 0,
          daily: 10,
          weekend: -4,
          noise: 6,
          min: 0,
          bursts: [
            { start: dayBefore(anchor, 2, 15, 0), minutes: 30, level: 240 },
            { start: dayBefore(anchor, 9, 19, 30), minutes: 45, level: 180 },
            { start: dayBefore(anchor, 16, 12, 0), minutes: 20, level: 150 },
            { start: dayBefore(anchor, 24, 9, 15), minutes: 35, level: 210 },
          ],
        },
      },
    ],
    [
      'customer-service',
      {
        cpu: quiet(30),
        memory: quiet(62, { growthPerWeek: 0.25, daily: 3 }),
        outage: [[dayBefore(anchor, 9, 2), dayBefore(anchor, 9, 8)]],
      },
    ],
    [
      'product-service',
      {
        cpu: quiet(35, { growthPerWeek: 0.5 }),
        memory: quiet(48, {
          gaps: [[dayBefore(anchor, 50, 0), dayBefore(anchor, 48, 0)]],
        }),
        requests: quiet(400, { growthPerWeek: 8, max: undefined }),
      },
    ],
    [
      'payment-service',
      {
        cpu: quiet(25),
        memory: quiet(45),
        queueDepth: quiet(3, { max: undefined, noise: 1 }),
      },
    ],
  ]);

  return services.map((service: PlatformService) => {
    const story = byName.get(service.name) ?? {};
    const withGaps = (shape: Shape): Shape =>
      story.outage
        ? { ...shape, gaps: [...(shape.gaps ?? []), ...story.outage] }
        : shape;
    return {
      name: service.name,
      cluster: service.cluster,
      namespace: KUBERNETES_NAMESPACE,
      targetGroup: service.targetGroup,
      loadBalancer: LOAD_BALANCER,
      queue: service.queue,
      cpu: withGaps(story.cpu ?? quiet(35)),
      memory: withGaps(story.memory ?? quiet(50)),
      diskIo: withGaps(story.diskIo ?? quiet(15)),
      network: withGaps(story.network ?? quiet(9e5, { max: undefined })),
      replicas: withGaps(
        story.replicas ?? {
          level: 3,
          growthPerWeek: 0,
          daily: 0.8,
          weekend: -0.3,
          noise: 0.15,
          min: 2,
          max: 10,
        },
      ),
      requests: story.requests ?? quiet(150, { max: undefined }),
      latency: story.latency ?? quiet(0.07, { max: undefined, noise: 0.003 }),
      queueDepth: story.queueDepth,
    };
  });
}

/** Adds the resource metrics (Container Insights, SQS, ALB) behind capacity trends. */
export function addCapacitySeries(store: MetricStore, anchor: number): void {
  for (const spec of platformCapacitySpecs(anchor)) {
    addServiceCapacitySeries(store, anchor, spec);
  }
}
