import http from 'node:http';
import {
  FakeServer,
  RecordedRequest,
  sendJson,
  serve,
  ServeOptions,
} from '../http';
import { evaluate, ExpressionError, Series } from './math';
import {
  AlarmDefinition,
  AlarmHistoryEntry,
  MetricKey,
  MetricStore,
} from './store';
import { queryProblems } from './validation';
import {
  createFakeCloudWatchLogs,
  FakeCloudWatchLogs,
  LOGS_TARGET_PREFIX,
} from './logs';
import { createFakeXRay, FakeXRay, ServiceGraphModel } from './xray';

/**
 * A fake AWS CloudWatch that speaks the AWS JSON 1.0 protocol the AWS SDK v3
 * uses: `POST /` with `X-Amz-Target: GraniteServiceVersion20100801.<Op>`.
 * It answers GetMetricData (metric stats and metric math, CloudWatch's
 * limits, retention by period, NextToken paging; a call with a statistic or
 * dimension CloudWatch would refuse fails whole, as CloudWatch's does), ListMetrics and
 * DescribeAlarms and ListTagsForResource (alarm tags) and DescribeAlarmHistory
 * (state updates of the last 30 days, as CloudWatch keeps) from a
 * {@link MetricStore}. Faults can be queued for tests.
 */

const TARGET_PREFIX = 'GraniteServiceVersion20100801.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';
const MAX_QUERIES = 500;
const MAX_DATAPOINTS = 100_800;
const DAY = 86_400_000;
/** CloudWatch keeps 30 days of alarm history. */
const HISTORY_RETENTION_MS = 30 * DAY;
const HISTORY_ITEM_TYPES = [
  'ConfigurationUpdate',
  'StateUpdate',
  'Action',
  'AlarmContributorStateUpdate',
  'AlarmContributorAction',
];
const STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'];

/** A fault the next request(s) meet. */
export type CloudWatchFault =
  | { kind: 'throttle' }
  | { kind: 'expired-token' }
  | { kind: 'access-denied' }
  | { kind: 'internal-error' }
  | { kind: 'delay'; ms: number };

/** Cost counters, as CloudWatch would bill them. */
export interface CloudWatchStats {
  getMetricDataCalls: number;
  /** MetricStat queries (what AWS bills, $0.01 per 1,000). */
  metricsRequested: number;
  datapointsReturned: number;
  describeAlarmsCalls: number;
  listMetricsCalls: number;
  listTagsForResourceCalls: number;
  describeAlarmHistoryCalls: number;
}

export interface FakeCloudWatch extends FakeServer {
  store: MetricStore;
  /** Faults met by the next requests, first in first out. */
  faults: CloudWatchFault[];
  stats: CloudWatchStats;
  /** X-Ray on the same port (REST-JSON `POST /ServiceGraph`, xray.ts). */
  xray: FakeXRay;
  /** CloudWatch Logs on the same port (`Logs_20140328.*` targets, logs.ts). */
  logs: FakeCloudWatchLogs;
}

export interface FakeCloudWatchOptions extends ServeOptions {
  store: MetricStore;
  /** The fake's clock; data never lies in its future. Default: Date.now. */
  now?: () => number;
  /** CloudWatch Logs; the example platform's log groups by default (logs.ts). */
  logs?: FakeCloudWatchLogs;
  /** X-Ray's service graph; the example platform's by default (xray.ts). */
  xrayGraph?: ServiceGraphModel;
}

class AwsError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export async function startFakeCloudWatch(
  options: FakeCloudWatchOptions,
): Promise<FakeCloudWatch> {
  const now = options.now ?? (() => Date.now());
  const faults: CloudWatchFault[] = [];
  const logs = options.logs ?? createFakeCloudWatchLogs({ now });
  const stats: CloudWatchStats = {
    getMetricDataCalls: 0,
    metricsRequested: 0,
    datapointsReturned: 0,
    describeAlarmsCalls: 0,
    listMetricsCalls: 0,
    listTagsForResourceCalls: 0,
    describeAlarmHistoryCalls: 0,
  };

  async function applyFault(fault: CloudWatchFault, op: string) {
    switch (fault.kind) {
      case 'throttle':
        throw new AwsError(400, 'Throttling', 'Rate exceeded');
      case 'expired-token':
        throw new AwsError(
          400,
          'ExpiredTokenException',
          'The security token included in the request is expired',
        );
      case 'access-denied':
        throw new AwsError(
          400,
          'AccessDeniedException',
          `User is not authorized to perform: cloudwatch:${
            op || 'GetMetricData'
          }`,
        );
      case 'internal-error':
        throw new AwsError(500, 'InternalServiceError', 'Internal failure');
      case 'delay':
        await new Promise(r => setTimeout(r, fault.ms));
        return;
      default:
        return;
    }
  }

  function getMetricData(input: any) {
    const queries: any[] = input.MetricDataQueries ?? [];
    if (!Array.isArray(queries) || queries.length === 0) {
      throw new AwsError(
        400,
        'ValidationError',
        'MetricDataQueries is required',
      );
    }
    if (queries.length > MAX_QUERIES) {
      throw new AwsError(
        400,
        'ValidationError',
        `The collection MetricDataQueries must not have a size greater than ${MAX_QUERIES}.`,
      );
    }
    const start = toMs(input.StartTime, 'StartTime');
    const end = Math.min(toMs(input.EndTime, 'EndTime'), now());
    if (!(start < toMs(input.EndTime, 'EndTime'))) {
      throw new AwsError(
        400,
        'ValidationError',
        'The parameter StartTime must be less than the parameter EndTime.',
      );
    }
    const maxDatapoints = input.MaxDatapoints ?? MAX_DATAPOINTS;
    const ids = new Set<string>();
    for (const q of queries) {
      if (typeof q.Id !== 'string' || !/^[a-z][a-zA-Z0-9_]*$/.test(q.Id)) {
        throw new AwsError(
          400,
          'ValidationError',
          `Invalid Id ${q.Id}: it must start with a lower-case letter`,
        );
      }
      if (ids.has(q.Id))
        throw new AwsError(400, 'ValidationError', `Duplicate Id ${q.Id}`);
      ids.add(q.Id);
      if (!!q.MetricStat === !!q.Expression) {
        throw new AwsError(
          400,
          'ValidationError',
          `Query ${q.Id} needs exactly one of MetricStat and Expression`,
        );
      }
      const period = q.MetricStat ? q.MetricStat.Period : q.Period;
      if (q.MetricStat && !validPeriod(period)) {
        throw new AwsError(
          400,
          'ValidationError',
          `Invalid Period ${period} in ${q.Id}: 1, 5, 10, 30 or a multiple of 60`,
        );
      }
    }
    // A statistic or dimension CloudWatch does not take fails the whole
    // call, naming each query by its position.
    const problems = queryProblems(queries);
    if (problems.length > 0) {
      throw new AwsError(400, 'ValidationError', problems.join('\n'));
    }
    stats.metricsRequested += queries.filter(q => q.MetricStat).length;

    // Evaluate every query in full; paging slices the answer afterwards.
    const computed = new Map<
      string,
      { series: Series; label?: string; status: string; messages?: any[] }
    >();
    const pending = [...queries];
    for (const q of pending.filter(p => p.MetricStat)) {
      computed.set(q.Id, {
        ...metricStat(q, start, end),
        label: q.Label ?? q.MetricStat.Metric?.MetricName,
      });
    }
    const allTimestamps = () => {
      const ts = new Set<number>();
      for (const c of computed.values())
        for (const t of c.series.keys()) ts.add(t);
      return [...ts].sort((a, b) => a - b);
    };
    for (const q of pending.filter(p => p.Expression)) {
      try {
        const series = evaluate(
          q.Expression,
          id => computed.get(id)?.series,
          allTimestamps(),
        );
        computed.set(q.Id, {
          series,
          label: q.Label ?? q.Id,
          status: 'Complete',
        });
      } catch (error) {
        if (error instanceof ExpressionError) {
          throw new AwsError(400, 'ValidationError', error.message);
        }
        throw error;
      }
    }

    const returned = queries.filter(q => q.ReturnData !== false);
    const all = returned.map(q => {
      const c = computed.get(q.Id)!;
      const points = [...c.series.entries()].sort((a, b) => a[0] - b[0]);
      if (input.ScanBy === 'TimestampDescending' || input.ScanBy === undefined)
        points.reverse();
      return { q, c, points };
    });

    // Paging: the token is the offset into the flattened datapoints.
    let offset = 0;
    if (input.NextToken) {
      const decoded = Number(
        Buffer.from(String(input.NextToken), 'base64').toString('utf8'),
      );
      if (!Number.isInteger(decoded) || decoded < 0) {
        throw new AwsError(400, 'InvalidNextToken', 'The NextToken is invalid');
      }
      offset = decoded;
    }
    const total = all.reduce((n, a) => n + a.points.length, 0);
    const limit = Math.max(1, maxDatapoints);
    const pageEnd = Math.min(total, offset + limit);
    const results: any[] = [];
    let qStart = 0;
    for (const { q, c, points } of all) {
      const qEnd = qStart + points.length;
      const from = Math.max(offset, qStart);
      const to = Math.min(pageEnd, qEnd);
      const intersects = to > from;
      // A query without datapoints is answered once, on the first page.
      if (intersects || (points.length === 0 && offset === 0)) {
        const slice = intersects
          ? points.slice(from - qStart, to - qStart)
          : [];
        results.push({
          Id: q.Id,
          Label: c.label,
          Timestamps: slice.map(p => p[0] / 1000),
          Values: slice.map(p => p[1]),
          StatusCode: qEnd > pageEnd ? 'PartialData' : c.status,
          ...(c.messages ? { Messages: c.messages } : {}),
        });
      }
      qStart = qEnd;
    }
    stats.datapointsReturned += pageEnd - offset;
    return {
      MetricDataResults: results,
      Messages: [],
      ...(pageEnd < total
        ? { NextToken: Buffer.from(String(pageEnd)).toString('base64') }
        : {}),
    };
  }

  function metricStat(q: any, start: number, end: number) {
    const stat = q.MetricStat;
    const metric = stat.Metric ?? {};
    const key: MetricKey = {
      namespace: metric.Namespace,
      metricName: metric.MetricName,
      dimensions: Object.fromEntries(
        (metric.Dimensions ?? []).map((d: any) => [d.Name, d.Value]),
      ),
    };
    const period: number = stat.Period;
    const series: Series = new Map();
    const definition = options.store.find(key);
    if (!definition) return { series, status: 'Complete' };
    const periodMs = period * 1000;
    // Buckets start at StartTime as CloudWatch rounds it (by its age: to
    // the minute, 5 minutes or hour), not at multiples of the period.
    const alignedStart = roundStartTime(start, period);
    for (
      let t = alignedStart;
      t + periodMs <= end + 1 && t < end;
      t += periodMs
    ) {
      if (!retained(t, period)) continue;
      const value = definition.generate(t, period, stat.Stat);
      if (value !== undefined && Number.isFinite(value)) series.set(t, value);
    }
    return { series, status: 'Complete' };
  }

  /** GetMetricData's rounding of StartTime, as AWS documents it. */
  function roundStartTime(start: number, period: number): number {
    const age = now() - start;
    let unit = 60_000;
    if (period < 60) unit = period * 1000;
    else if (age > 63 * DAY) unit = 3_600_000;
    else if (age > 15 * DAY) unit = 300_000;
    return Math.floor(start / unit) * unit;
  }

  /** CloudWatch keeps 60 s data 15 days, 300 s data 63 days, hourly data 455 days. */
  function retained(t: number, period: number): boolean {
    const age = now() - t;
    if (age > 455 * DAY) return false;
    if (age > 63 * DAY) return period % 3600 === 0;
    if (age > 15 * DAY) return period % 300 === 0;
    if (age > 3 * 3600_000) return period >= 60;
    return true;
  }

  function listMetrics(input: any) {
    const wanted = (input.Dimensions ?? []) as {
      Name: string;
      Value?: string;
    }[];
    const metrics = options.store
      .list()
      .map(s => s.key)
      .filter(
        k =>
          (!input.Namespace || k.namespace === input.Namespace) &&
          (!input.MetricName || k.metricName === input.MetricName) &&
          wanted.every(d =>
            d.Value === undefined
              ? d.Name in k.dimensions
              : k.dimensions[d.Name] === d.Value,
          ),
      );
    const offset = input.NextToken
      ? Number(Buffer.from(input.NextToken, 'base64').toString())
      : 0;
    const page = metrics.slice(offset, offset + 500);
    return {
      Metrics: page.map(k => ({
        Namespace: k.namespace,
        MetricName: k.metricName,
        Dimensions: Object.entries(k.dimensions).map(([Name, Value]) => ({
          Name,
          Value,
        })),
      })),
      ...(offset + 500 < metrics.length
        ? { NextToken: Buffer.from(String(offset + 500)).toString('base64') }
        : {}),
    };
  }

  function describeAlarms(input: any) {
    const max = Math.min(Math.max(Number(input.MaxRecords ?? 50), 1), 100);
    const names: string[] | undefined = input.AlarmNames;
    const alarms = options.store.alarms.filter(
      a =>
        (!input.AlarmNamePrefix || a.name.startsWith(input.AlarmNamePrefix)) &&
        (!names || names.includes(a.name)) &&
        (!input.StateValue || a.state === input.StateValue),
    );
    const offset = input.NextToken
      ? Number(Buffer.from(input.NextToken, 'base64').toString())
      : 0;
    const page = alarms.slice(offset, offset + max);
    return {
      MetricAlarms: page.map(toMetricAlarm),
      CompositeAlarms: [],
      ...(offset + max < alarms.length
        ? { NextToken: Buffer.from(String(offset + max)).toString('base64') }
        : {}),
    };
  }

  function listTagsForResource(input: any) {
    const arn = String(input.ResourceARN ?? '');
    const alarm = options.store.alarms.find(a => alarmArn(a.name) === arn);
    if (!alarm) {
      throw new AwsError(
        400,
        'ResourceNotFoundException',
        `No alarm with ARN ${arn}`,
      );
    }
    return {
      Tags: Object.entries(alarm.tags ?? {}).map(([Key, Value]) => ({
        Key,
        Value,
      })),
    };
  }

  /**
   * DescribeAlarmHistory as CloudWatch answers it: StateUpdate items of
   * metric alarms (the fake keeps no configuration or action history),
   * within the last 30 days, StartDate and EndDate inclusive, newest first
   * unless ScanBy says otherwise, MaxRecords (1 to 100, default 100) a page.
   */
  function describeAlarmHistory(input: any) {
    const max = input.MaxRecords ?? 100;
    if (!Number.isInteger(max) || max < 1 || max > 100) {
      throw new AwsError(
        400,
        'ValidationError',
        `1 validation error detected: Value '${max}' at 'maxRecords' failed to satisfy constraint: Member must have value ${
          max < 1 ? 'greater than or equal to 1' : 'less than or equal to 100'
        }`,
      );
    }
    const type = input.HistoryItemType;
    if (type !== undefined && !HISTORY_ITEM_TYPES.includes(type)) {
      throw new AwsError(
        400,
        'ValidationError',
        `1 validation error detected: Value '${type}' at 'historyItemType' failed to satisfy constraint: Member must satisfy enum value set: [${HISTORY_ITEM_TYPES.join(
          ', ',
        )}]`,
      );
    }
    const scanBy = input.ScanBy ?? 'TimestampDescending';
    if (!['TimestampDescending', 'TimestampAscending'].includes(scanBy)) {
      throw new AwsError(
        400,
        'ValidationError',
        `1 validation error detected: Value '${scanBy}' at 'scanBy' failed to satisfy constraint: Member must satisfy enum value set: [TimestampDescending, TimestampAscending]`,
      );
    }
    const types = input.AlarmTypes;
    if (
      types !== undefined &&
      (!Array.isArray(types) ||
        types.some(t => t !== 'MetricAlarm' && t !== 'CompositeAlarm'))
    ) {
      throw new AwsError(
        400,
        'ValidationError',
        'AlarmTypes must be MetricAlarm or CompositeAlarm',
      );
    }
    const name = input.AlarmName;
    if (
      name !== undefined &&
      (typeof name !== 'string' || name.length < 1 || name.length > 255)
    ) {
      throw new AwsError(
        400,
        'ValidationError',
        'The parameter AlarmName must have a length between 1 and 255.',
      );
    }
    const start =
      input.StartDate === undefined
        ? -Infinity
        : toMs(input.StartDate, 'StartDate');
    const end =
      input.EndDate === undefined ? Infinity : toMs(input.EndDate, 'EndDate');
    if (start > end) {
      throw new AwsError(
        400,
        'ValidationError',
        'The parameter StartDate must be less than or equal to the parameter EndDate.',
      );
    }
    const from = Math.max(start, now() - HISTORY_RETENTION_MS);
    const to = Math.min(end, now());
    const wanted =
      (type === undefined || type === 'StateUpdate') &&
      (types === undefined || types.includes('MetricAlarm'));
    let items: HistoryItem[] = [];
    if (wanted && name !== undefined) {
      const alarm = options.store.alarms.find(a => a.name === name);
      items = historyItems(alarm ? [alarm] : []);
    } else if (wanted) {
      items = regionHistory();
    }
    // The window [lo, hi) of the items in time order.
    let lo = firstIndex(items, item => item.t >= from);
    let hi = firstIndex(items, item => item.t > to);

    // The token is the last item served: the next page starts after it,
    // whatever the 30 days have slid by meanwhile.
    if (input.NextToken !== undefined) {
      const cursor = decodeCursor(input.NextToken);
      if (scanBy === 'TimestampAscending') {
        lo = Math.max(
          lo,
          firstIndex(items, i => compareItems(i, cursor) > 0),
        );
      } else {
        hi = Math.min(
          hi,
          firstIndex(items, i => compareItems(i, cursor) >= 0),
        );
      }
    }
    let page: HistoryItem[];
    let more: boolean;
    if (scanBy === 'TimestampAscending') {
      page = items.slice(lo, Math.min(hi, lo + max));
      more = lo + max < hi;
    } else {
      page = items.slice(Math.max(lo, hi - max), hi).reverse();
      more = hi - max > lo;
    }
    const last = page[page.length - 1];
    return {
      AlarmHistoryItems: page.map(({ alarm, entry, t }) => ({
        AlarmName: alarm,
        AlarmType: 'MetricAlarm',
        Timestamp: t / 1000,
        HistoryItemType: 'StateUpdate',
        HistorySummary: `Alarm updated from ${entry.from} to ${entry.to}`,
        HistoryData: entry.historyData ?? historyData(entry),
      })),
      ...(more && last
        ? {
            NextToken: Buffer.from(
              JSON.stringify({ t: last.t, a: last.alarm, i: last.index }),
            ).toString('base64'),
          }
        : {}),
    };
  }

  /**
   * Every alarm's history in time order, kept until the store's alarms or
   * their histories change length (a region scan asks for it once a page).
   */
  let regionCache: { signature: string; items: HistoryItem[] } | undefined;
  function regionHistory(): HistoryItem[] {
    const alarms = options.store.alarms;
    let entries = 0;
    for (const alarm of alarms) entries += alarm.history?.length ?? 0;
    const signature = `${alarms.length}:${entries}`;
    if (regionCache?.signature !== signature) {
      regionCache = { signature, items: historyItems(alarms) };
    }
    return regionCache.items;
  }

  const xray = createFakeXRay({ now, graph: options.xrayGraph });

  const handler = async (req: RecordedRequest, res: http.ServerResponse) => {
    // X-Ray (REST-JSON) shares the port: its requests name their operation by path.
    if (await xray.handle(req, res)) return;
    if (req.method === 'GET' && req.url === '/__stats') {
      sendJson(res, 200, stats);
      return;
    }
    // CloudWatch Logs (AWS JSON 1.1) shares the port, told by its target.
    if (
      String(req.headers['x-amz-target'] ?? '').startsWith(LOGS_TARGET_PREFIX)
    ) {
      await logs.handle(req, res, faults.shift());
      return;
    }
    try {
      const fault = faults.shift();
      if (fault) {
        const asked = String(req.headers['x-amz-target'] ?? '');
        await applyFault(
          fault,
          asked.startsWith(TARGET_PREFIX)
            ? asked.slice(TARGET_PREFIX.length)
            : '',
        );
      }
      if (req.method !== 'POST') {
        throw new AwsError(
          404,
          'UnknownOperationException',
          'Only POST / is served',
        );
      }
      const target = String(req.headers['x-amz-target'] ?? '');
      if (!target.startsWith(TARGET_PREFIX)) {
        throw new AwsError(
          400,
          'UnknownOperationException',
          `Unknown target ${target}`,
        );
      }
      if (
        !String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256')
      ) {
        throw new AwsError(
          400,
          'MissingAuthenticationToken',
          'Request is missing a SigV4 signature',
        );
      }
      let input: any;
      try {
        input = req.body ? JSON.parse(req.body) : {};
      } catch {
        throw new AwsError(400, 'SerializationException', 'Body is not JSON');
      }
      const op = target.slice(TARGET_PREFIX.length);
      let output: unknown;
      switch (op) {
        case 'GetMetricData':
          stats.getMetricDataCalls += 1;
          output = getMetricData(input);
          break;
        case 'ListMetrics':
          stats.listMetricsCalls += 1;
          output = listMetrics(input);
          break;
        case 'DescribeAlarms':
          stats.describeAlarmsCalls += 1;
          output = describeAlarms(input);
          break;
        case 'ListTagsForResource':
          stats.listTagsForResourceCalls += 1;
          output = listTagsForResource(input);
          break;
        case 'DescribeAlarmHistory':
          stats.describeAlarmHistoryCalls += 1;
          output = describeAlarmHistory(input);
          break;
        default:
          throw new AwsError(
            400,
            'UnknownOperationException',
            `The fake does not serve ${op}`,
          );
      }
      sendJson(res, 200, output, {}, CONTENT_TYPE);
    } catch (error) {
      const e =
        error instanceof AwsError
          ? error
          : new AwsError(500, 'InternalServiceError', String(error));
      sendJson(
        res,
        e.status,
        { __type: e.code, message: e.message },
        {
          'x-amzn-query-error': `${e.code};${
            e.status >= 500 ? 'Receiver' : 'Sender'
          }`,
        },
        CONTENT_TYPE,
      );
    }
  };

  const server = await serve(handler, options);
  return Object.assign(server, {
    store: options.store,
    faults,
    stats,
    xray,
    logs,
  });
}

function toMetricAlarm(a: AlarmDefinition) {
  return {
    AlarmName: a.name,
    AlarmArn: alarmArn(a.name),
    AlarmDescription: a.description,
    StateValue: a.state,
    StateReason: a.stateReason,
    StateUpdatedTimestamp: a.stateUpdatedAt.getTime() / 1000,
    StateTransitionedTimestamp: a.stateUpdatedAt.getTime() / 1000,
    MetricName: a.metric.metricName,
    Namespace: a.metric.namespace,
    Dimensions: Object.entries(a.metric.dimensions).map(([Name, Value]) => ({
      Name,
      Value,
    })),
    // CloudWatch answers a percentile as ExtendedStatistic, not Statistic.
    ...(STATISTICS.includes(a.statistic ?? 'Average')
      ? { Statistic: a.statistic ?? 'Average' }
      : { ExtendedStatistic: a.statistic }),
    Period: a.period,
    EvaluationPeriods: a.evaluationPeriods,
    Threshold: a.threshold,
    ComparisonOperator: a.comparisonOperator,
    ActionsEnabled: a.actionsEnabled ?? true,
    AlarmActions: a.actions?.alarm ?? [],
    OKActions: a.actions?.ok ?? [],
    InsufficientDataActions: a.actions?.insufficientData ?? [],
  };
}

/** One history entry of one alarm, where DescribeAlarmHistory finds it. */
interface HistoryItem {
  alarm: string;
  /** Position in the alarm's history. */
  index: number;
  entry: AlarmHistoryEntry;
  t: number;
}

/** Time order, then alarm name, then position: a total order, so cursors are exact. */
function compareItems(
  a: Pick<HistoryItem, 't' | 'alarm' | 'index'>,
  b: Pick<HistoryItem, 't' | 'alarm' | 'index'>,
): number {
  if (a.t !== b.t) return a.t - b.t;
  if (a.alarm !== b.alarm) return a.alarm < b.alarm ? -1 : 1;
  return a.index - b.index;
}

function historyItems(alarms: AlarmDefinition[]): HistoryItem[] {
  const items: HistoryItem[] = [];
  for (const alarm of alarms) {
    (alarm.history ?? []).forEach((entry, index) =>
      items.push({ alarm: alarm.name, index, entry, t: entry.at.getTime() }),
    );
  }
  return items.sort(compareItems);
}

/** The first index whose item passes `test`, for a test false then true along the array. */
function firstIndex<T>(items: T[], test: (item: T) => boolean): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (test(items[mid])) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function decodeCursor(
  token: unknown,
): Pick<HistoryItem, 't' | 'alarm' | 'index'> {
  try {
    const c = JSON.parse(Buffer.from(String(token), 'base64').toString('utf8'));
    if (
      typeof c?.t === 'number' &&
      typeof c.a === 'string' &&
      Number.isInteger(c.i)
    ) {
      return { t: c.t, alarm: c.a, index: c.i };
    }
  } catch {
    // Not a token the fake gave.
  }
  throw new AwsError(400, 'InvalidNextToken', 'The NextToken is invalid');
}

/** StateUpdate's HistoryData, the JSON document CloudWatch writes. */
function historyData(entry: AlarmHistoryEntry): string {
  const reason = (state: string) => {
    if (state === 'ALARM') {
      return 'Threshold Crossed: 3 out of the last 3 datapoints were beyond the threshold.';
    }
    if (state === 'OK') {
      return 'Threshold Crossed: 3 out of the last 3 datapoints were within the threshold.';
    }
    return 'Insufficient Data: 3 datapoints were unknown.';
  };
  return JSON.stringify({
    version: '1.0',
    oldState: { stateValue: entry.from, stateReason: reason(entry.from) },
    newState: {
      stateValue: entry.to,
      stateReason: entry.reason ?? reason(entry.to),
    },
  });
}

function alarmArn(name: string): string {
  return `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${name}`;
}

function validPeriod(period: unknown): boolean {
  return (
    typeof period === 'number' &&
    Number.isInteger(period) &&
    ([1, 5, 10, 30].includes(period) || (period >= 60 && period % 60 === 0))
  );
}

function toMs(value: unknown, field: string): number {
  if (typeof value === 'number') return value * 1000;
  if (typeof value === 'string') {
    const t = Date.parse(value);
    if (!Number.isNaN(t)) return t;
  }
  throw new AwsError(400, 'ValidationError', `${field} is required`);
}
