import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/** Settings of the on-call feature (`ops.oncall`). */
export interface OnCallConfig {
  /** Minutes between two refreshes of who is on call now and the escalation chains. */
  refreshMinutes: number;
  /** Weeks of rotation kept per schedule. */
  rotationWeeks: number;
  /**
   * Minutes after which a schedule's rendering (its weeks of rotation) is
   * read again. Each refresh reads the schedules due, oldest first, so the
   * reads are spread over this interval.
   */
  rotationRefreshMinutes: number;
  /**
   * Schedules read per refresh at least while some were never read (after
   * a start); otherwise a refresh reads as many as keep the interval.
   */
  rotationFetchesPerRefresh: number;
  /** After a failed fetch, page views do not fetch the entity again for this long. */
  failureBackoffSeconds: number;
  /** Misses arriving within this many milliseconds are fetched together. */
  missBatchMs: number;
}

export const defaultOnCallConfig: OnCallConfig = {
  refreshMinutes: 2,
  rotationWeeks: 4,
  rotationRefreshMinutes: 60,
  rotationFetchesPerRefresh: 100,
  failureBackoffSeconds: 60,
  missBatchMs: 20,
};

/**
 * A positive number at `prefix.key`, or `fallback` when unset; anything else
 * fails startup with the key named. Shared with the incidents' config.
 */
export function readPositive(
  config: Config | undefined,
  prefix: string,
  key: string,
  fallback: number,
): number {
  const value = config?.getOptionalNumber(key);
  if (value === undefined) return fallback;
  if (!(value > 0)) {
    throw new InputError(`${prefix}.${key} must be a positive number`);
  }
  return value;
}

/** Reads `ops.oncall`; wrong values fail startup with the key named. */
export function readOnCallConfig(root: Config): OnCallConfig {
  const oncall = root.getOptionalConfig('ops.oncall');
  const d = defaultOnCallConfig;
  return {
    refreshMinutes: readPositive(
      oncall,
      'ops.oncall',
      'refreshMinutes',
      d.refreshMinutes,
    ),
    rotationWeeks: readPositive(
      oncall,
      'ops.oncall',
      'rotationWeeks',
      d.rotationWeeks,
    ),
    rotationRefreshMinutes: readPositive(
      oncall,
      'ops.oncall',
      'rotationRefreshMinutes',
      d.rotationRefreshMinutes,
    ),
    rotationFetchesPerRefresh: Math.ceil(
      readPositive(
        oncall,
        'ops.oncall',
        'rotationFetchesPerRefresh',
        d.rotationFetchesPerRefresh,
      ),
    ),
    failureBackoffSeconds: readPositive(
      oncall,
      'ops.oncall',
      'failureBackoffSeconds',
      d.failureBackoffSeconds,
    ),
    missBatchMs: d.missBatchMs,
  };
}
