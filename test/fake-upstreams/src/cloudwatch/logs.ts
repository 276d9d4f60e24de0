import http from 'node:http';
import { RecordedRequest, sendJson } from '../http';
import { hash, unit } from '../random';

/**
 * A fake CloudWatch Logs on the fake CloudWatch's port, speaking AWS JSON
 * 1.1 as the AWS SDK v3 does: `POST /` with `X-Amz-Target:
 * Logs_20140328.<Op>` and `Content-Type: application/x-amz-json-1.1`.
 *
 * - DescribeLogGroups: `logGroupNamePrefix` or `logGroupNamePattern`,
 *   `limit` (1 to 50, default 50), `nextToken`; names in order.
 * - StartQuery / GetQueryResults / StopQuery: Logs Insights queries over
 *   generated structured JSON log events, scanned in the background an
 *   hour at a time (StartQuery answers at once). A query answers `Running`
 *   until it is scanned and to its first GetQueryResults
 *   (`pollsUntilComplete`), `Complete` after, with statistics (records
 *   scanned and matched, bytes scanned). At most 30
 *   queries run at once (LimitExceededException), as the account quota.
 *
 * Events are made on demand from the clock (the same minute always gives
 * the same events) for the log groups given, or those of the example
 * platform: a few per second per service, JSON with `level`, `message`,
 * `service`, `traceId`, mostly INFO with some WARN and ERROR and a few
 * recurring error messages that carry ids and numbers.
 *
 * The query language is the subset the ops portal sends (docs/observability.md):
 *
 *   fields <expr> [as <name>], ...        expr: field, @field, toupper(x), tolower(x)
 *   filter <cond> [and <cond>]...         cond: x = "v", x != "v", x in ["v", ...], x like "text"
 *   stats <agg> [as <name>], ... [by <field or bin(<n><s|m|h|d>)>, ...]
 *                                         agg: count(*), count(x), max(x), min(x)
 *   sort <field> [asc|desc]
 *   limit <n>
 *
 * Anything else is refused with MalformedQueryException, as Logs Insights
 * refuses a query it cannot compile (its `queryCompileError` with the
 * offsets of the part at fault).
 */

export const LOGS_TARGET_PREFIX = 'Logs_20140328.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';
const MINUTE = 60_000;
const DAY = 86_400_000;
const MAX_CONCURRENT_QUERIES = 30;
/** Logs Insights gives up on a query after 60 minutes. */
const QUERY_TIMEOUT_MS = 60 * MINUTE;
/** Finished queries are kept this long for GetQueryResults. */
const KEEP_FINISHED_MS = 10 * MINUTE;

/** A log group of the fake and how its events are made. */
export interface FakeLogGroup {
  name: string;
  /** Service name written into each event. */
  service: string;
  /** Days kept; absent: never expire. */
  retentionDays?: number;
  /** Events a minute on average. */
  eventsPerMinute: number;
  /** Shares of ERROR and WARN events (the rest is INFO). */
  errorShare: number;
  warnShare: number;
  /** Message templates; `{id}`, `{uuid}`, `{n}`, `{ms}` are filled per event. */
  errors: string[];
  warnings: string[];
  infos: string[];
  /** Days since the group was created (default 400). */
  ageDays?: number;
}

/** Counters of the fake Logs service. */
export interface CloudWatchLogsStats {
  describeLogGroupsCalls: number;
  startQueryCalls: number;
  getQueryResultsCalls: number;
  stopQueryCalls: number;
  /** Bytes scanned by every query started (what Logs Insights bills). */
  bytesScanned: number;
}

export interface FakeCloudWatchLogsOptions {
  /** The fake's clock. */
  now: () => number;
  /** Default: the example platform's groups ({@link platformLogGroups}). */
  groups?: FakeLogGroup[];
  /** GetQueryResults calls answered `Running` before `Complete` (default 1). */
  pollsUntilComplete?: number;
}

/** The Logs side of the fake CloudWatch. */
export interface FakeCloudWatchLogs {
  groups: FakeLogGroup[];
  stats: CloudWatchLogsStats;
  /** GetQueryResults calls answered `Running` first; tests change it. */
  pollsUntilComplete: number;
  /** The events of a group in [start, end) (epoch ms), for tests to count. */
  events(group: string, start: number, end: number): FakeLogEvent[];
  /** Answers one Logs request (its target starts with {@link LOGS_TARGET_PREFIX}). */
  handle(
    req: RecordedRequest,
    res: http.ServerResponse,
    fault?: LogsFault,
  ): Promise<void>;
}

/** A fault the fake CloudWatch queued, as the Logs side meets it. */
export type LogsFault =
  | { kind: 'throttle' }
  | { kind: 'expired-token' }
  | { kind: 'access-denied' }
  | { kind: 'internal-error' }
  | { kind: 'delay'; ms: number };

/** One generated log event. */
export interface FakeLogEvent {
  timestamp: number;
  level: string;
  message: string;
  /** The raw event as CloudWatch stores it (JSON). */
  raw: string;
  /** The JSON document's fields, as Logs Insights discovers them. */
  fields: Record<string, string>;
  logStream: string;
}

class LogsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const COMMON_INFOS = [
  'GET /health 200 {ms}ms',
  'Request completed in {ms} ms',
  'Cache refreshed ({n} entries)',
];

/** The example platform's log groups (examples/services). */
export function platformLogGroups(): FakeLogGroup[] {
  return [
    {
      name: '/ecommerce/prod/order-service',
      service: 'order-service',
      retentionDays: 30,
      eventsPerMinute: 24,
      errorShare: 0.03,
      warnShare: 0.06,
      errors: [
        'Payment authorization failed for order {id}: upstream timeout after {ms} ms',
        'Payment authorization failed for order {id}: upstream timeout after {ms} ms',
        'Inventory reservation failed for order {id}: sku {n} out of stock',
        'Failed to publish OrderCreated event {uuid} to order-events: ThrottlingException',
        'Database connection pool exhausted (active={n}, max=50)',
      ],
      warnings: [
        'Slow query on orders-db: {ms} ms',
        'Retrying call to payment-service (attempt {n} of 3)',
      ],
      infos: ['Order {id} created', 'Order {id} paid', ...COMMON_INFOS],
    },
    {
      name: '/ecommerce/prod/payment-service',
      service: 'payment-service',
      // Never expires: longer than the policy (a finding on the card).
      eventsPerMinute: 16,
      errorShare: 0.006,
      warnShare: 0.02,
      errors: [
        'Card processor declined request {uuid}: HTTP 502 from gateway',
        'Idempotency key {uuid} reused with a different amount',
      ],
      warnings: ['3-D Secure challenge took {ms} ms for payment {id}'],
      infos: ['Payment {id} captured', ...COMMON_INFOS],
    },
    {
      name: '/ecommerce/prod/payment-gateway',
      service: 'payment-gateway',
      retentionDays: 30,
      eventsPerMinute: 8,
      errorShare: 0.004,
      warnShare: 0.015,
      errors: ['TLS handshake with acquirer failed after {ms} ms'],
      warnings: ['Acquirer latency {ms} ms above 800 ms'],
      infos: ['Authorization {id} forwarded', ...COMMON_INFOS],
    },
    {
      name: '/ecommerce/prod/product-service',
      service: 'product-service',
      retentionDays: 30,
      eventsPerMinute: 30,
      errorShare: 0.002,
      warnShare: 0.01,
      errors: ['Product {id} not found in catalog index shard {n}'],
      warnings: ['Cache miss ratio {n}% above 10% on product-cache'],
      infos: ['GET /api/products/{id} 200 {ms}ms', ...COMMON_INFOS],
    },
    {
      name: '/ecommerce/prod/search-service',
      service: 'search-service',
      // Shorter than the policy (a finding on the card).
      retentionDays: 7,
      eventsPerMinute: 20,
      errorShare: 0.008,
      warnShare: 0.03,
      errors: [
        'OpenSearch query timed out after {ms} ms on index products-{n}',
        'Circuit breaker open for search-cluster ({n} failures in 60 s)',
      ],
      warnings: ['CPU throttled: {n}% of the period'],
      infos: ['Search for {n} terms answered {n} hits', ...COMMON_INFOS],
    },
  ];
}

/** A small seeded generator (mulberry32): numbers in [0, 1), the same for the same seed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hex(random: () => number, digits: number): string {
  let out = '';
  while (out.length < digits) {
    out += Math.floor(random() * 0x10000)
      .toString(16)
      .padStart(4, '0');
  }
  return out.slice(0, digits);
}

function fill(template: string, random: () => number): string {
  return template.replace(/\{(id|uuid|n|ms)\}/g, (_m, kind: string) => {
    switch (kind) {
      case 'id':
        return `ord-${100000 + Math.floor(random() * 900000)}`;
      case 'uuid':
        return `${hex(random, 8)}-${hex(random, 4)}-4${hex(random, 3)}-a${hex(
          random,
          3,
        )}-${hex(random, 12)}`;
      case 'ms':
        return String(200 + Math.floor(random() * 4800));
      default:
        return String(1 + Math.floor(random() * 49));
    }
  });
}

/** The events of one group in one minute, oldest first. */
function minuteEvents(group: FakeLogGroup, minute: number): FakeLogEvent[] {
  const random = seeded(hash(`${group.name}@${minute}`));
  // Busier in the (UTC) day, quieter at night; a burst of errors now and then.
  const hour = new Date(minute).getUTCHours();
  const daily = 0.6 + 0.4 * Math.sin(((hour - 6) / 24) * 2 * Math.PI);
  const count = Math.max(
    0,
    Math.round(group.eventsPerMinute * daily * (0.7 + 0.6 * random())),
  );
  const burst =
    unit(`${group.name}@burst@${Math.floor(minute / (20 * MINUTE))}`) < 0.1;
  const errorShare = burst ? group.errorShare * 5 : group.errorShare;
  const pods = [0, 1, 2].map(
    i =>
      `${group.service}/${group.service}/${(
        hash(`${group.name}#pod${i}`) % 0xffffff
      ).toString(16)}`,
  );
  const events: FakeLogEvent[] = [];
  for (let i = 0; i < count; i++) {
    const r = random();
    let level = 'INFO';
    let templates = group.infos;
    if (r < errorShare) {
      level = 'ERROR';
      templates = group.errors;
    } else if (r < errorShare + group.warnShare) {
      level = 'WARN';
      templates = group.warnings;
    }
    const template = templates[Math.floor(random() * templates.length)] ?? 'ok';
    const message = fill(template, random);
    const timestamp =
      minute + Math.floor((i + random()) * (MINUTE / Math.max(count, 1)));
    const fields: Record<string, string> = {
      timestamp: new Date(timestamp).toISOString(),
      level,
      service: group.service,
      message,
      traceId: `1-${Math.floor(timestamp / 1000).toString(16)}-${hex(
        random,
        24,
      )}`,
    };
    const raw = JSON.stringify(fields);
    events.push({
      timestamp,
      level,
      message,
      raw,
      fields,
      logStream: pods[i % 3],
    });
  }
  return events;
}

function groupEvents(
  group: FakeLogGroup,
  start: number,
  end: number,
  now: number,
): FakeLogEvent[] {
  const kept =
    group.retentionDays === undefined
      ? -Infinity
      : now - group.retentionDays * DAY;
  const created = now - (group.ageDays ?? 400) * DAY;
  const from = Math.max(start, kept, created);
  const to = Math.min(end, now);
  const events: FakeLogEvent[] = [];
  for (let m = Math.floor(from / MINUTE) * MINUTE; m < to; m += MINUTE) {
    for (const event of minuteEvents(group, m)) {
      if (event.timestamp >= from && event.timestamp < to) events.push(event);
    }
  }
  return events;
}

// ---------------------------------------------------------------------------
// The query language subset.

type Row = Record<string, unknown>;

interface Expr {
  fn?: 'toupper' | 'tolower';
  field: string;
}

type Cond =
  | { op: '=' | '!=' | 'like'; left: string; value: string }
  | { op: 'in'; left: string; values: string[] };

type Command =
  | { kind: 'fields'; items: { expr: Expr; as: string }[] }
  | { kind: 'filter'; conds: Cond[] }
  | {
      kind: 'stats';
      aggs: { fn: 'count' | 'max' | 'min'; field: string; as: string }[];
      by: { field: string; binMs?: number; as: string }[];
    }
  | { kind: 'sort'; field: string; desc: boolean }
  | { kind: 'limit'; n: number };

class Malformed extends Error {
  constructor(message: string, readonly start: number, readonly end: number) {
    super(message);
  }
}

const FIELD = String.raw`@?[A-Za-z_][A-Za-z0-9_.]*`;
const STRING = String.raw`"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'`;

function unquote(match: RegExpExecArray, at: number): string {
  return (match[at] ?? match[at + 1] ?? '').replace(/\\(.)/g, '$1');
}

/** Splits at `|` outside quotes; each part with its offset. */
function splitCommands(query: string): { text: string; offset: number }[] {
  const parts: { text: string; offset: number }[] = [];
  let quote = '';
  let start = 0;
  for (let i = 0; i < query.length; i++) {
    const c = query[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '|') {
      parts.push({ text: query.slice(start, i), offset: start });
      start = i + 1;
    }
  }
  parts.push({ text: query.slice(start), offset: start });
  return parts;
}

/** Splits at commas outside quotes, brackets and parentheses. */
function splitList(text: string): { text: string; offset: number }[] {
  const parts: { text: string; offset: number }[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      parts.push({ text: text.slice(start, i), offset: start });
      start = i + 1;
    }
  }
  parts.push({ text: text.slice(start), offset: start });
  return parts;
}

const BIN_UNITS: Record<string, number> = {
  s: 1000,
  m: MINUTE,
  h: 3_600_000,
  d: DAY,
};

export function parseQuery(query: string): Command[] {
  const commands: Command[] = [];
  for (const part of splitCommands(query)) {
    const lead = part.text.length - part.text.trimStart().length;
    const text = part.text.trim();
    const at = part.offset + lead;
    const fail = (what: string): never => {
      throw new Malformed(what, at, at + text.length);
    };
    const word = /^[a-z]+/i.exec(text)?.[0]?.toLowerCase() ?? '';
    const rest = text.slice(word.length).trim();
    const restAt = at + text.indexOf(rest, word.length);
    if (word === 'fields' || word === 'display') {
      commands.push({
        kind: 'fields',
        items: splitList(rest).map(item => {
          const m = new RegExp(
            `^\\s*(?:(toupper|tolower)\\(\\s*(${FIELD})\\s*\\)|(${FIELD}))\\s*(?:as\\s+(${FIELD}))?\\s*$`,
            'i',
          ).exec(item.text);
          if (!m) {
            throw new Malformed(
              `unexpected symbol in fields: ${item.text.trim()}`,
              restAt + item.offset,
              restAt + item.offset + item.text.length,
            );
          }
          const expr: Expr = m[1]
            ? { fn: m[1].toLowerCase() as Expr['fn'], field: m[2] }
            : { field: m[3] };
          return {
            expr,
            as: m[4] ?? (m[1] ? `${m[1].toLowerCase()}(${m[2]})` : m[3]),
          };
        }),
      });
    } else if (word === 'filter') {
      const conds: Cond[] = [];
      for (const piece of rest.split(/\s+and\s+/i)) {
        const inMatch = new RegExp(
          `^\\s*(${FIELD})\\s+in\\s*\\[(.*)\\]\\s*$`,
          'i',
        ).exec(piece);
        if (inMatch) {
          const values: string[] = [];
          for (const v of splitList(inMatch[2])) {
            const m = new RegExp(`^\\s*(?:${STRING})\\s*$`).exec(v.text);
            if (!m) fail(`unexpected value in list: ${v.text.trim()}`);
            values.push(unquote(m!, 1));
          }
          conds.push({ op: 'in', left: inMatch[1], values });
          continue;
        }
        const cmp = new RegExp(
          `^\\s*(${FIELD})\\s*(=|!=|like)\\s*(?:${STRING})\\s*$`,
          'i',
        ).exec(piece);
        if (!cmp) fail(`unsupported filter: ${piece.trim()}`);
        conds.push({
          op: cmp![2].toLowerCase() as '=' | '!=' | 'like',
          left: cmp![1],
          value: unquote(cmp!, 3),
        });
      }
      commands.push({ kind: 'filter', conds });
    } else if (word === 'stats') {
      const byAt = rest.search(/\s+by\s+/i);
      const aggText = byAt >= 0 ? rest.slice(0, byAt) : rest;
      const byText =
        byAt >= 0 ? rest.slice(byAt).replace(/^\s+by\s+/i, '') : '';
      const aggs = splitList(aggText).map(item => {
        const m = new RegExp(
          `^\\s*(count|max|min)\\(\\s*(\\*|${FIELD})?\\s*\\)\\s*(?:as\\s+(${FIELD}))?\\s*$`,
          'i',
        ).exec(item.text);
        if (!m) fail(`unsupported aggregation: ${item.text.trim()}`);
        const fn = m![1].toLowerCase() as 'count' | 'max' | 'min';
        if (fn !== 'count' && (!m![2] || m![2] === '*')) {
          fail(`${fn} needs a field`);
        }
        return {
          fn,
          field: m![2] ?? '*',
          as: m![3] ?? `${fn}(${m![2] ?? ''})`,
        };
      });
      const by = byText
        ? splitList(byText).map(item => {
            const t = item.text.trim();
            const bin =
              /^bin\(\s*(\d+)\s*([smhd])\s*\)(?:\s+as\s+(\S+))?$/i.exec(t);
            if (bin) {
              return {
                field: '@timestamp',
                binMs: Number(bin[1]) * BIN_UNITS[bin[2].toLowerCase()],
                as: bin[3] ?? `bin(${bin[1]}${bin[2]})`,
              };
            }
            if (!new RegExp(`^${FIELD}$`).test(t)) {
              fail(`unsupported group: ${t}`);
            }
            return { field: t, as: t };
          })
        : [];
      commands.push({ kind: 'stats', aggs, by });
    } else if (word === 'sort') {
      const m = new RegExp(`^(${FIELD})(?:\\s+(asc|desc))?$`, 'i').exec(rest);
      if (!m) fail(`unsupported sort: ${rest}`);
      commands.push({
        kind: 'sort',
        field: m![1],
        desc: (m![2] ?? 'asc').toLowerCase() === 'desc',
      });
    } else if (word === 'limit') {
      const n = Number(rest);
      if (!Number.isInteger(n) || n < 1 || n > 10_000) {
        fail('limit must be an integer from 1 to 10000');
      }
      commands.push({ kind: 'limit', n });
    } else {
      fail(
        text
          ? `unsupported command "${
              word || text
            }" (the fake knows fields, filter, stats, sort and limit)`
          : 'empty command',
      );
    }
  }
  return commands;
}

/** Logs Insights' timestamp format: `2026-12-05 19:59:01.123` (UTC). */
function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

function eventRow(event: FakeLogEvent, group: string): Row {
  return {
    ...event.fields,
    '@timestamp': event.timestamp,
    '@message': event.raw,
    '@logStream': event.logStream,
    '@log': `123456789012:${group}`,
  };
}

function valueOf(row: Row, expr: Expr): unknown {
  const v = row[expr.field];
  if (typeof v !== 'string' || !expr.fn) return v;
  return expr.fn === 'toupper' ? v.toUpperCase() : v.toLowerCase();
}

function matches(row: Row, cond: Cond): boolean {
  const v = row[cond.left];
  const text = v === undefined || v === null ? undefined : String(v);
  switch (cond.op) {
    case '=':
      return text === cond.value;
    case '!=':
      return text !== cond.value;
    case 'like':
      return text !== undefined && text.includes(cond.value);
    default:
      return text !== undefined && cond.values.includes(text);
  }
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const na = Number(a);
  const nb = Number(b);
  if (a !== '' && b !== '' && Number.isFinite(na) && Number.isFinite(nb)) {
    return na - nb;
  }
  return String(a ?? '').localeCompare(String(b ?? ''));
}

/** Runs parsed commands over rows; answers the rows and how many matched. */
export function runQuery(
  commands: Command[],
  rows: Row[],
): { rows: Row[]; matched: number } {
  let current = rows;
  let stats = false;
  let matched = rows.length;
  for (const command of commands) {
    switch (command.kind) {
      case 'fields':
        current = current.map(row => {
          const next = { ...row };
          for (const item of command.items)
            next[item.as] = valueOf(row, item.expr);
          return next;
        });
        break;
      case 'filter':
        current = current.filter(row =>
          command.conds.every(c => matches(row, c)),
        );
        if (!stats) matched = current.length;
        break;
      case 'stats': {
        stats = true;
        const groups = new Map<string, { keys: Row; rows: Row[] }>();
        for (const row of current) {
          const keys: Row = {};
          for (const b of command.by) {
            const v = row[b.field];
            keys[b.as] =
              b.binMs !== undefined
                ? Math.floor(Number(v) / b.binMs) * b.binMs
                : v;
          }
          const key = JSON.stringify(command.by.map(b => keys[b.as]));
          const group = groups.get(key) ?? { keys, rows: [] };
          group.rows.push(row);
          groups.set(key, group);
        }
        current = [...groups.values()].map(({ keys, rows: members }) => {
          const out: Row = { ...keys };
          for (const agg of command.aggs) {
            if (agg.fn === 'count') {
              out[agg.as] =
                agg.field === '*'
                  ? members.length
                  : members.filter(r => r[agg.field] !== undefined).length;
            } else {
              const values = members
                .map(r => r[agg.field])
                .filter(v => v !== undefined);
              values.sort(compare);
              out[agg.as] =
                agg.fn === 'max' ? values[values.length - 1] : values[0];
            }
          }
          return out;
        });
        // Time bins and time aggregates read as timestamps.
        for (const b of command.by.filter(x => x.binMs !== undefined)) {
          for (const row of current) row[`\u0000time:${b.as}`] = true;
        }
        for (const agg of command.aggs.filter(a => a.field === '@timestamp')) {
          for (const row of current) row[`\u0000time:${agg.as}`] = true;
        }
        break;
      }
      case 'sort':
        current = [...current].sort((a, b) => {
          const c = compare(a[command.field], b[command.field]);
          return command.desc ? -c : c;
        });
        break;
      default:
        current = current.slice(0, command.n);
    }
  }
  return { rows: current, matched };
}

/** A result row as GetQueryResults answers it: field/value pairs, strings. */
function toResultFields(row: Row, commands: Command[], ptr: string) {
  const stats = commands.find(c => c.kind === 'stats') as
    | Extract<Command, { kind: 'stats' }>
    | undefined;
  const shown = commands.filter(c => c.kind === 'fields') as Extract<
    Command,
    { kind: 'fields' }
  >[];
  let names: string[];
  if (stats) {
    names = [...stats.by.map(b => b.as), ...stats.aggs.map(a => a.as)];
  } else if (shown.length > 0) {
    names = [...new Set(shown.flatMap(c => c.items.map(i => i.as)))];
  } else {
    names = ['@timestamp', '@message'];
  }
  const fields = names
    .filter(name => row[name] !== undefined && row[name] !== null)
    .map(name => {
      const v = row[name];
      const time = name === '@timestamp' || row[`\u0000time:${name}`];
      return {
        field: name,
        value: time && typeof v === 'number' ? formatTime(v) : String(v),
      };
    });
  return stats ? fields : [...fields, { field: '@ptr', value: ptr }];
}

// ---------------------------------------------------------------------------

interface RunningQuery {
  id: string;
  status: 'Running' | 'Complete' | 'Cancelled' | 'Failed' | 'Timeout';
  polls: number;
  /** True once the events are scanned and the query run. */
  ready: boolean;
  startedAt: number;
  finishedAt?: number;
  results: { field: string; value: string }[][];
  statistics: {
    recordsMatched: number;
    recordsScanned: number;
    bytesScanned: number;
  };
}

export function createFakeCloudWatchLogs(
  options: FakeCloudWatchLogsOptions,
): FakeCloudWatchLogs {
  const now = options.now;
  const groups = options.groups ?? platformLogGroups();
  const queries = new Map<string, RunningQuery>();
  let sequence = 0;
  const stats: CloudWatchLogsStats = {
    describeLogGroupsCalls: 0,
    startQueryCalls: 0,
    getQueryResultsCalls: 0,
    stopQueryCalls: 0,
    bytesScanned: 0,
  };
  const self: FakeCloudWatchLogs = {
    groups,
    stats,
    pollsUntilComplete: options.pollsUntilComplete ?? 1,
    events: (name, start, end) => {
      const group = groups.find(g => g.name === name);
      return group ? groupEvents(group, start, end, now()) : [];
    },
    handle,
  };

  function expire() {
    const t = now();
    for (const [id, q] of queries) {
      if (q.status === 'Running' && t - q.startedAt > QUERY_TIMEOUT_MS) {
        q.status = 'Timeout';
        q.finishedAt = t;
      }
      if (q.finishedAt !== undefined && t - q.finishedAt > KEEP_FINISHED_MS) {
        queries.delete(id);
      }
    }
  }

  function describeLogGroups(input: any) {
    const limit = input.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 50) {
      throw new LogsError(
        400,
        'InvalidParameterException',
        `1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value between 1 and 50`,
      );
    }
    if (input.logGroupNamePrefix && input.logGroupNamePattern) {
      throw new LogsError(
        400,
        'InvalidParameterException',
        'LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.',
      );
    }
    const prefix: string = input.logGroupNamePrefix ?? '';
    const pattern: string = input.logGroupNamePattern ?? '';
    const listed = groups
      .filter(g => g.name.startsWith(prefix) && g.name.includes(pattern))
      .sort((a, b) => Number(a.name > b.name) - Number(a.name < b.name));
    let from = 0;
    if (input.nextToken !== undefined) {
      const after = Buffer.from(String(input.nextToken), 'base64').toString(
        'utf8',
      );
      if (!after) {
        throw new LogsError(
          400,
          'InvalidParameterException',
          'The specified nextToken is invalid.',
        );
      }
      from = listed.findIndex(g => g.name > after);
      if (from < 0) from = listed.length;
    }
    const page = listed.slice(from, from + limit);
    const t = now();
    return {
      logGroups: page.map(g => {
        const created = t - (g.ageDays ?? 400) * DAY;
        const keptDays = Math.min(
          g.retentionDays ?? Infinity,
          g.ageDays ?? 400,
        );
        const arn = `arn:aws:logs:us-east-1:123456789012:log-group:${g.name}`;
        return {
          logGroupName: g.name,
          creationTime: created,
          ...(g.retentionDays !== undefined
            ? { retentionInDays: g.retentionDays }
            : {}),
          metricFilterCount: 0,
          arn: `${arn}:*`,
          logGroupArn: arn,
          // About 300 bytes an event, stored compressed (a sixth).
          storedBytes: Math.round(
            (g.eventsPerMinute * 1440 * keptDays * 300) / 6,
          ),
          logGroupClass: 'STANDARD',
        };
      }),
      ...(from + limit < listed.length
        ? {
            nextToken: Buffer.from(page[page.length - 1].name).toString(
              'base64',
            ),
          }
        : {}),
    };
  }

  function startQuery(input: any) {
    const names: string[] =
      input.logGroupNames ?? (input.logGroupName ? [input.logGroupName] : []);
    if (!Array.isArray(names) || names.length === 0) {
      throw new LogsError(
        400,
        'InvalidParameterException',
        'Specify exactly one of logGroupName, logGroupNames or logGroupIdentifiers',
      );
    }
    if (names.length > 50) {
      throw new LogsError(
        400,
        'InvalidParameterException',
        `1 validation error detected: Value at 'logGroupNames' failed to satisfy constraint: Member must have length less than or equal to 50`,
      );
    }
    const startTime = input.startTime;
    const endTime = input.endTime;
    if (!Number.isInteger(startTime) || !Number.isInteger(endTime)) {
      throw new LogsError(
        400,
        'InvalidParameterException',
        'startTime and endTime are required (seconds since the epoch)',
      );
    }
    if (endTime < startTime) {
      throw new LogsError(
        400,
        'InvalidParameterException',
        'End time should not be before the start time',
      );
    }
    const limit = input.limit;
    if (
      limit !== undefined &&
      (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
    ) {
      throw new LogsError(
        400,
        'InvalidParameterException',
        `1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000`,
      );
    }
    for (const name of names) {
      if (!groups.some(g => g.name === name)) {
        throw new LogsError(
          400,
          'ResourceNotFoundException',
          `Log group '${name}' does not exist for account ID '123456789012' (Service: CloudWatchLogs, Status Code: 400)`,
        );
      }
    }
    const queryString = String(input.queryString ?? '');
    let commands: Command[];
    try {
      commands = parseQuery(queryString);
    } catch (error) {
      if (error instanceof Malformed) {
        throw new LogsError(400, 'MalformedQueryException', error.message, {
          queryCompileError: {
            location: {
              startCharOffset: error.start,
              endCharOffset: error.end,
            },
            message: error.message,
          },
        });
      }
      throw error;
    }
    expire();
    const running = [...queries.values()].filter(
      q => q.status === 'Running',
    ).length;
    if (running >= MAX_CONCURRENT_QUERIES) {
      throw new LogsError(
        400,
        'LimitExceededException',
        `Account maximum query concurrency limit of [${MAX_CONCURRENT_QUERIES}] reached.`,
      );
    }

    sequence += 1;
    const id = `${hash(`${sequence}@${now()}`)
      .toString(16)
      .padStart(8, '0')}-${sequence
      .toString(16)
      .padStart(4, '0')}-4000-8000-${now()
      .toString(16)
      .padStart(12, '0')
      .slice(-12)}`;
    const query: RunningQuery = {
      id,
      status: 'Running',
      polls: 0,
      ready: false,
      startedAt: now(),
      results: [],
      statistics: { recordsMatched: 0, recordsScanned: 0, bytesScanned: 0 },
    };
    queries.set(id, query);
    // Scanned in the background, an hour of events at a time, so that the
    // fake keeps answering other requests meanwhile (as Logs Insights does).
    const scan = async () => {
      const rows: Row[] = [];
      const from = startTime * 1000;
      const to = (endTime + 1) * 1000;
      for (const name of names) {
        const group = groups.find(g => g.name === name)!;
        for (let t = from; t < to; t += 3_600_000) {
          await new Promise(resolve => setImmediate(resolve));
          if (query.status !== 'Running') return;
          for (const event of groupEvents(
            group,
            t,
            Math.min(to, t + 3_600_000),
            now(),
          )) {
            const size = Buffer.byteLength(event.raw);
            query.statistics.bytesScanned += size;
            stats.bytesScanned += size;
            rows.push(eventRow(event, name));
          }
          query.statistics.recordsScanned = rows.length;
        }
      }
      if (!commands.some(c => c.kind === 'sort' || c.kind === 'stats')) {
        // Without a sort, newest first as Logs Insights' default.
        rows.sort((a, b) => Number(b['@timestamp']) - Number(a['@timestamp']));
      }
      const result = runQuery(commands, rows);
      query.results = result.rows
        .slice(0, limit ?? 10_000)
        .map((row, i) => toResultFields(row, commands, `${id}#${i}`));
      query.statistics.recordsMatched = result.matched;
      query.ready = true;
    };
    scan().catch(() => {
      query.status = 'Failed';
      query.finishedAt = now();
    });
    return { queryId: id };
  }

  function getQueryResults(input: any) {
    expire();
    const query = queries.get(String(input.queryId ?? ''));
    if (!query) {
      throw new LogsError(
        400,
        'ResourceNotFoundException',
        `Query ${input.queryId} does not exist`,
      );
    }
    if (query.status === 'Running') {
      query.polls += 1;
      if (query.ready && query.polls > self.pollsUntilComplete) {
        query.status = 'Complete';
        query.finishedAt = now();
      }
    }
    const done = query.status === 'Complete';
    return {
      queryLanguage: 'CWLI',
      results: done ? query.results : [],
      statistics: {
        recordsMatched: query.statistics.recordsMatched,
        recordsScanned: query.statistics.recordsScanned,
        estimatedRecordsSkipped: 0,
        bytesScanned: query.statistics.bytesScanned,
        estimatedBytesSkipped: 0,
        logGroupsScanned: 1,
      },
      status: query.status,
    };
  }

  function stopQuery(input: any) {
    const query = queries.get(String(input.queryId ?? ''));
    if (!query) {
      throw new LogsError(
        400,
        'ResourceNotFoundException',
        `Query ${input.queryId} does not exist`,
      );
    }
    if (query.status !== 'Running') {
      throw new LogsError(
        400,
        'InvalidParameterException',
        `Query ${query.id} is not running (status ${query.status})`,
      );
    }
    query.status = 'Cancelled';
    query.finishedAt = now();
    return { success: true };
  }

  async function handle(
    req: RecordedRequest,
    res: http.ServerResponse,
    fault?: LogsFault,
  ) {
    const target = String(req.headers['x-amz-target'] ?? '');
    const op = target.slice(LOGS_TARGET_PREFIX.length);
    try {
      if (fault) {
        switch (fault.kind) {
          case 'throttle':
            throw new LogsError(400, 'ThrottlingException', 'Rate exceeded');
          case 'expired-token':
            throw new LogsError(
              400,
              'ExpiredTokenException',
              'The security token included in the request is expired',
            );
          case 'access-denied':
            throw new LogsError(
              400,
              'AccessDeniedException',
              `User is not authorized to perform: logs:${op}`,
            );
          case 'internal-error':
            throw new LogsError(
              500,
              'ServiceUnavailableException',
              'The service cannot complete the request.',
            );
          case 'delay':
            await new Promise(r => setTimeout(r, fault.ms));
            break;
          default:
            break;
        }
      }
      if (req.method !== 'POST') {
        throw new LogsError(
          404,
          'UnknownOperationException',
          'Only POST / is served',
        );
      }
      if (
        !String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256')
      ) {
        throw new LogsError(
          400,
          'MissingAuthenticationTokenException',
          'Request is missing a SigV4 signature',
        );
      }
      let input: any;
      try {
        input = req.body ? JSON.parse(req.body) : {};
      } catch {
        throw new LogsError(400, 'SerializationException', 'Body is not JSON');
      }
      let output: unknown;
      switch (op) {
        case 'DescribeLogGroups':
          stats.describeLogGroupsCalls += 1;
          output = describeLogGroups(input);
          break;
        case 'StartQuery':
          stats.startQueryCalls += 1;
          output = startQuery(input);
          break;
        case 'GetQueryResults':
          stats.getQueryResultsCalls += 1;
          output = getQueryResults(input);
          break;
        case 'StopQuery':
          stats.stopQueryCalls += 1;
          output = stopQuery(input);
          break;
        default:
          throw new LogsError(
            400,
            'UnknownOperationException',
            `The fake does not serve ${op}`,
          );
      }
      sendJson(res, 200, output, {}, CONTENT_TYPE);
    } catch (error) {
      const e =
        error instanceof LogsError
          ? error
          : new LogsError(500, 'ServiceUnavailableException', String(error));
      sendJson(
        res,
        e.status,
        { __type: e.code, message: e.message, ...e.extra },
        {},
        CONTENT_TYPE,
      );
    }
  }

  return self;
}
