/**
 * CloudWatch's statistic grammar, so that a statistic CloudWatch would
 * refuse is reported on the entity that defines it before any call is made
 * (one refused statistic makes CloudWatch refuse the whole GetMetricData
 * call it is in).
 */

/** The statistics CloudWatch names in words. */
const NAMED = ['Sum', 'Average', 'Minimum', 'Maximum', 'SampleCount', 'IQM'];

/** Words people write for a statistic CloudWatch names otherwise. */
const ALIASES: Record<string, string> = {
  avg: 'Average',
  mean: 'Average',
  min: 'Minimum',
  max: 'Maximum',
  n: 'SampleCount',
  count: 'SampleCount',
  samples: 'SampleCount',
  total: 'Sum',
  median: 'p50',
};

/** Shorthands with one percentile: `p99.9`, `tm90`, `tc90`, `ts90`, `wm90`. */
const SINGLE = ['p', 'tm', 'tc', 'ts', 'wm'];
/** Forms with a range: `PR(:300)`, `TM(10%:90%)`, `TC(:0.5)`, `TS(..)`, `WM(..)`. */
const PAIR = ['PR', 'TM', 'TC', 'TS', 'WM'];

/** Decimals CloudWatch takes: two for percentiles, ten for the bounds of the trimmed forms. */
const PERCENTILE_DECIMALS = 2;
const BOUND_DECIMALS = 10;

const HINT =
  'use Sum, Average, Minimum, Maximum, SampleCount, IQM, a percentile such as p95 or p99.9, ' +
  'tm90, tc90, ts90, wm90, or a range such as PR(:300), TM(10%:90%), TC(:0.5), TS(10%:90%) or WM(:500)';

/** What {@link checkCloudWatchStatistic} says of a statistic. @public */
export type CloudWatchStatisticCheck =
  | {
      valid: true;
      /** The statistic as CloudWatch spells it (`sum` gives `Sum`). */
      statistic: string;
      /** True when the spelling was corrected (CloudWatch is case-sensitive). */
      normalised: boolean;
    }
  | { valid: false; message: string };

const NUMBER = /^(\d+)(?:\.(\d+))?$/;

/** A plain decimal number with at most `decimals` decimals, or why not. */
function readNumber(
  text: string,
  decimals: number,
): { value: number } | { problem: string } {
  const match = NUMBER.exec(text);
  if (!match) {
    return {
      problem: `${text} is not a plain number (digits and a decimal point)`,
    };
  }
  if ((match[2]?.length ?? 0) > decimals) {
    return {
      problem: `${text} has more than ${decimals} decimals`,
    };
  }
  return { value: Number(text) };
}

function checkSingle(prefix: string, rest: string): string | undefined {
  const decimals = prefix === 'p' ? PERCENTILE_DECIMALS : BOUND_DECIMALS;
  const number = readNumber(rest, decimals);
  if ('problem' in number) {
    return prefix === 'p' && /^\d+\.\d+$/.test(rest)
      ? `CloudWatch takes percentiles with at most ${PERCENTILE_DECIMALS} decimals, e.g. p99.99`
      : number.problem;
  }
  if (number.value > 100) {
    return `${prefix}${rest} is above ${prefix}100: the number is a percentile, from 0 to 100`;
  }
  return undefined;
}

function checkPair(prefix: string, inside: string): string | undefined {
  const parts = inside.split(':');
  if (parts.length !== 2) {
    return `${prefix}(...) takes two bounds separated by a colon, either may be empty: ${prefix}(10%:90%), ${prefix}(:0.5)`;
  }
  if (/\s/.test(inside)) return 'write the bounds without spaces';
  const bounds = parts.map(part => {
    if (part === '') return undefined;
    const percent = part.endsWith('%');
    const number = readNumber(
      percent ? part.slice(0, -1) : part,
      BOUND_DECIMALS,
    );
    return { percent, number };
  });
  const given = bounds.filter(
    (b): b is NonNullable<typeof b> => b !== undefined,
  );
  if (given.length === 0) return 'give at least one bound';
  for (const bound of given) {
    if ('problem' in bound.number) return bound.number.problem;
    if (bound.percent && bound.number.value > 100) {
      return 'a percentage bound lies between 0% and 100%';
    }
  }
  if (prefix === 'PR' && given.some(b => b.percent)) {
    return 'PR counts values between two thresholds, not percentages: PR(:300), PR(100:2000)';
  }
  if (given.length === 2 && given[0].percent !== given[1].percent) {
    return 'give both bounds as percentages or both as values';
  }
  const [lower, upper] = bounds;
  if (
    lower &&
    upper &&
    'value' in lower.number &&
    'value' in upper.number &&
    lower.number.value > upper.number.value
  ) {
    return 'the lower bound is above the upper one';
  }
  return undefined;
}

/** Why a statistic spelled exactly is not valid, or undefined when it is. */
function problemOf(stat: string): string | undefined {
  if (NAMED.includes(stat)) return undefined;
  const pair = /^([A-Z]{2})\((.*)\)$/.exec(stat);
  if (pair && PAIR.includes(pair[1])) return checkPair(pair[1], pair[2]);
  const single = /^(p|tm|tc|ts|wm)([\d.].*)$/.exec(stat);
  if (single && SINGLE.includes(single[1])) {
    return checkSingle(single[1], single[2]);
  }
  return HINT;
}

/** The statistic with CloudWatch's capitalisation, when only that differs. */
function respell(stat: string): string | undefined {
  const named = NAMED.find(
    n => n.toLocaleLowerCase('en-US') === stat.toLocaleLowerCase('en-US'),
  );
  if (named) return named;
  const pair = /^([a-z]{2})(\(.*\))$/i.exec(stat);
  if (pair && PAIR.includes(pair[1].toLocaleUpperCase('en-US'))) {
    return `${pair[1].toLocaleUpperCase('en-US')}${pair[2]}`;
  }
  const single = /^(tm|tc|ts|wm|p)([\d.]+)$/i.exec(stat);
  if (single) return `${single[1].toLocaleLowerCase('en-US')}${single[2]}`;
  return undefined;
}

/**
 * Checks a statistic against CloudWatch's grammar: `Sum`, `Average`,
 * `Minimum`, `Maximum`, `SampleCount`, `IQM`; percentiles `p0` to `p100`
 * with up to two decimals (`p99.9`); `tmNN`, `tcNN`, `tsNN`, `wmNN`; and
 * the range forms `PR(a:b)` (values), `TM`, `TC`, `TS`, `WM` (both bounds
 * values or both percentages, either may be left out: `TM(10%:90%)`,
 * `TC(:0.5)`). CloudWatch is case-sensitive: `sum` or `P99` are accepted
 * as `Sum` and `p99`, and say so (`normalised`).
 * @public
 */
export function checkCloudWatchStatistic(
  stat: string,
): CloudWatchStatisticCheck {
  const problem = problemOf(stat);
  if (problem === undefined) {
    return { valid: true, statistic: stat, normalised: false };
  }
  const respelled = respell(stat);
  if (
    respelled !== undefined &&
    respelled !== stat &&
    problemOf(respelled) === undefined
  ) {
    return { valid: true, statistic: respelled, normalised: true };
  }
  const alias = ALIASES[stat.toLocaleLowerCase('en-US')];
  if (alias) {
    return {
      valid: false,
      message: `"${stat}" is not a CloudWatch statistic: did you mean ${alias}?`,
    };
  }
  return {
    valid: false,
    message: `"${stat}" is not a CloudWatch statistic: ${
      respelled !== undefined ? problemOf(respelled) : problem
    }`,
  };
}

/** True when CloudWatch accepts the statistic exactly as written. @public */
export function isCloudWatchStatistic(stat: string): boolean {
  return problemOf(stat) === undefined;
}
