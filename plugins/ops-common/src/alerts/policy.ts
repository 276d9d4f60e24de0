import { matchesPattern } from '../runbooks/severity';
import {
  AlertPolicyRule,
  PolicyAlarm,
  PolicyCoverage,
  PolicyCoverageItem,
  PolicyCoverageStatus,
} from './types';

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
 * The direction an alarm fires in, from its CloudWatch comparison operator:
 * `GreaterThan…` above, `LessThan…` below, anything else (bands, unknown)
 * either.
 * @public
 */
export function alarmDirection(
  comparisonOperator: string | undefined,
): 'above' | 'below' | 'any' {
  switch (comparisonOperator) {
    case 'GreaterThanThreshold':
    case 'GreaterThanOrEqualToThreshold':
    case 'GreaterThanUpperThreshold':
      return 'above';
    case 'LessThanThreshold':
    case 'LessThanOrEqualToThreshold':
    case 'LessThanLowerThreshold':
      return 'below';
    default:
      return 'any';
  }
}

function matchesAny(value: string | undefined, patterns: string[] = []) {
  if (!value) return false;
  const name = value.toLowerCase();
  return patterns.some(p => matchesPattern(name, p.toLowerCase()));
}

function ruleMatches(rule: AlertPolicyRule, alarm: PolicyAlarm): boolean {
  if (
    !matchesAny(alarm.metricName, rule.match.metricNames) &&
    !matchesAny(alarm.name, rule.match.alarmNames)
  ) {
    return false;
  }
  const direction = alarmDirection(alarm.comparisonOperator);
  return (
    rule.comparison === 'any' ||
    direction === 'any' ||
    direction === rule.comparison
  );
}

function isLooser(rule: AlertPolicyRule, alarm: PolicyAlarm): boolean {
  if (
    rule.threshold === undefined ||
    alarm.threshold === undefined ||
    alarmDirection(alarm.comparisonOperator) === 'any'
  ) {
    return false;
  }
  if (rule.comparison === 'above') return alarm.threshold > rule.threshold;
  if (rule.comparison === 'below') return alarm.threshold < rule.threshold;
  return false;
}

function policyText(rule: AlertPolicyRule): string {
  if (rule.comparison === 'any' || rule.threshold === undefined) {
    return `the policy asks for an alarm for "${rule.title}"`;
  }
  const unit = rule.unit ? ` ${rule.unit}` : '';
  return `the policy asks for ${rule.comparison} ${rule.threshold}${unit}`;
}

function alarmText(alarm: PolicyAlarm): string {
  const direction = alarmDirection(alarm.comparisonOperator);
  if (direction === 'any' || alarm.threshold === undefined) {
    return alarm.name;
  }
  return `${alarm.name} fires ${direction} ${alarm.threshold}`;
}

function list(items: string[], conjunction = 'and'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${
    items[items.length - 1]
  }`;
}

function missingText(rule: AlertPolicyRule): string {
  const metrics = rule.match.metricNames ?? [];
  const names = rule.match.alarmNames ?? [];
  const ways = [
    metrics.length ? `on ${list(metrics, 'or')}` : '',
    names.length ? `named like ${list(names, 'or')}` : '',
  ].filter(Boolean);
  const threshold =
    rule.comparison !== 'any' && rule.threshold !== undefined
      ? `, firing ${rule.comparison} ${rule.threshold}${
          rule.unit ? ` ${rule.unit}` : ''
        }`
      : '';
  const expected = ways.length
    ? ` Expected an alarm ${ways.join(', or ')}${threshold}.`
    : '';
  return `No alarm for "${rule.title}" (${rule.severity}).${expected}`;
}

function severityText(
  rule: AlertPolicyRule,
  alarms: PolicyCoverageItem['alarms'],
): string {
  const differing = alarms.filter(a => a.severityDiffers);
  if (!differing.length) return '';
  const which = list(differing.map(a => `${a.name} is ${a.severity}`));
  return ` Severity: ${which}; the policy says ${rule.severity}.`;
}

/**
 * Matches an entity's alarms against the policy rules that apply to it
 * (`scopes`: its tags and `opsportal.dev/alert-policy-scopes` entries). A
 * rule is `present` when a matching alarm fires in the rule's direction at
 * or inside its threshold, `looser` when every matching alarm's threshold is
 * looser than the policy's, `missing` when no alarm matches.
 *
 * Rules without a scope apply to every entity; scopes compare without case.
 * An alarm matches a rule when its metric name or its name matches one of
 * the rule's patterns (`*` wildcards, case-insensitive) and it does not fire
 * the other way (`GreaterThan…` is above, `LessThan…` below, anything else
 * either). Items keep the rules' order.
 * @public
 */
export function matchAlertPolicy(
  entityRef: string,
  rules: AlertPolicyRule[],
  alarms: PolicyAlarm[],
  scopes: string[],
): PolicyCoverage {
  const inScope = new Set(scopes.map(s => s.trim().toLowerCase()));
  const items: PolicyCoverageItem[] = [];
  const counts = { present: 0, looser: 0, missing: 0 };
  for (const rule of rules) {
    if (rule.scope !== undefined && !inScope.has(rule.scope.toLowerCase())) {
      continue;
    }
    const matching = alarms.filter(alarm => ruleMatches(rule, alarm));
    const found = matching.map(alarm => ({
      name: alarm.name,
      threshold: alarm.threshold,
      comparisonOperator: alarm.comparisonOperator,
      severity: alarm.severity,
      looser: isLooser(rule, alarm),
      severityDiffers: alarm.severity !== rule.severity,
    }));
    let status: PolicyCoverageStatus;
    let message: string;
    if (!matching.length) {
      status = 'missing';
      message = missingText(rule);
    } else if (found.every(a => a.looser)) {
      status = 'looser';
      message = `${list(matching.map(alarmText))}; ${policyText(rule)}.`;
    } else {
      status = 'present';
      const meeting = matching.filter((_, i) => !found[i].looser);
      message = `Covered by ${list(meeting.map(alarmText))}; ${policyText(
        rule,
      )}.`;
    }
    message += severityText(rule, found);
    counts[status]++;
    items.push({ rule, status, alarms: found, message });
  }
  return { entityRef, items, counts };
}
