import { AlarmSeverity } from './types';

/** A configured rule: alarms whose name matches `pattern` get `severity`. @public */
export interface SeverityRule {
  /** Alarm name with `*` wildcards, e.g. `*-processing-failures`. */
  pattern: string;
  severity: AlarmSeverity;
}

/** How severities are decided when an alarm carries no severity tag. @public */
export interface SeverityOptions {
  rules: SeverityRule[];
  defaultSeverity: AlarmSeverity;
}

const WORDS: Record<string, AlarmSeverity> = {
  p1: 'P1',
  critical: 'P1',
  sev1: 'P1',
  p2: 'P2',
  high: 'P2',
  sev2: 'P2',
  p3: 'P3',
  medium: 'P3',
  sev3: 'P3',
  p4: 'P4',
  low: 'P4',
  sev4: 'P4',
};

/**
 * Reads a severity written as `P1`..`P4`, `SEV1`..`SEV4` or the seed's
 * words (critical, high, medium, low), in any case. Undefined otherwise.
 * @public
 */
export function parseSeverity(value: unknown): AlarmSeverity | undefined {
  if (typeof value !== 'string') return undefined;
  return WORDS[
    value
      .trim()
      .toLowerCase()
      .replace(/[\s_-]/g, '')
  ];
}

/** Whether `name` matches a pattern where `*` stands for any run of characters. @public */
export function matchesPattern(name: string, pattern: string): boolean {
  if (!pattern.includes('*')) return name === pattern;
  const parts = pattern
    .split('*')
    .map(p => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`).test(name);
}

/**
 * The severity of an alarm: its severity tag when it has a valid one, else
 * the first configured rule its name matches, else the default.
 * @public
 */
export function resolveSeverity(
  alarmName: string,
  tagValue: string | undefined,
  options: SeverityOptions,
): { severity: AlarmSeverity; source: 'tag' | 'rule' | 'default' } {
  const tagged = parseSeverity(tagValue);
  if (tagged) return { severity: tagged, source: 'tag' };
  const rule = options.rules.find(r => matchesPattern(alarmName, r.pattern));
  if (rule) return { severity: rule.severity, source: 'rule' };
  return { severity: options.defaultSeverity, source: 'default' };
}
