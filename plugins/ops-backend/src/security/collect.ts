import { Entity } from '@backstage/catalog-model';
import {
  SecurityAlarmStatus,
  SecurityMetricConfig,
  SecurityPoint,
  SecuritySignal,
  SecuritySource,
  UnscopedSecuritySignal,
  describeSecurityMetricState,
  evaluateSecurityAlarms,
  evaluateSecurityThresholds,
  parseSecurityWindow,
  securitySeriesPeriod,
} from '@opsportal/plugin-ops-common';
import {
  Alarm,
  AlarmsProvider,
  MetricQuery,
  MetricSeries,
  MetricsProvider,
} from '@opsportal/plugin-ops-node';

/*
 * One refresh of security signals for a set of scopes (the platform and
 * services): every metric query of every scope goes into as few provider
 * requests as there are providers and windows (a 24-hour series request
 * per provider, and one request per provider and window for the current
 * values), and the alarms are listed once.
 */

const HOUR_MS = 3_600_000;
/** Metric queries per provider request (GetMetricData's limit). */
const QUERIES_PER_REQUEST = 500;
/** With more alarm names and prefixes than this, every alarm is listed once instead. */
const ALARM_SELECTORS_LIMIT = 20;

/** What signals are computed for: the platform, or one service. */
export interface SecurityScope {
  /** `platform`, or the entity ref. */
  key: string;
  /** The service's value for `$entity` and `perEntity.dimension` per metric id. */
  values?: Map<string, string>;
}

/** The value that scopes metric `m` to the entity, or why there is none. */
export function entityValueOf(
  entity: Entity,
  m: SecurityMetricConfig,
): { value?: string; reason?: string } {
  if (!m.perEntity) {
    return {
      reason:
        'Platform-wide only: its config has no perEntity (how to scope it to a service)',
    };
  }
  if (m.perEntity.annotation) {
    const value = entity.metadata.annotations?.[m.perEntity.annotation]?.trim();
    if (!value) {
      return {
        reason: `The entity has no ${m.perEntity.annotation} annotation, which scopes this signal to a service`,
      };
    }
    return { value };
  }
  return { value: entity.metadata.name };
}

/** The entity's scope (the metrics it gets) and the signals it does not get, with why. */
export function entityScope(
  entityRef: string,
  entity: Entity,
  metrics: SecurityMetricConfig[],
): { scope: SecurityScope; unscoped: UnscopedSecuritySignal[] } {
  const values = new Map<string, string>();
  const unscoped: UnscopedSecuritySignal[] = [];
  for (const m of metrics) {
    const { value, reason } = entityValueOf(entity, m);
    if (value !== undefined) values.set(m.id, value);
    else unscoped.push({ id: m.id, title: m.title, reason: reason! });
  }
  return { scope: { key: entityRef, values }, unscoped };
}

/** `value` as the inside of a PromQL double-quoted string. */
export function promqlString(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n');
}

function sourceOf(m: SecurityMetricConfig): SecuritySource {
  if (m.cloudwatch) return 'cloudwatch';
  if (m.prometheus) return 'prometheus';
  return 'alarm';
}

interface Planned {
  scope: string;
  metric: SecurityMetricConfig;
  /** Present for metric signals. */
  query?: Omit<MetricQuery, 'id' | 'period'>;
  /** Present for alarm signals. */
  alarm?: { name?: string; prefix?: string };
}

/** The signals to compute for each scope, in config order. */
function plan(
  scopes: SecurityScope[],
  metrics: SecurityMetricConfig[],
): Planned[] {
  const planned: Planned[] = [];
  for (const scope of scopes) {
    for (const m of metrics) {
      const value = scope.values?.get(m.id);
      if (scope.values && value === undefined) continue;
      const p: Planned = { scope: scope.key, metric: m };
      if (m.cloudwatch) {
        const dimensions = { ...m.cloudwatch.dimensions };
        if (value !== undefined && m.perEntity?.dimension) {
          dimensions[m.perEntity.dimension] = value;
        }
        p.query = {
          metric: {
            namespace: m.cloudwatch.namespace,
            metricName: m.cloudwatch.metricName,
            dimensions,
          },
          stat: m.cloudwatch.stat,
          label: `${m.id} (${scope.key})`,
        };
      } else if (m.prometheus) {
        const promql =
          value !== undefined && m.perEntity?.query
            ? m.perEntity.query.replace(/\$entity/g, promqlString(value))
            : m.prometheus.query;
        p.query = { promql, label: `${m.id} (${scope.key})` };
      } else if (m.alarm) {
        const selector =
          value !== undefined && m.perEntity?.alarm
            ? m.perEntity.alarm
            : m.alarm;
        p.alarm = {
          name: selector.name?.replace(/\$entity/g, value ?? ''),
          prefix: selector.prefix?.replace(/\$entity/g, value ?? ''),
        };
      }
      planned.push(p);
    }
  }
  return planned;
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const name = error.name && error.name !== 'Error' ? `${error.name}: ` : '';
    return `${name}${error.message}`;
  }
  return String(error);
}

interface Answer {
  series?: MetricSeries;
  error?: string;
}

/**
 * Sends the queries in requests of one provider and range each (at most
 * 500 queries a request); a request that fails marks its queries with the
 * error, the others are still answered.
 */
async function runRequests(
  metrics: MetricsProvider,
  requests: Map<
    string,
    { provider: string; start: Date; end: Date; queries: MetricQuery[] }
  >,
  options: { region?: string; signal?: AbortSignal },
): Promise<Map<string, Answer>> {
  const answers = new Map<string, Answer>();
  for (const request of requests.values()) {
    for (let i = 0; i < request.queries.length; i += QUERIES_PER_REQUEST) {
      const queries = request.queries.slice(i, i + QUERIES_PER_REQUEST);
      try {
        const series = await metrics.getMetricData({
          queries,
          start: request.start,
          end: request.end,
          provider: request.provider,
          region:
            request.provider === 'cloudwatch' ? options.region : undefined,
          signal: options.signal,
        });
        const byId = new Map(series.map(s => [s.id, s]));
        for (const q of queries) {
          const s = byId.get(q.id);
          answers.set(q.id, {
            series: s,
            error: s?.error ?? (s ? undefined : 'No answer for this query'),
          });
        }
      } catch (error) {
        const message = describeError(error);
        for (const q of queries) answers.set(q.id, { error: message });
      }
    }
  }
  return answers;
}

function alarmMatches(alarm: Alarm, selector: Planned['alarm']): boolean {
  if (selector?.name !== undefined) return alarm.name === selector.name;
  return (
    selector?.prefix !== undefined && alarm.name.startsWith(selector.prefix)
  );
}

/** What a refresh computed per scope key. */
export type CollectedSignals = Map<string, SecuritySignal[]>;

/**
 * Reads and evaluates the signals of the scopes. Never rejects: a failed
 * request or alarm listing becomes the `error` of the signals it concerned.
 */
export async function collectSecuritySignals(options: {
  scopes: SecurityScope[];
  metrics: SecurityMetricConfig[];
  metricsProvider?: MetricsProvider;
  alarmsProvider?: AlarmsProvider;
  now: Date;
  region?: string;
  signal?: AbortSignal;
}): Promise<CollectedSignals> {
  const planned = plan(options.scopes, options.metrics);
  // Period boundaries on whole minutes, as CloudWatch stores them.
  const end = new Date(Math.floor(options.now.getTime() / 60_000) * 60_000);
  const seriesStart = new Date(end.getTime() - 24 * HOUR_MS);

  type Request = {
    provider: string;
    start: Date;
    end: Date;
    queries: MetricQuery[];
  };
  const seriesRequests = new Map<string, Request>();
  const currentRequests = new Map<string, Request>();
  // A window of 5 minutes to an hour that divides the day is the 24-hour
  // series' period: its last period, ending at `end`, is the current value
  // and needs no request of its own.
  const ids = new Map<Planned, { series: string; current?: string }>();
  planned.forEach((p, index) => {
    if (!p.query) return;
    const provider = p.metric.prometheus ? 'prometheus' : 'cloudwatch';
    const windowSeconds = parseSecurityWindow(p.metric.window!)!;
    const series = `s${index}`;
    const period = securitySeriesPeriod(windowSeconds);
    const fromSeries = period === windowSeconds && 86400 % period === 0;
    const current = fromSeries ? undefined : `c${index}`;
    ids.set(p, { series, current });
    const seriesRequest = seriesRequests.get(provider) ?? {
      provider,
      start: seriesStart,
      end,
      queries: [],
    };
    seriesRequest.queries.push({
      ...p.query,
      id: series,
      period,
    });
    seriesRequests.set(provider, seriesRequest);
    if (!current) return;
    const key = `${provider}|${windowSeconds}`;
    const currentRequest = currentRequests.get(key) ?? {
      provider,
      start: new Date(end.getTime() - windowSeconds * 1000),
      end,
      queries: [],
    };
    currentRequest.queries.push({
      ...p.query,
      id: current,
      period: windowSeconds,
    });
    currentRequests.set(key, currentRequest);
  });

  const answers = new Map<string, Answer>();
  if (ids.size > 0) {
    if (options.metricsProvider) {
      const opts = { region: options.region, signal: options.signal };
      for (const [id, answer] of await runRequests(
        options.metricsProvider,
        seriesRequests,
        opts,
      )) {
        answers.set(id, answer);
      }
      for (const [id, answer] of await runRequests(
        options.metricsProvider,
        currentRequests,
        opts,
      )) {
        answers.set(id, answer);
      }
    }
  }

  // Alarms: listed once for every alarm-based signal of every scope.
  const selectors = planned.filter(p => p.alarm).map(p => p.alarm!);
  let alarms: Alarm[] = [];
  let alarmsError: string | undefined;
  if (selectors.length > 0) {
    if (!options.alarmsProvider) {
      alarmsError =
        'No alarms provider is installed: add @opsportal/plugin-ops-backend-module-cloudwatch to the backend';
    } else {
      const names = [
        ...new Set(selectors.flatMap(s => (s.name ? [s.name] : []))),
      ];
      const prefixes = [
        ...new Set(selectors.flatMap(s => (s.prefix ? [s.prefix] : []))),
      ];
      try {
        if (names.length + prefixes.length > ALARM_SELECTORS_LIMIT) {
          alarms = await options.alarmsProvider.listAlarms({
            region: options.region,
            signal: options.signal,
          });
        } else {
          // Names and prefixes are separate filters: one listing each.
          if (names.length > 0) {
            alarms.push(
              ...(await options.alarmsProvider.listAlarms({
                names,
                region: options.region,
                signal: options.signal,
              })),
            );
          }
          if (prefixes.length > 0) {
            alarms.push(
              ...(await options.alarmsProvider.listAlarms({
                namePrefixes: prefixes,
                region: options.region,
                signal: options.signal,
              })),
            );
          }
        }
      } catch (error) {
        alarmsError = describeError(error);
      }
    }
  }

  const noMetricsProvider =
    'No metrics provider is installed: add @opsportal/plugin-ops-backend-module-cloudwatch (or -prometheus) to the backend';
  const result: CollectedSignals = new Map(
    options.scopes.map(s => [s.key, []]),
  );
  for (const p of planned) {
    const m = p.metric;
    const base = {
      id: m.id,
      title: m.title,
      unit: m.unit,
      source: sourceOf(m),
      raises: m.raises,
    };
    let signal: SecuritySignal;
    if (p.alarm) {
      const wanted = p.alarm.name
        ? `named ${p.alarm.name}`
        : `whose name starts with ${p.alarm.prefix}`;
      const matching: SecurityAlarmStatus[] = alarmsError
        ? []
        : alarms
            .filter(a => alarmMatches(a, p.alarm))
            .filter((a, i, all) => all.findIndex(b => b.name === a.name) === i)
            .map(a => ({
              name: a.name,
              state: a.state,
              stateReason: a.stateReason,
              stateUpdatedAt: a.stateUpdatedAt,
            }));
      const evaluated = alarmsError
        ? { state: 'unknown' as const, reason: 'The alarms could not be read' }
        : evaluateSecurityAlarms(matching, wanted);
      signal = {
        ...base,
        window: m.window ?? 'alarm',
        value: null,
        state: evaluated.state,
        reason: evaluated.reason,
        series: [],
        alarms: matching,
        ...(alarmsError ? { error: alarmsError } : {}),
      };
    } else {
      const { series: seriesId, current: currentId } = ids.get(p)!;
      const seriesAnswer = answers.get(seriesId);
      const currentAnswer = currentId ? answers.get(currentId) : seriesAnswer;
      const error = options.metricsProvider
        ? currentAnswer?.error ?? seriesAnswer?.error
        : noMetricsProvider;
      const points: SecurityPoint[] = [];
      const s = seriesAnswer?.series;
      if (s && !s.error) {
        s.timestamps.forEach((t, i) => {
          if (Number.isFinite(s.values[i])) points.push({ t, v: s.values[i] });
        });
        points.sort((a, b) => a.t - b.t);
      }
      const c = currentAnswer?.series;
      const windowMs = parseSecurityWindow(m.window!)! * 1000;
      // The period that ends at `end` (the series' other periods are older).
      const last =
        c && !c.error ? c.timestamps.indexOf(end.getTime() - windowMs) : -1;
      const value =
        last >= 0 && Number.isFinite(c!.values[last]) ? c!.values[last] : null;
      const thresholds = m.thresholds!;
      signal = {
        ...base,
        window: m.window!,
        value: error ? null : value,
        thresholds,
        state: error
          ? 'unknown'
          : evaluateSecurityThresholds(value, thresholds),
        reason: error
          ? 'Could not be read in the last refresh'
          : describeSecurityMetricState(value, m.unit, m.window!, thresholds),
        series: points,
        seriesPeriod: securitySeriesPeriod(parseSecurityWindow(m.window!)!),
        ...(error ? { error } : {}),
      };
    }
    result.get(p.scope)!.push(signal);
  }
  return result;
}
