import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  DEFAULT_INCIDENT_POLICY,
  IncidentPolicy,
  isSeverity,
  ResponseTarget,
  Severity,
  SEVERITIES,
} from '@opsportal/plugin-ops-common';

/** Settings of the on-call and incidents feature (`ops.oncall`, `ops.incidents`). */
export interface OnCallConfig {
  /** Minutes between two refreshes of on-call, escalation chains and rotations. */
  refreshMinutes: number;
  /** Weeks of rotation kept per schedule. */
  rotationWeeks: number;
  /** Minutes between two refreshes of the incidents. */
  incidentsRefreshMinutes: number;
  /** Days of incidents kept per entity (MTTA/MTTR window). */
  incidentWindowDays: number;
  /** Open incidents are looked for this far back (PagerDuty allows 6 months). */
  openIncidentLookbackDays: number;
  /** First acknowledgements looked up per refresh at most (one request each). */
  maxAcknowledgementLookups: number;
  /** Misses arriving within this many milliseconds are fetched together. */
  missBatchMs: number;
  policy: IncidentPolicy;
  /** Triggering incidents from the portal (off unless enabled). */
  trigger: { enabled: boolean };
}

export const defaultOnCallConfig: OnCallConfig = {
  refreshMinutes: 2,
  rotationWeeks: 4,
  incidentsRefreshMinutes: 2,
  incidentWindowDays: 30,
  openIncidentLookbackDays: 180,
  maxAcknowledgementLookups: 200,
  missBatchMs: 20,
  policy: DEFAULT_INCIDENT_POLICY,
  trigger: { enabled: false },
};

function positive(
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

function severity(value: string, key: string): Severity {
  if (!isSeverity(value)) {
    throw new InputError(
      `${key} must be one of P1, P2, P3, P4, got "${value}"`,
    );
  }
  return value;
}

function responseTarget(value: string, key: string): ResponseTarget {
  const text = value.trim().toLowerCase();
  if (text === 'next business day') return { kind: 'next-business-day' };
  const match = /^(\d+)\s*(m|min|minutes?|h|hours?)$/.exec(text);
  if (!match) {
    throw new InputError(
      `${key} must be minutes or hours ("5m", "1h") or "next business day", got "${value}"`,
    );
  }
  const n = Number(match[1]);
  return { kind: 'minutes', minutes: match[2].startsWith('h') ? n * 60 : n };
}

function readPolicy(incidents: Config | undefined): IncidentPolicy {
  const base = DEFAULT_INCIDENT_POLICY;
  if (!incidents) return base;
  const prefix = 'ops.incidents';

  // A list, as priority names (`SEV-1`, `P1 - Critical`) are not config keys.
  const mapping = incidents.getOptionalConfigArray('priorities');
  const priorities = mapping
    ? Object.fromEntries(
        mapping.map((entry, index) => [
          entry.getString('name'),
          severity(
            entry.getString('severity'),
            `${prefix}.priorities[${index}].severity`,
          ),
        ]),
      )
    : base.priorities;

  const urgencies = incidents.getOptionalConfig('urgencies');
  const severities = { ...base.severities };
  const targets = incidents.getOptionalConfig('severities');
  for (const s of SEVERITIES) {
    const t = targets?.getOptionalConfig(s);
    if (!t) continue;
    const respond = t.getOptionalString('respondWithin');
    const resolve = t.getOptionalString('resolveWithin');
    const resolveTarget = resolve
      ? responseTarget(resolve, `${prefix}.severities.${s}.resolveWithin`)
      : undefined;
    if (resolveTarget?.kind === 'next-business-day') {
      throw new InputError(
        `${prefix}.severities.${s}.resolveWithin must be minutes or hours`,
      );
    }
    severities[s] = {
      severity: s,
      label: t.getOptionalString('label') ?? base.severities[s].label,
      respond: respond
        ? responseTarget(respond, `${prefix}.severities.${s}.respondWithin`)
        : base.severities[s].respond,
      resolveWithinMinutes:
        resolveTarget?.kind === 'minutes' ? resolveTarget.minutes : undefined,
    };
  }

  const hours = incidents.getOptionalConfig('businessHours');
  const days = hours?.getOptional<unknown>('days') as number[] | undefined;
  if (
    days !== undefined &&
    (!Array.isArray(days) ||
      days.length === 0 ||
      days.some(d => !Number.isInteger(d) || d < 1 || d > 7))
  ) {
    throw new InputError(
      `${prefix}.businessHours.days must be ISO weekdays 1 (Monday) to 7 (Sunday)`,
    );
  }
  const time = (key: string, fallback: string) => {
    const value = hours?.getOptionalString(key) ?? fallback;
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(value)) {
      throw new InputError(`${prefix}.businessHours.${key} must be HH:mm`);
    }
    return value;
  };

  return {
    priorities,
    urgencies: {
      high: urgencies?.has('high')
        ? severity(urgencies.getString('high'), `${prefix}.urgencies.high`)
        : base.urgencies.high,
      low: urgencies?.has('low')
        ? severity(urgencies.getString('low'), `${prefix}.urgencies.low`)
        : base.urgencies.low,
    },
    severities,
    businessHours: {
      timeZone:
        hours?.getOptionalString('timeZone') ?? base.businessHours.timeZone,
      start: time('start', base.businessHours.start),
      end: time('end', base.businessHours.end),
      days: days ?? base.businessHours.days,
    },
  };
}

/** Reads `ops.oncall` and `ops.incidents`; wrong values fail startup with the key named. */
export function readOnCallConfig(root: Config): OnCallConfig {
  const oncall = root.getOptionalConfig('ops.oncall');
  const incidents = root.getOptionalConfig('ops.incidents');
  const d = defaultOnCallConfig;
  return {
    refreshMinutes: positive(
      oncall,
      'ops.oncall',
      'refreshMinutes',
      d.refreshMinutes,
    ),
    rotationWeeks: positive(
      oncall,
      'ops.oncall',
      'rotationWeeks',
      d.rotationWeeks,
    ),
    incidentsRefreshMinutes: positive(
      incidents,
      'ops.incidents',
      'refreshMinutes',
      d.incidentsRefreshMinutes,
    ),
    incidentWindowDays: positive(
      incidents,
      'ops.incidents',
      'windowDays',
      d.incidentWindowDays,
    ),
    openIncidentLookbackDays: Math.min(
      positive(
        incidents,
        'ops.incidents',
        'openLookbackDays',
        d.openIncidentLookbackDays,
      ),
      180,
    ),
    maxAcknowledgementLookups: positive(
      incidents,
      'ops.incidents',
      'maxAcknowledgementLookups',
      d.maxAcknowledgementLookups,
    ),
    missBatchMs: d.missBatchMs,
    policy: readPolicy(incidents),
    trigger: {
      enabled: incidents?.getOptionalBoolean('trigger.enabled') ?? false,
    },
  };
}
