/**
 * Operational readiness facts: what a scorecard (Tech Insights, docs/tech-insights.md)
 * grades a service on, computed by the ops backend from its features'
 * services. Each part says whether the entity has the feature set up and,
 * when the part could not be read, why (`error`); its numbers are then
 * null rather than a made-up zero.
 */

/** SLO facts of an entity. @public */
export interface ReadinessSloFacts {
  /** The entity defines SLOs (an OpenSLO spec or an SLO annotation). */
  configured: boolean;
  /** SLOs defined. */
  defined: number;
  /** SLOs with an evaluation (data over their window). */
  evaluated: number;
  /** Evaluated SLOs whose SLI is at or above the target. */
  met: number;
  /** Every SLO is evaluated and met (false without SLOs). */
  allMet: boolean;
  /** The least error budget left among the SLOs, in percent (negative when overspent); null without an evaluation. */
  lowestErrorBudgetRemainingPercent: number | null;
  error?: string;
}

/** On-call facts of an entity. @public */
export interface ReadinessOnCallFacts {
  /** The entity names a PagerDuty service, escalation policy or schedule. */
  configured: boolean;
  /** Escalation policies read for the entity (those of its PagerDuty services and those it names). */
  escalationPolicies: number;
  /** Levels of its shallowest escalation policy (0 without one): every page escalates at least this far. */
  escalationLevels: number;
  error?: string;
}

/** Runbook facts of an entity. @public */
export interface ReadinessRunbookFacts {
  configured: boolean;
  /** Runbooks present (markdown files, runbook links, TechDocs pages). */
  count: number;
  /** Runbooks last updated longer ago than `staleAfterDays`. */
  stale: number;
  /** No runbook is stale (true without runbooks: see `count`). */
  allFresh: boolean;
  /** Age in whole days of the most recently updated dated runbook; null when none carries a date. */
  newestAgeDays: number | null;
  /** Age in whole days of the least recently updated dated runbook; null when none carries a date. */
  oldestAgeDays: number | null;
  /** The runbooks feature's freshness threshold (`ops.runbooks.staleAfterDays`). */
  staleAfterDays: number;
  error?: string;
}

/** Alarm facts of an entity (CloudWatch alarms of its alarm prefix). @public */
export interface ReadinessAlarmFacts {
  total: number;
  /** Alarms linked to a runbook (by description, front matter or naming). */
  withRunbook: number;
  withoutRunbook: number;
  error?: string;
}

/** Capacity facts of an entity. @public */
export interface ReadinessCapacityFacts {
  /** The entity has a source of capacity metrics. */
  configured: boolean;
  /** Metrics with a limit, whose forecast can reach it. */
  metricsWithLimit: number;
  /**
   * Days until the first metric is forecast to reach its limit (0 when one
   * is already over it). When no metric reaches its limit within the
   * forecast horizon this is the horizon (a lower bound, see
   * `limitWithinHorizon`); null without a forecast.
   */
  headroomDays: number | null;
  /** A metric is forecast to reach its limit within the horizon. */
  limitWithinHorizon: boolean;
  /** The metric that reaches its limit first. */
  bindingMetric?: string;
  horizonDays: number | null;
  error?: string;
}

/** Change facts of an entity: change requests implemented in the last `periodDays`. @public */
export interface ReadinessChangeFacts {
  periodDays: number;
  /** Implemented changes (completed, failed or rolled back). */
  implemented: number;
  successful: number;
  /** Successful share in percent; null without implemented changes. */
  successRatePercent: number | null;
  error?: string;
}

/** The readiness facts of one entity. @public */
export interface EntityReadinessFacts {
  entityRef: string;
  slo: ReadinessSloFacts;
  oncall: ReadinessOnCallFacts;
  runbooks: ReadinessRunbookFacts;
  alarms: ReadinessAlarmFacts;
  capacity: ReadinessCapacityFacts;
  changes: ReadinessChangeFacts;
}

/** Answer of `GET /api/ops/readiness/facts` (service principals only). @public */
export interface ReadinessFactsResponse {
  /** When the facts were computed (ISO 8601). */
  generatedAt: string;
  items: EntityReadinessFacts[];
  /** Entity refs asked for that the catalog does not hold. */
  notFound: string[];
  /** Set when more entities follow: pass it back as `cursor`. */
  nextCursor?: string;
}
