import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  AlertPolicyRule,
  DEFAULT_ALERT_POLICY,
  DEFAULT_NOISE_THRESHOLDS,
  DEFAULT_PAGING_HOURS,
  NoiseThresholds,
  PagingHours,
  parseSeverity,
} from '@opsportal/plugin-ops-common';
import { readRunbooksConfig, RunbooksConfig } from '../runbooks/config';

/** Settings of alert hygiene (`ops.alerts`, docs/alerts.md). */
export interface AlertsConfig {
  /** Minutes between two refreshes of the alarm noise and of the paging load. */
  refreshMinutes: number;
  /** Days of alarm state changes kept in ops_alarm_transitions. */
  historyRetentionDays: number;
  noise: NoiseThresholds;
  paging: PagingHours & {
    /** Days of incidents and pages the paging load covers. */
    windowDays: number;
  };
  policy: AlertPolicyRule[];
  /**
   * How alarm severities are read: the runbooks feature's settings
   * (`ops.runbooks.alarms.*`), so that an alarm has one severity everywhere.
   */
  severity: Pick<
    RunbooksConfig,
    | 'severityTag'
    | 'severityRules'
    | 'defaultSeverity'
    | 'alarmScanThreshold'
    | 'alarmTagsCacheMinutes'
  >;
}

export const DEFAULT_ALERTS_REFRESH_MINUTES = 15;
export const DEFAULT_HISTORY_RETENTION_DAYS = 90;
export const DEFAULT_PAGING_WINDOW_DAYS = 30;

const PREFIX = 'ops.alerts';

function positive(
  config: Config | undefined,
  key: string,
  fallback: number,
  options: { integer?: boolean; max?: number } = {},
): number {
  const value = config?.getOptionalNumber(key);
  if (value === undefined) return fallback;
  const ok =
    Number.isFinite(value) &&
    value > 0 &&
    (!options.integer || Number.isInteger(value)) &&
    (options.max === undefined || value <= options.max);
  if (!ok) {
    throw new InputError(
      `${PREFIX}.${key} must be a positive ${
        options.integer ? 'whole number' : 'number'
      }${
        options.max !== undefined ? ` of at most ${options.max}` : ''
      }, got ${value}`,
    );
  }
  return value;
}

function hour(value: unknown, key: string): number {
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < 0 ||
    value > 24
  ) {
    throw new InputError(`${key} must be a whole hour from 0 to 24`);
  }
  return value;
}

function hours(
  config: Config | undefined,
  key: string,
  fallback: [number, number],
): [number, number] {
  if (!config?.has(key)) return fallback;
  const list = config.getOptional(key);
  const full = `${PREFIX}.paging.${key}`;
  if (!Array.isArray(list) || list.length !== 2) {
    throw new InputError(`${full} must be [start, end] in whole hours`);
  }
  return [hour(list[0], `${full}[0]`), hour(list[1], `${full}[1]`)];
}

function readPaging(config: Config | undefined): AlertsConfig['paging'] {
  const d = DEFAULT_PAGING_HOURS;
  const timeZone = config?.getOptionalString('timeZone') ?? d.timeZone;
  try {
    Intl.DateTimeFormat('en-US', { timeZone }).format(0);
  } catch {
    throw new InputError(
      `${PREFIX}.paging.timeZone must be an IANA time zone like Europe/Berlin, got "${timeZone}"`,
    );
  }
  let workingDays = d.workingDays;
  if (config?.has('workingDays')) {
    const list = config.getOptional('workingDays');
    if (
      !Array.isArray(list) ||
      list.some(
        v => typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 7,
      )
    ) {
      throw new InputError(
        `${PREFIX}.paging.workingDays must list days as 1 (Monday) to 7 (Sunday)`,
      );
    }
    workingDays = [...new Set(list as number[])].sort((a, b) => a - b);
  }
  const businessHours = hours(config, 'businessHours', d.businessHours);
  if (businessHours[0] >= businessHours[1]) {
    throw new InputError(
      `${PREFIX}.paging.businessHours must start before it ends, got [${businessHours.join(
        ', ',
      )}]`,
    );
  }
  return {
    timeZone,
    workingDays,
    businessHours,
    nightHours: hours(config, 'nightHours', d.nightHours),
    autoResolveMinutes: positive(
      config,
      'autoResolveMinutes',
      d.autoResolveMinutes,
    ),
    windowDays: positive(config, 'windowDays', DEFAULT_PAGING_WINDOW_DAYS, {
      integer: true,
      max: 180,
    }),
  };
}

function readNoise(config: Config | undefined): NoiseThresholds {
  const d = DEFAULT_NOISE_THRESHOLDS;
  const at = (key: string, fallback: number) => positive(config, key, fallback);
  // Keys are named ops.alerts.noise.<key> in errors.
  const named = (key: string, fallback: number) => {
    try {
      return at(key, fallback);
    } catch (error) {
      throw new InputError(
        (error as Error).message.replace(`${PREFIX}.`, `${PREFIX}.noise.`),
      );
    }
  };
  return {
    flappingRoundTripsPerDay: named(
      'flappingRoundTripsPerDay',
      d.flappingRoundTripsPerDay,
    ),
    stuckAfterHours: named('stuckAfterHours', d.stuckAfterHours),
    neverFiredDays: named('neverFiredDays', d.neverFiredDays),
    noisyAlarmsPerWeek: named('noisyAlarmsPerWeek', d.noisyAlarmsPerWeek),
    excludeMaintenance:
      config?.getOptionalBoolean('excludeMaintenance') ?? d.excludeMaintenance,
  };
}

function stringList(value: unknown, key: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (
    !Array.isArray(value) ||
    value.some(v => typeof v !== 'string' || v.trim() === '')
  ) {
    throw new InputError(`${key} must be a list of non-empty strings`);
  }
  return value.map(v => (v as string).trim());
}

/** Reads one rule of `ops.alerts.policy`; errors name the rule's key. */
function readRule(rule: Config, index: number): AlertPolicyRule {
  const key = `${PREFIX}.policy[${index}]`;
  const text = (name: string, required: boolean) => {
    const value = rule.getOptional(name);
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || value.trim() === '') {
      throw new InputError(`${key}.${name} must be a non-empty string`);
    }
    return value.trim();
  };
  const id = text('id', true)!;
  const rawSeverity = rule.getOptional('severity');
  const severity = parseSeverity(rawSeverity);
  if (!severity) {
    throw new InputError(
      `${key}.severity must be one of P1, P2, P3, P4, got "${String(
        rawSeverity,
      )}"`,
    );
  }
  const title = text('title', true)!;
  const match = rule.getOptional('match') as
    | { metricNames?: unknown; alarmNames?: unknown }
    | undefined;
  if (!match || typeof match !== 'object' || Array.isArray(match)) {
    throw new InputError(
      `${key}.match must name metricNames or alarmNames to match alarms by`,
    );
  }
  const unknownMatch = Object.keys(match).filter(
    k => k !== 'metricNames' && k !== 'alarmNames',
  );
  if (unknownMatch.length > 0) {
    throw new InputError(
      `${key}.match.${unknownMatch[0]} is not a setting (metricNames, alarmNames)`,
    );
  }
  const metricNames = stringList(match.metricNames, `${key}.match.metricNames`);
  const alarmNames = stringList(match.alarmNames, `${key}.match.alarmNames`);
  if (!metricNames?.length && !alarmNames?.length) {
    throw new InputError(
      `${key}.match must name metricNames or alarmNames to match alarms by`,
    );
  }
  const comparison = rule.getOptional('comparison') ?? 'any';
  if (
    comparison !== 'above' &&
    comparison !== 'below' &&
    comparison !== 'any'
  ) {
    throw new InputError(
      `${key}.comparison must be above, below or any, got "${String(
        comparison,
      )}"`,
    );
  }
  const threshold = rule.getOptional('threshold');
  if (
    threshold !== undefined &&
    (typeof threshold !== 'number' || !Number.isFinite(threshold))
  ) {
    throw new InputError(`${key}.threshold must be a number`);
  }
  if (comparison !== 'any' && threshold === undefined) {
    throw new InputError(
      `${key}.threshold is required when comparison is ${comparison}`,
    );
  }
  const unit = text('unit', false);
  const scope = text('scope', false);
  return {
    id,
    severity,
    title,
    match: {
      ...(metricNames?.length ? { metricNames } : {}),
      ...(alarmNames?.length ? { alarmNames } : {}),
    },
    comparison,
    ...(threshold !== undefined ? { threshold: threshold as number } : {}),
    ...(unit ? { unit } : {}),
    ...(scope ? { scope } : {}),
  };
}

function readPolicy(config: Config | undefined): AlertPolicyRule[] {
  if (!config?.has('policy')) return DEFAULT_ALERT_POLICY;
  if (!Array.isArray(config.getOptional('policy'))) {
    throw new InputError(`${PREFIX}.policy must be a list of rules`);
  }
  const rules = config.getConfigArray('policy').map(readRule);
  const seen = new Set<string>();
  rules.forEach((rule, index) => {
    if (seen.has(rule.id)) {
      throw new InputError(
        `${PREFIX}.policy[${index}].id "${rule.id}" is used by an earlier rule`,
      );
    }
    seen.add(rule.id);
  });
  return rules;
}

/** Reads `ops.alerts` with its defaults; wrong values fail startup with the key named. */
export function readAlertsConfig(root: Config): AlertsConfig {
  const config = root.getOptionalConfig(PREFIX);
  const runbooks = readRunbooksConfig(root);
  const noise = readNoise(config?.getOptionalConfig('noise'));
  const historyRetentionDays = positive(
    config,
    'historyRetentionDays',
    DEFAULT_HISTORY_RETENTION_DAYS,
    { integer: true, max: 3650 },
  );
  if (historyRetentionDays < noise.neverFiredDays) {
    throw new InputError(
      `${PREFIX}.historyRetentionDays (${historyRetentionDays}) must be at least ${PREFIX}.noise.neverFiredDays (${noise.neverFiredDays}): never-fired alarms are found in the kept history`,
    );
  }
  return {
    refreshMinutes: positive(
      config,
      'refreshMinutes',
      DEFAULT_ALERTS_REFRESH_MINUTES,
    ),
    historyRetentionDays,
    noise,
    paging: readPaging(config?.getOptionalConfig('paging')),
    policy: readPolicy(config),
    severity: {
      severityTag: runbooks.severityTag,
      severityRules: runbooks.severityRules,
      defaultSeverity: runbooks.defaultSeverity,
      alarmScanThreshold: runbooks.alarmScanThreshold,
      alarmTagsCacheMinutes: runbooks.alarmTagsCacheMinutes,
    },
  };
}
