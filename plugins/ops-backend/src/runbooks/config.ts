import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  AlarmSeverity,
  parseSeverity,
  SeverityRule,
} from '@opsportal/plugin-ops-common';

/** Settings of the runbooks feature (`ops.runbooks`). */
export interface RunbooksConfig {
  /** Minutes between two reads of every entity's runbooks. */
  refreshMinutes: number;
  /** Minutes between two reads of the alarms. */
  alarmsRefreshMinutes: number;
  /** A runbook last updated longer ago than this is stale. */
  staleAfterDays: number;
  maxFileBytes: number;
  maxFiles: number;
  /** Where the app serves TechDocs (`/docs`). */
  techdocsBasePath: string;
  /** Tag whose value is an alarm's severity; empty to not read tags. */
  severityTag: string;
  severityRules: SeverityRule[];
  defaultSeverity: AlarmSeverity;
  /** Above this many alarm prefixes in one region, all its alarms are listed in one scan. */
  alarmScanThreshold: number;
  /** Minutes alarm tags are kept in the shared cache. */
  alarmTagsCacheMinutes: number;
}

export const defaultRunbooksConfig: RunbooksConfig = {
  refreshMinutes: 30,
  alarmsRefreshMinutes: 2,
  staleAfterDays: 180,
  maxFileBytes: 256 * 1024,
  maxFiles: 50,
  techdocsBasePath: '/docs',
  severityTag: 'Severity',
  severityRules: [],
  defaultSeverity: 'P3',
  alarmScanThreshold: 25,
  alarmTagsCacheMinutes: 60,
};

function severity(value: string, key: string): AlarmSeverity {
  const parsed = parseSeverity(value);
  if (!parsed) {
    throw new InputError(
      `${key} must be one of P1, P2, P3, P4, got "${value}"`,
    );
  }
  return parsed;
}

function positive(
  config: Config | undefined,
  key: string,
  fallback: number,
): number {
  const value = config?.getOptionalNumber(key);
  if (value === undefined) return fallback;
  if (!(value > 0)) {
    throw new InputError(`ops.runbooks.${key} must be a positive number`);
  }
  return value;
}

/** Reads `ops.runbooks` with its defaults; wrong values fail startup with the key named. */
export function readRunbooksConfig(root: Config): RunbooksConfig {
  const config = root.getOptionalConfig('ops.runbooks');
  const alarms = config?.getOptionalConfig('alarms');
  const rules = (alarms?.getOptionalConfigArray('severityRules') ?? []).map(
    (rule, index) => ({
      pattern: rule.getString('pattern'),
      severity: severity(
        rule.getString('severity'),
        `ops.runbooks.alarms.severityRules[${index}].severity`,
      ),
    }),
  );
  const defaults = defaultRunbooksConfig;
  return {
    refreshMinutes: positive(config, 'refreshMinutes', defaults.refreshMinutes),
    alarmsRefreshMinutes: positive(
      config,
      'alarms.refreshMinutes',
      defaults.alarmsRefreshMinutes,
    ),
    staleAfterDays: positive(config, 'staleAfterDays', defaults.staleAfterDays),
    maxFileBytes: positive(config, 'maxFileBytes', defaults.maxFileBytes),
    maxFiles: positive(config, 'maxFiles', defaults.maxFiles),
    techdocsBasePath: (
      config?.getOptionalString('techdocsBasePath') ?? defaults.techdocsBasePath
    ).replace(/\/+$/, ''),
    severityTag:
      alarms?.getOptionalString('severityTag') ?? defaults.severityTag,
    severityRules: rules,
    defaultSeverity: alarms?.has('defaultSeverity')
      ? severity(
          alarms.getString('defaultSeverity'),
          'ops.runbooks.alarms.defaultSeverity',
        )
      : defaults.defaultSeverity,
    alarmScanThreshold: positive(
      config,
      'alarms.scanThreshold',
      defaults.alarmScanThreshold,
    ),
    alarmTagsCacheMinutes: positive(
      config,
      'alarms.tagsCacheMinutes',
      defaults.alarmTagsCacheMinutes,
    ),
  };
}
