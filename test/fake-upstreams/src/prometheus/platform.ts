import { normalCdf } from '../cloudwatch/sloSeries';
import { hash } from '../random';
import { CounterFamily, gauge, Labels, PrometheusStore } from './store';

/*
 * What the example platform's services export to Prometheus, from 40 days
 * before the anchor on, computed from the anchor so every run tells the
 * same story:
 *
 * - `db_query_duration_seconds` (histogram) from the services' database
 *   clients, label `db`: order-service and payment-service query the orders
 *   database (`db="orders"`), customer-service its own (`db="customers"`).
 *   The orders database's p95 is about 50 ms; four days ago a migration
 *   dropped an index and queries were 3x slower for 40 minutes (p95 over
 *   100 ms: eight bad 5-minute slices).
 * - event-processor, which consumes the order events from MSK:
 *   `event_processing_duration_seconds` (histogram, Kafka to handler, p95
 *   about 0.5 s) and `events_processed_total{outcome="success"|"failed"}`
 *   (about 0.02 % failed). Two days ago poison messages failed 6 % of the
 *   events for 20 minutes; five hours before the anchor a consumer-group
 *   rebalance made processing 4.5x slower for 25 minutes.
 * - `kafka_consumergroup_lag` from the Kafka exporter (it grows during the
 *   rebalance) and `up` for every job.
 *
 * Every counter is cumulative from 0 at the start of the history; rates
 * follow the day (busiest in the afternoon UTC) and the week.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const HISTORY_DAYS = 40;
export const KUBERNETES_NAMESPACE = 'ecommerce';

/** Bucket bounds of the database clients' histogram, seconds. */
export const DB_QUERY_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
];
/** Bucket bounds of event-processor's histogram, seconds. */
export const EVENT_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface WorkloadEpisode {
  from: number;
  to: number;
  /** Durations multiplied by this. */
  latencyFactor?: number;
  /** Share of events that fail. */
  failedShare?: number;
}

/** How one exporter's observations look. */
export interface Workload {
  /** Seeds the noise; different for every workload. */
  key: string;
  /** Observations a minute on an average hour. */
  perMinute: number;
  /** Median duration, seconds (log-normal). */
  median: number;
  sigma: number;
  failedShare?: number;
  episodes: WorkloadEpisode[];
}

/**
 * A number in [0, 1) fixed by a seed (from {@link hash}), a stream and an
 * index: the per-minute noise, without hashing a string every minute.
 */
export function mix(seed: number, stream: number, index: number): number {
  let x = (seed ^ Math.imul(stream + 1, 0x9e3779b1)) >>> 0;
  x = (x ^ Math.imul(index | 0, 0x85ebca6b)) >>> 0;
  x = (x + Math.imul(Math.floor(index / 4294967296), 0xc2b2ae35)) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return (x >>> 0) / 4294967296;
}

/** A standard normal number (Box-Muller) fixed like {@link mix}, within 3 deviations. */
function gaussian(seed: number, stream: number, index: number): number {
  const u1 = Math.max(mix(seed, stream, index), 1e-12);
  const u2 = mix(seed, stream + 100, index);
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return Math.max(-3, Math.min(3, z));
}

/** One minute of a workload. */
export function workloadMinute(
  w: Workload,
  minute: number,
  seed = hash(w.key),
) {
  const t = minute * MINUTE;
  const hour = Math.floor(t / HOUR);
  const hourOfDay = hour % 24;
  // 1970-01-01 was a Thursday (day 4).
  const weekday = (Math.floor(t / DAY) + 4) % 7;
  const diurnal = 1 + 0.35 * Math.sin((2 * Math.PI * (hourOfDay - 9)) / 24);
  const weekend = weekday === 0 || weekday === 6 ? 0.85 : 1;
  const hourly = 1 + 0.06 * (mix(seed, 1, hour) * 2 - 1);
  const mean = w.perMinute * diurnal * weekend * hourly;
  const z = gaussian(seed, 2, minute);
  const count = Math.max(0, Math.round(mean + Math.sqrt(mean) * z));
  const episode = w.episodes.find(e => e.from <= t && t < e.to);
  const median =
    w.median *
    (1 + 0.08 * (mix(seed, 3, hour) * 2 - 1)) *
    (episode?.latencyFactor ?? 1);
  const share = episode?.failedShare ?? w.failedShare ?? 0;
  // As many failures as the share gives on average, whole ones.
  const failed = Math.min(
    count,
    Math.floor(count * share + mix(seed, 4, minute)),
  );
  return { count, median, sigma: w.sigma, failed };
}

/** Cumulative bucket counts of `count` log-normal observations. */
function buckets(
  count: number,
  median: number,
  sigma: number,
  bounds: number[],
): number[] {
  return bounds.map(b =>
    Math.round(count * normalCdf((Math.log(b) - Math.log(median)) / sigma)),
  );
}

function formatBound(b: number): string {
  return b === Infinity ? '+Inf' : String(b);
}

/**
 * A histogram's series (`_bucket` per bound and +Inf, `_count`, `_sum`)
 * and, when `outcomes` is given, a counter of the same observations per
 * outcome (`success`, `failed`).
 */
export function histogramFamily(options: {
  name: string;
  labels: Labels;
  bounds: number[];
  workload: Workload;
  firstMinute: number;
  outcomes?: string;
}): CounterFamily {
  const { name, labels, bounds, workload } = options;
  const members: Labels[] = [
    ...[...bounds, Infinity].map(b => ({
      __name__: `${name}_bucket`,
      ...labels,
      le: formatBound(b),
    })),
    { __name__: `${name}_count`, ...labels },
    { __name__: `${name}_sum`, ...labels },
  ];
  if (options.outcomes) {
    members.push(
      { __name__: options.outcomes, ...labels, outcome: 'success' },
      { __name__: options.outcomes, ...labels, outcome: 'failed' },
    );
  }
  const seed = hash(workload.key);
  return new CounterFamily(members, options.firstMinute, minute => {
    const m = workloadMinute(workload, minute, seed);
    const mean = m.median * Math.exp((m.sigma * m.sigma) / 2);
    const inc = [
      ...buckets(m.count, m.median, m.sigma, bounds),
      m.count,
      m.count,
      m.count * mean,
    ];
    if (options.outcomes) inc.push(m.count - m.failed, m.failed);
    return inc;
  });
}

/** The example platform's workloads, with the story placed relative to the anchor. */
export function prometheusWorkloads(anchor: number) {
  const today = Math.floor(anchor / DAY) * DAY;
  const missingIndex: WorkloadEpisode = {
    from: today - 4 * DAY + 10 * HOUR + 20 * MINUTE,
    to: today - 4 * DAY + 11 * HOUR,
    latencyFactor: 3,
  };
  const database = (
    job: string,
    db: string,
    perMinute: number,
    episodes: WorkloadEpisode[],
  ) => ({
    job,
    db,
    workload: {
      key: `prom|db|${job}|${db}`,
      perMinute,
      median: 0.012,
      sigma: 0.85,
      episodes,
    } as Workload,
  });
  return {
    databases: [
      database('order-service', 'orders', 2400, [missingIndex]),
      database('payment-service', 'orders', 900, [missingIndex]),
      database('customer-service', 'customers', 1200, []),
    ],
    events: {
      key: 'prom|event-processor',
      perMinute: 450,
      median: 0.17,
      sigma: 0.6,
      failedShare: 0.0002,
      episodes: [
        // Poison messages: 6 % of the events fail for 20 minutes.
        {
          from: today - 2 * DAY + 15 * HOUR,
          to: today - 2 * DAY + 15 * HOUR + 20 * MINUTE,
          failedShare: 0.06,
        },
        // A consumer-group rebalance: 4.5x slower for 25 minutes.
        {
          from: anchor - 5 * HOUR,
          to: anchor - 5 * HOUR + 25 * MINUTE,
          latencyFactor: 4.5,
        },
      ],
    } as Workload,
  };
}

/** The series the fake Prometheus serves for the example platform. */
export function createPrometheusPlatformStore(anchor: number): PrometheusStore {
  const store = new PrometheusStore();
  const firstMinute =
    (Math.floor(anchor / DAY) * DAY - HISTORY_DAYS * DAY) / MINUTE;
  const { databases, events } = prometheusWorkloads(anchor);
  const jobs = new Set<string>();
  for (const d of databases) {
    jobs.add(d.job);
    store.addFamily(
      histogramFamily({
        name: 'db_query_duration_seconds',
        labels: { job: d.job, namespace: KUBERNETES_NAMESPACE, db: d.db },
        bounds: DB_QUERY_BUCKETS,
        workload: d.workload,
        firstMinute,
      }),
    );
  }
  jobs.add('event-processor');
  store.addFamily(
    histogramFamily({
      name: 'event_processing_duration_seconds',
      labels: {
        job: 'event-processor',
        namespace: KUBERNETES_NAMESPACE,
        topic: 'order-events',
      },
      bounds: EVENT_BUCKETS,
      workload: events,
      firstMinute,
      outcomes: 'events_processed_total',
    }),
  );
  const eventSeed = hash(events.key);
  // Consumer lag: tens of messages, thousands while processing is slow.
  const lagLabels = {
    __name__: 'kafka_consumergroup_lag',
    job: 'kafka-exporter',
    consumergroup: 'event-processor',
    topic: 'order-events',
  };
  store.add(
    gauge(lagLabels, firstMinute, minute => {
      const m = workloadMinute(events, minute, eventSeed);
      const slow = (m.median / events.median) ** 2;
      return Math.round(m.count * 0.08 * slow * (0.6 + mix(7, 5, minute)));
    }),
  );
  jobs.add('kafka-exporter');
  for (const job of jobs) {
    store.add(
      gauge(
        { __name__: 'up', job, namespace: KUBERNETES_NAMESPACE },
        firstMinute,
        () => 1,
      ),
    );
  }
  return store;
}
