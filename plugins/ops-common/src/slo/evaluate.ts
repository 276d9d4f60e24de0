import { formatDurationShorthand, parseDurationShorthand } from './duration';
import {
  BudgetForecast,
  BurnDownPoint,
  BurnRateRule,
  BurnRateRuleResult,
  BurnRateWindow,
  DEFAULT_BURN_RATE_RULES,
  DEFAULT_BURN_RATE_WINDOWS,
  ErrorBudget,
  MissingDataPolicy,
  SliSeries,
  SloAlert,
  SloStatus,
} from './types';

/** Good, total and missing counts over a span of buckets. @public */
export interface SliTotals {
  good: number;
  total: number;
  missing: number;
}

/**
 * A series of event counts per bucket (Occurrences). Give `good` or `bad`
 * with `total`; a bucket without a total datapoint had no events (CloudWatch
 * sends no datapoint for an empty bucket) and counts as missing. A bucket
 * with a total but no good/bad datapoint had no such events.
 * @public
 */
export function occurrencesSeries(options: {
  start: number;
  step: number;
  total: (number | undefined)[];
  good?: (number | undefined)[];
  bad?: (number | undefined)[];
}): SliSeries {
  const { start, step, total } = options;
  const series: SliSeries = { start, step, good: [], total: [], missing: [] };
  for (let i = 0; i < total.length; i++) {
    const all = total[i];
    if (all === undefined || !(all > 0)) {
      series.good.push(0);
      series.total.push(0);
      series.missing.push(all === undefined ? 1 : 0);
      continue;
    }
    const good = options.good
      ? options.good[i] ?? 0
      : all - (options.bad?.[i] ?? 0);
    series.good.push(Math.min(all, Math.max(0, good)));
    series.total.push(all);
    series.missing.push(0);
  }
  return series;
}

/**
 * A series of time slices (Timeslices): a slice is good when `isGood` says
 * so of its value; a slice without a value counts as `missing` says (good,
 * bad, or left out of both good and total).
 * @public
 */
export function timeslicesSeries(options: {
  start: number;
  step: number;
  values: (number | undefined)[];
  isGood: (value: number) => boolean;
  missing: MissingDataPolicy;
}): SliSeries {
  const { start, step, values, isGood, missing } = options;
  const series: SliSeries = { start, step, good: [], total: [], missing: [] };
  for (const value of values) {
    if (value === undefined || !Number.isFinite(value)) {
      series.good.push(missing === 'good' ? 1 : 0);
      series.total.push(missing === 'ignore' ? 0 : 1);
      series.missing.push(1);
    } else {
      series.good.push(isGood(value) ? 1 : 0);
      series.total.push(1);
      series.missing.push(0);
    }
  }
  return series;
}

/** Sums every `factor` consecutive buckets into one (5-minute slices into days). @public */
export function coarsen(series: SliSeries, factor: number): SliSeries {
  if (!Number.isInteger(factor) || factor < 1 || series.good.length % factor) {
    throw new Error(
      `Cannot merge ${series.good.length} buckets by ${factor}: not a whole number of groups`,
    );
  }
  const out: SliSeries = {
    start: series.start,
    step: series.step * factor,
    good: [],
    total: [],
    missing: [],
  };
  for (let i = 0; i < series.good.length; i += factor) {
    let good = 0;
    let total = 0;
    let missing = 0;
    for (let j = i; j < i + factor; j++) {
      good += series.good[j];
      total += series.total[j];
      missing += series.missing[j];
    }
    out.good.push(good);
    out.total.push(total);
    out.missing.push(missing);
  }
  return out;
}

function seriesEnd(series: SliSeries): number {
  return series.start + series.good.length * series.step;
}

/**
 * Totals over the trailing `seconds` before `now`, from the finest series
 * whose buckets end at `now` and start exactly `seconds` earlier; undefined
 * when none covers that window.
 * @public
 */
export function windowTotals(
  series: readonly SliSeries[],
  now: number,
  seconds: number,
): SliTotals | undefined {
  const since = now - seconds * 1000;
  const candidates = [...series].sort((a, b) => a.step - b.step);
  for (const s of candidates) {
    if (seriesEnd(s) !== now || since < s.start) continue;
    if ((since - s.start) % s.step !== 0) continue;
    const totals: SliTotals = { good: 0, total: 0, missing: 0 };
    for (let i = (since - s.start) / s.step; i < s.good.length; i++) {
      totals.good += s.good[i];
      totals.total += s.total[i];
      totals.missing += s.missing[i];
    }
    return totals;
  }
  return undefined;
}

/**
 * The error budget over a window: the target allows `1 - target` of the
 * events (or slices) to be bad; as time, that share of the window
 * (43.2 minutes of 30 days at 99.9 %).
 * @public
 */
export function errorBudget(
  target: number,
  windowSeconds: number,
  totals: { good: number; total: number },
): ErrorBudget {
  const allowedRatio = 1 - target;
  const windowMinutes = windowSeconds / 60;
  const totalMinutes = allowedRatio * windowMinutes;
  const bad = totals.total - totals.good;
  const allowedBad = allowedRatio * totals.total;
  const consumed = totals.total > 0 ? bad / allowedBad : null;
  return {
    allowedRatio,
    windowMinutes,
    totalMinutes,
    bad,
    allowedBad,
    consumed,
    remaining: consumed === null ? null : 1 - consumed,
    consumedMinutes: consumed === null ? null : consumed * totalMinutes,
    remainingMinutes: consumed === null ? null : (1 - consumed) * totalMinutes,
  };
}

/**
 * How many times faster than sustainable the budget burns: the bad share
 * over a window divided by the share the target allows. 1x spends exactly
 * the budget over the SLO window. Null without data.
 * @public
 */
export function burnRate(
  target: number,
  totals: { good: number; total: number } | undefined,
): number | null {
  if (!totals || !(totals.total > 0)) return null;
  return (totals.total - totals.good) / totals.total / (1 - target);
}

/**
 * At or above the threshold, allowing for binary floating point (0.2 % bad
 * over a 0.1 % allowance computes as 1.9999999999999982x).
 */
function reaches(value: number | null, threshold: number): boolean {
  return value !== null && value >= threshold * (1 - 1e-9);
}

function rate(value: number): string {
  return `${Number(value.toFixed(value < 10 ? 2 : 1))}x`;
}

function share(value: number): string {
  return `${Number((value * 100).toFixed(value < 0.1 ? 2 : 1))} %`;
}

/**
 * Share of events (or slices) a burn-rate rule may need bad before it is
 * flagged: a rule that needs more than half of all requests to fail stays
 * silent through a partial outage. @public
 */
export const DEFAULT_BURN_RATE_CEILING_SHARE = 0.5;

/**
 * The highest burn rate an SLO can show: every event bad, 1 / (1 - target)
 * (20x for 95 %, 1,000x for 99.9 %). A rule at or near it cannot fire.
 * @public
 */
export function maxBurnRate(target: number): number {
  return 1 / (1 - target);
}

/**
 * Share of events (or slices) that must be bad over both windows for a rule
 * to fire: its factor over the highest burn rate, burnRate x (1 - target)
 * (72 % for 14.4x at 95 %). Above 1 the rule can never fire.
 * @public
 */
export function badShareNeeded(rule: BurnRateRule, target: number): number {
  // Without binary noise: 10 x (1 - 0.95) computes as 0.5000000000000004.
  return Number((rule.burnRate * (1 - target)).toFixed(12));
}

/** What a ceiling check needs: the SLO's target, and what counts as out of reach. @public */
export interface BurnRateCeiling {
  target: number;
  /** Flag rules that need more than this share bad. Default {@link DEFAULT_BURN_RATE_CEILING_SHARE}. */
  share?: number;
  /** What the SLO counts, for the sentences. Default `events`. */
  unit?: 'events' | 'slices';
}

function percent(value: number): string {
  return `${Number((value * 100).toFixed(2))} %`;
}

/**
 * Rules that need more than `share` of the events (or slices) bad to fire,
 * in sentences, with what helps: for a 95 % target the budget cannot burn
 * faster than 20x, so the 14.4x page needs 72 % of requests bad and stays
 * silent while 62 % are slow. Empty when every rule is within reach.
 * @public
 */
export function burnRateRuleFindings(
  rules: readonly BurnRateRule[],
  ceiling: BurnRateCeiling,
): string[] {
  const {
    target,
    share: limit = DEFAULT_BURN_RATE_CEILING_SHARE,
    unit = 'events',
  } = ceiling;
  const max = maxBurnRate(target);
  const findings: string[] = [];
  for (const rule of rules) {
    const needed = badShareNeeded(rule, target);
    if (!(needed > limit + 1e-9)) continue;
    const what = `The ${rule.severity} rule at ${rate(rule.burnRate)} over ${
      rule.longWindow
    } and ${rule.shortWindow}`;
    const ceilingText = `a ${percent(
      target,
    )} target lets the budget burn at most ${rate(max)}, with every ${
      unit === 'slices' ? 'slice' : 'event'
    } bad`;
    findings.push(
      needed >= 1 - 1e-9
        ? `${what} can never fire: ${ceilingText}.`
        : `${what} needs at least ${percent(
            needed,
          )} of ${unit} bad to fire: ${ceilingText}.`,
    );
  }
  if (findings.length > 0) {
    findings.push(
      unit === 'slices'
        ? 'What helps: a higher target for the share of good slices, or rules scaled to the target (ops.slo.burnRateCeiling.scaleToTarget); see docs/slo.md.'
        : 'What helps: measuring the objective in 5-minute slices (OpenSLO budgetingMethod: Timeslices), where a slow spell makes whole slices bad, or rules scaled to the target (ops.slo.burnRateCeiling.scaleToTarget); see docs/slo.md.',
    );
  }
  return findings;
}

/**
 * Rules whose factor is above `share` x the highest burn rate, lowered to
 * it (rounded down to 0.01), with the factor as defined in `scaledFrom`:
 * at 95 % and one half, the 14.4x page becomes 10x, which fires when half
 * the requests are bad. Rules within reach are kept as they are.
 * @public
 */
export function scaleBurnRateRules(
  rules: readonly BurnRateRule[],
  target: number,
  ceilingShare: number = DEFAULT_BURN_RATE_CEILING_SHARE,
): BurnRateRule[] {
  const cap = Math.floor(ceilingShare * maxBurnRate(target) * 100 + 1e-6) / 100;
  return rules.map(rule =>
    rule.burnRate > cap
      ? { ...rule, burnRate: cap, scaledFrom: rule.scaledFrom ?? rule.burnRate }
      : rule,
  );
}

/**
 * Multi-window, multi-burn-rate status: a rule fires when the burn rate is
 * at or above its threshold over both its long and its short window. Any
 * firing page rule pages; else any firing ticket rule opens a ticket.
 * Given the SLO's target (`ceiling`), each rule also says what share of
 * bad events it needs, and rules out of reach are named in `findings`.
 * @public
 */
export function evaluateBurnRateRules(
  rules: readonly BurnRateRule[],
  burnRateOver: (window: string) => number | null,
  windowSeconds: number,
  ceiling?: BurnRateCeiling,
): SloAlert {
  const results: BurnRateRuleResult[] = rules.map(rule => {
    const longBurnRate = burnRateOver(rule.longWindow);
    const shortBurnRate = burnRateOver(rule.shortWindow);
    const firing =
      reaches(longBurnRate, rule.burnRate) &&
      reaches(shortBurnRate, rule.burnRate);
    const reach = ceiling
      ? {
          badShareNeeded: badShareNeeded(rule, ceiling.target),
          outOfReach:
            badShareNeeded(rule, ceiling.target) >
            (ceiling.share ?? DEFAULT_BURN_RATE_CEILING_SHARE) + 1e-9,
        }
      : {};
    return { ...rule, longBurnRate, shortBurnRate, firing, ...reach };
  });
  const findings = ceiling ? burnRateRuleFindings(rules, ceiling) : [];
  const extra = findings.length > 0 ? { findings } : {};

  const firing = (severity: 'page' | 'ticket') =>
    results
      .filter(r => r.firing && r.severity === severity)
      .sort(
        (a, b) => b.longBurnRate! / b.burnRate - a.longBurnRate! / a.burnRate,
      );

  for (const severity of ['page', 'ticket'] as const) {
    const [top] = firing(severity);
    if (top) {
      const spent =
        (top.longBurnRate! * parseDurationShorthand(top.longWindow)!) /
        windowSeconds;
      return {
        state: severity,
        reason:
          `${severity === 'page' ? 'Page' : 'Ticket'}: the budget burns at ` +
          `${rate(top.longBurnRate!)} over ${top.longWindow} and ` +
          `${rate(top.shortBurnRate!)} over ${top.shortWindow}, at or above ` +
          `${rate(top.burnRate)} on both (${share(
            spent,
          )} of the budget spent in ` +
          `the last ${top.longWindow}).`,
        rules: results,
        ...extra,
      };
    }
  }

  if (results.length > 0 && results.every(r => r.longBurnRate === null)) {
    return {
      state: 'no-data',
      reason: 'No data in the alerting windows: the burn rate is unknown.',
      rules: results,
      ...extra,
    };
  }
  const closest = results
    .filter(r => r.longBurnRate !== null)
    .sort(
      (a, b) => b.longBurnRate! / b.burnRate - a.longBurnRate! / a.burnRate,
    )[0];
  return {
    state: 'ok',
    reason: closest
      ? `No burn-rate rule fires: ${rate(closest.longBurnRate!)} over ` +
        `${closest.longWindow} (${closest.severity} at ${rate(
          closest.burnRate,
        )}).`
      : 'No burn-rate rules are defined.',
    rules: results,
    ...extra,
  };
}

/**
 * When the budget runs out if it keeps burning at `burnRate`: the remaining
 * share of the budget lasts remaining x window / burnRate. (An estimate:
 * in a rolling window old bad events also leave the window.)
 * @public
 */
export function forecastBudget(options: {
  remaining: number | null;
  burnRate: number | null;
  windowSeconds: number;
  now: number;
  window: string;
}): BudgetForecast {
  const { remaining, burnRate: current, windowSeconds, now, window } = options;
  // Spent to within rounding (a budget used exactly computes as 1e-16 left).
  if (remaining !== null && remaining <= 1e-9) {
    return {
      window,
      burnRate: current,
      state: 'exhausted',
      sustainable: current !== null && current <= 1,
    };
  }
  if (remaining === null || current === null) {
    return { window, burnRate: current, state: 'unknown', sustainable: false };
  }
  if (current <= 0) {
    return {
      window,
      burnRate: current,
      state: 'not-burning',
      sustainable: true,
    };
  }
  const hoursLeft = (remaining * windowSeconds) / 3600 / current;
  return {
    window,
    burnRate: current,
    state: 'exhausts',
    hoursLeft,
    exhaustsAt: new Date(now + hoursLeft * 3_600_000).toISOString(),
    sustainable: current <= 1,
  };
}

/**
 * The budget left at the end of each bucket of a series spanning the
 * window, as a share of the whole window's budget: 1 at the start, the
 * current remaining share at the end.
 * @public
 */
export function burnDown(target: number, series: SliSeries): BurnDownPoint[] {
  let total = 0;
  for (const t of series.total) total += t;
  const allowedBad = (1 - target) * total;
  let bad = 0;
  return series.good.map((good, i) => {
    const all = series.total[i];
    bad += all - good;
    // Without events in the window nothing was allowed and nothing spent.
    const remaining = allowedBad > 0 ? 1 - bad / allowedBad : 1;
    return {
      at: new Date(series.start + (i + 1) * series.step).toISOString(),
      remaining,
      sli: all > 0 ? good / all : null,
      good,
      total: all,
    };
  });
}

/** What {@link evaluateSlo} needs. @public */
export interface SloEvaluationInput {
  /** Target share of good events or slices, in (0, 1). */
  target: number;
  windowSeconds: number;
  /** End of the window, epoch ms. */
  now: number;
  /**
   * Buckets ending at `now`: one series spanning the whole window (its
   * coarsest drives the burn-down) and finer ones for short windows.
   */
  series: readonly SliSeries[];
  rules?: readonly BurnRateRule[];
  /** Windows whose burn rates are reported. */
  windows?: readonly string[];
  /** Window whose burn rate drives the forecast. Default `1h`. */
  forecastWindow?: string;
  missingCountedAs?: MissingDataPolicy;
  /**
   * Rules needing more than this share of bad events (or slices) to fire
   * are flagged. Default {@link DEFAULT_BURN_RATE_CEILING_SHARE}.
   */
  ceilingShare?: number;
  /** What the SLO counts, for the findings. Default `events`. */
  unit?: 'events' | 'slices';
}

/** Every number of an SLO at one moment, from its bucketed SLI. @public */
export function evaluateSlo(input: SloEvaluationInput): SloStatus {
  const {
    target,
    windowSeconds,
    now,
    series,
    rules = DEFAULT_BURN_RATE_RULES,
    windows = DEFAULT_BURN_RATE_WINDOWS,
    forecastWindow = '1h',
    missingCountedAs = 'ignore',
    ceilingShare = DEFAULT_BURN_RATE_CEILING_SHARE,
    unit = 'events',
  } = input;
  if (!(target > 0 && target < 1)) {
    throw new Error(`The target must lie between 0 and 1, not ${target}`);
  }
  const spanning = series
    .filter(s => s.start === now - windowSeconds * 1000 && seriesEnd(s) === now)
    .sort((a, b) => b.step - a.step)[0];
  if (!spanning) {
    throw new Error(
      `No series spans the ${formatDurationShorthand(
        windowSeconds,
      )} window ending ${new Date(now).toISOString()}`,
    );
  }
  const overall = windowTotals([spanning], now, windowSeconds)!;

  const cache = new Map<string, number | null>();
  const burnRateOver = (window: string) => {
    if (!cache.has(window)) {
      const seconds = parseDurationShorthand(window);
      cache.set(
        window,
        seconds === undefined || seconds > windowSeconds
          ? null
          : burnRate(target, windowTotals(series, now, seconds)),
      );
    }
    return cache.get(window)!;
  };

  const burnRates: BurnRateWindow[] = windows.map(window => {
    const seconds = parseDurationShorthand(window) ?? 0;
    const totals =
      seconds > 0 && seconds <= windowSeconds
        ? windowTotals(series, now, seconds)
        : undefined;
    return {
      window,
      seconds,
      burnRate: burnRate(target, totals),
      errorRatio:
        totals && totals.total > 0
          ? (totals.total - totals.good) / totals.total
          : null,
      total: totals?.total ?? 0,
    };
  });

  const budget = errorBudget(target, windowSeconds, overall);
  return {
    evaluatedAt: new Date(now).toISOString(),
    sli: overall.total > 0 ? overall.good / overall.total : null,
    good: overall.good,
    total: overall.total,
    budget,
    burnRates,
    alert: evaluateBurnRateRules(rules, burnRateOver, windowSeconds, {
      target,
      share: ceilingShare,
      unit,
    }),
    forecast: forecastBudget({
      remaining: budget.remaining,
      burnRate: burnRateOver(forecastWindow),
      windowSeconds,
      now,
      window: forecastWindow,
    }),
    burnDown: burnDown(target, spanning),
    coverage: {
      buckets: spanning.total.length,
      bucketsWithData: spanning.total.filter(t => t > 0).length,
      missing: overall.missing,
      missingCountedAs,
    },
  };
}
