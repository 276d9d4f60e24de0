import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/** Settings of the on-call feature (`ops.oncall`). */
export interface OnCallConfig {
  /** Minutes between two refreshes of on-call, escalation chains and rotations. */
  refreshMinutes: number;
  /** Weeks of rotation kept per schedule. */
  rotationWeeks: number;
  /** Misses arriving within this many milliseconds are fetched together. */
  missBatchMs: number;
}

export const defaultOnCallConfig: OnCallConfig = {
  refreshMinutes: 2,
  rotationWeeks: 4,
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
    missBatchMs: d.missBatchMs,
  };
}
