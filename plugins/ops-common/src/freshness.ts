/**
 * How old the data behind a response is. Every read endpoint of the ops
 * backend answers from snapshots that a refresh task keeps; this tells the
 * card how fresh they are and what went wrong when they could not be renewed.
 * @public
 */
export interface Freshness {
  /** When the data was fetched from the upstream (ISO 8601). */
  fetchedAt?: string;
  /** True when the last refresh failed and older data is served. */
  stale: boolean;
  /** The last refresh error, in words a user can act on. */
  error?: string;
}

/** A value with its freshness. @public */
export interface Snapshot<T> extends Freshness {
  data: T;
}

/**
 * How a refresh task stands (docs/telemetry.md): `never` (no successful run
 * yet, and not for long), `ok`, `stale` (last success older than three of
 * its intervals, or none since then), `failing` (its last run failed).
 * @public
 */
export type RefreshHealthStatus = 'ok' | 'stale' | 'failing' | 'never';

/** One refresh task of `GET /api/ops/health`, its shards taken together. @public */
export interface RefreshHealth {
  /** Task id without the shard suffix, e.g. `ops-slo-refresh`. */
  task: string;
  /** Feature the task refreshes, e.g. `slo`. */
  feature: string;
  /** Number of shards (scheduler tasks) the refresh runs as. */
  shards: number;
  status: RefreshHealthStatus;
  /** Oldest last success across the shards (ISO 8601); absent until every shard succeeded once. */
  lastSuccessAt?: string;
  /** Seconds since `lastSuccessAt`. */
  ageSeconds?: number;
  /** Last start of any shard (ISO 8601). */
  lastStartedAt?: string;
  /** Newest failure of a shard still failing (ISO 8601). */
  lastFailureAt?: string;
  /** That failure's short message (no secrets, no upstream answers). */
  lastError?: string;
  /** Longest last run across the shards, in milliseconds. */
  lastDurationMs?: number;
  /** Age after which the task counts as stale (three intervals); absent for cron schedules. */
  staleAfterSeconds?: number;
}

/**
 * Answer of `GET /api/ops/health`. `status` is `ok` whenever the backend
 * answers (it is a readiness probe); `degraded` says a refresh is failing or
 * stale, or that the refresh status could not be read.
 * @public
 */
export interface OpsHealth {
  status: 'ok';
  degraded?: boolean;
  /** The refresh tasks, by feature and task id; absent from older backends. */
  refreshes?: RefreshHealth[];
  /** Set when the refresh status could not be read (database unavailable). */
  refreshStatusUnavailable?: boolean;
}
