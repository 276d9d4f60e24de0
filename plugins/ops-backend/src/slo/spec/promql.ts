// PromQL as the SLO specs hold it: the period placeholder, the rule for
// bare counters, and the selectors the compact form builds.

/** Stands for the period in a query, as a PromQL duration (`300s`). */
export const PERIOD_PLACEHOLDER = '$period';

/** Sloth's spelling of the same placeholder, accepted as an alias. */
const SLOTH_WINDOW = /\{\{\s*\.window\s*\}\}/g;

/** The query with its string literals emptied, so brackets in label values do not count. */
function withoutStrings(query: string): string {
  return query.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
}

/** A bare vector selector: `name`, `name{...}` or `{...}`. */
const SELECTOR = /^(?:[a-zA-Z_:][a-zA-Z0-9_:]*\s*(?:\{[^{}]*\})?|\{[^{}]*\})$/;

/**
 * The query an SLO evaluates once per period, from a query of a spec:
 *
 * - `{{.window}}` (Sloth) is read as `$period`;
 * - a query with `$period` is evaluated as written;
 * - a ratio metric's bare counter selector (`http_requests_total{job="a"}`,
 *   no range, no placeholder) counts its increase over each period:
 *   `sum(increase(<selector>[$period]))`;
 * - a ratio metric's query with a fixed range (`[5m]`) or some other
 *   expression without `$period` is refused: it would not count each
 *   period's events once;
 * - a threshold metric's query without `$period` is evaluated as written
 *   at the end of each slice (a gauge, or a quantile over a fixed range).
 */
export function periodQuery(
  query: string,
  role: 'ratio' | 'threshold',
): { promql: string } | { error: string } {
  const promql = query.trim().replace(SLOTH_WINDOW, PERIOD_PLACEHOLDER);
  if (promql.includes(PERIOD_PLACEHOLDER)) return { promql };
  if (role === 'threshold') return { promql };
  const bare = withoutStrings(promql);
  if (SELECTOR.test(bare)) {
    return { promql: `sum(increase(${promql}[${PERIOD_PLACEHOLDER}]))` };
  }
  const range = /\[([^\]]*)\]/.exec(bare);
  return {
    error: range
      ? `the query reads a fixed range [${range[1]}]: a ratio metric counts the events of each period, so write [$period] (or [{{.window}}]) instead`
      : `the query has no $period: a ratio metric counts the events of each period, e.g. sum(increase(http_requests_total{job="orders"}[$period])), or give the bare counter selector`,
  };
}

/** A PromQL string literal. */
export function promqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** `name{a="b",c=~"d"}` from a metric name and label matchers (PromQL syntax each). */
export function promqlSelector(name: string, matchers: string[]): string {
  const list = matchers.map(m => m.trim()).filter(m => m.length > 0);
  return list.length > 0 ? `${name}{${list.join(',')}}` : name;
}

/**
 * A regular expression matching the `le` label of a histogram bucket at
 * `seconds`, however the client library wrote the number (`0.5`, `0.50`,
 * `1`, `1.0`); `[.]` instead of `\.` keeps it free of escapes.
 */
export function leMatcher(seconds: number): string {
  let text = String(seconds);
  if (/e/i.test(text)) text = seconds.toFixed(12).replace(/\.?0+$/, '');
  const [whole, fraction] = text.split('.');
  return fraction === undefined
    ? `${whole}([.]0*)?`
    : `${whole}[.]${fraction}0*`;
}
