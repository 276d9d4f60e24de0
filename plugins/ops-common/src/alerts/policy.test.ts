import {
  alarmDirection,
  DEFAULT_ALERT_POLICY,
  matchAlertPolicy,
} from './policy';
import { AlertPolicyRule, PolicyAlarm } from './types';

const errorRate: AlertPolicyRule = {
  id: 'p3-error-rate',
  severity: 'P3',
  title: 'Error rate > 1 %',
  match: { metricNames: ['ErrorRate'], alarmNames: ['*error-rate*'] },
  comparison: 'above',
  threshold: 1,
  unit: '%',
};

const cacheHits: AlertPolicyRule = {
  id: 'p3-cache-hit-rate',
  severity: 'P3',
  title: 'Cache hit rate < 80 %',
  match: { metricNames: ['CacheHitRate'] },
  comparison: 'below',
  threshold: 80,
  unit: '%',
  scope: 'cache',
};

function alarm(name: string, extra: Partial<PolicyAlarm> = {}): PolicyAlarm {
  return { name, severity: 'P3', ...extra };
}

describe('alarmDirection', () => {
  it('reads the CloudWatch comparison operators', () => {
    expect(alarmDirection('GreaterThanThreshold')).toBe('above');
    expect(alarmDirection('GreaterThanOrEqualToThreshold')).toBe('above');
    expect(alarmDirection('LessThanThreshold')).toBe('below');
    expect(alarmDirection('LessThanOrEqualToThreshold')).toBe('below');
    expect(alarmDirection('LessThanLowerOrGreaterThanUpperThreshold')).toBe(
      'any',
    );
    expect(alarmDirection(undefined)).toBe('any');
  });
});

describe('matchAlertPolicy', () => {
  it('applies rules without scope and those in the entity scopes, in rule order', () => {
    const rules = [cacheHits, errorRate];
    expect(
      matchAlertPolicy('component:default/a', rules, [], []).items.map(
        i => i.rule.id,
      ),
    ).toEqual(['p3-error-rate']);
    const scoped = matchAlertPolicy(
      'component:default/a',
      rules,
      [],
      ['Cache'],
    );
    expect(scoped.items.map(i => i.rule.id)).toEqual([
      'p3-cache-hit-rate',
      'p3-error-rate',
    ]);
    expect(scoped.entityRef).toBe('component:default/a');
    expect(scoped.counts).toEqual({ present: 0, looser: 0, missing: 2 });
  });

  it('matches by metric name or by alarm name pattern, without case', () => {
    const byMetric = matchAlertPolicy(
      'x',
      [errorRate],
      [alarm('svc-5xx', { metricName: 'errorrate' })],
      [],
    );
    expect(byMetric.items[0].status).toBe('present');
    const byName = matchAlertPolicy(
      'x',
      [errorRate],
      [alarm('Order-Service-High-ERROR-RATE')],
      [],
    );
    expect(byName.items[0].status).toBe('present');
    expect(byName.items[0].alarms.map(a => a.name)).toEqual([
      'Order-Service-High-ERROR-RATE',
    ]);
    const neither = matchAlertPolicy(
      'x',
      [errorRate],
      [alarm('order-service-errors', { metricName: 'Errors' })],
      [],
    );
    expect(neither.items[0].status).toBe('missing');
    expect(neither.items[0].alarms).toEqual([]);
  });

  it('does not match an alarm that fires the other way', () => {
    const result = matchAlertPolicy(
      'x',
      [errorRate, cacheHits],
      [
        alarm('svc-error-rate-low', {
          metricName: 'ErrorRate',
          comparisonOperator: 'LessThanThreshold',
          threshold: 1,
        }),
        alarm('svc-cache-hits', {
          metricName: 'CacheHitRate',
          comparisonOperator: 'GreaterThanThreshold',
          threshold: 80,
        }),
      ],
      ['cache'],
    );
    expect(result.items.map(i => i.status)).toEqual(['missing', 'missing']);
  });

  it('reports thresholds looser than the policy in its direction', () => {
    const result = matchAlertPolicy(
      'x',
      [errorRate, cacheHits],
      [
        alarm('order-service-high-error-rate', {
          metricName: 'ErrorRate',
          comparisonOperator: 'GreaterThanThreshold',
          threshold: 5,
        }),
        alarm('order-service-cache-hits', {
          metricName: 'CacheHitRate',
          comparisonOperator: 'LessThanThreshold',
          threshold: 50,
        }),
      ],
      ['cache'],
    );
    expect(result.items.map(i => i.status)).toEqual(['looser', 'looser']);
    expect(result.items[1].message).toBe(
      'order-service-cache-hits fires below 50; the policy asks for below 80 %.',
    );
    expect(result.items[0].message).toBe(
      'order-service-high-error-rate fires above 5; the policy asks for above 1 %.',
    );
    expect(result.counts).toEqual({ present: 0, looser: 2, missing: 0 });
  });

  it('is present when one matching alarm meets the threshold, and at or inside it', () => {
    const result = matchAlertPolicy(
      'x',
      [errorRate, cacheHits],
      [
        alarm('svc-error-rate-warning', {
          comparisonOperator: 'GreaterThanThreshold',
          threshold: 5,
        }),
        alarm('svc-error-rate', {
          comparisonOperator: 'GreaterThanOrEqualToThreshold',
          threshold: 1,
        }),
        alarm('svc-cache', {
          metricName: 'CacheHitRate',
          comparisonOperator: 'LessThanThreshold',
          threshold: 90,
        }),
      ],
      ['cache'],
    );
    expect(result.items.map(i => i.status)).toEqual(['present', 'present']);
    expect(result.items[0].alarms.map(a => a.looser)).toEqual([true, false]);
    expect(result.items[0].message).toBe(
      'Covered by svc-error-rate fires above 1; the policy asks for above 1 %.',
    );
  });

  it('skips the threshold check without thresholds, for any-direction rules and alarms', () => {
    const anyRule: AlertPolicyRule = { ...errorRate, comparison: 'any' };
    const noThreshold: AlertPolicyRule = { ...errorRate, threshold: undefined };
    const alarms = [
      alarm('svc-error-rate', {
        comparisonOperator: 'GreaterThanThreshold',
        threshold: 50,
      }),
    ];
    expect(matchAlertPolicy('x', [anyRule], alarms, []).items[0].status).toBe(
      'present',
    );
    expect(
      matchAlertPolicy('x', [noThreshold], alarms, []).items[0].status,
    ).toBe('present');
    expect(
      matchAlertPolicy('x', [errorRate], [alarm('svc-error-rate')], []).items[0]
        .status,
    ).toBe('present');
    const band = alarm('svc-error-rate-anomaly', {
      comparisonOperator: 'LessThanLowerOrGreaterThanUpperThreshold',
    });
    expect(
      matchAlertPolicy('x', [errorRate], [band], []).items[0],
    ).toMatchObject({ status: 'present', alarms: [{ looser: false }] });
  });

  it('tells when the alarm severity differs from the rule', () => {
    const result = matchAlertPolicy(
      'x',
      [errorRate],
      [
        alarm('svc-error-rate', {
          severity: 'P1',
          comparisonOperator: 'GreaterThanThreshold',
          threshold: 1,
        }),
      ],
      [],
    );
    expect(result.items[0].alarms[0].severityDiffers).toBe(true);
    expect(result.items[0].message).toBe(
      'Covered by svc-error-rate fires above 1; the policy asks for above 1 %. Severity: svc-error-rate is P1; the policy says P3.',
    );
  });

  it('names what is missing', () => {
    const result = matchAlertPolicy('x', [errorRate], [], []);
    expect(result.items[0].message).toBe(
      'No alarm for "Error rate > 1 %" (P3). Expected an alarm on ErrorRate, or named like *error-rate*, firing above 1 %.',
    );
  });

  it('shows the default policy against the example payment-service alarms', () => {
    const alarms: PolicyAlarm[] = [
      {
        name: 'payment-service-processing-failures',
        metricName: 'FailedPayments',
        comparisonOperator: 'GreaterThanThreshold',
        threshold: 5,
        severity: 'P1',
      },
      {
        name: 'payment-service-gateway-timeouts',
        metricName: 'GatewayTimeouts',
        comparisonOperator: 'GreaterThanThreshold',
        threshold: 10,
        severity: 'P2',
      },
      {
        name: 'payment-service-high-memory',
        metricName: 'pod_memory_utilization',
        comparisonOperator: 'GreaterThanThreshold',
        threshold: 90,
        severity: 'P2',
      },
      {
        name: 'payment-service-db-unavailable',
        metricName: 'DatabaseConnections',
        comparisonOperator: 'LessThanThreshold',
        threshold: 1,
        severity: 'P1',
      },
      {
        name: 'payment-service-db-replica-lag',
        metricName: 'ReplicaLag',
        comparisonOperator: 'GreaterThanThreshold',
        threshold: 30,
        severity: 'P2',
      },
      {
        name: 'payment-service-events-queue-backlog',
        metricName: 'ApproximateNumberOfMessagesVisible',
        comparisonOperator: 'GreaterThanThreshold',
        threshold: 1000,
        severity: 'P3',
      },
    ];
    const coverage = matchAlertPolicy(
      'component:default/payment-service',
      DEFAULT_ALERT_POLICY,
      alarms,
      ['payments', 'database'],
    );
    const status = Object.fromEntries(
      coverage.items.map(i => [i.rule.id, i.status]),
    );
    expect(status).toEqual({
      'p1-service-down': 'missing',
      'p1-payment-failures': 'present',
      'p1-database-unavailable': 'present',
      'p1-data-loss': 'missing',
      'p2-error-rate': 'missing',
      'p2-latency-p95': 'missing',
      'p2-memory': 'present',
      'p2-backup-failures': 'missing',
      'p3-error-rate': 'missing',
      'p3-latency-p95': 'missing',
      'p3-disk': 'missing',
      'p4-certificate-expiry': 'missing',
      'p4-capacity': 'missing',
    });
    expect(coverage.counts).toEqual({ present: 3, looser: 0, missing: 10 });
    const byId = (id: string) => coverage.items.find(i => i.rule.id === id)!;
    expect(byId('p1-payment-failures').alarms).toEqual([
      {
        name: 'payment-service-processing-failures',
        threshold: 5,
        comparisonOperator: 'GreaterThanThreshold',
        severity: 'P1',
        looser: false,
        severityDiffers: false,
      },
    ]);
    expect(byId('p1-service-down').message).toBe(
      'No alarm for "Service down" (P1). Expected an alarm on HealthyHostCount or UnHealthyHostCount, or named like *service-down*, *-down or *unhealthy-hosts*.',
    );
    // Without the scopes only the unscoped rules apply.
    const unscoped = matchAlertPolicy(
      'component:default/payment-service',
      DEFAULT_ALERT_POLICY,
      alarms,
      [],
    );
    expect(unscoped.items.map(i => i.rule.id)).not.toContain(
      'p1-payment-failures',
    );
    expect(unscoped.counts).toEqual({ present: 1, looser: 0, missing: 8 });
  });
});
