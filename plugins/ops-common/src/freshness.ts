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

/** Answer of `GET /api/ops/health`. @public */
export interface OpsHealth {
  status: 'ok';
}
