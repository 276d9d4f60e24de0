import { AlertPolicyRule, PolicyAlarm, PolicyCoverage } from './types';

/**
 * The seed's severity catalogue as an alerting policy: the alerts every
 * service (or every service in the rule's scope) must have. Configurable
 * under `ops.alerts.policy` (docs/alerts.md); this is the default.
 * @public
 */
export const DEFAULT_ALERT_POLICY: AlertPolicyRule[] = [
  {
    id: 'p1-service-down',
    severity: 'P1',
    title: 'Service down',
    match: {
      metricNames: ['HealthyHostCount', 'UnHealthyHostCount'],
      alarmNames: ['*service-down*', '*-down', '*unhealthy-hosts*'],
    },
    comparison: 'any',
  },
  {
    id: 'p1-payment-failures',
    severity: 'P1',
    title: 'Payment failures > 5 %',
    match: {
      metricNames: ['PaymentFailureRate', 'FailedPayments*'],
      alarmNames: ['*payment*fail*', '*processing-failures*'],
    },
    comparison: 'above',
    threshold: 5,
    unit: '%',
    scope: 'payments',
  },
  {
    id: 'p1-database-unavailable',
    severity: 'P1',
    title: 'Database unavailable',
    match: {
      metricNames: ['DatabaseConnections'],
      alarmNames: ['*db-unavailable*', '*database-unavailable*'],
    },
    comparison: 'any',
    scope: 'database',
  },
  {
    id: 'p1-data-loss',
    severity: 'P1',
    title: 'Data loss',
    match: { alarmNames: ['*data-loss*'] },
    comparison: 'any',
    scope: 'database',
  },
  {
    id: 'p2-error-rate',
    severity: 'P2',
    title: 'Error rate > 5 %',
    match: {
      metricNames: ['ErrorRate', 'HTTPCode_Target_5XX_Count'],
      alarmNames: ['*error-rate*'],
    },
    comparison: 'above',
    threshold: 5,
    unit: '%',
  },
  {
    id: 'p2-latency-p95',
    severity: 'P2',
    title: 'p95 response time > 3 s',
    match: { metricNames: ['TargetResponseTime'], alarmNames: ['*latency*'] },
    comparison: 'above',
    threshold: 3,
    unit: 's',
  },
  {
    id: 'p2-memory',
    severity: 'P2',
    title: 'Memory usage > 90 %',
    match: {
      metricNames: ['pod_memory_utilization', 'MemoryUtilization'],
      alarmNames: ['*memory*'],
    },
    comparison: 'above',
    threshold: 90,
    unit: '%',
  },
  {
    id: 'p2-backup-failures',
    severity: 'P2',
    title: 'Backup failures',
    match: {
      metricNames: ['NumberOfBackupJobsFailed'],
      alarmNames: ['*backup*'],
    },
    comparison: 'any',
    scope: 'database',
  },
  {
    id: 'p3-error-rate',
    severity: 'P3',
    title: 'Error rate > 1 %',
    match: {
      metricNames: ['ErrorRate', 'HTTPCode_Target_5XX_Count'],
      alarmNames: ['*error-rate*'],
    },
    comparison: 'above',
    threshold: 1,
    unit: '%',
  },
  {
    id: 'p3-latency-p95',
    severity: 'P3',
    title: 'p95 response time > 1 s',
    match: { metricNames: ['TargetResponseTime'], alarmNames: ['*latency*'] },
    comparison: 'above',
    threshold: 1,
    unit: 's',
  },
  {
    id: 'p3-cache-hit-rate',
    severity: 'P3',
    title: 'Cache hit rate < 80 %',
    match: { metricNames: ['CacheHitRate'], alarmNames: ['*cache-hit*'] },
    comparison: 'below',
    threshold: 80,
    unit: '%',
    scope: 'cache',
  },
  {
    id: 'p3-disk',
    severity: 'P3',
    title: 'Disk usage > 80 %',
    match: {
      metricNames: ['node_filesystem_utilization', 'DiskSpaceUtilization'],
      alarmNames: ['*disk*'],
    },
    comparison: 'above',
    threshold: 80,
    unit: '%',
  },
  {
    id: 'p4-certificate-expiry',
    severity: 'P4',
    title: 'Certificate expires within 30 days',
    match: {
      metricNames: ['DaysToExpiry'],
      alarmNames: ['*cert*expir*', '*certificate*'],
    },
    comparison: 'below',
    threshold: 30,
    unit: 'days',
  },
  {
    id: 'p4-capacity',
    severity: 'P4',
    title: 'Capacity warning',
    match: {
      metricNames: ['pod_cpu_utilization', 'CPUUtilization'],
      alarmNames: ['*cpu*', '*capacity*'],
    },
    comparison: 'any',
  },
];

/**
 * Matches an entity's alarms against the policy rules that apply to it
 * (`scopes`: its tags and `opsportal.dev/alert-policy-scopes` entries). A
 * rule is `present` when a matching alarm fires in the rule's direction at
 * or inside its threshold, `looser` when every matching alarm's threshold is
 * looser than the policy's, `missing` when no alarm matches.
 * @public
 */
export function matchAlertPolicy(
  entityRef: string,
  rules: AlertPolicyRule[],
  alarms: PolicyAlarm[],
  scopes: string[],
): PolicyCoverage {
  void [entityRef, rules, alarms, scopes];
  throw new Error('not implemented');
}
