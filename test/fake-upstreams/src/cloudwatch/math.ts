/**
 * A small evaluator for CloudWatch metric-math expressions over aligned
 * series: numbers, query ids, + - * /, parentheses, unary minus, and the
 * functions FILL(series, value), ABS(x), MIN(a, b) and MAX(a, b) applied
 * point by point. Enough for SLI ratios; anything else is refused with the
 * ValidationError CloudWatch would send for a bad expression.
 */

export type Series = Map<number, number>;
type Value = number | Series;

export class ExpressionError extends Error {}

interface Token {
  kind: 'num' | 'id' | 'op' | 'lp' | 'rp' | 'comma';
  text: string;
}

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  const re =
    /\s*(?:(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|([-+*/])|(\()|(\))|(,))/y;
  let pos = 0;
  while (pos < expression.length) {
    if (/^\s*$/.test(expression.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(expression);
    if (!m)
      throw new ExpressionError(
        `Unexpected character at ${pos} in "${expression}"`,
      );
    pos = re.lastIndex;
    if (m[1]) tokens.push({ kind: 'num', text: m[1] });
    else if (m[2]) tokens.push({ kind: 'id', text: m[2] });
    else if (m[3]) tokens.push({ kind: 'op', text: m[3] });
    else if (m[4]) tokens.push({ kind: 'lp', text: '(' });
    else if (m[5]) tokens.push({ kind: 'rp', text: ')' });
    else tokens.push({ kind: 'comma', text: ',' });
  }
  return tokens;
}

function binary(
  a: Value,
  b: Value,
  f: (x: number, y: number) => number,
): Value {
  if (typeof a === 'number' && typeof b === 'number') return f(a, b);
  const out: Series = new Map();
  if (typeof a === 'number') {
    for (const [t, y] of b as Series) out.set(t, f(a, y));
  } else if (typeof b === 'number') {
    for (const [t, x] of a) out.set(t, f(x, b));
  } else {
    for (const [t, x] of a) {
      const y = b.get(t);
      if (y !== undefined) out.set(t, f(x, y));
    }
  }
  return out;
}

function unary(a: Value, f: (x: number) => number): Value {
  if (typeof a === 'number') return f(a);
  const out: Series = new Map();
  for (const [t, x] of a) out.set(t, f(x));
  return out;
}

/** Evaluates `expression` with `lookup` giving the series of a query id. */
export function evaluate(
  expression: string,
  lookup: (id: string) => Series | undefined,
  timestamps: number[],
): Series {
  const tokens = tokenize(expression);
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++];

  function primary(): Value {
    const token = next();
    if (!token) throw new ExpressionError(`Unexpected end of "${expression}"`);
    if (token.kind === 'num') return Number(token.text);
    if (token.kind === 'op' && token.text === '-')
      return unary(primary(), x => -x);
    if (token.kind === 'lp') {
      const value = sum();
      if (next()?.kind !== 'rp')
        throw new ExpressionError(`Missing ) in "${expression}"`);
      return value;
    }
    if (token.kind === 'id') {
      if (peek()?.kind === 'lp') {
        next();
        const args: Value[] = [];
        if (peek()?.kind !== 'rp') {
          args.push(sum());
          while (peek()?.kind === 'comma') {
            next();
            args.push(sum());
          }
        }
        if (next()?.kind !== 'rp')
          throw new ExpressionError(`Missing ) in "${expression}"`);
        return call(token.text.toUpperCase(), args);
      }
      const series = lookup(token.text);
      if (!series)
        throw new ExpressionError(
          `Unknown id "${token.text}" in "${expression}"`,
        );
      return series;
    }
    throw new ExpressionError(`Unexpected "${token.text}" in "${expression}"`);
  }

  function call(name: string, args: Value[]): Value {
    switch (name) {
      case 'FILL': {
        const [s, v] = args;
        if (typeof s === 'number' || typeof v !== 'number') {
          throw new ExpressionError('FILL takes a series and a number');
        }
        const out: Series = new Map();
        for (const t of timestamps) out.set(t, s.get(t) ?? v);
        return out;
      }
      case 'ABS':
        return unary(args[0], Math.abs);
      case 'MIN':
        return binary(args[0], args[1], Math.min);
      case 'MAX':
        return binary(args[0], args[1], Math.max);
      default:
        throw new ExpressionError(
          `The fake CloudWatch does not support ${name}()`,
        );
    }
  }

  function product(): Value {
    let value = primary();
    while (
      peek()?.kind === 'op' &&
      (peek().text === '*' || peek().text === '/')
    ) {
      const op = next().text;
      const rhs = primary();
      value =
        op === '*'
          ? binary(value, rhs, (x, y) => x * y)
          : binary(value, rhs, (x, y) => (y === 0 ? NaN : x / y));
    }
    return value;
  }

  function sum(): Value {
    let value = product();
    while (
      peek()?.kind === 'op' &&
      (peek().text === '+' || peek().text === '-')
    ) {
      const op = next().text;
      const rhs = product();
      value = binary(
        value,
        rhs,
        op === '+' ? (x, y) => x + y : (x, y) => x - y,
      );
    }
    return value;
  }

  const result = sum();
  if (i !== tokens.length)
    throw new ExpressionError(
      `Unexpected "${tokens[i].text}" in "${expression}"`,
    );
  if (typeof result === 'number') {
    const out: Series = new Map();
    for (const t of timestamps) out.set(t, result);
    return out;
  }
  // Division by zero gives no datapoint, as in CloudWatch.
  for (const [t, v] of result) if (!Number.isFinite(v)) result.delete(t);
  return result;
}
