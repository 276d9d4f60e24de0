import { Entity } from '@backstage/catalog-model';
import { DEFAULT_BURN_RATE_RULES } from '@opsportal/plugin-ops-common';
import { compactDefinitions, parseLatency, parsePercent } from './compact';

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

const ALB = 'app/ecommerce-prod-alb/6d5f0f4a1b2c3d4e';
const TG = 'targetgroup/order-service/0a1b2c3d4e5f6071';

describe('compact SLO annotations', () => {
  it("turns the seed's table row into three SLOs over the target group's ALB metrics", () => {
    const { definitions, problems } = compactDefinitions(
      entity({
        'opsportal.dev/alb': ALB,
        'opsportal.dev/alb-target-group': TG,
        'opsportal.dev/cloudwatch-region': 'eu-west-1',
        'opsportal.dev/slo-availability': '99.9',
        'opsportal.dev/slo-latency-p95': '500ms',
        'opsportal.dev/slo-error-rate': '1%',
      }),
      DEFAULT_BURN_RATE_RULES,
    );
    expect(problems).toEqual([]);
    const dims = { LoadBalancer: ALB, TargetGroup: TG };
    const m = (metricName: string, stat: string) => ({
      namespace: 'AWS/ApplicationELB',
      metricName,
      stat,
      dimensions: dims,
      region: 'eu-west-1',
    });
    expect(
      definitions.map(d => [d.info.id, d.info.target, d.indicator]),
    ).toEqual([
      [
        'availability',
        0.999,
        {
          type: 'ratio',
          bad: [m('HTTPCode_Target_5XX_Count', 'Sum')],
          total: [m('RequestCount', 'Sum')],
        },
      ],
      [
        'latency-p95',
        0.95,
        {
          type: 'ratio',
          good: [m('TargetResponseTime', 'TC(:0.5)')],
          total: [m('TargetResponseTime', 'SampleCount')],
        },
      ],
      [
        'error-rate',
        0.99,
        {
          type: 'ratio',
          bad: [
            m('HTTPCode_Target_4XX_Count', 'Sum'),
            m('HTTPCode_Target_5XX_Count', 'Sum'),
          ],
          total: [m('RequestCount', 'Sum')],
        },
      ],
    ]);
    expect(definitions[0].info).toMatchObject({
      window: '30d',
      budgetingMethod: 'Occurrences',
      objective: '99.9 % of requests answered without a server error (5xx)',
      source: {
        form: 'annotation',
        annotation: 'opsportal.dev/slo-availability',
      },
    });
    expect(definitions[1].info.objective).toBe(
      '95 % of requests answered within 500 ms (p95 ≤ 500 ms)',
    );
  });

  it("counts the load balancer's own 5xx when there is no target group", () => {
    const { definitions } = compactDefinitions(
      entity({
        'opsportal.dev/alb': ALB,
        'opsportal.dev/slo-availability': '99.95 %',
      }),
      DEFAULT_BURN_RATE_RULES,
    );
    expect(definitions[0].info.target).toBe(0.9995);
    expect(definitions[0].indicator).toMatchObject({
      bad: [
        {
          metricName: 'HTTPCode_Target_5XX_Count',
          dimensions: { LoadBalancer: ALB },
        },
        {
          metricName: 'HTTPCode_ELB_5XX_Count',
          dimensions: { LoadBalancer: ALB },
        },
      ],
    });
  });

  it("measures a System's availability over its components", () => {
    const { definitions, problems } = compactDefinitions(
      entity({ 'opsportal.dev/slo-availability': '99.9' }, 'System'),
      DEFAULT_BURN_RATE_RULES,
    );
    expect(problems).toEqual([]);
    expect(definitions[0].indicator).toEqual({
      type: 'aggregate',
      category: 'availability',
    });
    expect(definitions[0].info.budgetingMethod).toBe('Occurrences');
  });

  it('reports values it cannot read and a missing metric source', () => {
    const { definitions, problems } = compactDefinitions(
      entity({
        'opsportal.dev/slo-availability': '100',
        'opsportal.dev/slo-latency-p95': 'fast',
        'opsportal.dev/slo-error-rate': '1%',
      }),
      DEFAULT_BURN_RATE_RULES,
    );
    expect(definitions).toEqual([]);
    expect(problems.map(p => [p.source, p.message])).toEqual([
      [
        'opsportal.dev/slo-availability',
        expect.stringContaining('"100": give a percentage between 0 and 100'),
      ],
      ['opsportal.dev/slo-latency-p95', expect.stringContaining('"fast"')],
      [
        'opsportal.dev/slo-error-rate',
        expect.stringContaining('needs opsportal.dev/alb'),
      ],
    ]);
  });

  it('refuses a latency CloudWatch cannot count requests against, before any query', () => {
    const annotations = {
      'opsportal.dev/alb': ALB,
      'opsportal.dev/alb-target-group': TG,
      'opsportal.dev/slo-availability': '99.9',
    };
    for (const [latency, why] of [
      [
        '0.0000001s',
        /"TC\(:1e-7\)" is not a CloudWatch statistic: 1e-7 is not a plain number/,
      ],
      [
        '0.123456789012s',
        /"TC\(:0\.123456789012\)" is not a CloudWatch statistic: 0\.123456789012 has more than 10 decimals/,
      ],
    ] as const) {
      const { definitions, problems } = compactDefinitions(
        entity({ ...annotations, 'opsportal.dev/slo-latency-p95': latency }),
        DEFAULT_BURN_RATE_RULES,
      );
      // Availability stays; the latency SLO is left out, so nothing is asked for it.
      expect(definitions.map(d => d.info.id)).toEqual(['availability']);
      expect(problems).toEqual([
        {
          severity: 'error',
          source: 'opsportal.dev/slo-latency-p95',
          message: expect.stringMatching(why),
        },
      ]);
      expect(problems[0].message).toContain(
        `opsportal.dev/slo-latency-p95 is "${latency}", which CloudWatch cannot count requests against`,
      );
    }
  });

  it('reads percentages and latencies', () => {
    expect(parsePercent('99.99')).toBeCloseTo(0.9999, 12);
    expect(parsePercent('0.01%')).toBeCloseTo(0.0001, 12);
    expect(parsePercent('0')).toBeUndefined();
    expect(parsePercent('abc')).toBeUndefined();
    expect(parseLatency('500ms')).toBe(0.5);
    expect(parseLatency('1.5s')).toBe(1.5);
    expect(parseLatency('500')).toBeUndefined();
  });
});
