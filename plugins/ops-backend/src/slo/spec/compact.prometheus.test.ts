import { Entity } from '@backstage/catalog-model';
import { DEFAULT_BURN_RATE_RULES } from '@opsportal/plugin-ops-common';
import { compactDefinitions } from './compact';
import { leMatcher, periodQuery } from './promql';

function entity(
  annotations: Record<string, string>,
  kind = 'Component',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name: 'order-service', annotations },
    spec: {},
  };
}

const SLOS = {
  'opsportal.dev/slo-availability': '99.9',
  'opsportal.dev/slo-latency-p95': '500ms',
  'opsportal.dev/slo-error-rate': '1%',
};
const ALB = {
  'opsportal.dev/alb': 'app/ecommerce-prod-alb/6d5f0f4a1b2c3d4e',
  'opsportal.dev/alb-target-group':
    'targetgroup/order-service/0a1b2c3d4e5f6071',
};
const q = (promql: string) => ({ provider: 'prometheus', promql });

describe('compact SLO annotations over Prometheus', () => {
  it('reads the usual HTTP metrics of the job, with the extra selector', () => {
    const { definitions, problems } = compactDefinitions(
      entity({
        ...SLOS,
        'prometheus.io/job': 'orders',
        'opsportal.dev/prometheus-selector': 'namespace="shop"',
      }),
      DEFAULT_BURN_RATE_RULES,
    );
    expect(problems).toEqual([]);
    const sel = 'job="orders",namespace="shop"';
    const requests = q(`sum(increase(http_requests_total{${sel}}[$period]))`);
    expect(
      definitions.map(d => [d.info.id, d.info.target, d.indicator]),
    ).toEqual([
      [
        'availability',
        0.999,
        {
          type: 'ratio',
          bad: [
            q(
              `sum(increase(http_requests_total{${sel},code=~"5.."}[$period]))`,
            ),
          ],
          total: [requests],
        },
      ],
      [
        'latency-p95',
        0.95,
        {
          type: 'ratio',
          good: [
            q(
              `sum(increase(http_request_duration_seconds_bucket{${sel},le=~"0[.]50*"}[$period]))`,
            ),
          ],
          total: [
            q(
              `sum(increase(http_request_duration_seconds_bucket{${sel},le="+Inf"}[$period]))`,
            ),
          ],
        },
      ],
      [
        'error-rate',
        0.99,
        {
          type: 'ratio',
          bad: [
            q(
              `sum(increase(http_requests_total{${sel},code=~"[45].."}[$period]))`,
            ),
          ],
          total: [requests],
        },
      ],
    ]);
    // Same window, method and words as the CloudWatch form.
    expect(definitions[0].info).toMatchObject({
      window: '30d',
      budgetingMethod: 'Occurrences',
      objective: '99.9 % of requests answered without a server error (5xx)',
      indicator: expect.stringMatching(
        /^Requests to Prometheus job orders \{namespace="shop"\} without a 5xx: 1 - \(PromQL sum\(increase/,
      ),
    });
  });

  it('uses the metric and label names of the configuration, and quotes the job', () => {
    const { definitions } = compactDefinitions(
      entity({ ...SLOS, 'prometheus.io/job': 'shop/"orders"' }),
      DEFAULT_BURN_RATE_RULES,
      {
        requestsMetric: 'orders_requests_total',
        durationMetric: 'orders_latency_seconds_bucket',
        statusLabel: 'status',
      },
    );
    const promql = definitions.flatMap(d =>
      d.indicator.type === 'ratio'
        ? [...(d.indicator.good ?? d.indicator.bad!), ...d.indicator.total]
        : [],
    );
    expect(promql.map(m => 'promql' in m && m.promql)).toEqual([
      'sum(increase(orders_requests_total{job="shop/\\"orders\\"",status=~"5.."}[$period]))',
      'sum(increase(orders_requests_total{job="shop/\\"orders\\""}[$period]))',
      'sum(increase(orders_latency_seconds_bucket{job="shop/\\"orders\\"",le=~"0[.]50*"}[$period]))',
      'sum(increase(orders_latency_seconds_bucket{job="shop/\\"orders\\"",le="+Inf"}[$period]))',
      'sum(increase(orders_requests_total{job="shop/\\"orders\\"",status=~"[45].."}[$period]))',
      'sum(increase(orders_requests_total{job="shop/\\"orders\\""}[$period]))',
    ]);
  });

  it('prefers CloudWatch when both are there, unless opsportal.dev/slo-source says prometheus', () => {
    const both = { ...SLOS, ...ALB, 'prometheus.io/job': 'orders' };
    const sourceOf = (annotations: Record<string, string>) =>
      compactDefinitions(entity(annotations), DEFAULT_BURN_RATE_RULES)
        .definitions.flatMap(d =>
          d.indicator.type === 'ratio' ? d.indicator.total : [],
        )
        .map(m => m.provider ?? 'cloudwatch');
    expect(new Set(sourceOf(both))).toEqual(new Set(['cloudwatch']));
    expect(
      new Set(sourceOf({ ...both, 'opsportal.dev/slo-source': 'prometheus' })),
    ).toEqual(new Set(['prometheus']));
    expect(
      new Set(sourceOf({ ...both, 'opsportal.dev/slo-source': 'CloudWatch' })),
    ).toEqual(new Set(['cloudwatch']));
  });

  it('reports a source it does not know, and a chosen source without its annotations', () => {
    const wrong = compactDefinitions(
      entity({ ...SLOS, ...ALB, 'opsportal.dev/slo-source': 'datadog' }),
      DEFAULT_BURN_RATE_RULES,
    );
    expect(wrong.problems).toEqual([
      {
        severity: 'error',
        source: 'opsportal.dev/slo-source',
        message:
          'opsportal.dev/slo-source is "datadog": use cloudwatch or prometheus.',
      },
    ]);
    // The default source is still read.
    expect(wrong.definitions).toHaveLength(3);

    const noJob = compactDefinitions(
      entity({
        'opsportal.dev/slo-availability': '99.9',
        ...ALB,
        'opsportal.dev/slo-source': 'prometheus',
      }),
      DEFAULT_BURN_RATE_RULES,
    );
    expect(noJob.definitions).toEqual([]);
    expect(noJob.problems.map(p => p.message)).toEqual([
      'opsportal.dev/slo-availability needs prometheus.io/job (and optionally opsportal.dev/prometheus-selector) to find its Prometheus series (opsportal.dev/slo-source is prometheus).',
    ]);

    const neither = compactDefinitions(
      entity({ 'opsportal.dev/slo-error-rate': '1%' }),
      DEFAULT_BURN_RATE_RULES,
    );
    expect(neither.problems.map(p => p.message)).toEqual([
      expect.stringMatching(
        /needs opsportal\.dev\/alb .* CloudWatch metrics, or prometheus\.io\/job .* Prometheus series\.$/,
      ),
    ]);
  });

  it('matches the le label however the client wrote the bucket', () => {
    const matches = (seconds: number, le: string) =>
      new RegExp(`^(?:${leMatcher(seconds)})$`).test(le);
    expect(matches(0.5, '0.5')).toBe(true);
    expect(matches(0.5, '0.50')).toBe(true);
    expect(matches(0.5, '0.05')).toBe(false);
    expect(matches(0.5, '0x5')).toBe(false);
    expect(matches(1, '1')).toBe(true);
    expect(matches(1, '1.0')).toBe(true);
    expect(matches(1, '10')).toBe(false);
    expect(matches(2.5, '2.5')).toBe(true);
  });
});

describe('periodQuery', () => {
  it('keeps $period, and reads Sloth’s {{.window}} as $period', () => {
    expect(
      periodQuery('sum(increase(a_total{job="x"}[$period]))', 'ratio'),
    ).toEqual({ promql: 'sum(increase(a_total{job="x"}[$period]))' });
    expect(
      periodQuery('sum(rate(a_total{job="x"}[{{ .window }}]))', 'ratio'),
    ).toEqual({ promql: 'sum(rate(a_total{job="x"}[$period]))' });
  });

  it('counts a bare counter over each period', () => {
    expect(periodQuery('a_total{code=~"[45].."}', 'ratio')).toEqual({
      promql: 'sum(increase(a_total{code=~"[45].."}[$period]))',
    });
    expect(periodQuery(' a_total ', 'ratio')).toEqual({
      promql: 'sum(increase(a_total[$period]))',
    });
  });

  it('refuses ratio queries that would not count each period once', () => {
    expect(periodQuery('sum(rate(a_total[5m]))', 'ratio')).toEqual({
      error: expect.stringContaining('fixed range [5m]'),
    });
    expect(periodQuery('sum(a_total)', 'ratio')).toEqual({
      error: expect.stringContaining('the query has no $period'),
    });
  });

  it('evaluates a threshold query without $period as written, per slice', () => {
    const p95 = 'histogram_quantile(0.95, sum by (le) (rate(d_bucket[5m])))';
    expect(periodQuery(p95, 'threshold')).toEqual({ promql: p95 });
  });
});
