/*
 * The `grafana/dashboard-selector` language of the community Grafana
 * plugin, parsed and evaluated here (our own small recursive-descent
 * parser). Fields: `title`, `tags`, `url`, `folderTitle`, `folderUrl`;
 * strings in single or double quotes (backslash escapes); operators `||`,
 * `&&`, `!`, `==`, `!=` (strict equality), `@>` (inclusion: a tag in
 * `tags`, a substring in a string) and parentheses. A selector that is one
 * bare word, e.g. `order-service`, means `tags @> 'order-service'`.
 */

/** A parsed selector. */
export type SelectorExpr =
  | { kind: 'or' | 'and'; left: SelectorExpr; right: SelectorExpr }
  | { kind: 'not'; operand: SelectorExpr }
  | { kind: 'compare'; op: '==' | '!=' | '@>'; left: Operand; right: Operand };

export type Operand =
  | { kind: 'field'; name: SelectorField }
  | { kind: 'string'; value: string };

export const SELECTOR_FIELDS = [
  'title',
  'tags',
  'url',
  'folderTitle',
  'folderUrl',
] as const;
export type SelectorField = (typeof SELECTOR_FIELDS)[number];

/** What a selector is evaluated against: one dashboard. */
export type SelectorContext = Partial<
  Record<Exclude<SelectorField, 'tags'>, string>
> & { tags: string[] };

/** A selector that does not parse; the message says where and why. */
export class SelectorError extends Error {}

type Token =
  | {
      t: 'op';
      v: '||' | '&&' | '!' | '==' | '!=' | '@>' | '(' | ')';
      at: number;
    }
  | { t: 'str'; v: string; at: number }
  | { t: 'id'; v: string; at: number };

const OPERATORS = ['||', '&&', '==', '!=', '@>', '!', '(', ')'] as const;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const at = i;
    const op = OPERATORS.find(o => text.startsWith(o, at));
    if (op) {
      tokens.push({ t: 'op', v: op, at: i });
      i += op.length;
      continue;
    }
    if (c === "'" || c === '"') {
      let literal = '';
      let j = i + 1;
      for (; j < text.length && text[j] !== c; j++) {
        if (text[j] === '\\' && j + 1 < text.length) j++;
        literal += text[j];
      }
      if (j >= text.length) {
        throw new SelectorError(`unclosed quote from character ${i + 1}`);
      }
      tokens.push({ t: 'str', v: literal, at: i });
      i = j + 1;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (word) {
      tokens.push({ t: 'id', v: word[0], at: i });
      i += word[0].length;
      continue;
    }
    throw new SelectorError(`unexpected "${c}" at character ${i + 1}`);
  }
  return tokens;
}

/** Parses a selector; throws {@link SelectorError} naming the problem. */
export function parseSelector(text: string): SelectorExpr {
  const trimmed = text.trim();
  if (!trimmed) throw new SelectorError('the selector is empty');
  // The short form: one bare tag.
  if (
    /^[^\s'"()!&|=@]+$/.test(trimmed) &&
    !(SELECTOR_FIELDS as readonly string[]).includes(trimmed)
  ) {
    return {
      kind: 'compare',
      op: '@>',
      left: { kind: 'field', name: 'tags' },
      right: { kind: 'string', value: trimmed },
    };
  }
  const tokens = tokenize(trimmed);
  let pos = 0;
  const peek = () => tokens[pos];
  const where = (token?: Token) =>
    token ? `at character ${token.at + 1}` : 'at the end';
  const isOp = (v: string) => {
    const token = peek();
    return token?.t === 'op' && token.v === v;
  };

  function or(): SelectorExpr {
    let left = and();
    while (isOp('||')) {
      pos++;
      left = { kind: 'or', left, right: and() };
    }
    return left;
  }
  function and(): SelectorExpr {
    let left = unary();
    while (isOp('&&')) {
      pos++;
      left = { kind: 'and', left, right: unary() };
    }
    return left;
  }
  function unary(): SelectorExpr {
    if (isOp('!')) {
      pos++;
      return { kind: 'not', operand: unary() };
    }
    if (isOp('(')) {
      pos++;
      const inner = or();
      if (!isOp(')')) {
        throw new SelectorError(`expected ")" ${where(peek())}`);
      }
      pos++;
      return inner;
    }
    const left = operand();
    const token = peek();
    if (
      token?.t !== 'op' ||
      (token.v !== '==' && token.v !== '!=' && token.v !== '@>')
    ) {
      throw new SelectorError(
        `expected ==, != or @> after ${describe(left)} ${where(token)}`,
      );
    }
    pos++;
    return { kind: 'compare', op: token.v, left, right: operand() };
  }
  function operand(): Operand {
    const token = peek();
    if (token?.t === 'str') {
      pos++;
      return { kind: 'string', value: token.v };
    }
    if (token?.t === 'id') {
      if (!(SELECTOR_FIELDS as readonly string[]).includes(token.v)) {
        throw new SelectorError(
          `unknown field "${token.v}" ${where(
            token,
          )} (known: ${SELECTOR_FIELDS.join(', ')})`,
        );
      }
      pos++;
      return { kind: 'field', name: token.v as SelectorField };
    }
    throw new SelectorError(
      `expected a field or a quoted string ${where(token)}`,
    );
  }

  const expr = or();
  if (pos < tokens.length) {
    throw new SelectorError(
      `unexpected "${tokenText(peek()!)}" ${where(peek())}`,
    );
  }
  return expr;
}

function tokenText(token: Token): string {
  return token.t === 'str' ? `'${token.v}'` : token.v;
}

function describe(operand: Operand): string {
  return operand.kind === 'field' ? operand.name : `'${operand.value}'`;
}

function value(
  operand: Operand,
  ctx: SelectorContext,
): string | string[] | undefined {
  return operand.kind === 'string' ? operand.value : ctx[operand.name];
}

/** Whether a dashboard matches a parsed selector. */
export function matchesSelector(
  expr: SelectorExpr,
  ctx: SelectorContext,
): boolean {
  switch (expr.kind) {
    case 'or':
      return (
        matchesSelector(expr.left, ctx) || matchesSelector(expr.right, ctx)
      );
    case 'and':
      return (
        matchesSelector(expr.left, ctx) && matchesSelector(expr.right, ctx)
      );
    case 'not':
      return !matchesSelector(expr.operand, ctx);
    case 'compare': {
      const left = value(expr.left, ctx);
      const right = value(expr.right, ctx);
      if (expr.op === '@>') {
        if (Array.isArray(left))
          return typeof right === 'string' && left.includes(right);
        return (
          typeof left === 'string' &&
          typeof right === 'string' &&
          left.includes(right)
        );
      }
      const equal = left === right;
      return expr.op === '==' ? equal : !equal;
    }
    default:
      return false;
  }
}

/** Alternatives of tags at most searched for; a selector needing more is searched unfiltered. */
const MAX_ALTERNATIVES = 8;

/**
 * The tag searches that find every dashboard the selector can match: a
 * list of alternatives, each the tags a match must all have (Grafana's
 * `tag` parameters are all required), or null when the selector does not
 * require any tag (`!`, `title == ...`): then every dashboard is a
 * candidate.
 */
export function requiredTagSets(expr: SelectorExpr): string[][] | null {
  switch (expr.kind) {
    case 'compare':
      if (
        expr.op === '@>' &&
        expr.left.kind === 'field' &&
        expr.left.name === 'tags' &&
        expr.right.kind === 'string'
      ) {
        return [[expr.right.value]];
      }
      return null;
    case 'not':
      return null;
    case 'or': {
      const left = requiredTagSets(expr.left);
      const right = requiredTagSets(expr.right);
      if (!left || !right) return null;
      const all = [...left, ...right];
      return all.length > MAX_ALTERNATIVES ? null : all;
    }
    case 'and': {
      const left = requiredTagSets(expr.left);
      const right = requiredTagSets(expr.right);
      if (!left) return right;
      if (!right) return left;
      const product = left.flatMap(a =>
        right.map(b => [...new Set([...a, ...b])]),
      );
      return product.length > MAX_ALTERNATIVES ? left : product;
    }
    default:
      return null;
  }
}
