import { LoggerService } from '@backstage/backend-plugin-api';
import { MetricsService } from '@backstage/backend-plugin-api/alpha';
import { OpsHealth } from '@opsportal/plugin-ops-common';
import { Knex } from 'knex';
import { Clock, systemClock } from '../clock';
import { RefreshRuns } from './RefreshRuns';
import { DatabaseRefreshStatusStore } from './RefreshStatusStore';

export { RefreshRuns } from './RefreshRuns';
export { DatabaseRefreshStatusStore } from './RefreshStatusStore';
export { summarizeError } from './errorSummary';

/** The caches whose lookups are counted (`opsportal.cache.requests`). */
export type OpsCacheName = 'snapshot' | 'entity';

/** What the view caches report (see lib/SnapshotReadCache.ts, lib/EntityViewCatalog.ts). */
export interface CacheTelemetry {
  /** One lookup: served from memory (`hit`) or read from the store / catalog. */
  cacheRequest(cache: OpsCacheName, hit: boolean): void;
  /** A snapshot written (good) or marked failed, for the run in progress. */
  snapshotWritten(ok: boolean, count?: number, error?: string): void;
}

/** How long the observable gauges reuse their database reads. */
const GAUGE_READ_CACHE_MS = 15_000;
/** The health route gives up on the database after this long. */
const HEALTH_READ_TIMEOUT_MS = 2_000;
/** Snapshot kinds that are not refreshed (copies of catalog entities). */
const NOT_REFRESHED_KINDS = ['catalog-entity'];

/** Refresh runs take from well under a second to many minutes. */
const REFRESH_BUCKETS_S = [
  0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800,
];

interface SnapshotAgeRow {
  kind: string;
  oldest: Date | string | number | null;
  newest: Date | string | number | null;
  failing: number | string | null;
}

function epochMs(value: Date | string | number | null): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number' || /^\d+$/.test(value)) return Number(value);
  const ms = Date.parse(value.includes('T') ? value : `${value}Z`);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The feature of a snapshot kind (`oncall.entity`, `security-entity`, `capacity-review`). */
export function featureOfKind(kind: string): string {
  return kind.split(/[.-]/)[0];
}

/**
 * The portal's own telemetry, created once by the plugin (docs/telemetry.md):
 *
 * - `opsportal.refresh.duration` (histogram, s; task, feature, outcome),
 *   recorded by {@link RefreshRuns} for every run of every refresh task;
 * - `opsportal.refresh.age` (observable gauge, s; task, feature): time
 *   since each refresh last succeeded on any replica, shards taken together;
 * - `opsportal.snapshot.age` (observable gauge, s; feature, kind, which =
 *   oldest|newest) and `opsportal.snapshot.failing` (observable gauge;
 *   feature, kind): the data the cards are served, from `ops_snapshots`;
 * - `opsportal.cache.requests` (counter; cache, result = hit|miss).
 *
 * The upstream counters (`opsportal.upstream.*`) are created by the
 * provider modules with `createUpstreamTelemetry` of the ops-node package.
 * Without a metrics service every instrument is a no-op; the refresh
 * status (for the health route) is kept either way.
 */
export function createOpsTelemetry(options: {
  db: Knex;
  logger: LoggerService;
  metrics?: MetricsService;
  clock?: Clock;
}) {
  const { db, logger, metrics } = options;
  const clock = options.clock ?? systemClock;

  const duration = metrics?.createHistogram('opsportal.refresh.duration', {
    description:
      'Duration of the ops portal refresh task runs, by task, feature and outcome (success, partial, failure)',
    unit: 's',
    advice: { explicitBucketBoundaries: REFRESH_BUCKETS_S },
  });
  const cacheRequests = metrics?.createCounter('opsportal.cache.requests', {
    description:
      'Lookups in the ops portal view caches (parsed snapshots, catalog answers), by cache and result (hit, miss)',
    unit: '{request}',
  });

  const refreshes = new RefreshRuns({
    store: new DatabaseRefreshStatusStore(db),
    logger,
    clock,
    record: run =>
      duration?.record(run.seconds, {
        task: run.task,
        feature: run.feature,
        outcome: run.outcome,
      }),
  });

  const cache: CacheTelemetry = {
    cacheRequest(name, hit) {
      cacheRequests?.add(1, { cache: name, result: hit ? 'hit' : 'miss' });
    },
    snapshotWritten(ok, count = 1, error) {
      refreshes.noteSnapshot(ok, count, error);
    },
  };

  /** A read shared by the gauges of one collection, reused for a while. */
  const reused = <T>(read: () => Promise<T>) => {
    let last: { at: number; value: Promise<T> } | undefined;
    return () => {
      const now = clock.now().getTime();
      if (!last || now - last.at > GAUGE_READ_CACHE_MS) {
        const value = read();
        last = { at: now, value };
        value.catch(() => {
          if (last?.value === value) last = undefined;
        });
      }
      return last.value;
    };
  };

  if (metrics) {
    const snapshotRows = reused(
      async () =>
        (await db('ops_snapshots')
          .whereNotIn('kind', NOT_REFRESHED_KINDS)
          .groupBy('kind')
          .select(
            'kind',
            db.raw('min(fetched_at) as oldest'),
            db.raw('max(fetched_at) as newest'),
            db.raw('sum(case when error is null then 0 else 1 end) as failing'),
          )) as SnapshotAgeRow[],
    );
    const healthRows = reused(() => refreshes.health());

    const snapshotAge = metrics.createObservableGauge(
      'opsportal.snapshot.age',
      {
        description:
          'Age of the oldest and newest good snapshot of each kind (the data the cards are served)',
        unit: 's',
      },
    );
    snapshotAge.addCallback(async result => {
      let rows: SnapshotAgeRow[];
      try {
        rows = await snapshotRows();
      } catch (error) {
        logger.debug(`opsportal.snapshot.age not read: ${error}`);
        return;
      }
      const now = clock.now().getTime();
      for (const row of rows) {
        const feature = featureOfKind(row.kind);
        for (const [which, value] of [
          ['oldest', row.oldest],
          ['newest', row.newest],
        ] as const) {
          const at = epochMs(value);
          if (at === undefined) continue;
          result.observe(Math.max(0, (now - at) / 1000), {
            feature,
            kind: row.kind,
            which,
          });
        }
      }
    });

    const snapshotFailing = metrics.createObservableGauge(
      'opsportal.snapshot.failing',
      {
        description:
          'Snapshots of each kind whose last refresh failed (served older, with the error)',
        unit: '{snapshot}',
      },
    );
    snapshotFailing.addCallback(async result => {
      let rows: SnapshotAgeRow[];
      try {
        rows = await snapshotRows();
      } catch {
        return;
      }
      for (const row of rows) {
        result.observe(Number(row.failing ?? 0), {
          feature: featureOfKind(row.kind),
          kind: row.kind,
        });
      }
    });

    const refreshAge = metrics.createObservableGauge('opsportal.refresh.age', {
      description:
        'Seconds since each refresh task last succeeded on any replica (its oldest shard)',
      unit: 's',
    });
    refreshAge.addCallback(async result => {
      try {
        for (const refresh of await healthRows()) {
          if (refresh.ageSeconds === undefined) continue;
          result.observe(refresh.ageSeconds, {
            task: refresh.task,
            feature: refresh.feature,
          });
        }
      } catch (error) {
        logger.debug(`opsportal.refresh.age not read: ${error}`);
      }
    });
  }

  /**
   * The health route's answer: always `status: 'ok'` (the process answers;
   * it is the readiness probe), `degraded` when a refresh is failing or
   * stale or its status cannot be read within two seconds.
   */
  async function health(): Promise<OpsHealth> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const refreshList = await Promise.race([
        refreshes.health(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error('timed out')),
            HEALTH_READ_TIMEOUT_MS,
          );
        }),
      ]);
      return {
        status: 'ok',
        degraded: refreshList.some(
          r => r.status === 'failing' || r.status === 'stale',
        ),
        refreshes: refreshList,
      };
    } catch (error) {
      logger.warn(
        `The refresh status could not be read for /health: ${String(
          (error as Error)?.message ?? error,
        )}`,
      );
      return {
        status: 'ok',
        degraded: true,
        refreshStatusUnavailable: true,
        refreshes: [],
      };
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  return { refreshes, cache, health };
}

/** The plugin's telemetry (see {@link createOpsTelemetry}). */
export type OpsTelemetry = ReturnType<typeof createOpsTelemetry>;
