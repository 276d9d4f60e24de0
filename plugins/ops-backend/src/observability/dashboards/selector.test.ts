import {
  matchesSelector,
  parseSelector,
  requiredTagSets,
  SelectorError,
} from './selector';

const d = (tags: string[], title = 'A dashboard', folderTitle?: string) => ({
  tags,
  title,
  ...(folderTitle ? { folderTitle } : {}),
});

describe('dashboard selector', () => {
  const matches = (selector: string, ctx: ReturnType<typeof d>) =>
    matchesSelector(parseSelector(selector), ctx);

  it('evaluates the community plugin syntax: @>, ||, &&, !, parentheses, == and !=', () => {
    const s =
      "(tags @> 'order-service' || tags @> 'order-service-slo') && tags @> 'generated'";
    expect(matches(s, d(['order-service', 'generated']))).toBe(true);
    expect(matches(s, d(['order-service-slo', 'generated']))).toBe(true);
    expect(matches(s, d(['order-service-slo']))).toBe(false);
    expect(matches('!(tags @> "a" && tags @> "b")', d(['a', 'b']))).toBe(false);
    expect(matches('!(tags @> "a" && tags @> "b")', d(['a']))).toBe(true);
    expect(matches("title == 'Orders'", d([], 'Orders'))).toBe(true);
    expect(matches("title != 'Orders'", d([], 'Orders'))).toBe(false);
    expect(matches("title @> 'rder'", d([], 'Orders'))).toBe(true);
    expect(matches("folderTitle == 'SLOs'", d([], 'x', 'SLOs'))).toBe(true);
    // && binds tighter than ||.
    expect(matches("tags @> 'a' || tags @> 'b' && tags @> 'c'", d(['a']))).toBe(
      true,
    );
    // Arrays never equal a string (strict equality).
    expect(matches("tags == 'a'", d(['a']))).toBe(false);
  });

  it('reads a bare word as a tag, as the community plugin does', () => {
    expect(matches('order-service', d(['order-service']))).toBe(true);
    expect(matches('owner:team-atlas', d(['owner:team-atlas']))).toBe(true);
    expect(matches('order-service', d(['payment-service']))).toBe(false);
  });

  it('says what is wrong with a selector that does not parse', () => {
    expect(() => parseSelector("tags @> 'x")).toThrow(
      new SelectorError('unclosed quote from character 9'),
    );
    expect(() => parseSelector("owner @> 'x'")).toThrow(
      /unknown field "owner" at character 1/,
    );
    expect(() => parseSelector("(tags @> 'x'")).toThrow(
      /expected "\)" at the end/,
    );
    expect(() => parseSelector("tags 'x'")).toThrow(
      /expected ==, != or @> after tags at character 6/,
    );
    expect(() => parseSelector("tags @> 'x' 'y'")).toThrow(/unexpected "'y'"/);
    expect(() => parseSelector('   ')).toThrow(/empty/);
  });

  it('derives the tag searches that find every possible match', () => {
    const plan = (s: string) => requiredTagSets(parseSelector(s));
    expect(plan("tags @> 'a'")).toEqual([['a']]);
    expect(plan("tags @> 'a' && tags @> 'b'")).toEqual([['a', 'b']]);
    expect(plan("(tags @> 'a' || tags @> 'b') && tags @> 'c'")).toEqual([
      ['a', 'c'],
      ['b', 'c'],
    ]);
    expect(plan("tags @> 'a' && title @> 'x'")).toEqual([['a']]);
    expect(plan("tags @> 'a' || title == 'x'")).toBeNull();
    expect(plan("!(tags @> 'a')")).toBeNull();
  });
});
