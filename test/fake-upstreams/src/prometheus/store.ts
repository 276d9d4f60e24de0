import { Matcher, matchRegexOrEquals } from './promql';

/**
 * The series the fake Prometheus serves. Samples lie on a one-minute scrape
 * grid (the sample at minute boundary `M` is scraped at `M * 60 s`).
 *
 * Counters are real cumulative counters: each family generates integer
 * increments per minute, deterministically, and a counter's value at a
 * sample is the sum of the increments of the minutes before it since the
 * exporter last restarted (once a day, see {@link CounterFamily}).
 * `increase()` over a window is the exact sum of the increments in it:
 * resets are counted through as Prometheus does, without its
 * extrapolation at the window's edges.
 */

export type Labels = Record<string, string>;

const MINUTE = 60_000;

/** Minute of the UTC day when the exporters restart (06:00, the nightly deploy). */
export const RESTART_MINUTE_OF_DAY = 6 * 60;

/** One series: its labels (with `__name__`) and how to read its samples. */
export interface PromSeries {
  labels: Labels;
  kind: 'counter' | 'gauge';
  /** The sample at minute boundary `minute` (epoch minutes), if there is one. */
  sample(minute: number): number | undefined;
  /**
   * Counters: the increase from the sample at minute `from` to the one at
   * `to` (epoch minutes, from < to), counting the series' start as 0.
   * Undefined when the series has no sample at or before `to`.
   */
  increase?(from: number, to: number): number | undefined;
}

/**
 * Counters that move together (a histogram's buckets, count and sum; a
 * counter per outcome): `increments(minute)` gives the increments of every
 * member in the minute starting at that epoch minute, in the order of
 * `labels`. Sums are kept per hour, so a window costs its own hours only.
 *
 * The exporting process restarts every day at {@link RESTART_MINUTE_OF_DAY}
 * (the nightly deploy), and its counters start again from the increments
 * of the minute it restarted in, as a real pod's do: the raw samples drop
 * once a day, and `increase()` counts across the drop as Prometheus does.
 */
export class CounterFamily {
  private readonly hours = new Map<number, Float64Array>();
  private readonly k: number;

  constructor(
    readonly labels: Labels[],
    /** First epoch minute with data (its sample is 0). */
    readonly firstMinute: number,
    private readonly increments: (minute: number) => number[],
  ) {
    this.k = labels.length;
  }

  /** Member j's raw counter value at the sample of epoch minute `minute`. */
  value(j: number, minute: number): number | undefined {
    if (minute < this.firstMinute) return undefined;
    // The restart at or before the sample; its minute's increments count.
    let restart =
      Math.floor((minute - RESTART_MINUTE_OF_DAY) / 1440) * 1440 +
      RESTART_MINUTE_OF_DAY;
    if (restart > minute) restart -= 1440;
    const from = Math.max(this.firstMinute, restart - 1);
    return from >= minute ? 0 : this.increase(j, from, minute) ?? 0;
  }

  series(): PromSeries[] {
    return this.labels.map((labels, j) => ({
      labels,
      kind: 'counter' as const,
      sample: (minute: number) => this.value(j, minute),
      increase: (from: number, to: number) => this.increase(j, from, to),
    }));
  }

  /**
   * Member j's increments from the sample at epoch minute `from` to the
   * one at `to` (the minutes [from, to)); the history before the first
   * minute counts as 0.
   */
  increase(j: number, from: number, to: number): number | undefined {
    if (to < this.firstMinute || to <= from) return undefined;
    const start = Math.max(from, this.firstMinute);
    const k = this.k;
    const at = (minute: number) => {
      const hour = Math.floor(minute / 60);
      return this.hour(hour)[(minute - hour * 60) * k + j];
    };
    const firstHour = Math.floor(start / 60);
    const lastHour = Math.floor(to / 60);
    if (firstHour === lastHour) return at(to) - at(start);
    let total = this.hour(firstHour)[60 * k + j] - at(start);
    for (let h = firstHour + 1; h < lastHour; h++) {
      total += this.hour(h)[60 * k + j];
    }
    return total + at(to);
  }

  /** Cumulative increments inside an hour: [minute offset 0..60][member]. */
  private hour(hour: number): Float64Array {
    let within = this.hours.get(hour);
    if (!within) {
      const k = this.k;
      within = new Float64Array(61 * k);
      for (let i = 0; i < 60; i++) {
        const minute = hour * 60 + i;
        const inc =
          minute >= this.firstMinute ? this.increments(minute) : undefined;
        for (let j = 0; j < k; j++) {
          within[(i + 1) * k + j] = within[i * k + j] + (inc?.[j] ?? 0);
        }
      }
      this.hours.set(hour, within);
    }
    return within;
  }
}

/** A gauge sampled every minute from `firstMinute` on. */
export function gauge(
  labels: Labels,
  firstMinute: number,
  value: (minute: number) => number | undefined,
): PromSeries {
  return {
    labels,
    kind: 'gauge',
    sample: minute => (minute >= firstMinute ? value(minute) : undefined),
  };
}

/** The series of the fake Prometheus, found by label matchers. */
export class PrometheusStore {
  private readonly byName = new Map<string, PromSeries[]>();
  private readonly regexes = new Map<string, RegExp>();

  add(...series: PromSeries[]): this {
    for (const s of series) {
      const name = s.labels.__name__;
      const list = this.byName.get(name) ?? [];
      list.push(s);
      this.byName.set(name, list);
    }
    return this;
  }

  addFamily(family: CounterFamily): this {
    return this.add(...family.series());
  }

  /** Every series whose labels satisfy all matchers (an absent label is ""). */
  select(matchers: Matcher[]): PromSeries[] {
    const name = matchers.find(m => m.name === '__name__' && m.op === '=');
    const candidates = name
      ? this.byName.get(name.value) ?? []
      : [...this.byName.values()].flat();
    return candidates.filter(s =>
      matchers.every(m => this.matches(m, s.labels[m.name] ?? '')),
    );
  }

  /** Metric names, sorted. */
  names(): string[] {
    return [...this.byName.keys()].sort();
  }

  private matches(m: Matcher, value: string): boolean {
    if (m.op === '=' || m.op === '!=') return matchRegexOrEquals(m, value);
    let re = this.regexes.get(m.value);
    if (!re) {
      re = new RegExp(`^(?:${m.value})$`, 's');
      this.regexes.set(m.value, re);
    }
    return re.test(value) === (m.op === '=~');
  }
}

/** Epoch minute of the latest scrape at or before `t` (epoch ms). */
export function minuteAtOrBefore(t: number): number {
  return Math.floor(t / MINUTE);
}
