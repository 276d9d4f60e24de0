/**
 * The operational KPIs of the seed's two tables ("system reliability" and
 * "operational efficiency"): what each one measures, in which unit, which
 * way is better, and the default target. docs/kpis.md explains each one.
 */

/** Identifiers of the KPIs. @public */
export const kpiIds = [
  'uptime',
  'mtbf',
  'mttr',
  'incidentCount',
  'changeSuccessRate',
  'deploymentFrequency',
  'deploymentSuccessRate',
  'rollbackRate',
  'alertResponseTime',
  'incidentResolutionTime',
  'reviewsOnTime',
  'actionItemsOverdue',
] as const;
/** @public */
export type KpiId = (typeof kpiIds)[number];

/**
 * The unit a KPI's value is kept in: `ratio` 0–1 (shown as %), `duration`
 * milliseconds, `perMonth` incidents per month, `perDay` deployments a day,
 * `count` things at a time (action items overdue).
 * @public
 */
export type KpiUnit = 'ratio' | 'duration' | 'perMonth' | 'perDay' | 'count';

/** Which way the value should move. @public */
export type KpiDirection = 'higher-is-better' | 'lower-is-better';

/**
 * How a value is held against its target: `at-least` (≥, uptime and
 * deployment frequency), `more-than` (>), `less-than` (<), as the seed
 * writes them; `at-most` (≤) for counts whose target is none at all.
 * @public
 */
export type KpiComparison = 'at-least' | 'more-than' | 'less-than' | 'at-most';

/** The two tables of the seed. @public */
export type KpiTable = 'reliability' | 'efficiency';

/** What a KPI is. @public */
export interface KpiDefinition {
  id: KpiId;
  name: string;
  table: KpiTable;
  unit: KpiUnit;
  direction: KpiDirection;
  comparison: KpiComparison;
  /** One sentence: what is measured and over what. */
  definition: string;
  /** Where the numbers come from. */
  source: string;
}

/** Targets in the units of {@link KpiUnit} (ratios 0–1, durations in ms). @public */
export type KpiTargets = Record<KpiId, number>;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The seed's targets. @public */
export const DEFAULT_KPI_TARGETS: KpiTargets = {
  uptime: 0.999,
  mtbf: 720 * HOUR,
  mttr: 30 * MINUTE,
  incidentCount: 5,
  changeSuccessRate: 0.95,
  deploymentFrequency: 1,
  deploymentSuccessRate: 0.95,
  rollbackRate: 0.05,
  alertResponseTime: 5 * MINUTE,
  incidentResolutionTime: 2 * HOUR,
  reviewsOnTime: 0.9,
  actionItemsOverdue: 0,
};

/** The KPIs in the order of the seed's tables. @public */
export const KPI_DEFINITIONS: readonly KpiDefinition[] = [
  {
    id: 'uptime',
    name: 'Uptime',
    table: 'reliability',
    unit: 'ratio',
    direction: 'higher-is-better',
    comparison: 'at-least',
    definition:
      'Share of good requests over the period, from the availability SLI (good ÷ total requests of the days in the period).',
    source: 'Availability SLOs evaluated from CloudWatch (SLO feature)',
  },
  {
    id: 'mtbf',
    name: 'MTBF (Mean Time Between Failures)',
    table: 'reliability',
    unit: 'duration',
    direction: 'higher-is-better',
    comparison: 'more-than',
    definition:
      'Operating time (period minus time spent in failure) divided by the number of failures that started in the period; a failure is an incident of a failure severity (P1 or P2 by default). Without failures it is at least the period.',
    source: 'PagerDuty incidents: created and resolved times, priority',
  },
  {
    id: 'mttr',
    name: 'MTTR (Mean Time To Recovery)',
    table: 'reliability',
    unit: 'duration',
    direction: 'lower-is-better',
    comparison: 'less-than',
    definition:
      'Mean time from creation to resolution of the failures (P1/P2 incidents) that started in the period and are resolved.',
    source: 'PagerDuty incidents: created and resolved times, priority',
  },
  {
    id: 'incidentCount',
    name: 'Incident Count',
    table: 'reliability',
    unit: 'perMonth',
    direction: 'lower-is-better',
    comparison: 'less-than',
    definition:
      'Incidents of any severity created in the period, per month: the count of a calendar month, or the count per 30 days of a rolling period.',
    source: 'PagerDuty incidents: created times',
  },
  {
    id: 'changeSuccessRate',
    name: 'Change Success Rate',
    table: 'reliability',
    unit: 'ratio',
    direction: 'higher-is-better',
    comparison: 'more-than',
    definition:
      'Share of the change requests implemented in the period (completed, failed or rolled back) that completed successfully.',
    source: 'Change requests of the portal (change management feature)',
  },
  {
    id: 'deploymentFrequency',
    name: 'Deployment Frequency',
    table: 'efficiency',
    unit: 'perDay',
    direction: 'higher-is-better',
    comparison: 'at-least',
    definition:
      'Deployments per day over the period: implemented standard changes of a deployment type ("routine deployment"), plus PagerDuty change events where a source provides them.',
    source:
      'Standard change requests of a deployment type; PagerDuty change events',
  },
  {
    id: 'deploymentSuccessRate',
    name: 'Deployment Success Rate',
    table: 'efficiency',
    unit: 'ratio',
    direction: 'higher-is-better',
    comparison: 'more-than',
    definition:
      'Share of the deployment change requests implemented in the period that completed successfully (change events carry no outcome and do not count here).',
    source: 'Standard change requests of a deployment type',
  },
  {
    id: 'rollbackRate',
    name: 'Rollback Rate',
    table: 'efficiency',
    unit: 'ratio',
    direction: 'lower-is-better',
    comparison: 'less-than',
    definition:
      'Share of the change requests implemented in the period that were rolled back.',
    source: 'Change requests of the portal (change management feature)',
  },
  {
    id: 'alertResponseTime',
    name: 'Alert Response Time',
    table: 'efficiency',
    unit: 'duration',
    direction: 'lower-is-better',
    comparison: 'less-than',
    definition:
      'Mean time to acknowledge of the incidents created in the period that were acknowledged.',
    source: 'PagerDuty incidents: created and first acknowledgement times',
  },
  {
    id: 'incidentResolutionTime',
    name: 'Incident Resolution Time',
    table: 'efficiency',
    unit: 'duration',
    direction: 'lower-is-better',
    comparison: 'less-than',
    definition:
      'Mean time from creation to resolution of the incidents of any severity created in the period and resolved.',
    source: 'PagerDuty incidents: created and resolved times',
  },
  {
    id: 'reviewsOnTime',
    name: 'Reviews Completed On Time',
    table: 'efficiency',
    unit: 'ratio',
    direction: 'higher-is-better',
    comparison: 'at-least',
    definition:
      'Share of the post-incident reviews due in the period (P1/P2 incidents and emergency changes, due 5 business days later by default) that were completed on or before their due date; reviews not yet due are left out.',
    source: 'Post-incident reviews of the portal (reviews feature)',
  },
  {
    id: 'actionItemsOverdue',
    name: 'Action Items Overdue',
    table: 'efficiency',
    unit: 'count',
    direction: 'lower-is-better',
    comparison: 'at-most',
    definition:
      "Review action items not done and past their due date at the period's end (now for the current period).",
    source: 'Action items of post-incident reviews (reviews feature)',
  },
];

/** The definition of a KPI. @public */
export function kpiDefinition(id: KpiId): KpiDefinition {
  return KPI_DEFINITIONS.find(d => d.id === id)!;
}

/** Whether a string names a KPI. @public */
export function isKpiId(value: unknown): value is KpiId {
  return kpiIds.includes(value as KpiId);
}
