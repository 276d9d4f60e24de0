import { Config } from '@backstage/config';
import {
  DEFAULT_KPI_TARGETS,
  isSeverity,
  KpiId,
  kpiIds,
  KpiTargets,
  Severity,
} from '@opsportal/plugin-ops-common';
import { DateTime } from 'luxon';

/** The KPI feature's settings (`ops.kpis`, documented in config.d.ts). */
export interface KpisConfig {
  targets: KpiTargets;
  /** Incidents of these severities are failures (MTBF, MTTR). */
  failureSeverities: Severity[];
  /** Standard change types that are deployments. */
  deploymentTypes: string[];
  /** Time zone of calendar months. */
  timeZone: string;
  /** The overview's open incidents: these severities. */
  overviewSeverities: Severity[];
  /** The overview's upcoming changes and maintenance windows: this many days ahead. */
  upcomingDays: number;
  /** Seconds a user's KPI report is answered again without recomputing it (0: never). */
  reportCacheSeconds: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Config keys of the targets, in the units people write them: percentages,
 * hours, minutes, a count per month, deployments per day, a count.
 */
const TARGET_KEYS: Record<
  KpiId,
  { key: string; toValue: (n: number) => number }
> = {
  uptime: { key: 'uptimePercent', toValue: n => n / 100 },
  mtbf: { key: 'mtbfHours', toValue: n => n * HOUR },
  mttr: { key: 'mttrMinutes', toValue: n => n * MINUTE },
  incidentCount: { key: 'incidentsPerMonth', toValue: n => n },
  changeSuccessRate: { key: 'changeSuccessPercent', toValue: n => n / 100 },
  deploymentFrequency: { key: 'deploymentsPerDay', toValue: n => n },
  deploymentSuccessRate: {
    key: 'deploymentSuccessPercent',
    toValue: n => n / 100,
  },
  rollbackRate: { key: 'rollbackPercent', toValue: n => n / 100 },
  alertResponseTime: { key: 'alertResponseMinutes', toValue: n => n * MINUTE },
  incidentResolutionTime: {
    key: 'incidentResolutionHours',
    toValue: n => n * HOUR,
  },
  reviewsOnTime: { key: 'reviewsOnTimePercent', toValue: n => n / 100 },
  actionItemsOverdue: { key: 'actionItemsOverdue', toValue: n => n },
};

function severities(
  config: Config | undefined,
  key: string,
  fallback: Severity[],
): Severity[] {
  const values = config?.getOptionalStringArray(key);
  if (!values) return fallback;
  for (const value of values) {
    if (!isSeverity(value)) {
      throw new Error(`ops.kpis.${key} holds "${value}": use P1, P2, P3 or P4`);
    }
  }
  return values as Severity[];
}

/** Reads `ops.kpis`, failing on values that make no sense. */
export function readKpisConfig(root: Config): KpisConfig {
  const config = root.getOptionalConfig('ops.kpis');
  const targets = { ...DEFAULT_KPI_TARGETS };
  const targetConfig = config?.getOptionalConfig('targets');
  for (const id of kpiIds) {
    const { key, toValue } = TARGET_KEYS[id];
    const value = targetConfig?.getOptionalNumber(key);
    if (value === undefined) continue;
    if (!(value >= 0) || (key.endsWith('Percent') && value > 100)) {
      throw new Error(
        `ops.kpis.targets.${key} is ${value}: give a number${
          key.endsWith('Percent') ? ' from 0 to 100' : ' of at least 0'
        }`,
      );
    }
    targets[id] = toValue(value);
  }
  const timeZone = config?.getOptionalString('timeZone') ?? 'UTC';
  if (!DateTime.now().setZone(timeZone).isValid) {
    throw new Error(`ops.kpis.timeZone "${timeZone}" is not a time zone`);
  }
  const reportCacheSeconds =
    config?.getOptionalNumber('reportCacheSeconds') ?? 10;
  if (!(reportCacheSeconds >= 0 && reportCacheSeconds <= 3600)) {
    throw new Error(
      `ops.kpis.reportCacheSeconds is ${reportCacheSeconds}: give a number of seconds from 0 to 3600`,
    );
  }
  const upcomingDays = config?.getOptionalNumber('upcomingDays') ?? 14;
  if (!(upcomingDays >= 1 && upcomingDays <= 90)) {
    throw new Error(
      `ops.kpis.upcomingDays is ${upcomingDays}: give a number of days from 1 to 90`,
    );
  }
  return {
    targets,
    failureSeverities: severities(config, 'failureSeverities', ['P1', 'P2']),
    deploymentTypes: config?.getOptionalStringArray('deploymentTypes') ?? [
      'routine-deployment',
    ],
    timeZone,
    overviewSeverities: severities(config, 'overviewSeverities', ['P1', 'P2']),
    upcomingDays,
    reportCacheSeconds,
  };
}
