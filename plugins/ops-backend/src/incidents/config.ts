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
import { defaultOnCallConfig, readPositive } from '../oncall/config';

/** Settings of the incidents feature (`ops.incidents`). */
export interface IncidentsConfig {
  /** Minutes between two refreshes of the incidents. */
  refreshMinutes: number;
  /** Days of incidents kept per entity (MTTA/MTTR window). */
  windowDays: number;
  /** Open incidents are looked for this far back (PagerDuty allows 6 months). */
  openLookbackDays: number;
  /** First acknowledgements looked up per refresh at most (one request each). */
  maxAcknowledgementLookups: number;
  /** After a failed fetch, page views do not fetch the entity again for this long. */
  failureBackoffSeconds: number;
  /** Misses arriving within this many milliseconds are fetched together. */
  missBatchMs: number;
  policy: IncidentPolicy;
  /** Triggering incidents from the portal (off unless enabled). */
  trigger: { enabled: boolean };
}

const defaultIncidentsConfig: IncidentsConfig = {
  refreshMinutes: 2,
  windowDays: 30,
  openLookbackDays: 180,
  maxAcknowledgementLookups: 200,
  failureBackoffSeconds: defaultOnCallConfig.failureBackoffSeconds,
  missBatchMs: defaultOnCallConfig.missBatchMs,
  policy: DEFAULT_INCIDENT_POLICY,
  trigger: { enabled: false },
};

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

/** Reads `ops.incidents`; wrong values fail startup with the key named. */
export function readIncidentsConfig(root: Config): IncidentsConfig {
  const incidents = root.getOptionalConfig('ops.incidents');
  const d = defaultIncidentsConfig;
  return {
    refreshMinutes: readPositive(
      incidents,
      'ops.incidents',
      'refreshMinutes',
      d.refreshMinutes,
    ),
    windowDays: readPositive(
      incidents,
      'ops.incidents',
      'windowDays',
      d.windowDays,
    ),
    openLookbackDays: Math.min(
      readPositive(
        incidents,
        'ops.incidents',
        'openLookbackDays',
        d.openLookbackDays,
      ),
      180,
    ),
    maxAcknowledgementLookups: readPositive(
      incidents,
      'ops.incidents',
      'maxAcknowledgementLookups',
      d.maxAcknowledgementLookups,
    ),
    failureBackoffSeconds: readPositive(
      incidents,
      'ops.incidents',
      'failureBackoffSeconds',
      d.failureBackoffSeconds,
    ),
    missBatchMs: d.missBatchMs,
    policy: readPolicy(incidents),
    trigger: {
      enabled: incidents?.getOptionalBoolean('trigger.enabled') ?? false,
    },
  };
}
