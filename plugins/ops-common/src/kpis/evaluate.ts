import { ChangeMeasureRecord, ChangeOutcome } from '../changes';
import { AssessedIncident, Severity } from '../incidents';
import {
  DEFAULT_KPI_TARGETS,
  KPI_DEFINITIONS,
  KpiDefinition,
  KpiId,
  KpiTargets,
} from './definitions';
import { formatKpiValue } from './format';
import { KpiRange, kpiRangeMs } from './period';

/**
 * KPI evaluation: pure functions from incidents, availability buckets and
 * implemented changes to the KPI values of a range, and from there to the
 * report with targets, status, trend and history. The incident math (time
 * to acknowledge and resolve, summaries) and the change measures are the
 * incidents and changes features' own; this adds the KPI definitions on top.
 */

const DAY = 86_400_000;

/** One bucket of an availability SLI: good and total events up to `at`. @public */
export interface KpiAvailabilityPoint {
  /** End of the bucket (ISO 8601); the bucket counts for a range that holds its end. */
  at: string;
  good: number;
  total: number;
}

/** A deployment: an implemented deployment change request, or a change event. @public */
export interface KpiDeploymentRecord {
  id: string;
  /** When it finished (ISO 8601). */
  at: string;
  /** Change requests have one; change events do not. */
  outcome?: ChangeOutcome;
  entityRefs: string[];
  source: 'change-request' | 'change-event';
}

/**
 * A post-incident review as the KPIs count it: when it was due, and
 * whether it was completed on time.
 * @public
 */
export interface KpiReviewRecord {
  id: string;
  entityRefs: string[];
  /** Start of its due date in the business calendar's zone (ISO 8601): the range it counts in. */
  dueStart: string;
  /** End of its due date (ISO 8601): from then on an open review is overdue. */
  overdueFrom: string;
  completedAt?: string;
  /** Completed on or before its due date; absent while open. */
  completedOnTime?: boolean;
}

/** An action item of a review as the KPIs count it. @public */
export interface KpiActionItemRecord {
  id: string;
  entityRefs: string[];
  createdAt: string;
  /** End of its due date (ISO 8601): from then on it is overdue until done. */
  overdueFrom: string;
  /** When it was marked done (ISO 8601), if it is. */
  doneAt?: string;
}

/**
 * What KPIs are computed from. A source left out (undefined) is not known
 * for the scope (e.g. no PagerDuty service), which is not the same as an
 * empty list (known, and nothing happened).
 * @public
 */
export interface KpiInputs {
  incidents?: AssessedIncident[];
  availability?: KpiAvailabilityPoint[];
  changes?: ChangeMeasureRecord[];
  deployments?: KpiDeploymentRecord[];
  /** Post-incident reviews (absent: the reviews feature is not installed). */
  reviews?: KpiReviewRecord[];
  /** Action items of the reviews (absent with the reviews). */
  actionItems?: KpiActionItemRecord[];
  /**
   * Since when a source holds data (ISO 8601). Ranges starting earlier are
   * computed over the part with data and marked partial.
   */
  since?: { incidents?: string; availability?: string; changes?: string };
}

/** Settings of the evaluation. @public */
export interface KpiEvaluationOptions {
  /** Severities whose incidents are failures (MTBF, MTTR). Default P1, P2. */
  failureSeverities?: readonly Severity[];
  /** Calendar months count incidents per month as they are; rolling periods per 30 days. */
  calendarMonth?: boolean;
  /** When the evaluation happens: open incidents are down until then. */
  now: Date;
}

/** The value of one KPI over one range. @public */
export interface KpiMeasurement {
  /** In the KPI's unit; absent without data. */
  value?: number;
  /** The value is a lower bound (MTBF when nothing failed). */
  atLeast?: boolean;
  /** How many things the value is computed from (incidents, changes, requests...). */
  sample: number;
  /** What the value is based on, in words. */
  basis: string;
  /** Data cover only part of the range, from this time on (ISO 8601). */
  partialFrom?: string;
}

/** @public */
export type KpiStatus = 'met' | 'missed' | 'no-data';

/** How the value moved against the previous period. @public */
export interface KpiTrend {
  /** Of the value as shown (equal when both round to the same text). */
  direction: 'up' | 'down' | 'flat';
  /** Whether the move is for the better; absent when flat. */
  better?: boolean;
  /** The previous period's value in words. */
  previousText: string;
}

/** One point of a KPI's history chart. @public */
export interface KpiHistoryPoint {
  /** End of the window (ISO 8601). */
  at: string;
  value?: number;
  atLeast?: boolean;
}

/** One KPI of a report. @public */
export interface KpiResult extends KpiMeasurement {
  id: KpiId;
  target: number;
  status: KpiStatus;
  previous: KpiMeasurement;
  /** Absent when either period has no value. */
  trend?: KpiTrend;
  history: KpiHistoryPoint[];
}

function whole(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The part of a range a source has data for, or undefined when it has none. */
function covered(
  r: KpiRange,
  since: string | undefined,
): { start: number; end: number; partialFrom?: string } | undefined {
  const start = Date.parse(r.start);
  const end = Date.parse(r.end);
  const from = since ? Math.max(start, Date.parse(since)) : start;
  if (from >= end) return undefined;
  return from > start
    ? { start: from, end, partialFrom: new Date(from).toISOString() }
    : { start, end };
}

function noData(basis: string): KpiMeasurement {
  return { sample: 0, basis };
}

function withPartial(
  m: KpiMeasurement,
  span: { partialFrom?: string },
): KpiMeasurement {
  return span.partialFrom ? { ...m, partialFrom: span.partialFrom } : m;
}

/** An incident with its times parsed once. */
interface TimedIncident {
  incident: AssessedIncident;
  created: number;
  /** Resolution, or `now` for open incidents. */
  end: number;
  failure: boolean;
}

/**
 * The inputs with every time parsed once and sorted, so that each window
 * (the period, the previous one, every history point) takes its part by
 * binary search instead of scanning and parsing everything again.
 */
interface PreparedInputs {
  incidents?: TimedIncident[];
  /** Running sums over `incidents` (see {@link Cumulative}). */
  incidentSums?: Cumulative<IncidentSums>;
  failures: TimedIncident[];
  /** The longest failure (creation to resolution or now), in ms. */
  longestFailure: number;
  availability?: { at: number; good: number; total: number }[];
  availabilitySums?: Cumulative<{ good: number; total: number }>;
  /** The distinct bucket ends with requests, ascending. */
  availabilityDays?: number[];
  changes?: { finished: number; record: ChangeMeasureRecord }[];
  changeSums?: Cumulative<{ successful: number; rolledBack: number }>;
  deployments?: { at: number; record: KpiDeploymentRecord }[];
  deploymentSums?: Cumulative<{
    events: number;
    judged: number;
    ok: number;
  }>;
  since: NonNullable<KpiInputs['since']>;
  reviews?: KpiReviewRecord[];
  actionItems?: KpiActionItemRecord[];
  now: number;
}

/** What the incident KPIs add up over the incidents of a window. */
type IncidentSums = {
  open: number;
  unacked: number;
  ttaSum: number;
  ttaCount: number;
  ttrSum: number;
  ttrCount: number;
  failures: number;
  failureTtrSum: number;
  failureTtrCount: number;
};

/**
 * Running sums over a sorted list: `at(i)` holds the sums of the first `i`
 * items, so any window's sums are two lookups and a subtraction, whatever
 * its length (the period, the previous one and every history window each
 * take theirs without going over their items). Sums of whole numbers (counts,
 * milliseconds) are exact, so a window's sums equal those of adding up its
 * items one by one.
 */
interface Cumulative<T extends Record<string, number>> {
  keys: (keyof T)[];
  /** sums[k][i]: key k summed over the first i items. */
  sums: Record<keyof T, Float64Array>;
}

function cumulative<I, K extends string>(
  items: I[],
  columns: Record<K, (item: I) => number>,
): Cumulative<Record<K, number>> {
  const keys = Object.keys(columns) as K[];
  const sums = {} as Record<K, Float64Array>;
  for (const k of keys) {
    const of = columns[k];
    const sum = new Float64Array(items.length + 1);
    for (let i = 0; i < items.length; i++) sum[i + 1] = sum[i] + of(items[i]);
    sums[k] = sum;
  }
  return { keys, sums };
}

/** {@link cumulative} of the incident sums, in one pass. */
function incidentRunningSums(
  incidents: TimedIncident[],
): Cumulative<IncidentSums> {
  const n = incidents.length + 1;
  const open = new Float64Array(n);
  const unacked = new Float64Array(n);
  const ttaSum = new Float64Array(n);
  const ttaCount = new Float64Array(n);
  const ttrSum = new Float64Array(n);
  const ttrCount = new Float64Array(n);
  const failures = new Float64Array(n);
  const failureTtrSum = new Float64Array(n);
  const failureTtrCount = new Float64Array(n);
  for (let i = 0; i < incidents.length; i++) {
    const t = incidents[i];
    const incident = t.incident;
    const tta = incident.timeToAcknowledgeMs;
    const ttr = incident.timeToResolveMs;
    const acked = typeof tta === 'number';
    const resolved = typeof ttr === 'number';
    const isOpen = incident.status !== 'resolved';
    const j = i + 1;
    open[j] = open[i] + (isOpen ? 1 : 0);
    unacked[j] =
      unacked[i] + (!acked && incident.status === 'triggered' ? 1 : 0);
    ttaSum[j] = ttaSum[i] + (acked ? tta : 0);
    ttaCount[j] = ttaCount[i] + (acked ? 1 : 0);
    ttrSum[j] = ttrSum[i] + (resolved ? ttr : 0);
    ttrCount[j] = ttrCount[i] + (resolved ? 1 : 0);
    failures[j] = failures[i] + (t.failure ? 1 : 0);
    failureTtrSum[j] = failureTtrSum[i] + (t.failure && resolved ? ttr : 0);
    failureTtrCount[j] = failureTtrCount[i] + (t.failure && resolved ? 1 : 0);
  }
  const sums = {
    open,
    unacked,
    ttaSum,
    ttaCount,
    ttrSum,
    ttrCount,
    failures,
    failureTtrSum,
    failureTtrCount,
  };
  return { keys: Object.keys(sums) as (keyof IncidentSums)[], sums };
}

/** The sums over items [lo, hi). */
function between<T extends Record<string, number>>(
  c: Cumulative<T>,
  lo: number,
  hi: number,
): T {
  const out = {} as Record<keyof T, number>;
  for (const k of c.keys) out[k] = c.sums[k][hi] - c.sums[k][lo];
  return out as T;
}

/** First index whose key is >= value (keys ascending). */
function lowerBound<T>(items: T[], value: number, key: (t: T) => number) {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(items[mid]) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function prepare(
  inputs: KpiInputs,
  options: KpiEvaluationOptions,
): PreparedInputs {
  const failureSeverities = options.failureSeverities ?? ['P1', 'P2'];
  const now = options.now.getTime();
  let incidents: TimedIncident[] | undefined;
  if (inputs.incidents) {
    // A team's services may report the same incident: keep it once.
    const byId = new Map<string, AssessedIncident>();
    for (const i of inputs.incidents) byId.set(i.id, i);
    incidents = [...byId.values()]
      .map(incident => ({
        incident,
        created: Date.parse(incident.createdAt),
        end: incident.resolvedAt ? Date.parse(incident.resolvedAt) : now,
        failure: failureSeverities.includes(incident.severity),
      }))
      .sort((a, b) => a.created - b.created);
  }
  const failures = incidents?.filter(i => i.failure) ?? [];
  const availability = inputs.availability
    ?.map(p => ({ at: Date.parse(p.at), good: p.good, total: p.total }))
    .sort((a, b) => a.at - b.at);
  const changes = inputs.changes
    ?.map(record => ({ finished: Date.parse(record.finishedAt), record }))
    .sort((a, b) => a.finished - b.finished);
  const deployments = inputs.deployments
    ?.map(record => ({ at: Date.parse(record.at), record }))
    .sort((a, b) => a.at - b.at);
  const flag = (b: boolean) => (b ? 1 : 0);
  return {
    incidents,
    incidentSums: incidents && incidentRunningSums(incidents),
    failures,
    longestFailure: failures.reduce(
      (longest, f) => Math.max(longest, f.end - f.created),
      0,
    ),
    availability,
    availabilitySums:
      availability &&
      cumulative(availability, { good: p => p.good, total: p => p.total }),
    availabilityDays:
      availability &&
      availability
        .filter(p => p.total > 0)
        .map(p => p.at)
        .filter((at, i, all) => i === 0 || all[i - 1] !== at),
    changes,
    changeSums:
      changes &&
      cumulative(changes, {
        successful: c => flag(c.record.outcome === 'successful'),
        rolledBack: c => flag(c.record.outcome === 'rolled-back'),
      }),
    deployments,
    deploymentSums:
      deployments &&
      cumulative(deployments, {
        events: d => flag(d.record.source === 'change-event'),
        judged: d => flag(d.record.outcome !== undefined),
        ok: d => flag(d.record.outcome === 'successful'),
      }),
    since: inputs.since ?? {},
    reviews: inputs.reviews,
    actionItems: inputs.actionItems,
    now,
  };
}

function incidentMeasurements(
  prepared: PreparedInputs,
  r: KpiRange,
  options: KpiEvaluationOptions,
): Pick<
  Record<KpiId, KpiMeasurement>,
  | 'mtbf'
  | 'mttr'
  | 'incidentCount'
  | 'alertResponseTime'
  | 'incidentResolutionTime'
> {
  const all = prepared.incidents;
  const span = all ? covered(r, prepared.since.incidents) : undefined;
  if (!all || !span) {
    const basis = all
      ? 'no incident data for this period'
      : 'no PagerDuty service';
    return {
      mtbf: noData(basis),
      mttr: noData(basis),
      incidentCount: noData(basis),
      alertResponseTime: noData(basis),
      incidentResolutionTime: noData(basis),
    };
  }
  const lo = lowerBound(all, span.start, i => i.created);
  const hi = lowerBound(all, span.end, i => i.created);
  const sums = between(prepared.incidentSums!, lo, hi);
  const createdCount = hi - lo;
  const mean = (sum: number, n: number) => (n === 0 ? undefined : sum / n);
  const summary = {
    mttaMs: mean(sums.ttaSum, sums.ttaCount),
    acknowledged: sums.ttaCount,
    mttrMs: mean(sums.ttrSum, sums.ttrCount),
    resolved: sums.ttrCount,
  };
  const failureCount = sums.failures;
  const failureSummary = {
    mttrMs: mean(sums.failureTtrSum, sums.failureTtrCount),
    resolved: sums.failureTtrCount,
  };

  // Time in failure: every failure from creation to resolution (open ones
  // until now), clipped to the range, merged so overlaps count once.
  // A failure created longer before the range than the longest failure
  // lasted ended before it.
  const candidates = prepared.failures.slice(
    lowerBound(
      prepared.failures,
      span.start - prepared.longestFailure,
      i => i.created,
    ),
    lowerBound(prepared.failures, span.end, i => i.created),
  );
  let down = 0;
  let reach = -Infinity;
  for (const f of candidates) {
    const a = Math.max(f.created, span.start);
    const b = Math.min(f.end, span.end);
    if (b <= a) continue;
    const from = Math.max(a, reach);
    if (b > from) down += b - from;
    reach = Math.max(reach, b);
  }
  const length = span.end - span.start;
  const downText = formatKpiValue('mttr', down);

  const mtbf: KpiMeasurement =
    failureCount === 0
      ? {
          value: length - down,
          atLeast: true,
          sample: 0,
          basis: 'no failure started in the period',
        }
      : {
          value: (length - down) / failureCount,
          sample: failureCount,
          basis: `${plural(failureCount, 'failure')}, ${downText} in failure`,
        };

  const open = sums.open;
  const count = options.calendarMonth
    ? createdCount
    : (createdCount * 30 * DAY) / length;
  const unacked = sums.unacked;

  return {
    mtbf: withPartial(mtbf, span),
    mttr: withPartial(
      failureSummary.mttrMs === undefined
        ? noData(
            failureCount === 0
              ? 'no failure started in the period'
              : `${plural(failureCount, 'failure')}, none resolved yet`,
          )
        : {
            value: failureSummary.mttrMs,
            sample: failureSummary.resolved,
            basis: `${plural(failureSummary.resolved, 'resolved failure')}${
              failureCount > failureSummary.resolved
                ? `, ${failureCount - failureSummary.resolved} still open`
                : ''
            }`,
          },
      span,
    ),
    incidentCount: withPartial(
      {
        value: count,
        sample: createdCount,
        basis: `${plural(createdCount, 'incident')} in ${Math.round(
          length / DAY,
        )} days${open ? `, ${open} open` : ''}`,
      },
      span,
    ),
    alertResponseTime: withPartial(
      summary.mttaMs === undefined
        ? noData(
            createdCount === 0
              ? 'no incident in the period'
              : 'no incident acknowledged',
          )
        : {
            value: summary.mttaMs,
            sample: summary.acknowledged,
            basis: `${plural(summary.acknowledged, 'acknowledged incident')}${
              unacked ? `, ${unacked} not acknowledged yet` : ''
            }`,
          },
      span,
    ),
    incidentResolutionTime: withPartial(
      summary.mttrMs === undefined
        ? noData(
            createdCount === 0
              ? 'no incident in the period'
              : 'no incident resolved yet',
          )
        : {
            value: summary.mttrMs,
            sample: summary.resolved,
            basis: `${plural(summary.resolved, 'resolved incident')}${
              open ? `, ${open} open` : ''
            }`,
          },
      span,
    ),
  };
}

function uptimeMeasurement(
  prepared: PreparedInputs,
  r: KpiRange,
  since: string | undefined,
): KpiMeasurement {
  const points = prepared.availability;
  if (!points) return noData('no availability SLO');
  const span = covered(r, since);
  if (!span) return noData('no availability data for this period');
  // A bucket counts for the range that holds its end: (start, end].
  const { good, total } = between(
    prepared.availabilitySums!,
    lowerBound(points, span.start + 1, p => p.at),
    lowerBound(points, span.end + 1, p => p.at),
  );
  if (total === 0) return noData('no requests measured in the period');
  // Buckets of several entities end at the same times: count the times.
  const ends = prepared.availabilityDays!;
  const days =
    lowerBound(ends, span.end + 1, t => t) -
    lowerBound(ends, span.start + 1, t => t);
  return {
    value: good / total,
    sample: total,
    basis: `${whole(total - good)} of ${whole(total)} requests failed, ${plural(
      days,
      'day',
    )} with data`,
    ...(span.partialFrom ? { partialFrom: span.partialFrom } : {}),
  };
}

function changeMeasurements(
  prepared: PreparedInputs,
  r: KpiRange,
  since: string | undefined,
): Pick<
  Record<KpiId, KpiMeasurement>,
  | 'changeSuccessRate'
  | 'rollbackRate'
  | 'deploymentFrequency'
  | 'deploymentSuccessRate'
> {
  const { changes, deployments } = prepared;
  const span = covered(r, since);
  const basis = 'change requests cannot be read';
  if (!span || (!changes && !deployments)) {
    return {
      changeSuccessRate: noData(basis),
      rollbackRate: noData(basis),
      deploymentFrequency: noData(basis),
      deploymentSuccessRate: noData(basis),
    };
  }
  const result = {} as Pick<
    Record<KpiId, KpiMeasurement>,
    | 'changeSuccessRate'
    | 'rollbackRate'
    | 'deploymentFrequency'
    | 'deploymentSuccessRate'
  >;
  if (changes) {
    const lo = lowerBound(changes, span.start, x => x.finished);
    const hi = lowerBound(changes, span.end, x => x.finished);
    const c = between(prepared.changeSums!, lo, hi);
    const n = hi - lo;
    const rate = (k: number) => (n === 0 ? undefined : k / n);
    const m = {
      changes: n,
      successful: c.successful,
      rolledBack: c.rolledBack,
      successRate: rate(c.successful),
      rollbackRate: rate(c.rolledBack),
    };
    const none = noData('no change implemented in the period');
    result.changeSuccessRate =
      m.successRate === undefined
        ? none
        : {
            value: m.successRate,
            sample: m.changes,
            basis: `${m.successful} of ${plural(
              m.changes,
              'change',
            )} successful`,
          };
    result.rollbackRate =
      m.rollbackRate === undefined
        ? none
        : {
            value: m.rollbackRate,
            sample: m.changes,
            basis: `${m.rolledBack} of ${plural(
              m.changes,
              'change',
            )} rolled back`,
          };
  } else {
    result.changeSuccessRate = noData(basis);
    result.rollbackRate = noData(basis);
  }
  if (deployments) {
    const lo = lowerBound(deployments, span.start, d => d.at);
    const hi = lowerBound(deployments, span.end, d => d.at);
    const d = between(prepared.deploymentSums!, lo, hi);
    const done = { length: hi - lo };
    const days = (span.end - span.start) / DAY;
    const events = d.events;
    result.deploymentFrequency = {
      value: done.length / days,
      sample: done.length,
      basis: `${plural(done.length, 'deployment')} in ${
        Math.round(days * 10) / 10
      } days${events ? ` (${events} from change events)` : ''}`,
    };
    const judged = { length: d.judged };
    const ok = d.ok;
    result.deploymentSuccessRate =
      judged.length === 0
        ? noData('no deployment change request implemented in the period')
        : {
            value: ok / judged.length,
            sample: judged.length,
            basis: `${ok} of ${plural(judged.length, 'deployment')} successful`,
          };
  } else {
    result.deploymentFrequency = noData(basis);
    result.deploymentSuccessRate = noData(basis);
  }
  for (const key of Object.keys(result) as (keyof typeof result)[]) {
    result[key] = withPartial(result[key], span);
  }
  return result;
}

/**
 * The review KPIs of a range: the share of reviews due in it that were
 * completed on time (those not yet due, open and within their date, are
 * left out), and the action items overdue at its end (now, for a range
 * that has not ended).
 */
function reviewMeasurements(
  prepared: PreparedInputs,
  r: KpiRange,
): Pick<Record<KpiId, KpiMeasurement>, 'reviewsOnTime' | 'actionItemsOverdue'> {
  const { reviews, actionItems, now } = prepared;
  const start = Date.parse(r.start);
  const end = Date.parse(r.end);
  let reviewsOnTime: KpiMeasurement;
  if (!reviews) {
    reviewsOnTime = noData('post-incident reviews are not installed');
  } else {
    const due = reviews.filter(x => {
      const t = Date.parse(x.dueStart);
      return t >= start && t < end;
    });
    const decided = due.filter(
      x => x.completedAt !== undefined || Date.parse(x.overdueFrom) <= now,
    );
    const onTime = decided.filter(x => x.completedOnTime === true).length;
    const pending = due.length - decided.length;
    const notYet = pending ? `, ${pending} not yet due` : '';
    reviewsOnTime =
      decided.length === 0
        ? noData(
            due.length === 0
              ? 'no review due in the period'
              : `${plural(due.length, 'review')} not yet due`,
          )
        : {
            value: onTime / decided.length,
            sample: decided.length,
            basis: `${onTime} of ${plural(
              decided.length,
              'review',
            )} completed on time${notYet}`,
          };
  }
  let actionItemsOverdue: KpiMeasurement;
  if (!actionItems) {
    actionItemsOverdue = noData('post-incident reviews are not installed');
  } else {
    const at = Math.min(end, now);
    const overdue = actionItems.filter(
      i =>
        Date.parse(i.createdAt) <= at &&
        Date.parse(i.overdueFrom) <= at &&
        !(i.doneAt !== undefined && Date.parse(i.doneAt) <= at),
    ).length;
    actionItemsOverdue = {
      value: overdue,
      sample: overdue,
      basis: `${plural(overdue, 'open action item')} past due ${
        at >= now ? 'now' : `on ${new Date(at).toISOString().slice(0, 10)}`
      }`,
    };
  }
  return { reviewsOnTime, actionItemsOverdue };
}

function measurePrepared(
  prepared: PreparedInputs,
  r: KpiRange,
  options: KpiEvaluationOptions,
): Record<KpiId, KpiMeasurement> {
  return {
    uptime: uptimeMeasurement(prepared, r, prepared.since.availability),
    ...incidentMeasurements(prepared, r, options),
    ...changeMeasurements(prepared, r, prepared.since.changes),
    ...reviewMeasurements(prepared, r),
  };
}

/** Every KPI over one range. @public */
export function measureKpis(
  inputs: KpiInputs,
  r: KpiRange,
  options: KpiEvaluationOptions,
): Record<KpiId, KpiMeasurement> {
  return measurePrepared(prepare(inputs, options), r, options);
}

/** Whether a value meets its target, as the KPI's comparison says. @public */
export function kpiStatus(
  definition: KpiDefinition,
  m: Pick<KpiMeasurement, 'value' | 'atLeast'>,
  target: number,
): KpiStatus {
  if (m.value === undefined) return 'no-data';
  // A lower bound at or past the target meets it (nothing failed at all).
  if (m.atLeast && m.value >= target) return 'met';
  switch (definition.comparison) {
    case 'at-least':
      return m.value >= target ? 'met' : 'missed';
    case 'more-than':
      return m.value > target ? 'met' : 'missed';
    case 'at-most':
      return m.value <= target ? 'met' : 'missed';
    default:
      return m.value < target ? 'met' : 'missed';
  }
}

/** The move from the previous value to the current one, as shown. @public */
export function kpiTrend(
  definition: KpiDefinition,
  current: KpiMeasurement,
  previous: KpiMeasurement,
): KpiTrend | undefined {
  if (current.value === undefined || previous.value === undefined) {
    return undefined;
  }
  const previousText = formatKpiValue(definition.id, previous.value, {
    atLeast: previous.atLeast,
  });
  const same =
    formatKpiValue(definition.id, current.value) ===
    formatKpiValue(definition.id, previous.value);
  if (same) return { direction: 'flat', previousText };
  const direction = current.value > previous.value ? 'up' : 'down';
  return {
    direction,
    better:
      (direction === 'up') === (definition.direction === 'higher-is-better'),
    previousText,
  };
}

/**
 * Every KPI of a period with target, status, trend against the previous
 * period and the history windows.
 * @public
 */
export function evaluateKpis(
  inputs: KpiInputs,
  ranges: { current: KpiRange; previous: KpiRange; history: KpiRange[] },
  options: KpiEvaluationOptions & { targets?: Partial<KpiTargets> },
): KpiResult[] {
  const targets = { ...DEFAULT_KPI_TARGETS, ...options.targets };
  const prepared = prepare(inputs, options);
  const current = measurePrepared(prepared, ranges.current, options);
  const previous = measurePrepared(prepared, ranges.previous, options);
  const history = ranges.history.map(r => ({
    at: r.end,
    values: measurePrepared(prepared, r, options),
  }));
  return KPI_DEFINITIONS.map(definition => {
    const id = definition.id;
    return {
      id,
      ...current[id],
      target: targets[id],
      status: kpiStatus(definition, current[id], targets[id]),
      previous: previous[id],
      trend: kpiTrend(definition, current[id], previous[id]),
      history: history.map(h => ({
        at: h.at,
        ...(h.values[id].value !== undefined
          ? { value: h.values[id].value }
          : {}),
        ...(h.values[id].atLeast ? { atLeast: true } : {}),
      })),
    };
  });
}

/** Length of a range in days. @public */
export function kpiRangeDays(r: KpiRange): number {
  return kpiRangeMs(r) / DAY;
}
