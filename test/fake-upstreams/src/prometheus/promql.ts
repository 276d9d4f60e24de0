/**
 * The subset of PromQL the fake Prometheus evaluates, parsed into a tree.
 *
 * Supported:
 * - vector selectors `name{label="v", other!="v", re=~"a|b", nre!~"x.*"}`
 *   (the name, the braces or both), with a range `[5m]` as the argument of
 *   a range function; durations in ms, s, m, h, d, w, y, compound (`1h30m`);
 * - `rate`, `increase` (counters), `avg_over_time`, `max_over_time`,
 *   `min_over_time`, `sum_over_time` (any series) over a range selector;
 * - `histogram_quantile(q, <vector with an le label>)`;
 * - aggregations `sum`, `avg`, `min`, `max`, `count`, with `by (...)` or
 *   `without (...)` before or after the argument;
 * - number literals and parentheses.
 *
 * Anything else (binary operators, `offset`, `@`, other functions and
 * aggregations, subqueries) is refused with an error that names it, which
 * the server answers as Prometheus answers a bad query (`bad_data`).
 */

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  name: string;
  op: MatchOp;
  value: string;
}

export type Expr =
  | { type: 'number'; value: number }
  | {
      type: 'selector';
      matchers: Matcher[];
      /** Range in milliseconds for a range selector (`[5m]`). */
      range?: number;
    }
  | { type: 'call'; func: RangeFunction; arg: Expr }
  | { type: 'quantile'; q: Expr; arg: Expr }
  | {
      type: 'aggregate';
      op: AggregateOp;
      grouping?: { without: boolean; labels: string[] };
      arg: Expr;
    };

export const RANGE_FUNCTIONS = [
  'rate',
  'increase',
  'avg_over_time',
  'max_over_time',
  'min_over_time',
  'sum_over_time',
] as const;
export type RangeFunction = (typeof RANGE_FUNCTIONS)[number];

export const AGGREGATE_OPS = ['sum', 'avg', 'min', 'max', 'count'] as const;
export type AggregateOp = (typeof AGGREGATE_OPS)[number];

/** PromQL's own aggregations and functions, to tell "unsupported" from "unknown". */
const OTHER_AGGREGATIONS = [
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'quantile',
  'count_values',
  'group',
  'limitk',
  'limit_ratio',
];

/** A query the fake cannot read: a syntax error, or PromQL it does not evaluate. */
export class PromQLError extends Error {
  constructor(
    message: string,
    /** True for valid PromQL outside the fake's subset. */
    readonly outsideSubset = false,
  ) {
    super(message);
  }
}

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
};

/**
 * A PromQL duration (`5m`, `1h30m`, `300s`) in milliseconds, or undefined
 * when the text is not one. Units must go from largest to smallest, as
 * Prometheus requires.
 */
export function parseDuration(text: string): number | undefined {
  const re = /(\d+)(ms|s|m|h|d|w|y)/y;
  let pos = 0;
  let total = 0;
  let lastUnit = Infinity;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) return undefined;
    const unit = UNITS[m[2]];
    if (unit >= lastUnit) return undefined;
    lastUnit = unit;
    total += Number(m[1]) * unit;
    pos = re.lastIndex;
  }
  return pos > 0 && total > 0 ? total : undefined;
}

interface Token {
  kind: 'ident' | 'number' | 'string' | 'punct' | 'duration' | 'end';
  text: string;
  value?: string;
  /** 1-based column of the token's start. */
  col: number;
}

const PUNCT = [
  '!=',
  '=~',
  '!~',
  '==',
  '>=',
  '<=',
  '(',
  ')',
  '{',
  '}',
  '[',
  ']',
  ',',
  '=',
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '>',
  '<',
  '@',
  ':',
];

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let inBrackets = false;
  while (i < query.length) {
    const c = query[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const col = i + 1;
    if (c === '#') {
      while (i < query.length && query[i] !== '\n') i++;
      continue;
    }
    const duration = /^(?:\d+(?:ms|s|m|h|d|w|y))+(?![a-zA-Z0-9_])/.exec(
      query.slice(i),
    );
    if ((inBrackets && /[0-9]/.test(c)) || duration) {
      const m = duration ?? /^[0-9a-zA-Z]+/.exec(query.slice(i))!;
      tokens.push({ kind: 'duration', text: m[0], col });
      i += m[0].length;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      let value = '';
      while (j < query.length && query[j] !== c) {
        if (query[j] === '\\' && c !== '`') {
          const next = query[j + 1];
          const escapes: Record<string, string> = {
            n: '\n',
            t: '\t',
            '\\': '\\',
            '"': '"',
            "'": "'",
          };
          if (next === undefined || !(next in escapes)) {
            throw parseError(j + 1, `unknown escape sequence`);
          }
          value += escapes[next];
          j += 2;
        } else {
          value += query[j++];
        }
      }
      if (j >= query.length)
        throw parseError(col, 'unterminated quoted string');
      tokens.push({ kind: 'string', text: query.slice(i, j + 1), value, col });
      i = j + 1;
      continue;
    }
    const number =
      /^(?:0x[0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[iI][nN][fF]|[nN][aA][nN])(?![a-zA-Z_0-9])/.exec(
        query.slice(i),
      );
    if (number && !/^[a-zA-Z]/.test(c)) {
      tokens.push({ kind: 'number', text: number[0], col });
      i += number[0].length;
      continue;
    }
    if (inBrackets && c === ':') {
      tokens.push({ kind: 'punct', text: ':', col });
      i++;
      continue;
    }
    const ident = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(query.slice(i));
    if (ident) {
      const text = ident[0];
      // `inf` and `nan` are numbers unless they continue as a name.
      if (/^(inf|nan)$/i.test(text)) {
        tokens.push({ kind: 'number', text, col });
      } else {
        tokens.push({ kind: 'ident', text, col });
      }
      i += text.length;
      continue;
    }
    const at = i;
    const punct = PUNCT.find(p => query.startsWith(p, at));
    if (punct) {
      if (punct === '[') inBrackets = true;
      if (punct === ']') inBrackets = false;
      tokens.push({ kind: 'punct', text: punct, col });
      i += punct.length;
      continue;
    }
    throw parseError(col, `unexpected character: '${c}'`);
  }
  tokens.push({ kind: 'end', text: '', col: query.length + 1 });
  return tokens;
}

function parseError(col: number, message: string): PromQLError {
  return new PromQLError(`1:${col}: parse error: ${message}`);
}

function unsupported(what: string): PromQLError {
  return new PromQLError(
    `the fake Prometheus does not evaluate ${what} (it evaluates selectors, rate, increase, *_over_time, histogram_quantile and sum/avg/min/max/count by/without)`,
    true,
  );
}

function describe(token: Token): string {
  if (token.kind === 'end') return 'end of input';
  if (token.kind === 'string') return `string ${token.text}`;
  if (token.kind === 'number') return `number "${token.text}"`;
  if (token.kind === 'ident') return `identifier "${token.text}"`;
  return `"${token.text}"`;
}

/** Parses a PromQL query of the supported subset. */
export function parsePromQL(query: string): Expr {
  if (!query.trim())
    throw new PromQLError('1:1: parse error: no expression found in input');
  const tokens = tokenize(query);
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => tokens[pos++];
  const expect = (text: string, context: string) => {
    const t = next();
    if (t.kind !== 'punct' || t.text !== text) {
      throw parseError(
        t.col,
        `unexpected ${describe(t)} in ${context}, expected "${text}"`,
      );
    }
    return t;
  };

  function parseLabels(context: string): string[] {
    expect('(', context);
    const labels: string[] = [];
    while (!(peek().kind === 'punct' && peek().text === ')')) {
      const t = next();
      if (t.kind !== 'ident') {
        throw parseError(
          t.col,
          `unexpected ${describe(t)} in grouping opts, expected label`,
        );
      }
      labels.push(t.text);
      if (peek().kind === 'punct' && peek().text === ',') next();
      else break;
    }
    expect(')', context);
    return labels;
  }

  function parseMatchers(name: string | undefined): Matcher[] {
    expect('{', 'label matching');
    const matchers: Matcher[] = name
      ? [{ name: '__name__', op: '=', value: name }]
      : [];
    while (!(peek().kind === 'punct' && peek().text === '}')) {
      const label = next();
      if (label.kind !== 'ident') {
        throw parseError(
          label.col,
          `unexpected ${describe(label)} in label matching, expected label`,
        );
      }
      const op = next();
      if (op.kind !== 'punct' || !['=', '!=', '=~', '!~'].includes(op.text)) {
        throw parseError(
          op.col,
          `unexpected ${describe(
            op,
          )} in label matching, expected label matching operator`,
        );
      }
      const value = next();
      if (value.kind !== 'string') {
        throw parseError(
          value.col,
          `unexpected ${describe(value)} in label matching, expected string`,
        );
      }
      if (op.text === '=~' || op.text === '!~') {
        try {
          RegExp(`^(?:${value.value})$`);
        } catch {
          throw parseError(value.col, `error parsing regexp: ${value.value}`);
        }
      }
      matchers.push({
        name: label.text,
        op: op.text as MatchOp,
        value: value.value!,
      });
      if (peek().kind === 'punct' && peek().text === ',') next();
      else break;
    }
    expect('}', 'label matching');
    if (!matchers.some(m => !matchRegexOrEquals(m, ''))) {
      throw new PromQLError(
        'vector selector must contain at least one non-empty matcher',
      );
    }
    return matchers;
  }

  function parseRange(selector: Expr & { type: 'selector' }) {
    const open = next(); // '['
    const d = next();
    if (d.kind !== 'duration') {
      throw parseError(
        d.col,
        `unexpected ${describe(d)} in range selector, expected duration`,
      );
    }
    const ms = parseDuration(d.text);
    if (ms === undefined)
      throw parseError(d.col, `bad duration syntax: "${d.text}"`);
    const close = next();
    if (close.kind === 'punct' && close.text === ':')
      throw unsupported('subqueries');
    if (close.kind !== 'punct' || close.text !== ']') {
      throw parseError(
        close.col,
        `unexpected ${describe(close)} in range selector, expected "]"`,
      );
    }
    void open;
    return { ...selector, range: ms };
  }

  function parsePrimary(): Expr {
    const t = peek();
    if (t.kind === 'number') {
      next();
      return { type: 'number', value: parseNumber(t.text) };
    }
    if (t.kind === 'punct' && t.text === '(') {
      next();
      const inner = parseExpr();
      expect(')', 'parenthesized expression');
      return inner;
    }
    if (t.kind === 'punct' && t.text === '-') {
      const n = tokens[pos + 1];
      if (n?.kind === 'number') {
        pos += 2;
        return { type: 'number', value: -parseNumber(n.text) };
      }
      throw unsupported('unary minus on a vector');
    }
    if (t.kind === 'punct' && t.text === '{') {
      return parseSelectorRest(undefined);
    }
    if (t.kind === 'ident') {
      next();
      const name = t.text;
      const after = peek();
      const lower = name.toLowerCase();
      const isCall = after.kind === 'punct' && after.text === '(';
      const isGrouping =
        after.kind === 'ident' &&
        (after.text === 'by' || after.text === 'without');
      if (
        (AGGREGATE_OPS as readonly string[]).includes(lower) &&
        (isCall || isGrouping)
      ) {
        return parseAggregate(lower as AggregateOp);
      }
      if (OTHER_AGGREGATIONS.includes(lower) && (isCall || isGrouping)) {
        throw unsupported(`the aggregation ${name}`);
      }
      if (isCall) {
        if ((RANGE_FUNCTIONS as readonly string[]).includes(name)) {
          next();
          const arg = parseExpr();
          expect(')', `call to ${name}`);
          if (arg.type !== 'selector' || arg.range === undefined) {
            throw new PromQLError(
              `1:${t.col}: parse error: expected type range vector in call to function "${name}", got instant vector`,
            );
          }
          return { type: 'call', func: name as RangeFunction, arg };
        }
        if (name === 'histogram_quantile') {
          next();
          const q = parseExpr();
          expect(',', 'call to histogram_quantile');
          const arg = parseExpr();
          expect(')', 'call to histogram_quantile');
          if (q.type !== 'number')
            throw unsupported(
              'histogram_quantile with a quantile that is not a number',
            );
          return { type: 'quantile', q, arg };
        }
        throw unsupported(`the function ${name}()`);
      }
      return parseSelectorRest(name);
    }
    throw parseError(t.col, `unexpected ${describe(t)}`);
  }

  function parseSelectorRest(name: string | undefined): Expr {
    const matchers =
      peek().kind === 'punct' && peek().text === '{'
        ? parseMatchers(name)
        : [{ name: '__name__', op: '=' as const, value: name! }];
    let selector: Expr & { type: 'selector' } = { type: 'selector', matchers };
    if (peek().kind === 'punct' && peek().text === '[')
      selector = parseRange(selector);
    return selector;
  }

  function parseAggregate(op: AggregateOp): Expr {
    let grouping: { without: boolean; labels: string[] } | undefined;
    const readGrouping = () => {
      const g = peek();
      if (g.kind === 'ident' && (g.text === 'by' || g.text === 'without')) {
        next();
        grouping = {
          without: g.text === 'without',
          labels: parseLabels('grouping opts'),
        };
      }
    };
    readGrouping();
    expect('(', 'aggregation');
    const arg = parseExpr();
    if (peek().kind === 'punct' && peek().text === ',') {
      throw unsupported(`a parameter to ${op}`);
    }
    expect(')', 'aggregation');
    if (!grouping) readGrouping();
    return { type: 'aggregate', op, grouping, arg };
  }

  function parseExpr(): Expr {
    const expr = parsePrimary();
    const t = peek();
    if (t.kind === 'ident' && t.text === 'offset')
      throw unsupported('offset modifiers');
    if (t.kind === 'punct' && t.text === '@') throw unsupported('@ modifiers');
    if (
      t.kind === 'punct' &&
      ['+', '-', '*', '/', '%', '^', '==', '!=', '>', '<', '>=', '<='].includes(
        t.text,
      )
    ) {
      throw unsupported(`the binary operator ${t.text}`);
    }
    if (t.kind === 'ident' && ['and', 'or', 'unless'].includes(t.text)) {
      throw unsupported(`the binary operator ${t.text}`);
    }
    if (t.kind === 'punct' && t.text === '[') {
      throw unsupported('subqueries or ranges on anything but a selector');
    }
    return expr;
  }

  const expr = parseExpr();
  const rest = peek();
  if (rest.kind !== 'end')
    throw parseError(rest.col, `unexpected ${describe(rest)}`);
  return expr;
}

function parseNumber(text: string): number {
  if (/^inf$/i.test(text)) return Infinity;
  if (/^nan$/i.test(text)) return NaN;
  return Number(text);
}

/** Whether a label value (empty when the label is absent) satisfies a matcher. */
export function matchRegexOrEquals(m: Matcher, value: string): boolean {
  switch (m.op) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    case '=~':
      return new RegExp(`^(?:${m.value})$`, 's').test(value);
    case '!~':
      return !new RegExp(`^(?:${m.value})$`, 's').test(value);
    default:
      return false;
  }
}
