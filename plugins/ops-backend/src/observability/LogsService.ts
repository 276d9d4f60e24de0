import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_CLOUDWATCH_REGION,
  ANNOTATION_LOG_GROUPS,
  EntityLogs,
  LogLevelCounts,
  logGroupsOf,
  logsInsightsUrl,
  normaliseLogMessage,
  retentionVerdict,
  TopLogMessage,
} from '@opsportal/plugin-ops-common';
import {
  LogGroupInfo,
  LogQueryResult,
  LogsProvider,
  mapWithConcurrency,
} from '@opsportal/plugin-ops-node';
import { anyAnnotationFilter } from '../lib/catalogFilters';
import { Clock, systemClock } from '../lib/clock';
import { ALL_KEYS, inShard, RefreshShard } from '../lib/shards';
import { SnapshotStore, StoredSnapshot } from '../snapshots/SnapshotStore';
import { ObservabilityLogsConfig } from './config';

/** Snapshot kind of the logs part. */
export const LOGS_KIND = 'observability.logs';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Entities refreshed at once (Logs Insights runs 30 queries an account at once). */
const REFRESH_CONCURRENCY = 4;
/** Rows of the top-errors query: distinct raw messages, merged after normalising. */
const TOP_ERRORS_ROWS = 1000;

/** What a logs refresh stores per entity. */
export interface LogsSnapshot {
  logGroups: string[];
  region: string;
  /** End of the windows (ISO 8601, whole minute). */
  windowEnd: string;
  counts: LogLevelCounts[];
  topErrors: TopLogMessage[];
  groups: LogGroupInfo[];
  bytesScanned: number;
}

/** The Logs Insights queries of a refresh, from the configured field names. */
export function logsQueries(config: {
  levelField: string;
  messageField: string;
}) {
  const { levelField: level, messageField: message } = config;
  return {
    /** ERROR and WARN events per minute over the day: sums give 1 h and 1 d exactly. */
    counts: `fields toupper(${level}) as severity
| filter severity in ["ERROR", "WARN", "WARNING"]
| stats count(*) as events by severity, bin(1m)`,
    /** Error events per distinct message with the latest time. */
    topErrors: `fields toupper(${level}) as severity
| filter severity = "ERROR"
| stats count(*) as events, max(@timestamp) as lastSeen by ${message}
| sort events desc
| limit ${TOP_ERRORS_ROWS}`,
    /** What the console link opens: the error events, newest first. */
    errors: `fields @timestamp, @logStream, toupper(${level}) as severity, ${message}
| filter severity = "ERROR"
| sort @timestamp desc
| limit 200`,
  };
}

/** A Logs Insights time (`2026-12-05 19:59:01.123`, UTC) or epoch ms, as epoch ms. */
function parseInsightsTime(value: string | undefined): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const t = Date.parse(`${value.trim().replace(' ', 'T')}Z`);
  return Number.isNaN(t) ? undefined : t;
}

function describeError(error: unknown): string {
  const e = error as Error;
  const name = e?.name && e.name !== 'Error' ? `${e.name}: ` : '';
  return `${name}${e?.message ?? String(error)}`;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(items.slice(i, i + size));
  }
  return out;
}

export interface LogsServiceOptions {
  catalog: CatalogService;
  auth: AuthService;
  snapshots: SnapshotStore;
  logs?: LogsProvider;
  config: ObservabilityLogsConfig;
  logger: LoggerService;
  clock?: Clock;
}

/**
 * The logs of catalog entities (`opsportal.dev/log-groups`): a refresh
 * task runs two bounded Logs Insights queries per entity (error and
 * warning counts per minute over the last day, error messages over the
 * day) and reads the groups' retention into a snapshot; page views answer
 * from the snapshot and never start a query (queries are billed by the
 * bytes they scan).
 */
export class LogsService {
  private readonly clock: Clock;

  constructor(private readonly options: LogsServiceOptions) {
    this.clock = options.clock ?? systemClock;
  }

  /** Entities with log groups whose refresh comes first, up to the per-run limit. */
  private async entitiesToRefresh(shard: RefreshShard): Promise<Entity[]> {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const { items } = await this.options.catalog.getEntities(
      { filter: anyAnnotationFilter([ANNOTATION_LOG_GROUPS]) },
      { credentials },
    );
    return items.filter(
      e => logGroupsOf(e).length > 0 && inShard(stringifyEntityRef(e), shard),
    );
  }

  /**
   * Refreshes the logs of the entities of one shard (all by default): the
   * least recently read first, at most `maxEntitiesPerRefresh`. Answers
   * how many were read and the bytes their queries scanned.
   */
  async refresh(
    shard: RefreshShard = ALL_KEYS,
    signal?: AbortSignal,
  ): Promise<{ entities: number; failed: number; bytesScanned: number }> {
    const provider = this.options.logs;
    if (!provider) return { entities: 0, failed: 0, bytesScanned: 0 };
    const entities = await this.entitiesToRefresh(shard);
    const keys = entities.map(e => stringifyEntityRef(e));
    const stored = await this.options.snapshots.getMany<LogsSnapshot>(
      LOGS_KIND,
      keys,
    );
    const order = entities
      .map((entity, i) => ({
        entity,
        key: keys[i],
        at: stored.get(keys[i])?.attemptedAt ?? '',
      }))
      .sort((a, b) => a.at.localeCompare(b.at) || a.key.localeCompare(b.key))
      .slice(0, this.options.config.maxEntitiesPerRefresh);
    let bytesScanned = 0;
    let failed = 0;
    await mapWithConcurrency(
      order,
      REFRESH_CONCURRENCY,
      async ({ entity, key }) => {
        if (signal?.aborted) return;
        try {
          const data = await this.readEntity(provider, entity, signal);
          bytesScanned += data.bytesScanned;
          await this.options.snapshots.put(LOGS_KIND, key, data);
        } catch (error) {
          failed += 1;
          const message = describeError(error);
          this.options.logger.warn(
            `Could not read the logs of ${key}: ${message}`,
          );
          await this.options.snapshots.markFailed(LOGS_KIND, key, message);
        }
      },
    );
    await this.options.snapshots.retain(LOGS_KIND, keys, k =>
      inShard(k, shard),
    );
    this.options.logger.info(
      `Read the logs of ${order.length} of ${entities.length} entities (${failed} failed); Logs Insights scanned ${bytesScanned} bytes`,
    );
    return { entities: order.length, failed, bytesScanned };
  }

  private regionOf(entity: Entity): string {
    return (
      entity.metadata.annotations?.[ANNOTATION_CLOUDWATCH_REGION]?.trim() ||
      this.options.logs?.defaultRegion ||
      'us-east-1'
    );
  }

  /** Runs one entity's queries and reads its groups' retention. */
  private async readEntity(
    provider: LogsProvider,
    entity: Entity,
    signal?: AbortSignal,
  ): Promise<LogsSnapshot> {
    const { config } = this.options;
    const logGroups = logGroupsOf(entity);
    const region = this.regionOf(entity);
    const end = Math.floor(this.clock.now().getTime() / MINUTE) * MINUTE;
    const start = end - DAY;
    const groups = await provider.describeLogGroups(logGroups, {
      region,
      signal,
    });
    // Only existing groups are queried (Logs Insights refuses unknown ones).
    const existing = groups.filter(g => g.exists).map(g => g.name);
    const queries = logsQueries(config);
    let bytesScanned = 0;
    const run = async (query: string, limit: number) => {
      const rows: Record<string, string>[] = [];
      for (const part of chunks(existing, config.maxLogGroupsPerQuery)) {
        const result: LogQueryResult = await provider.runQuery({
          logGroups: part,
          query,
          start: new Date(start),
          // Logs Insights' end time is inclusive; the windows end before `end`.
          end: new Date(end - 1000),
          limit,
          region,
          timeoutMs: config.queryTimeoutSeconds * 1000,
          signal,
        });
        bytesScanned += result.statistics.bytesScanned;
        if (result.status !== 'Complete') {
          throw new Error(
            `A Logs Insights query over ${part.length} log groups ended ${
              result.status
            }${
              result.status === 'Timeout'
                ? ` after ${config.queryTimeoutSeconds} s`
                : ''
            }`,
          );
        }
        rows.push(...result.rows);
      }
      return rows;
    };

    const hourStart = end - HOUR;
    const totals = {
      '1h': { errors: 0, warnings: 0 },
      '1d': { errors: 0, warnings: 0 },
    };
    const messages = new Map<string, TopLogMessage>();
    if (existing.length > 0) {
      for (const row of await run(queries.counts, 10_000)) {
        const n = Number(row.events) || 0;
        const kind = row.severity === 'ERROR' ? 'errors' : 'warnings';
        totals['1d'][kind] += n;
        const t = parseInsightsTime(row['bin(1m)']);
        if (t !== undefined && t >= hourStart) totals['1h'][kind] += n;
      }
      for (const row of await run(queries.topErrors, TOP_ERRORS_ROWS)) {
        const text = row[config.messageField];
        const message = normaliseLogMessage(text ?? '(no message)');
        const count = Number(row.events) || 0;
        const seen = parseInsightsTime(row.lastSeen);
        const known = messages.get(message) ?? { message, count: 0 };
        known.count += count;
        if (
          seen !== undefined &&
          (!known.lastSeen || Date.parse(known.lastSeen) < seen)
        ) {
          known.lastSeen = new Date(seen).toISOString();
        }
        messages.set(message, known);
      }
    }
    const topErrors = [...messages.values()]
      .sort((a, b) => b.count - a.count || a.message.localeCompare(b.message))
      .slice(0, config.topErrors);
    return {
      logGroups,
      region,
      windowEnd: new Date(end).toISOString(),
      counts: [
        { window: '1h', ...totals['1h'] },
        { window: '1d', ...totals['1d'] },
      ],
      topErrors,
      groups,
      bytesScanned,
    };
  }

  /**
   * The entity's logs from its snapshot, or null without log groups.
   * Before the first refresh for its current groups, counts are empty and
   * `fetchedAt` absent (nothing is queried on a page view).
   */
  async forEntity(entity: Entity): Promise<EntityLogs | null> {
    const logGroups = logGroupsOf(entity);
    if (logGroups.length === 0) return null;
    const { config } = this.options;
    const region = this.regionOf(entity);
    const snapshot = await this.options.snapshots.get<LogsSnapshot>(
      LOGS_KIND,
      stringifyEntityRef(entity),
    );
    const policy = {
      hotDays: config.retentionDays,
      archiveDays: config.archiveDays,
    };
    const insightsUrl = logsInsightsUrl({
      region,
      logGroups: logGroups.slice(0, 50),
      query: logsQueries(config).errors,
      rangeSeconds: 86_400,
    });
    const base = { logGroups, region, policy, insightsUrl };
    if (!this.options.logs) {
      return {
        ...base,
        counts: [],
        topErrors: [],
        retention: [],
        stale: false,
        error:
          'No logs provider is installed: add the CloudWatch module (@opsportal/plugin-ops-backend-module-cloudwatch) to the backend',
      };
    }
    const data = this.current(snapshot, logGroups, region);
    return {
      ...base,
      counts: data?.counts ?? [],
      topErrors: data?.topErrors ?? [],
      retention: (data?.groups ?? []).map(g => retentionVerdict(g, policy)),
      ...(data ? { bytesScanned: data.bytesScanned } : {}),
      ...(data && snapshot?.fetchedAt ? { fetchedAt: snapshot.fetchedAt } : {}),
      stale: Boolean(data && snapshot?.stale),
      ...(snapshot?.error ? { error: snapshot.error } : {}),
    };
  }

  /** The snapshot's data when it is for the entity's current groups and region. */
  private current(
    snapshot: StoredSnapshot<LogsSnapshot> | undefined,
    logGroups: string[],
    region: string,
  ): LogsSnapshot | undefined {
    const data = snapshot?.data;
    if (!data) return undefined;
    if (data.region !== region) return undefined;
    if (JSON.stringify(data.logGroups) !== JSON.stringify(logGroups)) {
      return undefined;
    }
    return data;
  }
}
