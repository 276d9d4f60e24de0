import { Freshness } from '../freshness';

/** How an SLO counts its error budget (OpenSLO's budgeting methods). @public */
export type SloBudgetingMethod = 'Occurrences' | 'Timeslices';

/** What an SLO is about, for grouping and the platform view. @public */
export type SloCategory = 'availability' | 'latency' | 'error-rate' | 'other';

/**
 * How a time slice without data counts: as good, as bad, or not at all
 * (left out of both the good and the total slices).
 * @public
 */
export type MissingDataPolicy = 'good' | 'bad' | 'ignore';

/**
 * One multi-window burn-rate rule: it fires when the budget burns at least
 * `burnRate` times the sustainable rate over both windows.
 * @public
 */
export interface BurnRateRule {
  severity: 'page' | 'ticket';
  /** Burn-rate threshold, e.g. 14.4. */
  burnRate: number;
  /** Long window, duration shorthand (`1h`). */
  longWindow: string;
  /** Short window that confirms the burn is still going on (`5m`). */
  shortWindow: string;
  /** Name of the rule where it came from (an OpenSLO AlertPolicy). */
  name?: string;
  /**
   * The threshold as defined, when it was lowered to fit the SLO's target
   * (`ops.slo.burnRateCeiling.scaleToTarget`, see {@link scaleBurnRateRules}).
   */
  scaledFrom?: number;
}

/**
 * The SRE workbook's multi-window, multi-burn-rate rules for a 30-day
 * window: 2 % of the budget in an hour or 5 % in six hours pages; 10 % in a
 * day or a rate that would spend it all in the window opens a ticket.
 * @public
 */
export const DEFAULT_BURN_RATE_RULES: readonly BurnRateRule[] = [
  { severity: 'page', burnRate: 14.4, longWindow: '1h', shortWindow: '5m' },
  { severity: 'page', burnRate: 6, longWindow: '6h', shortWindow: '30m' },
  { severity: 'ticket', burnRate: 3, longWindow: '1d', shortWindow: '2h' },
  { severity: 'ticket', burnRate: 1, longWindow: '3d', shortWindow: '6h' },
];

/** The windows whose burn rates every SLO shows. @public */
export const DEFAULT_BURN_RATE_WINDOWS: readonly string[] = [
  '5m',
  '30m',
  '1h',
  '2h',
  '6h',
  '1d',
  '3d',
];

/**
 * A run of equally long buckets of an SLI, oldest first: good and total
 * events (Occurrences) or good and total time slices (Timeslices).
 * A bucket without any data has total 0 and counts in `missing`.
 * @public
 */
export interface SliSeries {
  /** Start of the first bucket, epoch ms. */
  start: number;
  /** Bucket length, ms. */
  step: number;
  good: number[];
  total: number[];
  /** Per bucket: slices (or buckets) without data. */
  missing: number[];
}

/** The error budget of an SLO over its window. @public */
export interface ErrorBudget {
  /** Share of events (or slices) allowed to be bad: 1 - target. */
  allowedRatio: number;
  /** Length of the window in minutes. */
  windowMinutes: number;
  /** The budget as time: allowedRatio x window (43.2 min for 99.9 % over 30 days). */
  totalMinutes: number;
  /** Bad events (or slices) in the window. */
  bad: number;
  /** Bad events (or slices) the target allows for the window's total. */
  allowedBad: number;
  /** Share of the budget spent; above 1 when overspent. Null without data. */
  consumed: number | null;
  /** 1 - consumed; negative when overspent. Null without data. */
  remaining: number | null;
  consumedMinutes: number | null;
  remainingMinutes: number | null;
}

/** The burn rate over one trailing window. @public */
export interface BurnRateWindow {
  window: string;
  seconds: number;
  /** Bad share over the window divided by the allowed share; null without data. */
  burnRate: number | null;
  /** Bad share over the window; null without data. */
  errorRatio: number | null;
  /** Events (or slices) in the window. */
  total: number;
}

/** One burn-rate rule as evaluated now. @public */
export interface BurnRateRuleResult extends BurnRateRule {
  longBurnRate: number | null;
  shortBurnRate: number | null;
  firing: boolean;
  /**
   * Share of the events (or slices) that must be bad over both windows for
   * the rule to fire: burnRate x (1 - target). Above 1 it can never fire.
   */
  badShareNeeded?: number;
  /**
   * True when `badShareNeeded` is above the ceiling share (default one
   * half): the rule stays silent through a partial outage.
   */
  outOfReach?: boolean;
}

/** The alerting state of an SLO. @public */
export type SloAlertState = 'page' | 'ticket' | 'ok' | 'no-data';

/** Multi-window, multi-burn-rate status with the reason in words. @public */
export interface SloAlert {
  state: SloAlertState;
  reason: string;
  rules: BurnRateRuleResult[];
  /**
   * Rules that can hardly or never fire for this target, in sentences, with
   * what helps; absent when every rule is within reach.
   */
  findings?: string[];
}

/** When the budget runs out if it keeps burning at the current rate. @public */
export interface BudgetForecast {
  /** Window whose burn rate is taken as the current rate (`1h`). */
  window: string;
  burnRate: number | null;
  /**
   * `exhausted`: nothing left; `exhausts`: runs out at `exhaustsAt`;
   * `not-burning`: no bad events lately; `unknown`: no data.
   */
  state: 'exhausted' | 'exhausts' | 'not-burning' | 'unknown';
  /** ISO 8601, when state is `exhausts`. */
  exhaustsAt?: string;
  /** Hours until then. */
  hoursLeft?: number;
  /** True when the rate is at most 1x: the budget lasts the whole window. */
  sustainable: boolean;
}

/** One point of the budget burn-down: what was left at the end of a bucket. @public */
export interface BurnDownPoint {
  /** End of the bucket, ISO 8601. */
  at: string;
  /** Budget left at that time, as a share of the window's budget. */
  remaining: number;
  /** The SLI of that bucket alone; null without data. */
  sli: number | null;
  good: number;
  total: number;
}

/** The evaluation of one SLO at one moment. @public */
export interface SloStatus {
  /** End of the evaluated window, ISO 8601. */
  evaluatedAt: string;
  /** Good / total over the window; null without data. */
  sli: number | null;
  good: number;
  total: number;
  budget: ErrorBudget;
  burnRates: BurnRateWindow[];
  alert: SloAlert;
  forecast: BudgetForecast;
  burnDown: BurnDownPoint[];
  /** How much of the window had data. */
  coverage: {
    /** Buckets of the burn-down (days for a 30-day window). */
    buckets: number;
    bucketsWithData: number;
    /** Slices (Timeslices) or buckets without data, and how they were counted. */
    missing: number;
    missingCountedAs: MissingDataPolicy;
  };
}

/** Where an SLO was defined. @public */
export type SloSource =
  | { form: 'openslo'; location: string; line?: number }
  | { form: 'annotation'; annotation: string }
  | { form: 'aggregate'; members: string[] };

/** An SLO as defined for an entity, in the terms the card explains it. @public */
export interface SloObjectiveInfo {
  /** Unique within the entity. */
  id: string;
  name: string;
  description?: string;
  category: SloCategory;
  /** Target share of good events or slices, e.g. 0.9999. */
  target: number;
  /** Rolling window, duration shorthand (`30d`). */
  window: string;
  windowSeconds: number;
  budgetingMethod: SloBudgetingMethod;
  /** Timeslices: slice length and, for ratio SLIs, the share that makes a slice good. */
  timeSlice?: { window: string; target?: number };
  missingData: MissingDataPolicy;
  /** The SLI in words, naming the metrics. */
  indicator: string;
  /** The objective in words, e.g. `99.99 % of requests succeed`. */
  objective: string;
  burnRateRules: BurnRateRule[];
  source: SloSource;
}

/** A problem with an entity's SLO definitions (never silently ignored). @public */
export interface SloProblem {
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** The file or annotation at fault. */
  source?: string;
  /** 1-based line in `source`. */
  line?: number;
}

/**
 * One SLO with its last good evaluation. The freshness is this SLO's own:
 * a missing metric makes one SLO stale while the others stay current.
 * @public
 */
export interface SloObjectiveResult extends Freshness {
  objective: SloObjectiveInfo;
  status?: SloStatus;
}

/** One day of an entity's recorded SLO history. @public */
export interface SloHistoryDay {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  objectives: { id: string; sli: number | null; remaining: number | null }[];
}

/** Answer of `GET /api/ops/slos/entity?entityRef=`. @public */
export interface EntitySlosResponse extends Freshness {
  entityRef: string;
  objectives: SloObjectiveResult[];
  problems: SloProblem[];
  /** Daily snapshots recorded by the portal (survive restarts). */
  history: SloHistoryDay[];
}

/** One SLO in the platform list. @public */
export interface PlatformSloObjective {
  id: string;
  name: string;
  category: SloCategory;
  target: number;
  window: string;
  sli: number | null;
  remaining: number | null;
  remainingMinutes: number | null;
  alert: SloAlertState;
}

/** One entity in the platform list. @public */
export interface PlatformSloRow extends Freshness {
  entityRef: string;
  kind: string;
  title: string;
  /** System the entity belongs to, as an entity ref. */
  system?: string;
  objectives: PlatformSloObjective[];
  /** The least budget left among its SLOs (what the list is sorted by). */
  lowestRemaining: number | null;
  /** The most urgent alert state among its SLOs. */
  alert: SloAlertState;
  problems: number;
}

/** Answer of `GET /api/ops/slos`. @public */
export interface PlatformSlosResponse {
  /** Systems with their own objective (the seed's "Overall Platform"). */
  platform: PlatformSloRow[];
  /** Every other entity with SLOs, least budget left first. */
  services: PlatformSloRow[];
}

/** Availability of an entity from its availability SLI, for KPIs. @public */
export interface SloUptime extends Freshness {
  entityRef: string;
  /** Good share over the window; null without data. */
  availability: number | null;
  target: number;
  window: string;
}
