/**
 * Durations in OpenSLO's shorthand: a positive integer and one unit, e.g.
 * `5m`, `1h`, `30d`, `4w`. Months, quarters and years are taken as 30, 90
 * and 365 days (OpenSLO leaves that to the implementation).
 */

const UNIT_SECONDS: Record<string, number> = {
  s: 1,
  m: 60,
  h: 3600,
  d: 86_400,
  w: 7 * 86_400,
  M: 30 * 86_400,
  Q: 90 * 86_400,
  Y: 365 * 86_400,
};

/**
 * Seconds of a duration shorthand (`30d`), or undefined when it is not one.
 * A bare number is read in `bareUnit` (OpenSLO reads a bare
 * `timeSliceWindow` as minutes).
 * @public
 */
export function parseDurationShorthand(
  value: unknown,
  bareUnit: 's' | 'm' = 'm',
): number | undefined {
  if (typeof value === 'number') {
    return Number.isInteger(value) && value > 0
      ? value * UNIT_SECONDS[bareUnit]
      : undefined;
  }
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+)([smhdwMQY])$/.exec(value.trim());
  if (!match) return undefined;
  const amount = Number(match[1]);
  return amount > 0 ? amount * UNIT_SECONDS[match[2]] : undefined;
}

/**
 * The shortest shorthand for a number of seconds, in the largest of days,
 * hours, minutes or seconds that divides it: 2592000 gives `30d`.
 * @public
 */
export function formatDurationShorthand(seconds: number): string {
  for (const unit of ['d', 'h', 'm'] as const) {
    const size = UNIT_SECONDS[unit];
    if (seconds >= size && seconds % size === 0)
      return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}
