import {
  ChangeMeasureRecord,
  ChangeOutcome,
  computeChangeMeasures,
} from '../changes';
import { AssessedIncident, Severity, summarizeIncidents } from '../incidents';
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
  failures: TimedIncident[];
  /** The longest failure (creation to resolution or now), in ms. */
  longestFailure: number;
  availability?: { at: number; good: number; total: number }[];
  changes?: { finished: number; record: ChangeMeasureRecord }[];
  deployments?: { at: number; record: KpiDeploymentRecord }[];
  since: NonNullable<KpiInputs['since']>;
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

/** The items whose key is in [start, end). */
function slice<T>(
  items: T[],
  r: { start: number; end: number },
  key: (t: T) => number,
): T[] {
  return items.slice(
    lowerBound(items, r.start, key),
    lowerBound(items, r.end, key),
  );
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
  return {
    incidents,
    failures,
    longestFailure: failures.reduce(
      (longest, f) => Math.max(longest, f.end - f.created),
      0,
    ),
    availability: inputs.availability
      ?.map(p => ({ at: Date.parse(p.at), good: p.good, total: p.total }))
      .sort((a, b) => a.at - b.at),
    changes: inputs.changes
      ?.map(record => ({ finished: Date.parse(record.finishedAt), record }))
      .sort((a, b) => a.finished - b.finished),
    deployments: inputs.deployments
      ?.map(record => ({ at: Date.parse(record.at), record }))
      .sort((a, b) => a.at - b.at),
    since: inputs.since ?? {},
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
  const timed = slice(all, span, i => i.created);
  const created = timed.map(i => i.incident);
  const window = { since: new Date(span.start), until: new Date(span.end) };
  const summary = summarizeIncidents(
    created,
    window,
    timed.map(i => i.created),
  );
  const timedFailures = timed.filter(i => i.failure);
  const failures = timedFailures.map(i => i.incident);
  const failureSummary = summarizeIncidents(
    failures,
    window,
    timedFailures.map(i => i.created),
  );

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
    failures.length === 0
      ? {
          value: length - down,
          atLeast: true,
          sample: 0,
          basis: 'no failure started in the period',
        }
      : {
          value: (length - down) / failures.length,
          sample: failures.length,
          basis: `${plural(
            failures.length,
            'failure',
          )}, ${downText} in failure`,
        };

  const open = created.filter(i => i.status !== 'resolved').length;
  const count = options.calendarMonth
    ? created.length
    : (created.length * 30 * DAY) / length;
  const unacked = created.filter(
    i => i.timeToAcknowledgeMs === undefined && i.status === 'triggered',
  ).length;

  return {
    mtbf: withPartial(mtbf, span),
    mttr: withPartial(
      failureSummary.mttrMs === undefined
        ? noData(
            failures.length === 0
              ? 'no failure started in the period'
              : `${plural(failures.length, 'failure')}, none resolved yet`,
          )
        : {
            value: failureSummary.mttrMs,
            sample: failureSummary.resolved,
            basis: `${plural(failureSummary.resolved, 'resolved failure')}${
              failures.length > failureSummary.resolved
                ? `, ${failures.length - failureSummary.resolved} still open`
                : ''
            }`,
          },
      span,
    ),
    incidentCount: withPartial(
      {
        value: count,
        sample: created.length,
        basis: `${plural(created.length, 'incident')} in ${Math.round(
          length / DAY,
        )} days${open ? `, ${open} open` : ''}`,
      },
      span,
    ),
    alertResponseTime: withPartial(
      summary.mttaMs === undefined
        ? noData(
            created.length === 0
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
            created.length === 0
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
  points: PreparedInputs['availability'],
  r: KpiRange,
  since: string | undefined,
): KpiMeasurement {
  if (!points) return noData('no availability SLO');
  const span = covered(r, since);
  if (!span) return noData('no availability data for this period');
  // A bucket counts for the range that holds its end: (start, end].
  const inRange = points.slice(
    lowerBound(points, span.start + 1, p => p.at),
    lowerBound(points, span.end + 1, p => p.at),
  );
  const good = inRange.reduce((n, p) => n + p.good, 0);
  const total = inRange.reduce((n, p) => n + p.total, 0);
  if (total === 0) return noData('no requests measured in the period');
  // Buckets of several entities end at the same times: count the times.
  const days = new Set(inRange.filter(p => p.total > 0).map(p => p.at)).size;
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
  changes: PreparedInputs['changes'],
  deployments: PreparedInputs['deployments'],
  r: KpiRange,
  since: string | undefined,
): Pick<
  Record<KpiId, KpiMeasurement>,
  | 'changeSuccessRate'
  | 'rollbackRate'
  | 'deploymentFrequency'
  | 'deploymentSuccessRate'
> {
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
    const implemented = slice(changes, span, c => c.finished).map(
      c => c.record,
    );
    const m = computeChangeMeasures(implemented);
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
    const done = slice(deployments, span, d => d.at).map(d => d.record);
    const days = (span.end - span.start) / DAY;
    const events = done.filter(d => d.source === 'change-event').length;
    result.deploymentFrequency = {
      value: done.length / days,
      sample: done.length,
      basis: `${plural(done.length, 'deployment')} in ${
        Math.round(days * 10) / 10
      } days${events ? ` (${events} from change events)` : ''}`,
    };
    const judged = done.filter(d => d.outcome !== undefined);
    const ok = judged.filter(d => d.outcome === 'successful').length;
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

function measurePrepared(
  prepared: PreparedInputs,
  r: KpiRange,
  options: KpiEvaluationOptions,
): Record<KpiId, KpiMeasurement> {
  return {
    uptime: uptimeMeasurement(
      prepared.availability,
      r,
      prepared.since.availability,
    ),
    ...incidentMeasurements(prepared, r, options),
    ...changeMeasurements(
      prepared.changes,
      prepared.deployments,
      r,
      prepared.since.changes,
    ),
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
