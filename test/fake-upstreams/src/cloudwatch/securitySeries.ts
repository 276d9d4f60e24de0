import { normal } from '../random';
import { services } from '../platform';
import {
  AlarmDefinition,
  MetricKey,
  MetricStore,
  SeriesGenerator,
} from './store';

/**
 * The example platform's security metrics (docs/security-operations.md), from 15 days
 * before the clock anchor on, computed from it so every run tells the same
 * story:
 *
 * - `ECommerce/Security` `FailedLoginAttempts`: about one a minute on
 *   customer-service (sign-in) and a few an hour elsewhere, until a
 *   credential-stuffing burst on customer-service that started 50 minutes
 *   before the anchor (about 15 failed logins a minute) and keeps going for
 *   two days: the current "Multiple failed login attempts" alert;
 * - `UnauthorizedRequests` (401/403 answers): a few a minute per service;
 * - `SuspiciousApiCalls` (requests the API gateway's anomaly rules flag): a
 *   few an hour, more on search-service where a scraper runs (a warning);
 * - `VulnerabilityFindings` by `Severity` (`CRITICAL`, `HIGH`), as an
 *   Inspector export publishes them: no critical findings, a few high ones;
 * - `PatchCompliance` (percent of instances compliant, as SSM Patch
 *   Manager reports): about 97 %, payment-service at 93 % (a warning).
 *
 * Each metric exists platform-wide (no dimensions besides `Severity`) and
 * per service (dimension `Service`). The platform series are the sums (or,
 * for compliance, the mean) of the services'.
 *
 * Alarm-based signals: `security-iam-privilege-escalation` (a CloudTrail
 * metric filter), `security-data-exfiltration` and `security-malware-detected`,
 * all OK; the privilege-escalation alarm fired once six days ago.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const HISTORY_DAYS = 15;

/** Namespace of the example platform's security metrics. */
export const SECURITY_NAMESPACE = 'ECommerce/Security';
/** The service under a credential-stuffing burst in the fake data. */
export const FAILED_LOGIN_BURST_SERVICE = 'customer-service';

/** The catalog's services and website (event-processor consumes events: no sign-ins). */
const SERVICE_NAMES = [
  ...services.map(s => s.name),
  'storefront',
  'event-processor',
];

/** A count per minute, with a daily cycle and optional bursts. */
interface RateShape {
  perMinute: number;
  /** Share of the rate the daily cycle adds at 14:00 UTC (and takes at 02:00). */
  daily: number;
  /** Standard deviation of a minute's count, as a share of the rate. */
  noise: number;
  bursts?: { from: number; to: number; perMinute: number }[];
}

function rateAt(shape: RateShape, t: number): number {
  const hour = (t % DAY) / HOUR;
  return (
    shape.perMinute *
    (1 + shape.daily * Math.cos(((hour - 14) / 24) * 2 * Math.PI))
  );
}

/** Counts per bucket: `Sum` (events), `SampleCount` (minutes), `Average`, `Maximum`. */
function countGenerator(
  id: string,
  shape: RateShape,
  anchor: number,
): SeriesGenerator {
  const first = anchor - HISTORY_DAYS * DAY;
  return (bucketStart, periodSeconds, stat) => {
    const end = bucketStart + periodSeconds * 1000;
    if (end <= first) return undefined;
    const minutes = periodSeconds / 60;
    let mean = rateAt(shape, bucketStart + (end - bucketStart) / 2) * minutes;
    for (const burst of shape.bursts ?? []) {
      const overlap =
        Math.min(end, burst.to) - Math.max(bucketStart, burst.from);
      if (overlap > 0) mean += (overlap / MINUTE) * burst.perMinute;
    }
    const z = Math.max(
      -2.5,
      Math.min(2.5, normal(`${id}|${periodSeconds}|${bucketStart}`)),
    );
    const sum = Math.max(
      0,
      Math.round(mean + z * shape.noise * shape.perMinute * Math.sqrt(minutes)),
    );
    switch (stat) {
      case 'Sum':
        return sum;
      case 'SampleCount':
        return minutes;
      case 'Average':
        return sum / minutes;
      case 'Maximum':
        return Math.ceil((sum / minutes) * 1.6);
      default:
        return undefined;
    }
  };
}

/** A level that moves slowly (findings, compliance): every statistic answers it. */
function levelGenerator(
  id: string,
  level: number,
  wobble: number,
  anchor: number,
  bounds: [number, number],
  round: (v: number) => number,
): SeriesGenerator {
  const first = anchor - HISTORY_DAYS * DAY;
  return (bucketStart, periodSeconds, stat) => {
    if (bucketStart + periodSeconds * 1000 <= first) return undefined;
    if (stat === 'SampleCount') return periodSeconds / 60;
    // Changes at most every 6 hours (scans and patch runs are periodic).
    const spell = Math.floor(bucketStart / (6 * HOUR));
    const z = Math.max(-2, Math.min(2, normal(`${id}|${spell}`)));
    return round(Math.min(bounds[1], Math.max(bounds[0], level + z * wobble)));
  };
}

interface ServiceSecurity {
  failedLogins: RateShape;
  unauthorized: RateShape;
  suspicious: RateShape;
  highFindings: number;
  compliance: number;
}

function serviceSecurity(name: string, anchor: number): ServiceSecurity {
  const signIn = name === FAILED_LOGIN_BURST_SERVICE;
  /** Failed logins a minute: the sign-in service, the web shop, the others. */
  const loginRates: Record<string, number> = { storefront: 0.3 };
  const highFindings: Record<string, number> = {
    'payment-service': 2,
    storefront: 1,
  };
  return {
    failedLogins: {
      perMinute: signIn ? 1 : loginRates[name] ?? 0.05,
      daily: 0.5,
      noise: 0.8,
      bursts: signIn
        ? [{ from: anchor - 50 * MINUTE, to: anchor + 2 * DAY, perMinute: 15 }]
        : [],
    },
    unauthorized: {
      perMinute: name === 'storefront' ? 2 : 0.8,
      daily: 0.4,
      noise: 0.6,
    },
    suspicious: {
      perMinute: name === 'search-service' ? 0.15 : 0.01,
      daily: 0.3,
      noise: 1,
    },
    highFindings: highFindings[name] ?? 0,
    compliance: name === 'payment-service' ? 93 : 98.5,
  };
}

function key(
  metricName: string,
  dimensions: Record<string, string>,
): MetricKey {
  return { namespace: SECURITY_NAMESPACE, metricName, dimensions };
}

/** Sums (or averages) the services' generators into the platform series. */
function combined(parts: SeriesGenerator[], mean = false): SeriesGenerator {
  return (bucketStart, periodSeconds, stat) => {
    let total = 0;
    let any = false;
    for (const part of parts) {
      const v = part(bucketStart, periodSeconds, stat);
      if (v === undefined) continue;
      total += v;
      any = true;
    }
    if (!any) return undefined;
    if (stat === 'SampleCount') return periodSeconds / 60;
    return mean ? Math.round((total / parts.length) * 10) / 10 : total;
  };
}

function securityAlarms(anchor: number): AlarmDefinition[] {
  const topics = ['arn:aws:sns:us-east-1:123456789012:security-team-pager'];
  const base = {
    period: 300,
    evaluationPeriods: 1,
    comparisonOperator: 'GreaterThanOrEqualToThreshold',
    statistic: 'Sum',
    actions: { alarm: topics, ok: topics },
    tags: { Team: 'security', Severity: 'P1' },
  };
  const okReason =
    'Threshold Crossed: 1 datapoint [0.0] was not greater than or equal to the threshold (1.0).';
  return [
    {
      ...base,
      name: 'security-iam-privilege-escalation',
      description:
        'IAM policy attachments or role assumptions that grant admin rights outside the break-glass process (CloudTrail metric filter).',
      state: 'OK',
      stateReason: okReason,
      stateUpdatedAt: new Date(anchor - 6 * DAY + 40 * MINUTE),
      metric: {
        namespace: 'CloudTrailMetrics',
        metricName: 'PrivilegeEscalationEvents',
        dimensions: {},
      },
      threshold: 1,
      history: [
        { at: new Date(anchor - 6 * DAY), from: 'OK', to: 'ALARM' },
        {
          at: new Date(anchor - 6 * DAY + 40 * MINUTE),
          from: 'ALARM',
          to: 'OK',
        },
      ],
    },
    {
      ...base,
      name: 'security-data-exfiltration',
      description:
        'Outbound data volume far above its usual band (anomaly detection on NAT gateway bytes out).',
      state: 'OK',
      stateReason: okReason,
      stateUpdatedAt: new Date(anchor - 20 * DAY),
      metric: key('OutboundDataAnomalies', {}),
      threshold: 1,
    },
    {
      ...base,
      name: 'security-malware-detected',
      description:
        'GuardDuty malware protection findings on EKS nodes or EBS volumes.',
      state: 'OK',
      stateReason: okReason,
      stateUpdatedAt: new Date(anchor - 30 * DAY),
      metric: key('MalwareFindings', {}),
      threshold: 1,
    },
  ];
}

/** Adds the security metrics and alarms of the example platform. */
export function addSecuritySeries(store: MetricStore, anchor: number): void {
  const parts = {
    FailedLoginAttempts: [] as SeriesGenerator[],
    UnauthorizedRequests: [] as SeriesGenerator[],
    SuspiciousApiCalls: [] as SeriesGenerator[],
    high: [] as SeriesGenerator[],
    critical: [] as SeriesGenerator[],
    PatchCompliance: [] as SeriesGenerator[],
  };
  for (const name of SERVICE_NAMES) {
    const spec = serviceSecurity(name, anchor);
    const counts: [keyof typeof parts, RateShape][] = [
      ['FailedLoginAttempts', spec.failedLogins],
      ['UnauthorizedRequests', spec.unauthorized],
      ['SuspiciousApiCalls', spec.suspicious],
    ];
    for (const [metricName, shape] of counts) {
      const generate = countGenerator(`${metricName}|${name}`, shape, anchor);
      store.add({ key: key(metricName, { Service: name }), generate });
      parts[metricName].push(generate);
    }
    const high = levelGenerator(
      `high|${name}`,
      spec.highFindings,
      spec.highFindings > 0 ? 0.5 : 0,
      anchor,
      [0, 50],
      Math.round,
    );
    const critical = levelGenerator(
      `critical|${name}`,
      0,
      0,
      anchor,
      [0, 0],
      Math.round,
    );
    store.add({
      key: key('VulnerabilityFindings', { Service: name, Severity: 'HIGH' }),
      generate: high,
    });
    store.add({
      key: key('VulnerabilityFindings', {
        Service: name,
        Severity: 'CRITICAL',
      }),
      generate: critical,
    });
    parts.high.push(high);
    parts.critical.push(critical);
    const compliance = levelGenerator(
      `patch|${name}`,
      spec.compliance,
      0.8,
      anchor,
      [0, 100],
      v => Math.round(v * 10) / 10,
    );
    store.add({
      key: key('PatchCompliance', { Service: name }),
      generate: compliance,
    });
    parts.PatchCompliance.push(compliance);
  }
  for (const metricName of [
    'FailedLoginAttempts',
    'UnauthorizedRequests',
    'SuspiciousApiCalls',
  ] as const) {
    store.add({
      key: key(metricName, {}),
      generate: combined(parts[metricName]),
    });
  }
  store.add({
    key: key('VulnerabilityFindings', { Severity: 'HIGH' }),
    generate: combined(parts.high),
  });
  store.add({
    key: key('VulnerabilityFindings', { Severity: 'CRITICAL' }),
    generate: combined(parts.critical),
  });
  store.add({
    key: key('PatchCompliance', {}),
    generate: combined(parts.PatchCompliance, true),
  });
  for (const alarm of securityAlarms(anchor)) store.addAlarm(alarm);
}
