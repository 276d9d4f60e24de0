import {
  BUDGET_BURNING_SERVICE,
  LOAD_BALANCER,
  services as platformServices,
} from '../platform';
import { hash, unit } from '../random';
import { MetricKey, MetricStore, SeriesGenerator } from './store';

/*
 * The traffic behind the example platform's SLOs: ALB requests, 4xx/5xx
 * and response times per target group (and the payment service's own
 * payment counters), from 40 days before the anchor on. The story:
 *
 * - payment-service stays within 99.99 % (about 99.996 %);
 * - order-service had a bad afternoon nine days ago and, from 100 minutes
 *   before the anchor, fails 2.5 % of its requests: 25x its 0.1 % budget,
 *   a page-level burn over 1 h and 5 m (it lasts two days);
 * - customer-service has burned slowly at about 1.6x for three and a half
 *   days: a ticket-level burn over 3 d and 6 h;
 * - product- and search-service are healthy.
 *
 * Values are piecewise constant per hour (and per episode inside an hour),
 * so sums over any bucket are exact and cheap: a 30-day bucket costs 720
 * steps, not 43,200. The capacity series reuse these ALB metrics.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const HISTORY_DAYS = 40;
const ALB_NAMESPACE = 'AWS/ApplicationELB';

/** A stretch of time where a service behaves differently. */
export interface TrafficEpisode {
  from: number;
  to: number;
  /** Share of requests answered 5xx by the targets. */
  p5xx?: number;
  /** Share answered 4xx. */
  p4xx?: number;
  /** Response times multiplied by this. */
  latencyFactor?: number;
  /** Share of payments failing (payment counters only). */
  pFailed?: number;
}

/** How one service's traffic looks. */
export interface TrafficProfile {
  name: string;
  targetGroup: string;
  requestsPerMinute: number;
  p5xx: number;
  p4xx: number;
  /** Median response time, seconds. */
  latencyMedian: number;
  /** Log-normal spread of response times. */
  latencySigma: number;
  episodes: TrafficEpisode[];
  /** Payment counters: payments per request and the share that fails. */
  payments?: { perRequest: number; pFailed: number };
}

interface Segment {
  minutes: number;
  requestsPerMinute: number;
  p5xx: number;
  p4xx: number;
  pFailed: number;
  median: number;
  sigma: number;
}

/** Standard normal CDF (Abramowitz and Stegun 7.1.26, error below 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) *
      t +
      0.254829592) *
      t *
      Math.exp(-x * x);
  return z >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

/** Traffic of one service over any time range, exactly and deterministically. */
export class TrafficModel {
  private readonly hours = new Map<
    number,
    { rpm: number; p5xx: number; p4xx: number; median: number }
  >();
  private readonly seed: number;
  private readonly first: number;

  constructor(readonly profile: TrafficProfile, anchor: number) {
    this.seed = hash(`slo|${profile.name}`);
    this.first = Math.floor(anchor / DAY) * DAY - HISTORY_DAYS * DAY;
  }

  /** True when [from, to) lies in the time the service has data for. */
  covers(from: number, to: number): boolean {
    return from >= this.first && to > from;
  }

  private hour(index: number) {
    let state = this.hours.get(index);
    if (!state) {
      const p = this.profile;
      const at = index * HOUR;
      const hourOfDay = new Date(at).getUTCHours();
      const weekday = new Date(at).getUTCDay();
      const diurnal = 1 + 0.35 * Math.sin((2 * Math.PI * (hourOfDay - 9)) / 24);
      const weekend = weekday === 0 || weekday === 6 ? 0.85 : 1;
      const noise = (k: string) => unit(`${this.seed}|${k}|${index}`) * 2 - 1;
      state = {
        rpm: p.requestsPerMinute * diurnal * weekend * (1 + 0.06 * noise('r')),
        p5xx: p.p5xx * (1 + 0.3 * noise('5')),
        p4xx: p.p4xx * (1 + 0.2 * noise('4')),
        median: p.latencyMedian * (1 + 0.08 * noise('l')),
      };
      this.hours.set(index, state);
    }
    return state;
  }

  /** The pieces of [from, to) with constant behaviour. */
  segments(from: number, to: number): Segment[] {
    const p = this.profile;
    const out: Segment[] = [];
    for (let h = Math.floor(from / HOUR); h * HOUR < to; h++) {
      const state = this.hour(h);
      const cuts = new Set([
        Math.max(from, h * HOUR),
        Math.min(to, (h + 1) * HOUR),
      ]);
      for (const e of p.episodes) {
        for (const edge of [e.from, e.to]) {
          if (
            edge > Math.max(from, h * HOUR) &&
            edge < Math.min(to, (h + 1) * HOUR)
          ) {
            cuts.add(edge);
          }
        }
      }
      const points = [...cuts].sort((a, b) => a - b);
      for (let i = 0; i + 1 < points.length; i++) {
        const mid = (points[i] + points[i + 1]) / 2;
        const episode = [...p.episodes]
          .reverse()
          .find(e => e.from <= mid && mid < e.to);
        out.push({
          minutes: (points[i + 1] - points[i]) / MINUTE,
          requestsPerMinute: state.rpm,
          p5xx: episode?.p5xx ?? state.p5xx,
          p4xx: episode?.p4xx ?? state.p4xx,
          pFailed: episode?.pFailed ?? p.payments?.pFailed ?? 0,
          median: state.median * (episode?.latencyFactor ?? 1),
          sigma: p.latencySigma,
        });
      }
    }
    return out;
  }

  /** Sum over [from, to) of a per-minute quantity. */
  sum(from: number, to: number, perMinute: (s: Segment) => number): number {
    let total = 0;
    for (const s of this.segments(from, to)) total += s.minutes * perMinute(s);
    return total;
  }

  /** Share of requests in [from, to) answered within `seconds`. */
  latencyCount(from: number, to: number, seconds: number): number {
    return this.sum(
      from,
      to,
      s =>
        s.requestsPerMinute *
        normalCdf((Math.log(seconds) - Math.log(s.median)) / s.sigma),
    );
  }

  /** The `q` quantile of response times in [from, to) (a log-normal mixture). */
  latencyQuantile(from: number, to: number, q: number): number {
    const segments = this.segments(from, to);
    const weight = segments.reduce(
      (n, s) => n + s.minutes * s.requestsPerMinute,
      0,
    );
    let lo =
      Math.log(Math.min(...segments.map(s => s.median))) -
      6 * this.profile.latencySigma;
    let hi =
      Math.log(Math.max(...segments.map(s => s.median))) +
      6 * this.profile.latencySigma;
    for (let i = 0; i < 50; i++) {
      const mid = (lo + hi) / 2;
      const below = segments.reduce(
        (n, s) =>
          n +
          s.minutes *
            s.requestsPerMinute *
            normalCdf((mid - Math.log(s.median)) / s.sigma),
        0,
      );
      if (below < q * weight) lo = mid;
      else hi = mid;
    }
    return Math.exp((lo + hi) / 2);
  }
}

/** A CloudWatch statistic of a count metric over a bucket. */
function countStat(
  model: TrafficModel,
  perMinute: (s: Segment) => number,
  reportZero: boolean,
): SeriesGenerator {
  return (start, period, stat) => {
    const end = start + period * 1000;
    if (!model.covers(start, end)) return undefined;
    const sum = model.sum(start, end, perMinute);
    // ALB reports HTTPCode_* counts only for minutes that have some.
    if (sum === 0 && !reportZero) return undefined;
    const minutes = period / 60;
    switch (stat) {
      case 'Sum':
        return sum;
      case 'SampleCount':
        return minutes;
      case 'Average':
        return sum / minutes;
      case 'Maximum':
        return (sum / minutes) * 1.25;
      case 'Minimum':
        return (sum / minutes) * 0.8;
      default:
        return undefined;
    }
  };
}

/** TargetResponseTime: SampleCount, Average, pNN, TC(:x), PR(:x), Maximum, Minimum. */
function latencyStat(model: TrafficModel): SeriesGenerator {
  return (start, period, stat) => {
    const end = start + period * 1000;
    if (!model.covers(start, end)) return undefined;
    const requests = model.sum(start, end, s => s.requestsPerMinute);
    if (requests === 0) return undefined;
    const bounded = /^(TC|PR)\(:(\d+(?:\.\d+)?)\)$/.exec(stat);
    if (bounded) {
      const within = model.latencyCount(start, end, Number(bounded[2]));
      return bounded[1] === 'TC' ? within : (within / requests) * 100;
    }
    const percentile = /^p(\d+(?:\.\d+)?)$/.exec(stat);
    if (percentile)
      return model.latencyQuantile(start, end, Number(percentile[1]) / 100);
    switch (stat) {
      case 'SampleCount':
        return requests;
      case 'Average':
        return (
          model.sum(
            start,
            end,
            s =>
              s.requestsPerMinute *
              s.median *
              Math.exp((s.sigma * s.sigma) / 2),
          ) / requests
        );
      case 'Maximum':
        return model.latencyQuantile(start, end, 0.9999);
      case 'Minimum':
        return model.latencyQuantile(start, end, 0.0001);
      default:
        return undefined;
    }
  };
}

/** The example platform's traffic profiles, with the story placed relative to the anchor. */
export function trafficProfiles(anchor: number): TrafficProfile[] {
  const today = Math.floor(anchor / DAY) * DAY;
  const shape: Record<string, Omit<TrafficProfile, 'name' | 'targetGroup'>> = {
    'order-service': {
      requestsPerMinute: 600,
      p5xx: 0.00015,
      p4xx: 0.004,
      latencyMedian: 0.14,
      latencySigma: 0.5,
      episodes: [
        // A bad afternoon nine days ago: 4 % failures for seven hours.
        {
          from: today - 9 * DAY + 14 * HOUR,
          to: today - 9 * DAY + 21 * HOUR,
          p5xx: 0.04,
          latencyFactor: 1.8,
        },
        // Now: 2.5 % failures since 100 minutes before the anchor, 25x the budget.
        {
          from: anchor - 100 * MINUTE,
          to: anchor + 2 * DAY,
          p5xx: 0.025,
          latencyFactor: 1.6,
        },
      ],
    },
    'customer-service': {
      requestsPerMinute: 400,
      p5xx: 0.0002,
      p4xx: 0.003,
      latencyMedian: 0.12,
      latencySigma: 0.5,
      // A slow leak: 0.16 % failures, 1.6x, for the last three and a half days.
      episodes: [
        { from: anchor - 84 * HOUR, to: anchor + 2 * DAY, p5xx: 0.0016 },
      ],
    },
    'product-service': {
      requestsPerMinute: 1500,
      p5xx: 0.00008,
      p4xx: 0.002,
      latencyMedian: 0.09,
      latencySigma: 0.5,
      episodes: [],
    },
    'payment-service': {
      requestsPerMinute: 250,
      p5xx: 0.00004,
      p4xx: 0.0015,
      latencyMedian: 0.12,
      latencySigma: 0.45,
      payments: { perRequest: 0.35, pFailed: 0.00003 },
      episodes: [
        // Two slow spells of the payment gateway: p95 above 500 ms.
        {
          from: today - 20 * DAY + 2 * HOUR,
          to: today - 20 * DAY + 3 * HOUR,
          latencyFactor: 3,
        },
        {
          from: today - 6 * DAY + 9 * HOUR,
          to: today - 6 * DAY + 10.5 * HOUR,
          latencyFactor: 2.8,
          pFailed: 0.005,
        },
      ],
    },
    'search-service': {
      requestsPerMinute: 900,
      p5xx: 0.0008,
      p4xx: 0.003,
      latencyMedian: 0.2,
      latencySigma: 0.5,
      episodes: [],
    },
  };
  return platformServices.map(s => ({
    name: s.name,
    targetGroup: s.targetGroup,
    ...(shape[s.name] ?? {
      requestsPerMinute: 300,
      p5xx: 0.0002,
      p4xx: 0.003,
      latencyMedian: 0.15,
      latencySigma: 0.5,
      episodes: [],
    }),
  }));
}

/** The service whose budget burns, as the SLO series tell it. */
export const SLO_BURNING_SERVICE = BUDGET_BURNING_SERVICE;

/** Adds the request, error and latency metrics (ALB) behind the SLOs. */
export function addSloSeries(store: MetricStore, anchor: number): void {
  const models = trafficProfiles(anchor).map(p => new TrafficModel(p, anchor));
  const alb = (
    metricName: string,
    dimensions: Record<string, string>,
  ): MetricKey => ({
    namespace: ALB_NAMESPACE,
    metricName,
    dimensions,
  });

  for (const model of models) {
    const dims = {
      LoadBalancer: LOAD_BALANCER,
      TargetGroup: model.profile.targetGroup,
    };
    store.add({
      key: alb('RequestCount', dims),
      generate: countStat(model, s => s.requestsPerMinute, true),
    });
    store.add({
      key: alb('HTTPCode_Target_5XX_Count', dims),
      generate: countStat(model, s => s.requestsPerMinute * s.p5xx, false),
    });
    store.add({
      key: alb('HTTPCode_Target_4XX_Count', dims),
      generate: countStat(model, s => s.requestsPerMinute * s.p4xx, false),
    });
    store.add({
      key: alb('HTTPCode_Target_2XX_Count', dims),
      generate: countStat(
        model,
        s => s.requestsPerMinute * (1 - s.p4xx - s.p5xx),
        false,
      ),
    });
    store.add({
      key: alb('TargetResponseTime', dims),
      generate: latencyStat(model),
    });

    const payments = model.profile.payments;
    if (payments) {
      const service = { Service: model.profile.name };
      store.add({
        key: {
          namespace: 'ECommerce/Payments',
          metricName: 'PaymentsAttempted',
          dimensions: service,
        },
        generate: countStat(
          model,
          s => s.requestsPerMinute * payments.perRequest,
          true,
        ),
      });
      store.add({
        key: {
          namespace: 'ECommerce/Payments',
          metricName: 'PaymentsFailed',
          dimensions: service,
        },
        generate: countStat(
          model,
          s => s.requestsPerMinute * payments.perRequest * s.pFailed,
          false,
        ),
      });
    }
  }

  // Load-balancer-wide counts: every target group, plus the load
  // balancer's own answers (0.002 % 5xx, 0.05 % 4xx, e.g. bad requests).
  const lb = { LoadBalancer: LOAD_BALANCER };
  const across =
    (perMinute: (s: Segment) => number, reportZero: boolean): SeriesGenerator =>
    (start, period, stat) => {
      let total: number | undefined;
      for (const model of models) {
        const value = countStat(model, perMinute, true)(start, period, 'Sum');
        if (value !== undefined) total = (total ?? 0) + value;
      }
      if (total === undefined || (total === 0 && !reportZero)) return undefined;
      const minutes = period / 60;
      if (stat === 'Sum') return total;
      if (stat === 'SampleCount') return minutes;
      if (stat === 'Average') return total / minutes;
      return undefined;
    };
  store.add({
    key: alb('RequestCount', lb),
    generate: across(s => s.requestsPerMinute * 1.0005, true),
  });
  store.add({
    key: alb('HTTPCode_Target_5XX_Count', lb),
    generate: across(s => s.requestsPerMinute * s.p5xx, false),
  });
  store.add({
    key: alb('HTTPCode_Target_4XX_Count', lb),
    generate: across(s => s.requestsPerMinute * s.p4xx, false),
  });
  store.add({
    key: alb('HTTPCode_ELB_5XX_Count', lb),
    generate: across(s => s.requestsPerMinute * 0.00002, false),
  });
  store.add({
    key: alb('HTTPCode_ELB_4XX_Count', lb),
    generate: across(s => s.requestsPerMinute * 0.0005, false),
  });
}
