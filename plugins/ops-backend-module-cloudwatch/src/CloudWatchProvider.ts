import {
  AlarmHistoryItem,
  CloudWatchClient,
  CloudWatchClientConfig,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  ListTagsForResourceCommand,
  MetricAlarm,
  MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  Alarm,
  AlarmFilter,
  AlarmHistoryQuery,
  AlarmsProvider,
  AlarmStateChange,
  MetricDataRequest,
  MetricQuery,
  MetricSeries,
  MetricsProvider,
  MetricsProviderStats,
  mapWithConcurrency,
  RequestBudget,
  UpstreamTelemetry,
} from '@opsportal/plugin-ops-node';
import { packQueries } from './batching';
import { readAwsClientSettings } from './awsSettings';
import { countSdkRequests } from './telemetry';
import { describeCloudWatchError, isRefusal } from './errors';

/** How long a refused query is answered with its refusal without asking CloudWatch again. */
const REFUSAL_MEMORY_MS = 3_600_000;
const MAX_REMEMBERED_REFUSALS = 10_000;

/** Options of {@link CloudWatchProvider}. @public */
export interface CloudWatchProviderOptions {
  region: string;
  endpoint?: string;
  /** Static credentials or a provider; the SDK's default chain when absent. */
  credentials?: CloudWatchClientConfig['credentials'];
  maxAttempts: number;
  requestTimeoutMs: number;
  concurrency: number;
  /**
   * Datapoints per GetMetricData page (`MaxDatapoints`); CloudWatch's
   * default, 100,800, when absent. Smaller pages are followed by NextToken.
   */
  maxDatapointsPerPage?: number;
  logger: LoggerService;
  /** Counts the SDK's requests (`opsportal.upstream.*`, docs/telemetry.md). */
  telemetry?: UpstreamTelemetry;
  /** How long alarm tags are kept before they are asked for again. Default one hour. */
  tagsCacheMs?: number;
  /** Time source of the tag cache (tests move it). Default `Date.now`. */
  now?: () => number;
  /**
   * GetMetricData calls allowed per minute (and back to back): each call,
   * every page included, waits for it. Unbounded when absent.
   */
  getMetricDataBudget?: RequestBudget;
}

/**
 * Default GetMetricData calls per minute: a fifth of CloudWatch's default
 * quota of 50 a second per account and region, so that the portal leaves
 * the rest to the account's other users.
 */
const DEFAULT_GET_METRIC_DATA_PER_MINUTE = 600;

/**
 * Metrics and alarms from AWS CloudWatch through the AWS SDK v3. Queries are
 * packed into as few GetMetricData calls as CloudWatch's limits allow, pages
 * are followed by NextToken, and throttling is retried by the SDK's standard
 * retry strategy (exponential backoff with jitter, bounded attempts).
 *
 * @public
 */
export class CloudWatchProvider implements MetricsProvider, AlarmsProvider {
  readonly id = 'cloudwatch';
  private readonly clients = new Map<string, CloudWatchClient>();
  private readonly tagCache = new Map<
    string,
    { tags: Record<string, string>; expiresAt: number }
  >();
  /** What CloudWatch refused lately, by what was asked: not asked again until `until`. */
  private readonly refusals = new Map<
    string,
    { error: string; until: number }
  >();
  private readonly counters: MetricsProviderStats = {
    calls: 0,
    metricsRequested: 0,
    datapoints: 0,
  };

  static async fromConfig(
    config: Config,
    options: { logger: LoggerService; telemetry?: UpstreamTelemetry },
  ): Promise<CloudWatchProvider> {
    const aws = await readAwsClientSettings(config);
    return new CloudWatchProvider({
      region: aws.region,
      endpoint: aws.endpoint,
      credentials: aws.credentials,
      maxAttempts: aws.maxAttempts,
      requestTimeoutMs: aws.requestTimeoutMs,
      concurrency: aws.concurrency,
      tagsCacheMs:
        (aws.config?.getOptionalNumber('alarmTagsCacheSeconds') ?? 3600) * 1000,
      logger: options.logger,
      telemetry: options.telemetry,
      getMetricDataBudget: budgetFromConfig(aws.config),
    });
  }

  constructor(private readonly options: CloudWatchProviderOptions) {}

  stats(): MetricsProviderStats {
    return { ...this.counters };
  }

  async getMetricData(request: MetricDataRequest): Promise<MetricSeries[]> {
    const { start, end } = request;
    const batches = packQueries(request.queries, start, end);
    const results = await mapWithConcurrency(
      batches,
      this.options.concurrency,
      batch => this.fetchBatch(batch, request),
    );
    return results.flat();
  }

  async listAlarms(filter: AlarmFilter): Promise<Alarm[]> {
    const client = this.client(filter.region);
    const requests: { AlarmNamePrefix?: string; AlarmNames?: string[] }[] = [];
    for (const prefix of filter.namePrefixes ?? []) {
      requests.push({ AlarmNamePrefix: prefix });
    }
    const names = filter.names ?? [];
    for (let i = 0; i < names.length; i += 100) {
      requests.push({ AlarmNames: names.slice(i, i + 100) });
    }
    if (!filter.namePrefixes && !filter.names) {
      requests.push({});
    }
    const alarms = new Map<string, Alarm>();
    for (const input of requests) {
      let nextToken: string | undefined;
      do {
        const out = await client.send(
          new DescribeAlarmsCommand({
            ...input,
            AlarmTypes: ['MetricAlarm'],
            MaxRecords: 100,
            NextToken: nextToken,
          }),
          { abortSignal: filter.signal as any },
        );
        for (const alarm of out.MetricAlarms ?? []) {
          const converted = toAlarm(alarm);
          alarms.set(converted.name, converted);
        }
        nextToken = out.NextToken;
      } while (nextToken);
    }
    return [...alarms.values()];
  }

  /**
   * State changes of metric alarms through DescribeAlarmHistory
   * (StateUpdate items, oldest first, pages of 100 followed by NextToken):
   * one paged sequence per named alarm, `concurrency` alarms at a time, or
   * one scan of the region's history without names. Throttling is retried
   * by the SDK; a failure that remains rejects the whole query, described
   * as every CloudWatch failure is. Items whose HistoryData cannot be read
   * are skipped and counted in a debug log.
   */
  async getAlarmHistory(query: AlarmHistoryQuery): Promise<AlarmStateChange[]> {
    const since = query.since.getTime();
    const until = query.until.getTime();
    if (!(since < until)) return [];
    const names = query.alarmNames ? [...new Set(query.alarmNames)] : undefined;
    if (names && names.length === 0) return [];
    const counts = { skipped: 0, calls: 0 };
    const read = (alarmName?: string) =>
      this.readHistory(query, alarmName, counts);
    let lists: AlarmStateChange[][];
    try {
      lists = names
        ? await mapWithConcurrency(names, this.options.concurrency, read)
        : [await read()];
    } catch (error) {
      throw describeCloudWatchError(error, {
        operation: 'DescribeAlarmHistory',
        region: query.region ?? this.options.region,
        endpoint: this.options.endpoint,
        signal: query.signal,
        timeoutMs: this.options.requestTimeoutMs,
      });
    }
    if (counts.skipped > 0) {
      this.options.logger.debug(
        `Skipped ${counts.skipped} CloudWatch alarm history items whose HistoryData could not be read (${counts.calls} DescribeAlarmHistory calls)`,
      );
    }
    // Each list is in time order already; one stable sort merges them.
    const timed: { t: number; change: AlarmStateChange }[] = [];
    for (const change of lists.flat()) {
      const t = Date.parse(change.at);
      if (t >= since && t < until) timed.push({ t, change });
    }
    return timed.sort((a, b) => a.t - b.t).map(({ change }) => change);
  }

  /** One alarm's history (or the region's), every page; the SDK's error as it is. */
  private async readHistory(
    query: AlarmHistoryQuery,
    alarmName: string | undefined,
    counts: { skipped: number; calls: number },
  ): Promise<AlarmStateChange[]> {
    const client = this.client(query.region);
    const changes: AlarmStateChange[] = [];
    let nextToken: string | undefined;
    do {
      counts.calls += 1;
      const out = await client.send(
        new DescribeAlarmHistoryCommand({
          AlarmName: alarmName,
          AlarmTypes: ['MetricAlarm'],
          HistoryItemType: 'StateUpdate',
          StartDate: query.since,
          EndDate: query.until,
          MaxRecords: 100,
          NextToken: nextToken,
          ScanBy: 'TimestampAscending',
        }),
        { abortSignal: query.signal as any },
      );
      for (const item of out.AlarmHistoryItems ?? []) {
        const change = toStateChange(item);
        if (change) changes.push(change);
        else counts.skipped += 1;
      }
      nextToken = out.NextToken;
    } while (nextToken);
    return changes;
  }

  /**
   * Tags of the given alarms through ListTagsForResource (one call per
   * alarm, CloudWatch has no batch form), `concurrency` at a time, kept for
   * `tagsCacheMs` so a refresh cycle only pays for alarms it has not seen.
   */
  async getAlarmTags(
    arns: string[],
    options: { region?: string; signal?: AbortSignal } = {},
  ): Promise<Map<string, Record<string, string>>> {
    const now = this.options.now ?? Date.now;
    const ttl = this.options.tagsCacheMs ?? 3_600_000;
    const result = new Map<string, Record<string, string>>();
    const missing: string[] = [];
    for (const arn of new Set(arns)) {
      const cached = this.tagCache.get(arn);
      if (cached && cached.expiresAt > now()) result.set(arn, cached.tags);
      else missing.push(arn);
    }
    const client = this.client(options.region);
    await mapWithConcurrency(missing, this.options.concurrency, async arn => {
      const out = await client.send(
        new ListTagsForResourceCommand({ ResourceARN: arn }),
        { abortSignal: options.signal as any },
      );
      const tags = Object.fromEntries(
        (out.Tags ?? []).map(t => [t.Key ?? '', t.Value ?? '']),
      );
      this.tagCache.set(arn, { tags, expiresAt: now() + ttl });
      result.set(arn, tags);
    });
    return result;
  }

  /**
   * One call's queries, every page. When CloudWatch refuses the call as
   * invalid (one bad statistic or dimension fails the whole call), the
   * call is split in halves, keeping expressions with their inputs, until
   * the queries at fault are found: they answer an empty series with the
   * refusal as `error`, every other query its data. At most 2N - 1 calls
   * for N query groups, ⌈log2 N⌉ levels deep. Throttling, 5xx and timeouts
   * are not refusals: retried by the SDK, then the request fails whole.
   * Queries refused in the last hour are answered with their refusal
   * without asking (a refresh every few minutes would split again each time).
   */
  private async fetchBatch(
    queries: MetricQuery[],
    request: MetricDataRequest,
  ): Promise<MetricSeries[]> {
    const now = (this.options.now ?? Date.now)();
    const remembered = new Map<string, MetricSeries>();
    const ask: MetricQuery[] = [];
    for (const unit of groupsOf(queries)) {
      const memory = this.refusals.get(refusalKey(unit, request));
      if (memory && memory.until > now) {
        for (const series of refusedSeries(unit, memory.error)) {
          remembered.set(series.id, series);
        }
      } else {
        ask.push(...unit);
      }
    }
    if (remembered.size === 0) return this.fetchUnits(queries, request, 0);
    this.options.logger.debug(
      `Not asking CloudWatch again for ${remembered.size} queries it refused within the hour`,
    );
    const answered =
      ask.length > 0 ? await this.fetchUnits(ask, request, 0) : [];
    const byId = new Map(answered.map(series => [series.id, series]));
    return queries
      .filter(q => q.returnData !== false)
      .map(q => (remembered.get(q.id) ?? byId.get(q.id))!);
  }

  private async fetchUnits(
    queries: MetricQuery[],
    request: MetricDataRequest,
    depth: number,
  ): Promise<MetricSeries[]> {
    const input = queries.map(toMetricDataQuery);
    try {
      return await this.readPages(queries, input, request);
    } catch (error) {
      if (request.signal?.aborted || !isRefusal(error)) {
        throw describeCloudWatchError(error, {
          operation: 'GetMetricData',
          region: request.region ?? this.options.region,
          endpoint: this.options.endpoint,
          signal: request.signal,
          timeoutMs: this.options.requestTimeoutMs,
        });
      }
      const units = groupsOf(queries);
      const refusal = refusalText(error);
      if (units.length === 1) {
        this.options.logger.warn(
          `CloudWatch refused ${queries
            .map(q => `${q.id}${q.label ? ` (${q.label})` : ''}`)
            .join(', ')}: ${refusal}`,
        );
        this.remember(refusalKey(queries, request), refusal);
        return refusedSeries(queries, refusal);
      }
      if (depth === 0) {
        this.options.logger.info(
          `CloudWatch refused a GetMetricData call of ${queries.length} queries (${refusal}): asking again in halves to find the queries at fault`,
        );
      }
      const half = Math.ceil(units.length / 2);
      const first = await this.fetchUnits(
        units.slice(0, half).flat(),
        request,
        depth + 1,
      );
      const second = await this.fetchUnits(
        units.slice(half).flat(),
        request,
        depth + 1,
      );
      return [...first, ...second];
    }
  }

  private remember(key: string, error: string) {
    if (this.refusals.size >= MAX_REMEMBERED_REFUSALS) {
      // The oldest first: a Map iterates in insertion order.
      this.refusals.delete(this.refusals.keys().next().value!);
    }
    this.refusals.delete(key);
    this.refusals.set(key, {
      error,
      until: (this.options.now ?? Date.now)() + REFUSAL_MEMORY_MS,
    });
  }

  /** One call's queries, following NextToken; the SDK's error as it is. */
  private async readPages(
    queries: MetricQuery[],
    input: MetricDataQuery[],
    request: MetricDataRequest,
  ): Promise<MetricSeries[]> {
    const client = this.client(request.region);
    const byId = new Map<string, MetricSeries>();
    let nextToken: string | undefined;
    do {
      await this.options.getMetricDataBudget?.take(request.signal);
      this.counters.calls += 1;
      this.counters.metricsRequested += queries.filter(q => q.metric).length;
      const out = await client.send(
        new GetMetricDataCommand({
          MetricDataQueries: input,
          StartTime: request.start,
          EndTime: request.end,
          ScanBy: 'TimestampAscending',
          NextToken: nextToken,
          MaxDatapoints: this.options.maxDatapointsPerPage,
        }),
        { abortSignal: request.signal as any },
      );
      for (const result of out.MetricDataResults ?? []) {
        const id = result.Id!;
        let series = byId.get(id);
        if (!series) {
          series = {
            id,
            label: result.Label,
            timestamps: [],
            values: [],
            status: 'Complete',
          };
          byId.set(id, series);
        }
        const timestamps = result.Timestamps ?? [];
        const values = result.Values ?? [];
        for (let i = 0; i < timestamps.length; i++) {
          series.timestamps.push(timestamps[i].getTime());
          series.values.push(values[i]);
        }
        this.counters.datapoints += timestamps.length;
        series.status = worstStatus(series.status, result.StatusCode);
        for (const message of result.Messages ?? []) {
          (series.messages ??= []).push(
            `${message.Code ?? ''} ${message.Value ?? ''}`.trim(),
          );
        }
      }
      nextToken = out.NextToken;
    } while (nextToken);

    for (const series of byId.values()) {
      sortSeries(series);
    }
    return queries
      .filter(q => q.returnData !== false)
      .map(
        q =>
          byId.get(q.id) ?? {
            id: q.id,
            label: q.label,
            timestamps: [],
            values: [],
            status: 'Complete' as const,
          },
      );
  }

  private client(region?: string): CloudWatchClient {
    const key = region ?? this.options.region;
    let client = this.clients.get(key);
    if (!client) {
      client = new CloudWatchClient({
        region: key,
        endpoint: this.options.endpoint,
        credentials: this.options.credentials,
        maxAttempts: this.options.maxAttempts,
        retryMode: 'standard',
        requestHandler: {
          requestTimeout: this.options.requestTimeoutMs,
          // Without this the SDK only logs a slow request and keeps waiting.
          throwOnRequestTimeout: true,
          connectionTimeout: Math.min(this.options.requestTimeoutMs, 5_000),
        },
      });
      countSdkRequests(client, 'cloudwatch', this.options.telemetry);
      this.clients.set(key, client);
    }
    return client;
  }
}

/**
 * What identifies a refused unit: region and what was asked, without the
 * plan's ids (labels do not change CloudWatch's answer), but with them in
 * an expression's group, where they are part of the expression.
 */
function refusalKey(unit: MetricQuery[], request: MetricDataRequest): string {
  const asked = unit.map(q => {
    const { Id, Label, ...rest } = toMetricDataQuery(q);
    return unit.length > 1 ? { Id, ...rest } : rest;
  });
  return `${request.region ?? ''}|${JSON.stringify(asked)}`;
}

/** The series of a refused unit: empty, with the refusal as their error. */
function refusedSeries(unit: MetricQuery[], refusal: string): MetricSeries[] {
  return unit
    .filter(q => q.returnData !== false)
    .map(q => ({
      id: q.id,
      label: q.label,
      timestamps: [],
      values: [],
      status: 'InternalError' as const,
      messages: [refusal],
      error: refusal,
    }));
}

/** The queries in units that must share a call (an expression and its inputs), in order. */
function groupsOf(queries: MetricQuery[]): MetricQuery[][] {
  const units = new Map<string, MetricQuery[]>();
  for (const query of queries) {
    const key = query.group ?? `\u0000${query.id}`;
    const unit = units.get(key);
    if (unit) unit.push(query);
    else units.set(key, [query]);
  }
  return [...units.values()];
}

/** CloudWatch's words for a refusal: `ValidationError: The value ... is not a valid statistic.` */
function refusalText(error: unknown): string {
  const e = (error ?? {}) as { name?: string; message?: string };
  return [e.name, e.message].filter(Boolean).join(': ');
}

function toMetricDataQuery(query: MetricQuery): MetricDataQuery {
  if (query.expression) {
    return {
      Id: query.id,
      Expression: query.expression,
      Period: query.period,
      Label: query.label,
      ReturnData: query.returnData ?? true,
    };
  }
  if (!query.metric || !query.stat) {
    throw new Error(
      `Query ${query.id} needs a metric and a stat, or an expression`,
    );
  }
  return {
    Id: query.id,
    Label: query.label,
    ReturnData: query.returnData ?? true,
    MetricStat: {
      Metric: {
        Namespace: query.metric.namespace,
        MetricName: query.metric.metricName,
        Dimensions: Object.entries(query.metric.dimensions).map(
          ([Name, Value]) => ({ Name, Value }),
        ),
      },
      Period: query.period,
      Stat: query.stat,
    },
  };
}

function worstStatus(
  current: MetricSeries['status'],
  next: string | undefined,
): MetricSeries['status'] {
  // Errors stick; otherwise the last page decides (earlier pages of a
  // paginated answer say PartialData only because more pages follow).
  if (current === 'Forbidden' || current === 'InternalError') return current;
  const candidate = next ?? 'Complete';
  return ['Complete', 'PartialData', 'Forbidden', 'InternalError'].includes(
    candidate,
  )
    ? (candidate as MetricSeries['status'])
    : current;
}

/**
 * Puts a series in ascending time order. CloudWatch answers newest first
 * (pages continue that order), so a reversal in place usually does; only a
 * mixed order is sorted (through an index, without a pair per datapoint:
 * a capacity refresh holds tens of millions of datapoints).
 */
function sortSeries(series: MetricSeries) {
  const { timestamps, values } = series;
  let ascending = true;
  let descending = true;
  for (let i = 1; i < timestamps.length; i++) {
    if (timestamps[i] < timestamps[i - 1]) ascending = false;
    else if (timestamps[i] > timestamps[i - 1]) descending = false;
  }
  if (ascending) return;
  if (descending) {
    timestamps.reverse();
    values.reverse();
    return;
  }
  const order = Array.from(timestamps.keys()).sort(
    (a, b) => timestamps[a] - timestamps[b] || a - b,
  );
  series.timestamps = order.map(i => timestamps[i]);
  series.values = order.map(i => values[i]);
}

const STATES: ReadonlySet<string> = new Set([
  'OK',
  'ALARM',
  'INSUFFICIENT_DATA',
]);

/**
 * One StateUpdate item as a state change: its HistoryData is a JSON
 * document with `oldState.stateValue` and `newState.stateValue`. Undefined
 * for an item without a time, name or readable new state.
 */
function toStateChange(item: AlarmHistoryItem): AlarmStateChange | undefined {
  if (!item.AlarmName || !item.Timestamp || !item.HistoryData) {
    return undefined;
  }
  const at = new Date(item.Timestamp);
  if (Number.isNaN(at.getTime())) return undefined;
  let data: any;
  try {
    data = JSON.parse(item.HistoryData);
  } catch {
    return undefined;
  }
  const to = data?.newState?.stateValue;
  if (typeof to !== 'string' || !STATES.has(to)) return undefined;
  const from = data?.oldState?.stateValue;
  return {
    alarmName: item.AlarmName,
    at: at.toISOString(),
    ...(typeof from === 'string' && STATES.has(from)
      ? { from: from as Alarm['state'] }
      : {}),
    to: to as Alarm['state'],
  };
}

function toAlarm(alarm: MetricAlarm): Alarm {
  return {
    name: alarm.AlarmName ?? '',
    arn: alarm.AlarmArn,
    description: alarm.AlarmDescription,
    state: (alarm.StateValue ?? 'INSUFFICIENT_DATA') as Alarm['state'],
    stateReason: alarm.StateReason,
    stateUpdatedAt: alarm.StateUpdatedTimestamp
      ? new Date(alarm.StateUpdatedTimestamp).toISOString()
      : undefined,
    metric: alarm.MetricName
      ? {
          namespace: alarm.Namespace ?? '',
          metricName: alarm.MetricName,
          dimensions: Object.fromEntries(
            (alarm.Dimensions ?? []).map(d => [d.Name ?? '', d.Value ?? '']),
          ),
        }
      : undefined,
    threshold: alarm.Threshold,
    comparisonOperator: alarm.ComparisonOperator,
    statistic: alarm.Statistic ?? alarm.ExtendedStatistic,
    period: alarm.Period,
    evaluationPeriods: alarm.EvaluationPeriods,
    actionsEnabled: alarm.ActionsEnabled,
    actions: {
      alarm: alarm.AlarmActions ?? [],
      ok: alarm.OKActions ?? [],
      insufficientData: alarm.InsufficientDataActions ?? [],
    },
  };
}

/** The GetMetricData budget of `ops.cloudwatch`; wrong values fail startup with the key named. */
function budgetFromConfig(cw: Config | undefined): RequestBudget {
  const perMinute =
    cw?.getOptionalNumber('getMetricDataPerMinute') ??
    DEFAULT_GET_METRIC_DATA_PER_MINUTE;
  if (!(perMinute > 0)) {
    throw new Error(
      'ops.cloudwatch.getMetricDataPerMinute must be a positive number',
    );
  }
  const burst = cw?.getOptionalNumber('getMetricDataBurst');
  if (burst !== undefined && !(burst >= 1)) {
    throw new Error('ops.cloudwatch.getMetricDataBurst must be at least 1');
  }
  return RequestBudget.perMinuteAtMost(perMinute, undefined, burst);
}
