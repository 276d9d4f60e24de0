import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import {
  MetricDataRequest,
  MetricSeries,
  MetricsProvider,
} from '@opsportal/plugin-ops-node';
import { analyseTarget, entityView } from './CapacityService';
import { collectCapacityData } from './collect';
import { readCapacityConfig } from './config';
import { capacityTarget } from './targets';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Nine minutes into the hour, as when order-service read 2.57 req/s. */
const NOW = Date.UTC(2026, 2, 18, 10, 9);
const TRUE_RATE = 17.16;

/** A metric minute by minute: its value, or undefined where there is no data. */
type Truth = (minute: number) => number | undefined;

/**
 * A metrics provider that aggregates per-minute truths as CloudWatch does:
 * buckets of the period from the request's start, each over the minutes it
 * has up to the end of the request and up to now — so the running period's
 * Sum holds only its elapsed minutes.
 */
function providerOf(truths: Record<string, Truth>) {
  const requests: MetricDataRequest[] = [];
  const provider: MetricsProvider = {
    id: 'minutes',
    async getMetricData(request) {
      requests.push(request);
      const start = request.start.getTime();
      const end = Math.min(request.end.getTime(), NOW);
      return request.queries
        .filter(q => q.metric && q.returnData !== false)
        .map((q): MetricSeries => {
          const truth = truths[q.metric!.metricName] as Truth | undefined;
          const timestamps: number[] = [];
          const values: number[] = [];
          const periodMs = q.period * 1000;
          for (let t = start; truth && t < end; t += periodMs) {
            const minutes: number[] = [];
            for (let m = t; m < Math.min(t + periodMs, end); m += MIN) {
              const v = truth(m);
              if (v !== undefined) minutes.push(v);
            }
            if (minutes.length === 0) continue;
            timestamps.push(t);
            values.push(aggregate(q.stat!, minutes));
          }
          return { id: q.id, timestamps, values, status: 'Complete' };
        });
    },
  };
  return { provider, requests };
}

function aggregate(stat: string, minutes: number[]): number {
  const sum = minutes.reduce((a, b) => a + b, 0);
  if (stat === 'Sum') return sum;
  if (stat === 'Maximum') return Math.max(...minutes);
  return sum / minutes.length;
}

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'order-service',
    namespace: 'default',
    annotations: {
      'opsportal.dev/container-service': 'prod/shop/order-service',
      'opsportal.dev/alb': 'app/shop/1',
      'opsportal.dev/alb-target-group': 'targetgroup/order/2',
    },
  },
  spec: { type: 'service' },
};

const target = capacityTarget(
  entity,
  readCapacityConfig(new ConfigReader({})),
)!;

async function analyse(truths: Record<string, Truth>) {
  const { provider, requests } = providerOf(truths);
  const data = await collectCapacityData(provider, [target], { now: NOW });
  const { detail } = analyseTarget(
    target,
    data.get(target.entityRef)!,
    NOW,
    180,
  );
  const view = entityView(detail, '7d');
  const metric = (id: string) => view.metrics.find(m => m.id === id)!;
  return { requests, metric };
}

/** Requests counted per minute at a constant rate, from `since`. */
const requestsSince =
  (since: number): Truth =>
  minute =>
    minute >= since ? TRUE_RATE * 60 : undefined;

/** Start of the UTC day `days` before NOW's, plus hours and minutes. */
const dayBefore = (days: number, hh: number, mm: number) =>
  Math.floor(NOW / DAY) * DAY - days * DAY + hh * HOUR + mm * MIN;

describe('collecting capacity data', () => {
  it('reports the last full hour’s request rate, not nine minutes of requests spread over an hour', async () => {
    const { metric } = await analyse({
      RequestCount: requestsSince(NOW - 90 * DAY),
    });

    const rate = metric('requestRate');
    expect(rate.current).toBeCloseTo(TRUE_RATE, 2);
    expect(rate.currentPeriod).toEqual({
      start: '2026-03-18T09:00:00.000Z',
      end: '2026-03-18T10:00:00.000Z',
      label: 'last full hour',
      statistic: 'Sum',
    });
    // The chart's running hour is a rate over its nine minutes: no dip.
    const last = rate.history[rate.history.length - 1];
    expect(last.t).toBe(Date.UTC(2026, 2, 18, 10));
    expect(last.avg).toBeCloseTo(TRUE_RATE, 2);
  });

  it('divides the running hour’s requests by its elapsed seconds when there is no full hour yet', async () => {
    const { metric } = await analyse({
      RequestCount: requestsSince(Date.UTC(2026, 2, 18, 10)),
    });

    const rate = metric('requestRate');
    expect(rate.current).toBeCloseTo(TRUE_RATE, 2);
    expect(rate.currentPeriod).toEqual({
      start: '2026-03-18T10:00:00.000Z',
      end: '2026-03-18T10:09:00.000Z',
      label: 'last 9 min (hour in progress)',
      statistic: 'Sum',
      partial: true,
    });
  });

  it('says which statistic and period an average covers', async () => {
    const { metric } = await analyse({
      pod_cpu_utilization_over_pod_limit: () => 40,
      TargetResponseTime: () => 0.2,
    });
    expect(metric('cpu').current).toBe(40);
    expect(metric('cpu').currentPeriod).toEqual(
      expect.objectContaining({
        label: 'last full hour',
        statistic: 'Average',
      }),
    );
    expect(metric('latencyP95').currentPeriod?.statistic).toBe('p95');
  });

  it('evaluates CPU > 70 % for 15 minutes on 1-minute data for the last 15 days, 5-minute data before', async () => {
    const spike = dayBefore(2, 12, 3); // 11 minutes: three 5-minute means above 70 %
    const sustained = dayBefore(1, 14, 0); // 16 minutes
    const older = dayBefore(20, 13, 0); // 20 minutes, beyond 1-minute retention
    const cpu: Truth = m => {
      const within = (from: number, minutes: number) =>
        m >= from && m < from + minutes * MIN;
      return within(spike, 11) || within(sustained, 16) || within(older, 20)
        ? 95
        : 60;
    };

    const { requests, metric } = await analyse({
      pod_cpu_utilization_over_pod_limit: cpu,
    });

    // 90 days hourly; the trigger window as 5-minute data up to where
    // 1-minute data starts, then 1-minute data up to now.
    expect(requests.map(r => r.queries[0].period)).toEqual([3600, 300, 60]);
    const [, five, one] = requests;
    expect(five.start.getTime()).toBe(NOW - 30 * DAY - 4 * MIN);
    expect(five.end.getTime()).toBe(one.start.getTime());
    expect(one.start.getTime()).toBeGreaterThanOrEqual(NOW - 15 * DAY);
    expect(one.start.getTime()).toBeLessThan(NOW - 15 * DAY + 5 * MIN);
    expect(one.end.getTime()).toBe(NOW);

    const view = metric('cpu');
    expect(view.triggers30d).toBe(2);
    expect(view.triggerEvaluation).toEqual({
      windows: [
        {
          // The trigger window: the last 30 days.
          start: new Date(NOW - 30 * DAY).toISOString(),
          end: five.end.toISOString(),
          periodSeconds: 300,
        },
        {
          start: one.start.toISOString(),
          end: new Date(NOW).toISOString(),
          periodSeconds: 60,
        },
      ],
      triggerMinutes: 20 + 16,
      shortBreaches: 1,
      shortBreachMinutes: 11,
      approximate: false,
    });
  });
});
