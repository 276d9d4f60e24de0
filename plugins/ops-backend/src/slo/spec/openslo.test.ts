import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DEFAULT_BURN_RATE_RULES } from '@opsportal/plugin-ops-common';
import { parseOpenSlo } from './openslo';

const options = { location: 'slo.yaml', defaultRules: DEFAULT_BURN_RATE_RULES };

/** The line of the first occurrence of `needle` in `text`, 1-based. */
function lineOf(text: string, needle: string): number {
  const index = text.indexOf(needle);
  if (index < 0) throw new Error(`${needle} is not in the text`);
  return text.slice(0, index).split('\n').length;
}

const ratioSlo = (objectives: string, extra = '') => `apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-availability
  displayName: Checkout availability
spec:
  indicator:
    metadata:
      name: checkout-5xx
    spec:
      ratioMetric:
        bad:
          metricSource:
            type: CloudWatch
            spec:
              namespace: AWS/ApplicationELB
              metricName: HTTPCode_Target_5XX_Count
              dimensions:
                - name: TargetGroup
                  value: targetgroup/checkout/1
        total:
          metricSource:
            type: CloudWatch
            spec:
              namespace: AWS/ApplicationELB
              metricName: RequestCount
              dimensions:
                - name: TargetGroup
                  value: targetgroup/checkout/1
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
${objectives}${extra}`;

describe('OpenSLO', () => {
  it("reads the example payment-service spec: the seed's three objectives", async () => {
    const file = path.resolve(
      __dirname,
      '../../../../../examples/slo/payment-service.yaml',
    );
    const text = await fs.readFile(file, 'utf8');
    const { definitions, problems } = parseOpenSlo(text, {
      ...options,
      location: 'payment-service.yaml',
    });
    expect(problems).toEqual([]);
    expect(definitions.map(d => d.info.id)).toEqual([
      'payment-availability',
      'payment-latency-p95',
      'payment-failed-transactions',
    ]);

    const [availability, latency, failed] = definitions;
    expect(availability.info).toMatchObject({
      name: 'Availability',
      category: 'availability',
      target: 0.9999,
      window: '30d',
      budgetingMethod: 'Occurrences',
      source: {
        form: 'openslo',
        location: 'payment-service.yaml',
        line: lineOf(text, 'name: payment-availability'),
      },
    });
    // The alert policies spell out the SRE workbook defaults.
    expect(
      availability.info.burnRateRules.map(({ name, ...rule }) => rule),
    ).toEqual(DEFAULT_BURN_RATE_RULES);
    expect(availability.indicator).toEqual({
      type: 'ratio',
      bad: [
        {
          namespace: 'AWS/ApplicationELB',
          metricName: 'HTTPCode_Target_5XX_Count',
          stat: 'Sum',
          region: 'us-east-1',
          dimensions: {
            LoadBalancer: 'app/ecommerce-prod-alb/6d5f0f4a1b2c3d4e',
            TargetGroup: 'targetgroup/payment-service/3d4e5f60718293a4',
          },
        },
      ],
      total: [expect.objectContaining({ metricName: 'RequestCount' })],
    });

    expect(latency.info).toMatchObject({
      category: 'latency',
      target: 0.99,
      budgetingMethod: 'Timeslices',
      timeSlice: { window: '5m' },
      missingData: 'ignore',
      objective: '99 % of 5m slices with TargetResponseTime p95 < 0.5',
    });
    expect(latency.indicator).toMatchObject({
      type: 'threshold',
      op: 'lt',
      value: 0.5,
      metric: { metricName: 'TargetResponseTime', stat: 'p95' },
    });
    // No alert policy: the defaults apply.
    expect(latency.info.burnRateRules).toEqual(DEFAULT_BURN_RATE_RULES);

    expect(failed.info).toMatchObject({
      category: 'error-rate',
      target: 0.9999,
    });
    expect(failed.info.burnRateRules.map(r => r.name)).toEqual([
      'page-fast-burn',
      'ticket-slow-burn',
    ]);
  });

  it('keeps several objectives of one SLO apart', () => {
    const text = ratioSlo(`    - displayName: Good
      target: 0.99
    - displayName: Great
      targetPercent: 99.9
`);
    const { definitions, problems } = parseOpenSlo(text, options);
    expect(problems).toEqual([]);
    expect(
      definitions.map(d => [
        d.info.id,
        d.info.name,
        d.info.target,
        d.info.window,
      ]),
    ).toEqual([
      [
        'checkout-availability-good',
        'Checkout availability: Good',
        0.99,
        '28d',
      ],
      [
        'checkout-availability-great',
        'Checkout availability: Great',
        0.999,
        '28d',
      ],
    ]);
    expect(definitions[0].indicator).toMatchObject({
      type: 'ratio',
      bad: [
        { stat: 'Sum', dimensions: { TargetGroup: 'targetgroup/checkout/1' } },
      ],
    });
  });

  it('reports an invalid objective at its line and keeps the valid SLOs', () => {
    const broken = ratioSlo(`    - displayName: Broken
      targetPercent: "lots"
`);
    const text = `${broken}---\n${ratioSlo('    - target: 0.999\n').replace(
      'checkout-availability',
      'checkout-ok',
    )}`;
    const { definitions, problems } = parseOpenSlo(text, options);
    expect(definitions.map(d => d.info.id)).toEqual(['checkout-ok']);
    expect(problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        source: 'slo.yaml',
        line: lineOf(text, 'targetPercent: "lots"'),
        message: expect.stringContaining('spec.objectives.0.targetPercent'),
      }),
    ]);
  });

  it('refuses a statistic CloudWatch would refuse, at its line, and keeps the other SLOs', () => {
    const typo = ratioSlo('    - target: 0.99\n').replace(
      'metricName: HTTPCode_Target_5XX_Count',
      'metricName: HTTPCode_Target_5XX_Count\n              stat: Summ',
    );
    const text = `${typo}---\n${ratioSlo('    - target: 0.999\n').replace(
      'checkout-availability',
      'checkout-ok',
    )}`;
    const { definitions, problems } = parseOpenSlo(text, options);
    // No definition, so no query: CloudWatch never sees the typo.
    expect(definitions.map(d => d.info.id)).toEqual(['checkout-ok']);
    expect(problems).toEqual([
      {
        severity: 'error',
        source: 'slo.yaml',
        line: lineOf(text, 'stat: Summ'),
        message:
          'spec.indicator.spec.ratioMetric.bad.metricSource.spec.stat: "Summ" is not a CloudWatch statistic: use Sum, Average, Minimum, Maximum, SampleCount, IQM, a percentile such as p95 or p99.9, tm90, tc90, ts90, wm90, or a range such as PR(:300), TM(10%:90%), TC(:0.5), TS(10%:90%) or WM(:500)',
      },
    ]);
  });

  it('checks every metric of a sum, and the statistic of a threshold metric', () => {
    const sum = ratioSlo('    - target: 0.99\n').replace(
      `              namespace: AWS/ApplicationELB
              metricName: HTTPCode_Target_5XX_Count
              dimensions:
                - name: TargetGroup
                  value: targetgroup/checkout/1`,
      `              metrics:
                - namespace: AWS/ApplicationELB
                  metricName: HTTPCode_Target_5XX_Count
                - namespace: AWS/ApplicationELB
                  metricName: HTTPCode_ELB_5XX_Count
                  stat: p99.999`,
    );
    const threshold = `apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-latency
spec:
  indicator:
    metadata:
      name: checkout-p95
    spec:
      thresholdMetric:
        metricSource:
          type: CloudWatch
          spec:
            namespace: AWS/ApplicationELB
            metricName: TargetResponseTime
            stat: TM(90%:10%)
  budgetingMethod: Timeslices
  objectives:
    - op: lte
      value: 0.5
      target: 0.99
      timeSliceWindow: 5m
`;
    const text = `${sum}---\n${threshold}`;
    const { definitions, problems } = parseOpenSlo(text, options);
    expect(definitions).toEqual([]);
    expect(problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        line: lineOf(text, 'stat: p99.999'),
        message: expect.stringMatching(
          /metrics\.1\.stat: "p99\.999" is not a CloudWatch statistic: CloudWatch takes percentiles with at most 2 decimals/,
        ),
      }),
      expect.objectContaining({
        severity: 'error',
        line: lineOf(text, 'stat: TM(90%:10%)'),
        message: expect.stringMatching(
          /thresholdMetric\.metricSource\.spec\.stat: "TM\(90%:10%\)" is not a CloudWatch statistic: the lower bound is above the upper one/,
        ),
      }),
    ]);
  });

  it('reads a statistic spelled in the wrong case as CloudWatch spells it, and says so', () => {
    const text = ratioSlo('    - target: 0.99\n').replace(
      'metricName: RequestCount',
      'metricName: RequestCount\n              stat: sum',
    );
    const { definitions, problems } = parseOpenSlo(text, options);
    expect(definitions).toHaveLength(1);
    expect(definitions[0].indicator).toMatchObject({
      total: [{ metricName: 'RequestCount', stat: 'Sum' }],
    });
    expect(problems).toEqual([
      {
        severity: 'info',
        source: 'slo.yaml',
        line: lineOf(text, 'stat: sum'),
        message:
          'spec.indicator.spec.ratioMetric.total.metricSource.spec.stat: sum is read as Sum (CloudWatch statistics are case-sensitive)',
      },
    ]);
  });

  it('reports YAML syntax errors with their line', () => {
    const text = 'apiVersion: openslo/v1\nkind: SLO\nmetadata:\n  name: a: b\n';
    const { definitions, problems } = parseOpenSlo(text, options);
    expect(definitions).toEqual([]);
    expect(problems[0]).toMatchObject({
      severity: 'error',
      message: expect.stringMatching(/^YAML: /),
      line: 4,
    });
  });

  it('explains what it does not support, at the line at fault', () => {
    const cases: [string, string, RegExp][] = [
      [
        ratioSlo('    - target: 0.99\n').replace(
          'openslo/v1',
          'openslo/v2alpha',
        ),
        'apiVersion',
        /apiVersion openslo\/v2alpha is not supported/,
      ],
      [
        ratioSlo('    - target: 0.99\n').replace(
          'budgetingMethod: Occurrences',
          'budgetingMethod: RatioTimeslices',
        ),
        'budgetingMethod',
        /RatioTimeslices is not supported/,
      ],
      [
        ratioSlo('    - target: 0.99\n').replace(
          'isRolling: true',
          'isRolling: false',
        ),
        '- duration: 28d',
        /calendar-aligned/,
      ],
      [
        ratioSlo('    - target: 0.99\n').replace(
          'type: CloudWatch',
          'type: Datadog',
        ),
        'type: Datadog',
        /type Datadog is not supported: the ops portal reads CloudWatch and Prometheus/,
      ],
      [
        ratioSlo('    - target: 0.99\n').replace(
          '  indicator:\n    metadata:\n      name: checkout-5xx\n    spec:',
          '  indicatorRef: nowhere\n  unused:\n    spec:',
        ),
        'indicatorRef: nowhere',
        /SLI nowhere is not defined/,
      ],
      [
        ratioSlo(`    - op: lt
      value: 1
      target: 0.99
      timeSliceWindow: 1m
`).replace('budgetingMethod: Occurrences', 'budgetingMethod: Timeslices'),
        'timeSliceWindow: 1m',
        /1m do not fit a 28d window: CloudWatch keeps 5m data that long/,
      ],
    ];
    for (const [text, at, message] of cases) {
      const { definitions, problems } = parseOpenSlo(text, options);
      expect(definitions).toEqual([]);
      expect(problems).toEqual([
        expect.objectContaining({
          severity: 'error',
          line: lineOf(text, at),
          message: expect.stringMatching(message),
        }),
      ]);
    }
  });

  it('resolves referenced alert conditions and warns about odd operators', () => {
    const text = `${ratioSlo(
      '    - target: 0.999\n',
      '  alertPolicies:\n    - alertPolicyRef: fast\n',
    )}---
apiVersion: openslo/v1
kind: AlertPolicy
metadata:
  name: fast
spec:
  conditions:
    - conditionRef: two-hours
  notificationTargets: []
---
apiVersion: openslo/v1
kind: AlertCondition
metadata:
  name: two-hours
spec:
  severity: critical
  condition:
    kind: burnrate
    op: lte
    threshold: 10
    lookbackWindow: 2h
    alertAfter: 10m
---
apiVersion: openslo/v1
kind: AlertPolicy
metadata:
  name: orphan
spec:
  conditions:
    - conditionRef: two-hours
`;
    const { definitions, problems } = parseOpenSlo(text, options);
    expect(definitions[0].info.burnRateRules).toEqual([
      {
        severity: 'page',
        burnRate: 10,
        longWindow: '2h',
        shortWindow: '10m',
        name: 'fast',
      },
    ]);
    expect(problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        line: lineOf(text, 'op: lte'),
        message: expect.stringContaining('read as gte'),
      }),
      expect.objectContaining({
        severity: 'info',
        line: lineOf(text, 'name: orphan'),
        message: 'AlertPolicy orphan is not used by any SLO',
      }),
    ]);
  });

  it('says so when a file holds no SLO', () => {
    expect(parseOpenSlo('', options).problems).toEqual([
      expect.objectContaining({
        message: 'The file defines no SLO (kind: SLO)',
      }),
    ]);
  });
});

describe('OpenSLO problem positions', () => {
  /** The line of the first `needle` after the first `after`, 1-based. */
  const lineAfter = (text: string, after: string, needle: string) =>
    lineOf(text, after) - 1 + lineOf(text.slice(text.indexOf(after)), needle);

  it('names the line of a problem in the third document of a file', () => {
    const text = `${ratioSlo(
      '    - target: 0.999\n',
      '  alertPolicies:\n    - alertPolicyRef: fast\n',
    )}---
# The policy and its condition.
apiVersion: openslo/v1
kind: AlertPolicy
metadata:
  name: fast
spec:
  conditions:
    - conditionRef: two-hours
---
apiVersion: openslo/v1
kind: AlertCondition
metadata:
  name: two-hours
spec:
  severity: page
  condition:
    kind: burnrate
    op: gte
    threshold: ten
    lookbackWindow: 2h
`;
    const { definitions, problems } = parseOpenSlo(text, options);
    expect(definitions).toEqual([]);
    expect(problems).toEqual([
      {
        severity: 'error',
        source: 'slo.yaml',
        line: lineOf(text, 'threshold: ten'),
        message:
          'spec.condition.threshold: Invalid input: expected number, received string',
      },
    ]);
    expect(lineOf(text, 'threshold: ten')).toBe(57);
  });

  it('names the line of the document that lacks its kind', () => {
    const third =
      'apiVersion: openslo/v1\nmetadata:\n  name: lonely\nspec: {}\n';
    const text = `${ratioSlo('    - target: 0.99\n')}---\n${ratioSlo(
      '    - target: 0.999\n',
    ).replace('checkout-availability', 'checkout-ok')}---\n# no kind\n${third}`;
    const { definitions, problems } = parseOpenSlo(text, options);
    expect(definitions.map(d => d.info.id)).toEqual([
      'checkout-availability',
      'checkout-ok',
    ]);
    expect(problems).toEqual([
      expect.objectContaining({
        line: lineAfter(text, '# no kind', 'apiVersion'),
        message: expect.stringMatching(/^kind: Invalid option/),
      }),
    ]);
  });

  it('warns about an unknown field of a metric at its line, and reads the metric without it', () => {
    const text = ratioSlo('    - target: 0.99\n').replace(
      'metricName: RequestCount',
      'metricName: RequestCount\n              statistic: p99',
    );
    const { definitions, problems } = parseOpenSlo(text, options);
    expect(definitions).toHaveLength(1);
    expect(definitions[0].indicator).toMatchObject({
      total: [{ metricName: 'RequestCount', stat: 'Sum' }],
    });
    expect(problems).toEqual([
      {
        severity: 'warning',
        source: 'slo.yaml',
        line: lineOf(text, 'statistic: p99'),
        message:
          'spec.indicator.spec.ratioMetric.total.metricSource.spec.statistic: unknown field, ignored: a CloudWatch metric has region, namespace, metricName, stat and dimensions',
      },
    ]);
  });

  it('names the line of a value of the wrong type', () => {
    const text = ratioSlo('    - displayName: Fast\n      target: high\n');
    const { definitions, problems } = parseOpenSlo(text, options);
    expect(definitions).toEqual([]);
    expect(problems).toEqual([
      {
        severity: 'error',
        source: 'slo.yaml',
        line: lineOf(text, 'target: high'),
        message:
          'spec.objectives.0.target: Invalid input: expected number, received string',
      },
    ]);
  });

  it('names the line of the mapping a required field is missing from', () => {
    const text = ratioSlo('    - target: 0.99\n').replace(
      '              metricName: RequestCount\n',
      '',
    );
    const { definitions, problems } = parseOpenSlo(text, options);
    expect(definitions).toEqual([]);
    expect(problems).toEqual([
      {
        severity: 'error',
        source: 'slo.yaml',
        // The `spec:` of the total's metric source, which has no metricName.
        line: lineAfter(text, 'total:', 'spec:'),
        message:
          'spec.indicator.spec.ratioMetric.total.metricSource.spec.metricName: Invalid input: expected string, received undefined',
      },
    ]);
    expect(lineAfter(text, 'total:', 'spec:')).toBe(24);
  });
});
