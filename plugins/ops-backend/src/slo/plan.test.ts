import { Entity } from '@backstage/catalog-model';
import {
  DEFAULT_BURN_RATE_RULES,
  DEFAULT_BURN_RATE_WINDOWS,
  parseDurationShorthand,
} from '@opsportal/plugin-ops-common';
import { MetricSeries } from '@opsportal/plugin-ops-node';
import { occurrencesLayout, planEvaluation, windowEnd } from './plan';
import { compactDefinitions } from './spec/compact';

const NOW = Date.UTC(2026, 0, 31, 12, 3, 20);
const options = {
  now: NOW,
  delaySeconds: 120,
  windows: DEFAULT_BURN_RATE_WINDOWS,
  forecastWindow: '1h',
};

function service(name: string, region = 'us-east-1'): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      annotations: {
        'opsportal.dev/alb': 'app/alb/1',
        'opsportal.dev/alb-target-group': `targetgroup/${name}/1`,
        'opsportal.dev/cloudwatch-region': region,
        'opsportal.dev/slo-availability': '99.9',
        'opsportal.dev/slo-latency-p95': '500ms',
        'opsportal.dev/slo-error-rate': '1%',
      },
    },
    spec: {},
  };
}

const items = (entity: Entity) =>
  compactDefinitions(entity, DEFAULT_BURN_RATE_RULES).definitions.map(d => ({
    key: `${entity.metadata.name}#${d.info.id}`,
    definition: d,
  }));

describe('planEvaluation', () => {
  it('asks for 30 daily buckets and 72 five-minute buckets: every window, no more', () => {
    const windows = [
      ...DEFAULT_BURN_RATE_WINDOWS,
      ...DEFAULT_BURN_RATE_RULES.flatMap(r => [r.longWindow, r.shortWindow]),
    ].map(w => parseDurationShorthand(w)!);
    expect(occurrencesLayout(30 * 86_400, windows)).toEqual({
      history: 86_400,
      fine: { step: 300, span: 6 * 3600 },
    });
    // Windows of whole days need no fine series.
    expect(occurrencesLayout(7 * 86_400, [86_400, 3 * 86_400])).toEqual({
      history: 86_400,
    });
    expect(windowEnd(30 * 86_400, NOW, 120)).toBe(Date.UTC(2026, 0, 31, 12, 0));
  });

  it('shares metrics between SLOs and services: two requests, five statistics per service in each', () => {
    const plan = planEvaluation(
      [...items(service('a')), ...items(service('b'))],
      options,
    );
    expect(plan.requests).toHaveLength(2);
    const [history, fine] = plan.requests;
    const end = Date.UTC(2026, 0, 31, 12, 0);
    expect(history.start.getTime()).toBe(end - 30 * 86_400_000);
    expect(fine.start.getTime()).toBe(end - 6 * 3600_000);
    expect(history.region).toBe('us-east-1');
    // RequestCount, 5xx, 4xx, TC(:0.5), SampleCount for each of two services.
    expect(history.queries).toHaveLength(10);
    expect(fine.queries).toHaveLength(10);
    expect(new Set(history.queries.map(q => q.period))).toEqual(
      new Set([86_400]),
    );
    expect(new Set(fine.queries.map(q => q.period))).toEqual(new Set([300]));
    expect(history.queries.map(q => q.stat).sort()).toEqual(
      ['Sum', 'Sum', 'Sum', 'SampleCount', 'TC(:0.5)']
        .flatMap(s => [s, s])
        .sort(),
    );
  });

  it('sends each region its own request', () => {
    const plan = planEvaluation(
      [...items(service('a')), ...items(service('b', 'eu-west-1'))],
      options,
    );
    expect(plan.requests.map(r => r.region).sort()).toEqual([
      'eu-west-1',
      'eu-west-1',
      'us-east-1',
      'us-east-1',
    ]);
  });

  it('builds each SLO its buckets from the answers, and says which metric had no data', () => {
    const plan = planEvaluation(items(service('a')), options);
    const answers = plan.requests.map(request =>
      request.queries.map<MetricSeries>(q => {
        const period = q.period * 1000;
        const n = Math.round(
          (request.end.getTime() - request.start.getTime()) / period,
        );
        // The 4xx metric was never published.
        if (q.metric!.metricName === 'HTTPCode_Target_4XX_Count') {
          return { id: q.id, timestamps: [], values: [], status: 'Complete' };
        }
        const perBucket =
          q.metric!.metricName === 'HTTPCode_Target_5XX_Count' ? 1 : 1000;
        return {
          id: q.id,
          timestamps: Array.from(
            { length: n },
            (_, i) => request.start.getTime() + i * period,
          ),
          values: Array.from({ length: n }, () => perBucket),
          status: 'Complete',
        };
      }),
    );
    const results = plan.collect(answers);
    const availability = results.get('a#availability')!;
    expect(availability.ok).toBe(true);
    if (!availability.ok) return;
    const [daily, fine] = availability.series;
    expect(daily.step).toBe(86_400_000);
    expect(daily.total).toHaveLength(30);
    expect(daily.good[0]).toBe(999);
    expect(fine.step).toBe(300_000);
    expect(fine.total).toHaveLength(72);
    // 4xx missing means no 4xx: only the 5xx count against the error rate.
    const errorRate = results.get('a#error-rate')!;
    expect(errorRate.ok && errorRate.series[0].good[0]).toBe(999);

    // Without any request count the SLO cannot be measured, and says why.
    const silent = plan.collect(
      plan.requests.map(r =>
        r.queries.map<MetricSeries>(q => ({
          id: q.id,
          timestamps: [],
          values: [],
          status: 'Complete',
        })),
      ),
    );
    expect(silent.get('a#availability')).toEqual({
      ok: false,
      end: expect.any(Number),
      error: expect.stringMatching(
        /^No data for AWS\/ApplicationELB RequestCount \(LoadBalancer=app\/alb\/1, TargetGroup=targetgroup\/a\/1\) Sum in the last 30d/,
      ),
    });
  });

  it('fails only the SLOs that read a query CloudWatch refused; the others get their data', () => {
    const plan = planEvaluation(
      [...items(service('a')), ...items(service('b'))],
      options,
    );
    const refusal =
      'ValidationError: The value TC(:0.5) for parameter MetricDataQueries.member.1.MetricStat.Stat is not a valid statistic.';
    const answers = plan.requests.map(request =>
      request.queries.map<MetricSeries>(q => {
        // b's latency count was refused, alone; everything else answered.
        if (
          q.metric!.dimensions.TargetGroup === 'targetgroup/b/1' &&
          q.stat === 'TC(:0.5)'
        ) {
          return {
            id: q.id,
            timestamps: [],
            values: [],
            status: 'InternalError',
            messages: [refusal],
            error: refusal,
          };
        }
        const period = q.period * 1000;
        const n = Math.round(
          (request.end.getTime() - request.start.getTime()) / period,
        );
        return {
          id: q.id,
          timestamps: Array.from(
            { length: n },
            (_, i) => request.start.getTime() + i * period,
          ),
          values: Array.from({ length: n }, () => 10),
          status: 'Complete',
        };
      }),
    );
    const results = plan.collect(answers);
    expect(
      [...results.entries()].filter(([, r]) => !r.ok).map(([key]) => key),
    ).toEqual(['b#latency-p95']);
    expect(results.get('b#latency-p95')).toEqual({
      ok: false,
      end: expect.any(Number),
      error: `CloudWatch refused AWS/ApplicationELB TargetResponseTime (LoadBalancer=app/alb/1, TargetGroup=targetgroup/b/1) TC(:0.5): ${refusal}`,
    });
    expect(results.get('a#latency-p95')!.ok).toBe(true);
    expect(results.get('b#availability')!.ok).toBe(true);
  });

  it('passes a failed request on to the SLOs that needed it', () => {
    const plan = planEvaluation(items(service('a')), options);
    const results = plan.collect(
      plan.requests.map(() => new Error('CloudWatch throttled GetMetricData')),
    );
    expect([...results.values()].map(r => !r.ok && r.error)).toEqual([
      'CloudWatch throttled GetMetricData',
      'CloudWatch throttled GetMetricData',
      'CloudWatch throttled GetMetricData',
    ]);
  });
});
