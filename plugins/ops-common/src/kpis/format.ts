import { KpiId, kpiDefinition } from './definitions';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function trim(n: number, digits: number): string {
  const text = n.toFixed(digits);
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

function duration(ms: number): string {
  if (ms < HOUR) {
    const minutes = ms / MINUTE;
    return `${trim(minutes, minutes < 10 ? 1 : 0)} min`;
  }
  const hours = ms / HOUR;
  return `${trim(hours, hours < 48 ? 1 : 0)} h`;
}

/**
 * A KPI value as people read it: `99.95 %`, `850 h`, `25 min`, `1.5 h`,
 * `3 / month`, `2.4 / day`; `≥ 720 h` for a lower bound.
 * @public
 */
export function formatKpiValue(
  id: KpiId,
  value: number | undefined,
  options: { atLeast?: boolean } = {},
): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  const prefix = options.atLeast ? '≥ ' : '';
  switch (kpiDefinition(id).unit) {
    case 'ratio':
      return `${prefix}${trim(value * 100, id === 'uptime' ? 3 : 1)} %`;
    case 'duration':
      return `${prefix}${duration(value)}`;
    case 'perMonth':
      return `${prefix}${trim(value, 1)} / month`;
    case 'count':
      return `${prefix}${Math.round(value).toLocaleString('en-US')}`;
    default:
      return `${prefix}${trim(value, 1)} / day`;
  }
}

/** A KPI target as the seed writes it: `99.9 %`, `> 720 h`, `< 30 min`, `Daily`. @public */
export function formatKpiTarget(id: KpiId, target: number): string {
  const definition = kpiDefinition(id);
  if (id === 'deploymentFrequency' && target === 1) return 'Daily (≥ 1 / day)';
  const value = formatKpiValue(id, target);
  switch (definition.comparison) {
    case 'at-least':
      return `≥ ${value}`;
    case 'more-than':
      return `> ${value}`;
    case 'at-most':
      return `≤ ${value}`;
    default:
      return `< ${value}`;
  }
}
