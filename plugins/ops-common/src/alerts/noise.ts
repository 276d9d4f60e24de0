import {
  AlarmNoise,
  AlarmStateValue,
  AlarmTransition,
  MaintenancePeriod,
  NoiseThresholds,
} from './types';

/** Input of {@link analyzeAlarmNoise}: one alarm's history and current state. @public */
export interface AlarmNoiseInput {
  /** State changes known for the alarm, any order. */
  transitions: AlarmTransition[];
  /** Current state and since when (ISO 8601), from DescribeAlarms. */
  state: AlarmStateValue;
  since?: string;
  /** Earliest time the portal has history for (ISO 8601). */
  observedSince: string;
  /** Maintenance windows that cover the alarm's services. */
  maintenance: MaintenancePeriod[];
  hasActions: boolean;
  hasRunbook: boolean;
  thresholds: NoiseThresholds;
  now: Date;
}

/**
 * The noise figures of one alarm over the last 7 and 30 days: ALARM count,
 * time in ALARM, flapping days, stuck, never fired, and its flags and
 * noise score. Pure; definitions in docs/alerts.md.
 * @public
 */
export function analyzeAlarmNoise(
  input: AlarmNoiseInput,
): Pick<
  AlarmNoise,
  'week' | 'month' | 'lastFiredAt' | 'observedDays' | 'flags' | 'noiseScore'
> {
  void input;
  throw new Error('not implemented');
}

/** Noisiest first: by noise score, then minutes in ALARM over 30 days, then name. @public */
export function rankAlarms<
  T extends Pick<AlarmNoise, 'noiseScore' | 'month' | 'alarmName'>,
>(alarms: T[]): T[] {
  void alarms;
  throw new Error('not implemented');
}
