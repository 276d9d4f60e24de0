import { DEFAULT_BURN_RATE_RULES } from '@opsportal/plugin-ops-common';
import { parseOpenSlo } from './openslo';

const options = { location: 'slo.yaml', defaultRules: DEFAULT_BURN_RATE_RULES };

function lineOf(text: string, needle: string): number {
  const index = text.indexOf(needle);
  if (index < 0) throw new Error(`${needle} is not in the text`);
  return text.slice(0, index).split('\n').length;
}

const ratio = `apiVersion: openslo/v1
kind: DataSource
metadata:
  name: prom
spec:
  type: Prometheus
  connectionDetails:
    url: http://prometheus:9090
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: orders-availability
spec:
  indicator:
    metadata:
      name: orders-errors
    spec:
      ratioMetric:
        counter: true
        bad:
          metricSource:
            type: Prometheus
            spec:
              query: sum(increase(http_requests_total{job="orders",code=~"5.."}[{{.window}}]))
        total:
          metricSource:
            metricSourceRef: prom
            spec:
              promql: http_requests_total{job="orders"}
  timeWindow:
    - duration: 30d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - target: 0.999
`;

const threshold = (query: string, slice = '1m') => `apiVersion: openslo/v1
kind: SLO
metadata:
  name: orders-latency
spec:
  indicator:
    metadata:
      name: orders-p95
    spec:
      thresholdMetric:
        metricSource:
          type: prometheus
          spec:
            query: ${query}
  timeWindow:
    - duration: 7d
      isRolling: true
  budgetingMethod: Timeslices
  objectives:
    - op: lt
      value: 0.5
      target: 0.99
      timeSliceWindow: ${slice}
`;

describe('OpenSLO with Prometheus metric sources', () => {
  it('reads inline sources and DataSources of type Prometheus, query or promql, Sloth placeholders', () => {
    const { definitions, problems } = parseOpenSlo(ratio, options);
    expect(problems).toEqual([]);
    expect(definitions).toHaveLength(1);
    expect(definitions[0].indicator).toEqual({
      type: 'ratio',
      bad: [
        {
          provider: 'prometheus',
          promql:
            'sum(increase(http_requests_total{job="orders",code=~"5.."}[$period]))',
        },
      ],
      // A bare counter counts its increase over each period.
      total: [
        {
          provider: 'prometheus',
          promql: 'sum(increase(http_requests_total{job="orders"}[$period]))',
        },
      ],
    });
    expect(definitions[0].info).toMatchObject({
      target: 0.999,
      budgetingMethod: 'Occurrences',
      indicator:
        '1 - (PromQL sum(increase(http_requests_total{job="orders",code=~"5.."}[$period]))) / (PromQL sum(increase(http_requests_total{job="orders"}[$period])))',
    });
  });

  it('reads a threshold query as written, one value per slice', () => {
    const query =
      'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job="orders"}[$period])))';
    const { definitions, problems } = parseOpenSlo(threshold(query), options);
    expect(problems).toEqual([]);
    expect(definitions[0].indicator).toEqual({
      type: 'threshold',
      metric: { provider: 'prometheus', promql: query },
      op: 'lt',
      value: 0.5,
    });
    expect(definitions[0].info).toMatchObject({
      timeSlice: { window: '1m' },
      objective: `99 % of 1m slices with ${query} < 0.5`,
    });
  });

  it('explains a malformed Prometheus source at its line', () => {
    const cases: [string, string, string][] = [
      [
        ratio.replace(
          '              query: sum(increase(http_requests_total{job="orders",code=~"5.."}[{{.window}}]))',
          '              expr: up',
        ),
        // The mapping the query is missing from.
        '            spec:\n              expr: up',
        'a Prometheus metric source needs its PromQL in spec.query (or spec.promql)',
      ],
      [
        ratio.replace('{{.window}}', '5m'),
        'query: sum(increase',
        'the query reads a fixed range [5m]: a ratio metric counts the events of each period, so write [$period] (or [{{.window}}]) instead',
      ],
      [
        ratio.replace(
          'promql: http_requests_total{job="orders"}',
          'promql: sum(http_requests_total{job="orders"})',
        ),
        'promql: sum(',
        'the query has no $period',
      ],
      [
        threshold('up', '30s'),
        'timeSliceWindow: 30s',
        'time slices of 30s do not fit a 7d window: the portal reads 1m data over a window that long',
      ],
    ];
    for (const [text, at, message] of cases) {
      const { definitions, problems } = parseOpenSlo(text, options);
      expect(definitions).toEqual([]);
      expect(problems).toContainEqual(
        expect.objectContaining({
          severity: 'error',
          line: lineOf(text, at.trimStart()),
          message: expect.stringContaining(message),
        }),
      );
    }
  });

  it('refuses a DataSource of another type at its reference', () => {
    const text = ratio.replace('  type: Prometheus\n', '  type: Datadog\n');
    const { definitions, problems } = parseOpenSlo(text, options);
    expect(definitions).toEqual([]);
    expect(problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        message:
          'metric source type Datadog is not supported: the ops portal reads CloudWatch and Prometheus',
      }),
    ]);
  });
});
