import { CLUSTER, LOAD_BALANCER, services } from '../platform';
import { DAY, firedOnce, flappingSpells, historyOf, Spell } from './history';
import { AlarmDefinition, MetricKey, MetricStore } from './store';

/**
 * The CloudWatch alarms of the example platform, `<service>-<what>` as the
 * services' `opsportal.dev/alarm-prefix` annotations expect. Most are OK;
 * order-service's error-rate alarm fires (it burns its error budget), its
 * dead-letter-queue alarm has fired for 3 days, and search-service's CPU
 * alarm fires (it trends toward its limit). Severities
 * are `Severity` tags, the seed's P1–P4; one alarm has no tag so that the
 * configured rules decide. Descriptions carry `Runbook: <url>` where the
 * team wrote one in the alarm; payment-service's runbooks in examples/ link
 * their alarms from their front matter instead, and one payment-service
 * alarm (the payment-events queue backlog) deliberately has no runbook.
 *
 * Their histories (DescribeAlarmHistory) tell the alert-hygiene story:
 * product-service-cache-hit-rate and customer-service-login-failures flap
 * (3 to 6 ALARM→OK round trips a day on many days); search-service-cpu-high
 * fires at its daily peak (noisy); order-service-dlq-messages has been stuck
 * in ALARM for 3 days; payment-service-db-unavailable and
 * order-service-high-memory have not changed state for more than 90 days
 * (never fired, empty history); payment-service-db-replica-lag and
 * search-service-p95-latency have no actions; the others fired once or
 * twice in the last 30 days. Actions notify SNS topics `<team>-pager`.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const RUNBOOKS = 'https://runbooks.ecommerce-platform.example';
const WIKI = 'https://wiki.ecommerce-platform.example/ops/runbooks';

type Severity = 'P1' | 'P2' | 'P3' | 'P4';

interface AlarmSpec {
  service: string;
  suffix: string;
  description: string;
  severity?: Severity;
  metric: MetricKey;
  statistic?: string;
  threshold: number;
  comparison?: string;
  /** Present when the alarm is not OK. */
  firing?: {
    state: 'ALARM' | 'INSUFFICIENT_DATA';
    value?: number;
    sinceMs: number;
  };
  /**
   * How long ago an OK alarm last changed state. With `fires`, the end of
   * the last one, which must then agree.
   */
  okForMs?: number;
  /** Earlier times in ALARM, all ended before the current state began. */
  fires?: (anchor: number) => Spell[];
  /** The alarm notifies nobody (no AlarmActions, OKActions...). */
  noActions?: boolean;
}

function alb(service: string, metricName: string): MetricKey {
  const target = services.find(s => s.name === service)!.targetGroup;
  return {
    namespace: 'AWS/ApplicationELB',
    metricName,
    dimensions: { LoadBalancer: LOAD_BALANCER, TargetGroup: target },
  };
}

function pods(service: string, metricName: string): MetricKey {
  return {
    namespace: 'ContainerInsights',
    metricName,
    dimensions: {
      ClusterName: CLUSTER,
      Namespace: 'default',
      Service: service,
    },
  };
}

function queue(name: string): MetricKey {
  return {
    namespace: 'AWS/SQS',
    metricName: 'ApproximateNumberOfMessagesVisible',
    dimensions: { QueueName: name },
  };
}

function custom(service: string, metricName: string): MetricKey {
  return {
    namespace: 'ECommerce/Payments',
    metricName,
    dimensions: { Service: service },
  };
}

const specs: AlarmSpec[] = [
  // order-service: burning its error budget.
  {
    service: 'order-service',
    suffix: 'high-error-rate',
    description: `5xx responses above 5 % of requests for 5 minutes (error budget burning). Runbook: ${RUNBOOKS}/order-service/high-error-rate`,
    severity: 'P2',
    metric: alb('order-service', 'HTTPCode_Target_5XX_Count'),
    statistic: 'Sum',
    threshold: 5,
    firing: { state: 'ALARM', value: 7.4, sinceMs: 38 * MINUTE },
    fires: anchor => [firedOnce(anchor, 26 * HOUR, 17 * MINUTE)],
  },
  {
    service: 'order-service',
    suffix: 'p95-latency',
    description: `p95 response time above 3 s. Runbook: ${WIKI}/order-service-latency`,
    severity: 'P2',
    metric: alb('order-service', 'TargetResponseTime'),
    statistic: 'p95',
    threshold: 3,
    okForMs: 4 * DAY,
    fires: anchor => [firedOnce(anchor, 4 * DAY, 25 * MINUTE)],
  },
  {
    service: 'order-service',
    suffix: 'queue-backlog',
    description: `order-events backlog above 5,000 messages. Runbook: ${RUNBOOKS}/order-service/queue-backlog`,
    severity: 'P3',
    metric: queue('order-events'),
    statistic: 'Maximum',
    threshold: 5000,
    okForMs: 9 * DAY,
    fires: anchor => [
      firedOnce(anchor, 21 * DAY, 2 * HOUR),
      firedOnce(anchor, 9 * DAY, 50 * MINUTE),
    ],
  },
  {
    service: 'order-service',
    suffix: 'high-memory',
    description: `Pod memory above 90 %. Runbook: ${WIKI}/jvm-high-memory`,
    severity: 'P2',
    metric: pods('order-service', 'pod_memory_utilization'),
    threshold: 90,
    // Never fired: OK for longer than the portal's 90 days.
    okForMs: 97 * DAY,
  },
  {
    service: 'order-service',
    suffix: 'dlq-messages',
    description: `Messages in the order-events dead-letter queue. Runbook: ${RUNBOOKS}/order-service/dlq-messages`,
    severity: 'P3',
    metric: queue('order-events-dlq'),
    statistic: 'Maximum',
    threshold: 0,
    // Stuck: nobody has drained the queue for 3 days.
    firing: { state: 'ALARM', value: 42, sinceMs: 3 * DAY + 2 * HOUR },
    fires: anchor => [firedOnce(anchor, 17 * DAY, 3 * HOUR)],
  },
  // customer-service
  {
    service: 'customer-service',
    suffix: 'login-failures',
    description: `Failed logins above 10 % of attempts. Runbook: ${RUNBOOKS}/customer-service/login-failures`,
    severity: 'P2',
    metric: custom('customer-service', 'LoginFailureRate'),
    threshold: 10,
    // Flapping: OK since its last round trip yesterday.
    fires: anchor =>
      flappingSpells(
        'customer-service-login-failures',
        anchor,
        [1, 2, 4, 5, 6, 8, 13, 14, 15, 27],
      ),
  },
  {
    service: 'customer-service',
    suffix: 'error-rate',
    description: `5xx responses above 1 % of requests. Runbook: ${WIKI}/api-error-rate`,
    severity: 'P3',
    metric: alb('customer-service', 'HTTPCode_Target_5XX_Count'),
    statistic: 'Sum',
    threshold: 1,
    okForMs: 3 * DAY,
    fires: anchor => [firedOnce(anchor, 3 * DAY, 12 * MINUTE)],
  },
  {
    service: 'customer-service',
    suffix: 'high-memory',
    description: `Pod memory above 90 %. Runbook: ${WIKI}/jvm-high-memory`,
    severity: 'P2',
    metric: pods('customer-service', 'pod_memory_utilization'),
    threshold: 90,
    firing: { state: 'INSUFFICIENT_DATA', sinceMs: 25 * MINUTE },
  },
  // product-service
  {
    service: 'product-service',
    suffix: 'cache-hit-rate',
    description: `Redis cache hit rate below 80 %. Runbook: ${RUNBOOKS}/product-service/cache-hit-rate`,
    severity: 'P3',
    metric: custom('product-service', 'CacheHitRate'),
    threshold: 80,
    comparison: 'LessThanThreshold',
    // Flapping: OK since its last round trip yesterday.
    fires: anchor =>
      flappingSpells(
        'product-service-cache-hit-rate',
        anchor,
        [1, 2, 3, 5, 6, 9, 12, 16, 20, 23],
      ),
  },
  {
    service: 'product-service',
    suffix: 'p95-latency',
    description: `p95 response time above 1 s. Runbook: ${WIKI}/api-latency`,
    severity: 'P3',
    metric: alb('product-service', 'TargetResponseTime'),
    statistic: 'p95',
    threshold: 1,
    okForMs: 5 * DAY,
    fires: anchor => [firedOnce(anchor, 5 * DAY, 20 * MINUTE)],
  },
  // payment-service: runbooks in examples/runbooks/payment-service/ name
  // these alarms in their front matter.
  {
    service: 'payment-service',
    suffix: 'processing-failures',
    description:
      'Failed payment transactions above 5 % of attempts for 3 minutes.',
    severity: 'P1',
    metric: custom('payment-service', 'PaymentFailureRate'),
    threshold: 5,
    okForMs: 15 * DAY,
    fires: anchor => [firedOnce(anchor, 15 * DAY, 9 * MINUTE)],
  },
  {
    service: 'payment-service',
    suffix: 'gateway-timeouts',
    description: `Payment gateway calls timing out (> 2 % of calls over 10 s). Runbook: ${RUNBOOKS}/payment-service/gateway-timeouts`,
    severity: 'P2',
    metric: custom('payment-service', 'GatewayTimeoutRate'),
    threshold: 2,
    okForMs: 3 * DAY,
    fires: anchor => [
      firedOnce(anchor, 11 * DAY, 35 * MINUTE),
      firedOnce(anchor, 3 * DAY, 18 * MINUTE),
    ],
  },
  {
    service: 'payment-service',
    suffix: 'high-memory',
    description: 'Pod memory above 90 % for 10 minutes.',
    severity: 'P2',
    metric: pods('payment-service', 'pod_memory_utilization'),
    threshold: 90,
    okForMs: 8 * DAY,
    fires: anchor => [firedOnce(anchor, 8 * DAY, HOUR)],
  },
  {
    service: 'payment-service',
    suffix: 'db-unavailable',
    description:
      'No connections to the orders/payments database (orders-db) for 2 minutes.',
    severity: 'P1',
    metric: {
      namespace: 'AWS/RDS',
      metricName: 'DatabaseConnections',
      dimensions: { DBInstanceIdentifier: 'orders-db' },
    },
    threshold: 1,
    comparison: 'LessThanThreshold',
    // Never fired: OK for longer than the portal's 90 days.
    okForMs: 120 * DAY,
  },
  {
    service: 'payment-service',
    suffix: 'db-replica-lag',
    // No Severity tag: the configured rules (or the default) decide.
    description: 'orders-db read replica lag above 30 s.',
    metric: {
      namespace: 'AWS/RDS',
      metricName: 'ReplicaLag',
      dimensions: { DBInstanceIdentifier: 'orders-db' },
    },
    statistic: 'Maximum',
    threshold: 30,
    okForMs: 6 * DAY,
    fires: anchor => [firedOnce(anchor, 6 * DAY, 7 * MINUTE)],
    // Notifies nobody: the portal flags it.
    noActions: true,
  },
  {
    service: 'payment-service',
    suffix: 'events-queue-backlog',
    // Deliberately without a runbook: the portal flags it.
    description: 'payment-events backlog above 1,000 messages for 10 minutes.',
    severity: 'P3',
    metric: queue('payment-events'),
    statistic: 'Maximum',
    threshold: 1000,
    okForMs: 2 * DAY,
    fires: anchor => [firedOnce(anchor, 2 * DAY, 40 * MINUTE)],
  },
  // search-service: trending toward its CPU limit.
  {
    service: 'search-service',
    suffix: 'cpu-high',
    description: `Pod CPU above 85 % of the limit for 15 minutes. Runbook: ${WIKI}/search-service-cpu`,
    severity: 'P3',
    metric: pods('search-service', 'pod_cpu_utilization'),
    threshold: 85,
    firing: { state: 'ALARM', value: 88.6, sinceMs: 2 * HOUR + 15 * MINUTE },
    // Noisy: fires at the daily peak, at the same time of day, every day.
    fires: anchor =>
      [1, 2, 3, 4, 5, 6].map(d =>
        firedOnce(
          anchor,
          d * DAY + 2 * HOUR + 15 * MINUTE - (50 + 5 * d) * MINUTE,
          (50 + 5 * d) * MINUTE,
        ),
      ),
  },
  {
    service: 'search-service',
    suffix: 'p95-latency',
    description: `p95 response time above 1 s. Runbook: ${WIKI}/api-latency`,
    severity: 'P3',
    metric: alb('search-service', 'TargetResponseTime'),
    statistic: 'p95',
    threshold: 1,
    okForMs: 1 * DAY,
    fires: anchor => [
      firedOnce(anchor, 6 * DAY, 30 * MINUTE),
      firedOnce(anchor, 1 * DAY, 15 * MINUTE),
    ],
    // Notifies nobody: the portal flags it.
    noActions: true,
  },
];

const SNS = 'arn:aws:sns:us-east-1:123456789012';

/** The team's pager topic; P1 alarms page SRE too, and on missing data. */
function actionsOf(spec: AlarmSpec): AlarmDefinition['actions'] {
  if (spec.noActions) return undefined;
  const topics = [`${SNS}:dev-team-pager`];
  if (spec.severity === 'P1') topics.push(`${SNS}:sre-team-pager`);
  return {
    alarm: topics,
    ok: topics,
    insufficientData: spec.severity === 'P1' ? [`${SNS}:dev-team-pager`] : [],
  };
}

function operatorWords(operator: string): string {
  return operator === 'LessThanThreshold' ? 'less than' : 'greater than';
}

function stateReason(spec: AlarmSpec, at: number): string {
  const operator = spec.comparison ?? 'GreaterThanThreshold';
  const when = new Date(at).toISOString().slice(0, 16).replace('T', ' ');
  if (spec.firing?.state === 'ALARM') {
    return `Threshold Crossed: 3 out of the last 3 datapoints [${
      spec.firing.value
    } (${when})] were ${operatorWords(operator)} the threshold (${
      spec.threshold
    }).`;
  }
  if (spec.firing?.state === 'INSUFFICIENT_DATA') {
    return 'Insufficient Data: 3 datapoints were unknown.';
  }
  return `Threshold Crossed: no datapoint was ${operatorWords(
    operator,
  )} the threshold (${spec.threshold}) for 3 periods.`;
}

/** The alarm definitions, placed relative to the fake's clock anchor. */
export function platformAlarms(anchor: number): AlarmDefinition[] {
  return specs.map(spec => {
    const name = `${spec.service}-${spec.suffix}`;
    const spells = spec.fires?.(anchor) ?? [];
    if (spec.firing) {
      spells.push({
        start: anchor - spec.firing.sinceMs,
        state: spec.firing.state,
      });
    }
    const built = historyOf(spells);
    if (
      !spec.firing &&
      built.changedAt !== undefined &&
      spec.okForMs !== undefined &&
      built.changedAt !== anchor - spec.okForMs
    ) {
      throw new Error(`${name}: its last fire does not end okForMs ago`);
    }
    const changedAt =
      built.changedAt ?? anchor - (spec.firing?.sinceMs ?? spec.okForMs ?? DAY);
    return {
      name,
      description: spec.description,
      state: spec.firing?.state ?? 'OK',
      stateReason: stateReason(spec, changedAt),
      stateUpdatedAt: new Date(changedAt),
      metric: spec.metric,
      statistic: spec.statistic ?? 'Average',
      period: 60,
      evaluationPeriods: 3,
      threshold: spec.threshold,
      comparisonOperator: spec.comparison ?? 'GreaterThanThreshold',
      tags: {
        Service: spec.service,
        ...(spec.severity ? { Severity: spec.severity } : {}),
      },
      actions: actionsOf(spec),
      history: built.history,
    };
  });
}

/** Adds the CloudWatch alarms of the services. */
export function addAlarms(store: MetricStore, anchor: number): void {
  for (const alarm of platformAlarms(anchor)) store.addAlarm(alarm);
}
