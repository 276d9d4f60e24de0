import { Entity } from '@backstage/catalog-model';
import {
  DEFAULT_BURN_RATE_RULES,
  DEFAULT_BURN_RATE_WINDOWS,
} from '@opsportal/plugin-ops-common';
import { MetricDataRequest, MetricSeries } from '@opsportal/plugin-ops-node';
import { planEvaluation } from './plan';
import { compactDefinitions } from './spec/compact';
import { SloDefinition } from './spec/definitions';

const NOW = Date.UTC(2026, 0, 31, 12, 3, 20);
const END = Date.UTC(2026, 0, 31, 12, 0);
const options = {
  now: NOW,
  delaySeconds: 120,
  windows: DEFAULT_BURN_RATE_WINDOWS,
  forecastWindow: '1h',
};

function service(name: string, extra: Record<string, string> = {}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      annotations: {
        'prometheus.io/job': name,
        'opsportal.dev/slo-availability': '99.9',
        'opsportal.dev/slo-latency-p95': '500ms',
        'opsportal.dev/slo-error-rate': '1%',
        ...extra,
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

/** Answers every query of a request with `value(query)` in each period. */
function answer(
  request: MetricDataRequest,
  value: (promql: string) => number | undefined,
): MetricSeries[] {
  return request.queries.map(q => {
    const period = q.period * 1000;
    const n = Math.round(
      (request.end.getTime() - request.start.getTime()) / period,
    );
    const v = value(q.promql!);
    return {
      id: q.id,
      timestamps:
        v === undefined
          ? []
          : Array.from(
              { length: n },
              (_, i) => request.start.getTime() + i * period,
            ),
      values: v === undefined ? [] : Array.from({ length: n }, () => v),
      status: 'Complete',
    };
  });
}

describe('planEvaluation with Prometheus queries', () => {
  it('asks Prometheus for each query once per period, in requests of its own', () => {
    const plan = planEvaluation(
      [...items(service('orders')), ...items(service('carts'))],
      options,
    );
    // The same two ranges as CloudWatch: 30 daily buckets, 72 five-minute ones.
    expect(
      plan.requests.map(r => [
        r.provider,
        r.region,
        r.start.getTime(),
        r.end.getTime(),
      ]),
    ).toEqual([
      ['prometheus', undefined, END - 30 * 86_400_000, END],
      ['prometheus', undefined, END - 6 * 3600_000, END],
    ]);
    const [history, fine] = plan.requests;
    // Requests, 5xx, 4xx-or-5xx, the 0.5 s bucket and the +Inf bucket, per service:
    // the request count is shared by availability and error rate.
    expect(history.queries).toHaveLength(10);
    expect(fine.queries).toHaveLength(10);
    expect(new Set(history.queries.map(q => q.period))).toEqual(
      new Set([86_400]),
    );
    expect(new Set(fine.queries.map(q => q.period))).toEqual(new Set([300]));
    for (const q of history.queries) {
      expect(q).toEqual({
        id: expect.any(String),
        promql: expect.stringMatching(/^sum\(increase\(.*\[\$period\]\)\)$/),
        period: 86_400,
        label: `PromQL ${q.promql}`,
      });
    }
    expect(
      history.queries
        .map(q => q.promql)
        .filter(q => q!.includes('"orders"'))
        .sort(),
    ).toEqual(
      [
        'sum(increase(http_requests_total{job="orders"}[$period]))',
        'sum(increase(http_requests_total{job="orders",code=~"5.."}[$period]))',
        'sum(increase(http_requests_total{job="orders",code=~"[45].."}[$period]))',
        'sum(increase(http_request_duration_seconds_bucket{job="orders",le=~"0[.]50*"}[$period]))',
        'sum(increase(http_request_duration_seconds_bucket{job="orders",le="+Inf"}[$period]))',
      ].sort(),
    );
  });

  it('keeps CloudWatch and Prometheus requests apart, each with its provider', () => {
    const cloudwatch = service('legacy', {
      'opsportal.dev/alb': 'app/alb/1',
      'opsportal.dev/alb-target-group': 'targetgroup/legacy/1',
      'opsportal.dev/cloudwatch-region': 'eu-west-1',
    });
    const plan = planEvaluation(
      [...items(service('orders')), ...items(cloudwatch)],
      options,
    );
    expect(
      plan.requests.map(r => `${r.provider} ${r.region ?? '-'}`).sort(),
    ).toEqual([
      'cloudwatch eu-west-1',
      'cloudwatch eu-west-1',
      'prometheus -',
      'prometheus -',
    ]);
    for (const request of plan.requests) {
      const prometheus = request.provider === 'prometheus';
      for (const q of request.queries) {
        expect(q.promql !== undefined).toBe(prometheus);
        expect(q.metric !== undefined).toBe(!prometheus);
      }
    }
  });

  it('dedups one query read by several SLOs per period, not across periods', () => {
    const query = (promql: string): SloDefinition['indicator'] => ({
      type: 'ratio',
      bad: [{ provider: 'prometheus', promql }],
      total: [
        {
          provider: 'prometheus',
          promql: 'sum(increase(http_requests_total{job="a"}[$period]))',
        },
      ],
    });
    const [base] = items(service('a'));
    const definitions = [
      'sum(increase(http_requests_total{job="a",code="500"}[$period]))',
      'sum(increase(http_requests_total{job="a",code="503"}[$period]))',
    ].map((promql, i) => ({
      key: `a#${i}`,
      definition: { info: base.definition.info, indicator: query(promql) },
    }));
    const plan = planEvaluation(definitions, options);
    // Total once, each bad query once, in each of the two ranges.
    expect(plan.requests.map(r => r.queries.length)).toEqual([3, 3]);
  });

  it('builds the buckets from the answers, and says which query had no data', () => {
    const plan = planEvaluation(items(service('orders')), options);
    const results = plan.collect(
      plan.requests.map(r =>
        answer(r, promql => {
          if (promql.includes('code=~"[45].."')) return undefined;
          if (promql.includes('code=~"5.."')) return 1;
          if (promql.includes('le=~')) return 960;
          return 1000;
        }),
      ),
    );
    const availability = results.get('orders#availability')!;
    expect(availability.ok && availability.series[0].good[0]).toBe(999);
    expect(availability.ok && availability.series[1].total).toHaveLength(72);
    const latency = results.get('orders#latency-p95')!;
    expect(latency.ok && latency.series[0].good[0]).toBe(960);
    // No 4xx-or-5xx series: none failed.
    const errorRate = results.get('orders#error-rate')!;
    expect(errorRate.ok && errorRate.series[0].good[0]).toBe(1000);

    const silent = plan.collect(
      plan.requests.map(r => answer(r, () => undefined)),
    );
    expect(silent.get('orders#availability')).toEqual({
      ok: false,
      end: END,
      error:
        'No data for PromQL sum(increase(http_requests_total{job="orders"}[$period])) in the last 30d: check the metric and label names of the query, and that Prometheus scrapes them',
    });
  });

  it('says Prometheus refused a query, in its words, and fails only the SLOs reading it', () => {
    const plan = planEvaluation(items(service('orders')), options);
    const refusal = 'bad_data: 1:42: parse error: unexpected character';
    const results = plan.collect(
      plan.requests.map(r =>
        answer(r, () => 10).map(series => {
          const q = r.queries.find(x => x.id === series.id)!;
          return q.promql!.includes('le=~')
            ? {
                ...series,
                timestamps: [],
                values: [],
                status: 'InternalError' as const,
                error: refusal,
              }
            : series;
        }),
      ),
    );
    expect(results.get('orders#latency-p95')).toEqual({
      ok: false,
      end: END,
      error: `Prometheus refused PromQL sum(increase(http_request_duration_seconds_bucket{job="orders",le=~"0[.]50*"}[$period])): ${refusal}`,
    });
    expect(results.get('orders#availability')!.ok).toBe(true);
  });

  it('reads a threshold query at the slice period, as CloudWatch datapoints', () => {
    const [base] = items(service('a'));
    const promql =
      'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job="a"}[$period])))';
    const plan = planEvaluation(
      [
        {
          key: 'a#p95',
          definition: {
            info: {
              ...base.definition.info,
              budgetingMethod: 'Timeslices',
              timeSlice: { window: '5m' },
            },
            indicator: {
              type: 'threshold',
              metric: { provider: 'prometheus', promql },
              op: 'lt',
              value: 0.5,
            },
          },
        },
      ],
      options,
    );
    expect(plan.requests).toHaveLength(1);
    expect(plan.requests[0]).toMatchObject({
      provider: 'prometheus',
      queries: [{ promql, period: 300 }],
    });
    const results = plan.collect(plan.requests.map(r => answer(r, () => 0.3)));
    const p95 = results.get('a#p95')!;
    // 8,640 good five-minute slices in 30 days, added up per day.
    expect(p95.ok && p95.series[0].good.length).toBe(8640);
    expect(p95.ok && p95.series[1].good[0]).toBe(288);
  });
});
