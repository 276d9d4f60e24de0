import {
  CAPACITY_TRIGGER_WINDOW_DAYS,
  CapacityDenseSeries,
  CapacityFineSeries,
  CapacitySeries,
  isSummedStatistic,
} from '@opsportal/plugin-ops-common';
import {
  MetricQuery,
  MetricSeries,
  MetricsProvider,
} from '@opsportal/plugin-ops-node';
import { createHash } from 'node:crypto';
import {
  CHUNK_SLOTS,
  CapacitySeriesStore,
  SeriesChunk,
  seriesKey,
} from './seriesStore';
import { CapacityTarget } from './targets';

const DAY = 86_400_000;
/** Days of history behind trends and forecasts. */
const TREND_DAYS = 90;
/**
 * The period trigger rules are evaluated at: "CPU > 70 % for 15 minutes" is
 * 15 consecutive 1-minute datapoints. CloudWatch keeps 1-minute data for
 * 15 days; older parts of the trigger window are read at the finest period
 * still kept (5 minutes: 3 consecutive datapoints).
 */
const TRIGGER_RESOLUTION_SECONDS = 60;
/** How long CloudWatch keeps 1-minute data. */
const MINUTE_DATA_DAYS = 15;

/**
 * The coarsest period CloudWatch still keeps for data this old: 60 s for
 * 15 days, 300 s for 63 days, hourly beyond.
 */
function retentionPeriod(days: number): number {
  if (days <= 15) return 60;
  if (days <= 63) return 300;
  return 3600;
}

/** The period for a window: what retention allows and what the math needs. */
function periodFor(days: number, neededSeconds: number): number {
  return Math.max(retentionPeriod(days), neededSeconds);
}

/** One metric's data as the analysis takes it. */
export interface CollectedMetric {
  /** Hourly values; a running hour's value covers its elapsed part. */
  hourly: CapacitySeries;
  /** Finer data over the trigger window, oldest window first. */
  fine?: CapacityFineSeries[];
  /** The statistic asked for (`Average`, `Sum`, `p95`, ...). */
  statistic?: string;
  problems: string[];
}

type WindowName = 'hourly' | 'fine' | 'minute';

interface Wanted {
  entityRef: string;
  metricId: string;
  window: WindowName;
  period: number;
  statistic: string;
  /** The provider that answers it (`prometheus`); CloudWatch when absent. */
  provider?: string;
  transform?: (value: number, seconds: number) => number;
}

/**
 * The values of a series in the metric's unit. A datapoint stands for the
 * period from its timestamp; the running period's (its end after `now`)
 * covers only the elapsed part. For a summed statistic that part is
 * incomplete: a rate (a `transform` such as sum / seconds) is taken over the
 * elapsed seconds, not the period's (nine minutes of requests divided by
 * 3,600 s would read 6.7 times too low); without a transform the partial
 * sum is left out, as it is not comparable with whole periods.
 */
function periodValues(
  series: { timestamps: number[]; values: number[] },
  want: {
    period: number;
    statistic: string;
    transform?: (value: number, seconds: number) => number;
  },
  now: number,
): CapacitySeries {
  const periodMs = want.period * 1000;
  const summed = isSummedStatistic(want.statistic);
  const n = series.timestamps.length;
  // Exactly sized (no growth slack): 1-minute series are long.
  let timestamps: number[] = new Array(n);
  let values: number[] = new Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const t = series.timestamps[i];
    const value = series.values[i];
    const running = t + periodMs > now;
    if (running && summed && !want.transform) continue;
    const seconds =
      running && summed
        ? Math.min(want.period, Math.max(1, (now - t) / 1000))
        : want.period;
    timestamps[k] = t;
    values[k] = want.transform ? want.transform(value, seconds) : value;
    k++;
  }
  if (k < n) {
    timestamps = timestamps.slice(0, k);
    values = values.slice(0, k);
  }
  return { timestamps, values };
}

const SUFFIX: Record<WindowName, string> = {
  hourly: 'h',
  fine: 'f',
  minute: 'm',
};

/** Options of {@link collectCapacityData}. */
export interface CollectOptions {
  now: number;
  region?: string;
  signal?: AbortSignal;
  /**
   * Where each metric's datapoints are kept between refreshes. With it,
   * CloudWatch is asked only for what the store does not hold yet (the
   * time since the last refresh, and `lateDataMinutes` before it); without
   * it, every window is read in full.
   */
  store?: CapacitySeriesStore;
  /** Minutes before the last refresh read again for late datapoints. Default 15. */
  lateDataMinutes?: number;
}

interface Window {
  name: WindowName;
  period: number;
  start: number;
  end: number;
}

/** One metric window of one target, and what the store holds of it. */
interface Item extends Wanted {
  target: number;
  metric: number;
  resultId: string;
  queries: MetricQuery[];
  fingerprint: string;
  /** Where the read from CloudWatch starts; before it, stored values serve. */
  fetchFrom: number;
  /** The stored chunks that hold the window's values before `fetchFrom`. */
  stored: SeriesChunk[];
}

/** Counts of a collection, for logs and benchmarks. */
export interface CollectStats {
  /** Metric windows read in full (nothing usable stored). */
  full: number;
  /** Metric windows continued from stored values. */
  continued: number;
}

/**
 * Fetches the capacity data of many targets of one region: one provider
 * request for the 90-day hourly window (trends, forecasts, 90-day chart);
 * for the metrics with triggers, one for the last 15 days at 1 minute and
 * one for the rest of the 30-day trigger window at 5 minutes (CloudWatch
 * keeps no older 1-minute data). The provider packs each into as few
 * upstream calls as its limits allow. With a store, each window is read
 * only from where the stored values end (see {@link CollectOptions.store}),
 * and what was read is stored for the next refresh.
 */
export async function collectCapacityData(
  provider: MetricsProvider,
  targets: CapacityTarget[],
  options: CollectOptions,
  stats: CollectStats = { full: 0, continued: 0 },
): Promise<Map<string, Map<string, CollectedMetric>>> {
  const { now, store } = options;
  const windows = capacityWindows(now);
  const overlapMs = (options.lateDataMinutes ?? 15) * 60_000;
  const stored = store
    ? await store.load(targets.map(t => t.entityRef))
    : new Map<string, SeriesChunk[]>();
  const replace: { entityRef: string; metricId: string; window: WindowName }[] =
    [];

  const items: Item[] = [];
  targets.forEach((target, t) => {
    target.metrics.forEach((plan, m) => {
      for (const w of windows) {
        if (w.name !== 'hourly' && !plan.fine) continue;
        if (w.end <= w.start) continue;
        const { queries, resultId } = plan.source.build(
          `t${t}m${m}${SUFFIX[w.name]}`,
          w.period,
        );
        const fingerprint = fingerprintOf(
          plan.definition.id,
          w,
          queries,
          plan.source.provider,
        );
        const key = seriesKey(target.entityRef, plan.definition.id, w.name);
        const chunks = stored.get(key) ?? [];
        const usable = chunks.filter(
          c => c.fingerprint === fingerprint && c.periodSeconds === w.period,
        );
        if (usable.length < chunks.length) {
          replace.push({
            entityRef: target.entityRef,
            metricId: plan.definition.id,
            window: w.name,
          });
        }
        const covered = coveredUntil(usable, w.start);
        const fetchFrom =
          covered === undefined
            ? w.start
            : Math.max(
                w.start,
                floorTo(Math.min(covered, w.end) - overlapMs, w.period),
              );
        if (covered === undefined) stats.full++;
        else stats.continued++;
        items.push({
          target: t,
          metric: m,
          resultId,
          queries,
          fingerprint,
          fetchFrom,
          stored: fetchFrom > w.start ? usable : [],
          entityRef: target.entityRef,
          metricId: plan.definition.id,
          window: w.name,
          period: w.period,
          statistic: plan.source.statistic,
          transform: plan.source.transform,
          ...(plan.source.provider ? { provider: plan.source.provider } : {}),
        });
      }
    });
  });
  stored.clear();

  const result = new Map<string, Map<string, CollectedMetric>>();
  for (const target of targets) {
    const metrics = new Map<string, CollectedMetric>();
    for (const plan of target.metrics) {
      metrics.set(plan.definition.id, {
        hourly: { timestamps: [], values: [] },
        statistic: plan.source.statistic,
        problems: [],
      });
    }
    result.set(target.entityRef, metrics);
  }

  // One window (and start) at a time: its answer is turned into the
  // analysis' series (exactly sized arrays), stored, and dropped before the
  // next is asked for, so that at most one window's raw answer is held.
  for (const w of windows) {
    // One request per provider and start: CloudWatch's and Prometheus's
    // queries go to their own provider.
    const groups = new Map<string, Item[]>();
    for (const item of items) {
      if (item.window !== w.name) continue;
      const key = `${item.provider ?? ''}|${item.fetchFrom}`;
      const group = groups.get(key);
      if (group) group.push(item);
      else groups.set(key, [item]);
    }
    for (const group of groups.values()) {
      const { fetchFrom, provider: providerId } = group[0];
      const chunks: SeriesChunk[] = [];
      const byId = new Map(group.map(item => [item.resultId, item]));
      const request = {
        queries: group.flatMap(item => item.queries),
        start: new Date(fetchFrom),
        end: new Date(w.end),
        ...(providerId ? { provider: providerId } : { region: options.region }),
        signal: options.signal,
      };
      let answers: MetricSeries[] | undefined =
        fetchFrom < w.end
          ? await provider.getMetricData(request).catch(error => {
              // CloudWatch's failure fails the batch, which keeps its last
              // good analyses. Another provider's (Prometheus down, or its
              // module not installed) fails only the metrics read from it.
              if (!providerId) throw error;
              const message =
                error instanceof Error ? error.message : String(error);
              return group.map(item => ({
                id: item.resultId,
                timestamps: [],
                values: [],
                status: 'InternalError' as const,
                messages: [message],
              }));
            })
          : // Everything is stored (a refresh within the same period).
            group.map(item => ({
              id: item.resultId,
              timestamps: [],
              values: [],
              status: 'Complete' as const,
            }));
      for (const item of group) item.queries = [];
      for (let i = 0; i < answers.length; i++) {
        const series = answers[i];
        const item = byId.get(series.id);
        if (!item) continue;
        byId.delete(series.id);
        const collected = result.get(item.entityRef)!.get(item.metricId)!;
        const fetched = periodValues(series, item, now);
        // The raw series is not needed any more.
        series.timestamps = [];
        series.values = [];
        const data =
          item.window === 'hourly'
            ? hourlyWithStored(item, w.start, fetched)
            : withStored(item, w.start, fetched);
        item.stored = [];
        if (item.window === 'hourly') collected.hourly = data as CapacitySeries;
        else {
          collected.fine = [
            ...(collected.fine ?? []),
            {
              series: data,
              periodSeconds: item.period,
              from: w.start,
              to: w.end,
            },
          ].sort((a, b) => a.from! - b.from!);
        }
        const failed =
          series.status === 'Forbidden' || series.status === 'InternalError';
        if (failed) {
          collected.problems.push(
            `the ${item.window} data could not be read (${series.status}${
              series.messages?.length ? `: ${series.messages.join('; ')}` : ''
            })`,
          );
        } else if (store && series.status === 'Complete') {
          chunks.push(...chunksToStore(item, w, data));
        }
      }
      answers = undefined;
      if (store) {
        const replaced = replace.filter(r => r.window === w.name);
        await store.save(chunks, replaced, new Date(now));
      }
    }
    if (store && groups.size > 0) {
      await store.prune(
        targets.map(t => t.entityRef),
        w.name,
        w.period,
        w.start,
      );
    }
  }
  return result;
}

/**
 * The windows a refresh at `now` analyses: 90 days hourly; the trigger
 * window's older part at 5 minutes and its last 15 days at 1 minute, on a
 * 5-minute boundary so that the two meet without overlapping.
 */
function capacityWindows(now: number): Window[] {
  const hourlyPeriod = periodFor(TREND_DAYS, 3600);
  const finePeriod = periodFor(
    CAPACITY_TRIGGER_WINDOW_DAYS,
    TRIGGER_RESOLUTION_SECONDS,
  );
  const triggerStart =
    floorTo(now, finePeriod) - CAPACITY_TRIGGER_WINDOW_DAYS * DAY;
  const minuteStart = Math.max(
    triggerStart,
    ceilTo(now - MINUTE_DATA_DAYS * DAY, finePeriod),
  );
  return [
    {
      name: 'hourly',
      period: hourlyPeriod,
      start: floorTo(now, hourlyPeriod) - TREND_DAYS * DAY,
      end: now,
    },
    { name: 'fine', period: finePeriod, start: triggerStart, end: minuteStart },
    {
      name: 'minute',
      period: periodFor(MINUTE_DATA_DAYS, TRIGGER_RESOLUTION_SECONDS),
      start: minuteStart,
      end: now,
    },
  ];
}

/**
 * What the stored values answer: the metric, window, period and queries
 * (without their ids, which depend on the batch). Any change (another
 * statistic, dimension or expression) makes the stored values unusable.
 */
function fingerprintOf(
  metricId: string,
  w: Window,
  queries: MetricQuery[],
  provider?: string,
): string {
  const ids = new Map(queries.map((q, i) => [q.id, `q${i}`]));
  const rename = (text: string) =>
    text.replace(/\b[a-z][a-zA-Z0-9_]*\b/g, id => ids.get(id) ?? id);
  const shape = queries.map(q => ({
    ...q,
    id: ids.get(q.id),
    group: q.group ? rename(q.group) : undefined,
    expression: q.expression ? rename(q.expression) : undefined,
  }));
  return createHash('sha1')
    .update(
      JSON.stringify({
        v: 1,
        metricId,
        window: w.name,
        period: w.period,
        // Stored values are kept per provider (CloudWatch's fingerprints
        // are unchanged: the key is absent for them).
        ...(provider ? { provider } : {}),
        shape,
      }),
    )
    .digest('hex');
}

/**
 * Where the stored chunks stop holding the window without a hole: the end
 * of the run of chunks that starts at or before the window's start.
 * Undefined when the stored values do not reach back to the window's
 * start (nothing stored, or missed refreshes longer than the window).
 */
function coveredUntil(
  chunks: SeriesChunk[],
  windowStart: number,
): number | undefined {
  let covered: number | undefined;
  for (const chunk of chunks) {
    if (chunk.to <= windowStart) continue;
    if (covered === undefined) {
      if (chunk.from > windowStart) return undefined;
      covered = chunk.to;
    } else if (chunk.from > covered) {
      break;
    } else {
      covered = Math.max(covered, chunk.to);
    }
  }
  return covered;
}

/** The stored values in [windowStart, fetchFrom), then the fetched ones. */
function withStored(
  item: Item,
  windowStart: number,
  fetched: CapacitySeries,
): CapacityDenseSeries {
  if (item.stored.length === 0) return fetched;
  const periodMs = item.period * 1000;
  // The slots of each chunk that lie in [windowStart, fetchFrom).
  const spans = item.stored.map(chunk => ({
    chunk,
    first: Math.max(0, Math.ceil((windowStart - chunk.start) / periodMs)),
    last: Math.min(
      chunk.values.length,
      Math.ceil((item.fetchFrom - chunk.start) / periodMs),
    ),
  }));
  let n = 0;
  for (const { chunk, first, last } of spans) {
    const values = chunk.values;
    for (let i = first; i < last; i++) if (!Number.isNaN(values[i])) n++;
  }
  let tailFrom = 0;
  while (
    tailFrom < fetched.timestamps.length &&
    fetched.timestamps[tailFrom] < item.fetchFrom
  ) {
    tailFrom++;
  }
  const size = n + fetched.timestamps.length - tailFrom;
  // Typed arrays: 15 days of 1-minute values are kept outside the heap, and
  // freed as soon as the batch's analysis is done.
  const timestamps = new Float64Array(size);
  const values = new Float64Array(size);
  let k = 0;
  for (const { chunk, first, last } of spans) {
    const stored = chunk.values;
    for (let i = first; i < last; i++) {
      const v = stored[i];
      if (Number.isNaN(v)) continue;
      timestamps[k] = chunk.start + i * periodMs;
      values[k] = v;
      k++;
    }
  }
  for (let i = tailFrom; i < fetched.timestamps.length; i++, k++) {
    timestamps[k] = fetched.timestamps[i];
    values[k] = fetched.values[i];
  }
  return { timestamps, values };
}

/**
 * {@link withStored} as plain arrays: the hourly series goes through the
 * forecast, which takes plain arrays (2,160 values, small).
 */
function hourlyWithStored(
  item: Item,
  windowStart: number,
  fetched: CapacitySeries,
): CapacitySeries {
  if (item.stored.length === 0) return fetched;
  const dense = withStored(item, windowStart, fetched);
  return {
    timestamps: Array.from(dense.timestamps),
    values: Array.from(dense.values),
  };
}

/**
 * The chunks a read touched, to be stored: each holds the window's values
 * on the period's grid, and says which part of it CloudWatch was asked for.
 * A series whose timestamps are off the grid is not stored (the next
 * refresh reads it in full).
 */
function chunksToStore(
  item: Item,
  w: Window,
  data: CapacityDenseSeries,
): SeriesChunk[] {
  const periodMs = item.period * 1000;
  const chunkMs = periodMs * CHUNK_SLOTS;
  const chunks: SeriesChunk[] = [];
  // Only the chunks from the read's start are rewritten.
  const firstChunk = Math.floor(item.fetchFrom / chunkMs) * chunkMs;
  for (let start = firstChunk; start < w.end; start += chunkMs) {
    chunks.push({
      entityRef: item.entityRef,
      metricId: item.metricId,
      window: item.window,
      start,
      fingerprint: item.fingerprint,
      periodSeconds: item.period,
      from: Math.max(start, w.start),
      to: Math.min(start + chunkMs, w.end),
      values: new Float64Array(CHUNK_SLOTS).fill(NaN),
    });
  }
  const { timestamps, values } = data;
  for (let i = 0; i < timestamps.length; i++) {
    const t = timestamps[i];
    if (t < firstChunk) continue;
    // NaN marks a slot without a datapoint, so a NaN value cannot be kept.
    if (t % periodMs !== 0 || t >= w.end || Number.isNaN(values[i])) return [];
    const c = Math.floor((t - firstChunk) / chunkMs);
    chunks[c].values[(t - chunks[c].start) / periodMs] = values[i];
  }
  return chunks;
}

function floorTo(t: number, periodSeconds: number): number {
  const ms = periodSeconds * 1000;
  return Math.floor(t / ms) * ms;
}

function ceilTo(t: number, periodSeconds: number): number {
  const ms = periodSeconds * 1000;
  return Math.ceil(t / ms) * ms;
}
