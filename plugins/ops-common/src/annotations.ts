/**
 * Entity annotations the ops portal reads. Each one is documented, with
 * examples, in docs/annotations.md.
 */

/**
 * PagerDuty service id(s) of a component, comma separated. The same key as
 * PagerDuty's own Backstage plugin, so existing catalogs work unchanged.
 * @public
 */
export const ANNOTATION_PAGERDUTY_SERVICE_ID = 'pagerduty.com/service-id';

/**
 * PagerDuty escalation policy id(s), comma separated: on a Group, the team's
 * escalation chain; on a Component, overrides the service's own policy.
 * @public
 */
export const ANNOTATION_PAGERDUTY_ESCALATION_POLICY_ID =
  'pagerduty.com/escalation-policy-id';

/**
 * PagerDuty schedule id(s) of a team (Group), comma separated, for the team
 * on-call rotation view.
 * @public
 */
export const ANNOTATION_PAGERDUTY_SCHEDULE_ID = 'pagerduty.com/schedule-id';

/**
 * Events API v2 integration (routing) key of a component's PagerDuty
 * service, for triggering incidents from the portal (off by default). The
 * same key as PagerDuty's own Backstage plugin.
 * @public
 */
export const ANNOTATION_PAGERDUTY_INTEGRATION_KEY =
  'pagerduty.com/integration-key';

/** Prefix of the annotations that belong to the ops portal itself. @public */
export const OPS_ANNOTATION_PREFIX = 'opsportal.dev';

/** AWS region of the entity's CloudWatch metrics and alarms. @public */
export const ANNOTATION_CLOUDWATCH_REGION = `${OPS_ANNOTATION_PREFIX}/cloudwatch-region`;

/**
 * ECS or EKS Container Insights service of the entity, `<cluster>/<service>`.
 * @public
 */
export const ANNOTATION_CONTAINER_SERVICE = `${OPS_ANNOTATION_PREFIX}/container-service`;

/**
 * Application Load Balancer of the entity, as CloudWatch names it:
 * `app/<name>/<id>`; with `alb-target-group` for the target group.
 * @public
 */
export const ANNOTATION_ALB = `${OPS_ANNOTATION_PREFIX}/alb`;

/** ALB target group, `targetgroup/<name>/<id>`. @public */
export const ANNOTATION_ALB_TARGET_GROUP = `${OPS_ANNOTATION_PREFIX}/alb-target-group`;

/** SQS queue name(s) whose depth the entity is scaled on, comma separated. @public */
export const ANNOTATION_SQS_QUEUE = `${OPS_ANNOTATION_PREFIX}/sqs-queue`;

/**
 * Location of an OpenSLO v1 document for the entity, absolute or relative to
 * the entity's own catalog file (read with the URL reader).
 * @public
 */
export const ANNOTATION_SLO_SPEC = `${OPS_ANNOTATION_PREFIX}/slo-spec`;

/** Compact SLO form: availability target in percent, e.g. `99.9`. @public */
export const ANNOTATION_SLO_AVAILABILITY = `${OPS_ANNOTATION_PREFIX}/slo-availability`;

/** Compact SLO form: p95 latency objective, e.g. `500ms`. @public */
export const ANNOTATION_SLO_LATENCY_P95 = `${OPS_ANNOTATION_PREFIX}/slo-latency-p95`;

/** Compact SLO form: error-rate objective, e.g. `1%`. @public */
export const ANNOTATION_SLO_ERROR_RATE = `${OPS_ANNOTATION_PREFIX}/slo-error-rate`;

/**
 * Location of the entity's markdown runbooks (a folder or files, comma
 * separated), absolute or relative to the entity's catalog file.
 * @public
 */
export const ANNOTATION_RUNBOOKS = `${OPS_ANNOTATION_PREFIX}/runbooks`;

/**
 * TechDocs pages of the entity that are runbooks (paths within its TechDocs
 * site, comma separated, e.g. `runbooks/failover`). Without it, an entity
 * with `backstage.io/techdocs-ref` lists its TechDocs site as one runbook.
 * @public
 */
export const ANNOTATION_TECHDOCS_RUNBOOKS = `${OPS_ANNOTATION_PREFIX}/techdocs-runbooks`;

/** CloudWatch alarm name prefix(es) of the entity, comma separated. @public */
export const ANNOTATION_ALARM_PREFIX = `${OPS_ANNOTATION_PREFIX}/alarm-prefix`;

/**
 * Alerting-policy scopes the entity is in, comma separated (e.g.
 * `payments,database`): policy rules with one of these scopes apply to it,
 * as do rules whose scope is one of the entity's tags.
 * @public
 */
export const ANNOTATION_ALERT_POLICY_SCOPES = `${OPS_ANNOTATION_PREFIX}/alert-policy-scopes`;

/**
 * Autoscaling bounds of the entity, e.g. `min=2,max=10,cpu=70,memory=80`.
 * @public
 */
export const ANNOTATION_AUTOSCALING = `${OPS_ANNOTATION_PREFIX}/autoscaling`;

/**
 * Prometheus job of the entity (the `job` label of its series), for SLOs and
 * capacity read from Prometheus (docs/prometheus.md). The same key the
 * Prometheus community uses for scrape configuration.
 * @public
 */
export const ANNOTATION_PROMETHEUS_JOB = 'prometheus.io/job';

/**
 * Further label matchers of the entity's Prometheus series, PromQL syntax
 * without braces, e.g. `namespace="shop",service="orders"`; combined with
 * `prometheus.io/job` when both are set.
 * @public
 */
export const ANNOTATION_PROMETHEUS_SELECTOR = `${OPS_ANNOTATION_PREFIX}/prometheus-selector`;

/**
 * CloudWatch Logs log group(s) of the entity, comma separated (docs/observability.md).
 * @public
 */
export const ANNOTATION_LOG_GROUPS = `${OPS_ANNOTATION_PREFIX}/log-groups`;

/**
 * X-Ray service name(s) of the entity in traces, comma separated
 * (docs/observability.md).
 * @public
 */
export const ANNOTATION_XRAY_SERVICE = `${OPS_ANNOTATION_PREFIX}/xray-service`;

/**
 * Grafana dashboards of the entity by selector, the community Grafana
 * plugin's key and syntax (e.g. `tags @> 'order-service'`).
 * @public
 */
export const ANNOTATION_GRAFANA_DASHBOARD_SELECTOR =
  'grafana/dashboard-selector';

/**
 * URL of the entity's main Grafana dashboard, the community Grafana
 * plugin's key.
 * @public
 */
export const ANNOTATION_GRAFANA_OVERVIEW_DASHBOARD =
  'grafana/overview-dashboard';

/**
 * Where the compact SLO annotations read their SLIs: `cloudwatch` (the
 * ALB's metrics) or `prometheus` (the `prometheus.io/job`'s series).
 * Default: CloudWatch when the ALB annotations are there, else Prometheus
 * (docs/slo.md).
 * @public
 */
export const ANNOTATION_SLO_SOURCE = `${OPS_ANNOTATION_PREFIX}/slo-source`;

/** Splits a comma-separated annotation value into trimmed, non-empty parts. @public */
export function splitAnnotation(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map(part => part.trim())
    .filter(part => part.length > 0);
}
