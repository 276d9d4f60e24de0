/*
 * Known series for the tests against a real Prometheus: what a service
 * exposes (a request counter by status code with restarts, a latency
 * histogram, a memory gauge), generated from a seed, written as OpenMetrics
 * text for promtool, and the same numbers computed directly from the
 * generated events, so that what Prometheus answers can be compared with
 * the truth. Test-only; not exported by the package.
 */

/** Seconds between two samples of a series (a scrape interval). */
export const SPACING_SECONDS = 60;
const SPACING = SPACING_SECONDS * 1000;

/** Upper bounds of the latency histogram's buckets, seconds. */
export const LATENCY_BOUNDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, Infinity];

/** A counter's samples and the events behind each one. */
export interface CounterSeries {
  labels: Record<string, string>;
  /** Epoch ms of each sample. */
  times: number[];
  /** What the counter read (it restarts from 0 when the process restarts). */
  values: number[];
  /** Events between the previous sample and this one (0 for the first). */
  events: number[];
}

/** A gauge's samples. */
export interface GaugeSeries {
  labels: Record<string, string>;
  times: number[];
  values: number[];
}

/** What {@link generateDataset} makes. */
export interface Dataset {
  /** First and last sample of the counters, epoch ms (on the minute). */
  start: number;
  end: number;
  /** `http_requests_total{job, code}`. */
  requests: CounterSeries[];
  /** `http_request_duration_seconds_bucket{job="orders", le}`, one per bound, cumulative as Prometheus has them. */
  buckets: CounterSeries[];
  /** `process_resident_memory_bytes{job="orders"}`, sampled half a minute after the counters. */
  memory: GaugeSeries;
  /**
   * `disk_used_bytes{job="orders"}` over `diskDays` before `end`, every
   * five minutes (2.5 minutes off the hour): growing, with a daily pattern.
   */
  disk: GaugeSeries;
  /** Everything above as OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`. */
  openMetrics: string;
}

/** A small deterministic generator (mulberry32), so every run writes the same samples. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Samples of a counter from events per interval, restarting (from 0) at the given sample indexes. */
export function counter(
  labels: Record<string, string>,
  times: number[],
  events: number[],
  base: number,
  restarts: ReadonlySet<number>,
): CounterSeries {
  const values: number[] = [];
  let value = base;
  for (let i = 0; i < times.length; i++) {
    value = restarts.has(i) ? events[i] : value + events[i];
    values.push(value);
  }
  return { labels, times, values, events };
}

export function labelText(labels: Record<string, string>): string {
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`;
}

function boundText(bound: number): string {
  return bound === Infinity ? '+Inf' : String(bound);
}

/**
 * Request counts, latencies and memory of an `orders` service (and a
 * `catalog` one the queries must leave out) from `end - hours` to `end`,
 * a sample a minute. The orders service has two incidents (5xx errors and
 * slow requests), a quarter of an hour without any request, and restarts
 * (counters back to 0) at known samples.
 */
export function generateDataset(options: {
  end: number;
  hours: number;
  diskDays?: number;
  seed?: number;
}): Dataset {
  const next = random(options.seed ?? 17);
  const end = Math.floor(options.end / SPACING) * SPACING;
  const count = Math.round((options.hours * 3_600_000) / SPACING) + 1;
  const start = end - (count - 1) * SPACING;
  const times = Array.from({ length: count }, (_, i) => start + i * SPACING);
  const minutesBeforeEnd = (i: number) => count - 1 - i;

  // Incidents: the last 40 minutes, and 20 minutes six hours before the end.
  const incident = (i: number) =>
    minutesBeforeEnd(i) < 40 ||
    (minutesBeforeEnd(i) >= 360 && minutesBeforeEnd(i) < 380);
  // No requests at all for a quarter of an hour (a maintenance window).
  const idle = (i: number) =>
    minutesBeforeEnd(i) >= 600 && minutesBeforeEnd(i) < 615;

  const ok: number[] = [];
  const e500: number[] = [];
  const e503: number[] = [];
  const catalog: number[] = [];
  const perBucket: number[][] = LATENCY_BOUNDS.map(() => []);
  const latencySum: number[] = [];
  for (let i = 0; i < count; i++) {
    const first = i === 0;
    const quiet = first || idle(i);
    const requests = quiet ? 0 : 80 + Math.floor(next() * 80);
    const errorShare = incident(i) ? 0.04 + next() * 0.06 : 0.002 * next();
    const errors = Math.round(requests * errorShare);
    const unavailable = !quiet && next() < 0.05 ? 1 : 0;
    ok.push(
      requests - errors - unavailable > 0 ? requests - errors - unavailable : 0,
    );
    e500.push(quiet ? 0 : errors);
    e503.push(quiet ? 0 : unavailable);
    catalog.push(first ? 0 : 30 + Math.floor(next() * 30));

    // Latency of the minute's observations (one per request), slower in incidents.
    const observed = quiet ? 0 : requests;
    const counts = LATENCY_BOUNDS.map(() => 0);
    let sum = 0;
    for (let n = 0; n < observed; n++) {
      const u = next();
      const latency = incident(i) ? 0.1 + u * u * 3 : 0.01 + u * u * u * 0.9;
      sum += latency;
      counts[LATENCY_BOUNDS.findIndex(b => latency <= b)] += 1;
    }
    counts.forEach((c, b) => perBucket[b].push(c));
    latencySum.push(sum);
  }

  const orders = { job: 'orders' };
  const requests = [
    counter(
      { ...orders, code: '200' },
      times,
      ok,
      1_250_000,
      new Set([300, 1000]),
    ),
    counter({ ...orders, code: '500' }, times, e500, 340, new Set([700])),
    counter({ ...orders, code: '503' }, times, e503, 12, new Set([300, 1000])),
    counter({ job: 'catalog', code: '200' }, times, catalog, 98_000, new Set()),
  ];
  // The histogram restarts with the process (sample 300): every bucket at once.
  const restarts = new Set([300]);
  const buckets = LATENCY_BOUNDS.map((bound, b) => {
    const cumulative = times.map((_, i) =>
      perBucket.slice(0, b + 1).reduce((s, list) => s + list[i], 0),
    );
    return counter(
      { ...orders, le: boundText(bound) },
      times,
      cumulative,
      5_000 * (b + 1),
      restarts,
    );
  });

  const memory: GaugeSeries = {
    labels: orders,
    times: times.map(t => t + SPACING / 2),
    values: times.map(
      (_, i) => 400_000_000 + i * 150_000 + Math.floor(next() * 20_000_000),
    ),
  };

  const diskSpacing = 5 * SPACING;
  const diskCount = Math.round(
    ((options.diskDays ?? 14) * 86_400_000) / diskSpacing,
  );
  const disk: GaugeSeries = { labels: orders, times: [], values: [] };
  for (let i = 0; i < diskCount; i++) {
    const t = end - (diskCount - i) * diskSpacing + diskSpacing / 2;
    const hour = new Date(t).getUTCHours();
    disk.times.push(t);
    disk.values.push(
      Math.round(
        200e9 +
          ((t - end) / 86_400_000) * 3e9 +
          4e9 * Math.sin((hour / 24) * 2 * Math.PI) +
          next() * 1e9,
      ),
    );
  }

  const lines: string[] = [];
  const sample = (
    name: string,
    labels: Record<string, string>,
    value: number,
    t: number,
  ) => lines.push(`${name}${labelText(labels)} ${value} ${t / 1000}`);
  lines.push('# TYPE http_requests counter');
  for (const series of requests) {
    series.times.forEach((t, i) =>
      sample('http_requests_total', series.labels, series.values[i], t),
    );
  }
  lines.push('# TYPE http_request_duration_seconds histogram');
  let countValue = 0;
  let sumValue = 0;
  for (let i = 0; i < count; i++) {
    for (const series of buckets) {
      sample(
        'http_request_duration_seconds_bucket',
        series.labels,
        series.values[i],
        times[i],
      );
    }
    const inf = buckets[buckets.length - 1];
    countValue = inf.values[i];
    sumValue = restarts.has(i) ? latencySum[i] : sumValue + latencySum[i];
    sample('http_request_duration_seconds_count', orders, countValue, times[i]);
    sample('http_request_duration_seconds_sum', orders, sumValue, times[i]);
  }
  lines.push('# TYPE process_resident_memory_bytes gauge');
  memory.times.forEach((t, i) =>
    sample('process_resident_memory_bytes', memory.labels, memory.values[i], t),
  );
  lines.push('# TYPE disk_used_bytes gauge');
  disk.times.forEach((t, i) =>
    sample('disk_used_bytes', disk.labels, disk.values[i], t),
  );
  lines.push('# EOF', '');

  return {
    start,
    end,
    requests,
    buckets,
    memory,
    disk,
    openMetrics: lines.join('\n'),
  };
}

/**
 * Events per period, straight from the generated events: for each period
 * [T, T + period) of `periods` periods from `from`, the events counted by
 * samples after T up to T + period, summed over the series.
 */
export function eventsPerPeriod(
  series: CounterSeries[],
  from: number,
  periodMs: number,
  periods: number,
): number[] {
  const out = new Array<number>(periods).fill(0);
  for (const s of series) {
    s.times.forEach((t, i) => {
      const k = Math.ceil((t - from) / periodMs) - 1;
      if (k >= 0 && k < periods) out[k] += s.events[i];
    });
  }
  return out;
}

/**
 * The `q` quantile of observations counted in cumulative buckets (upper
 * bounds ascending, the last infinite), interpolating linearly inside the
 * bucket that holds it, as a histogram quantile is defined: undefined
 * without observations; the highest finite bound when it falls in the
 * infinite bucket; the first bucket starts at 0.
 */
export function quantileOfBuckets(
  q: number,
  bounds: number[],
  cumulative: number[],
): number | undefined {
  const total = cumulative[cumulative.length - 1];
  if (!(total > 0)) return undefined;
  const rank = q * total;
  let b = 0;
  while (b < cumulative.length - 1 && cumulative[b] < rank) b++;
  if (b === cumulative.length - 1) return bounds[bounds.length - 2];
  const lower = b === 0 ? 0 : bounds[b - 1];
  const below = b === 0 ? 0 : cumulative[b - 1];
  const inBucket = cumulative[b] - below;
  return lower + (bounds[b] - lower) * ((rank - below) / inBucket);
}

/**
 * A gauge's samples within each period, both ends included, reduced by
 * `reduce` (Prometheus's `*_over_time` over `[period]` at the period's end
 * takes the samples of [T, T + period]); undefined for a period without
 * samples.
 */
export function gaugePerPeriod(
  series: GaugeSeries,
  from: number,
  periodMs: number,
  periods: number,
  reduce: (values: number[]) => number,
): (number | undefined)[] {
  return Array.from({ length: periods }, (_, k) => {
    const lo = from + k * periodMs;
    const hi = lo + periodMs;
    const values = series.values.filter(
      (_v, i) => series.times[i] >= lo && series.times[i] <= hi,
    );
    return values.length ? reduce(values) : undefined;
  });
}

/** A provider series as one value (or undefined) per period from `from`. */
export function perPeriod(
  series: { timestamps: number[]; values: number[] },
  from: number,
  periodMs: number,
  periods: number,
): (number | undefined)[] {
  const out = new Array<number | undefined>(periods).fill(undefined);
  series.timestamps.forEach((t, i) => {
    const k = (t - from) / periodMs;
    if (!Number.isInteger(k)) {
      throw new Error(
        `Datapoint at ${new Date(t).toISOString()} is not on a period start`,
      );
    }
    if (k >= 0 && k < periods) out[k] = series.values[i];
  });
  return out;
}
