/**
 * Schemes a runbook link may use. Everything else (`javascript:`,
 * `vbscript:`, `data:`, `file:`...) is dropped, whatever its spelling.
 */
const SAFE_SCHEMES = new Set(['http:', 'https:', 'mailto:']);

/**
 * The URL if it is safe to put in an `href`: an absolute http(s) or mailto
 * URL, or a path within the portal (`/catalog/...`). Control characters and
 * whitespace that browsers ignore inside a scheme are taken into account,
 * so `java\tscript:` is refused like `javascript:`.
 * @public
 */
export function safeHref(value: string | undefined): string | undefined {
  if (!value) return undefined;
  // eslint-disable-next-line no-control-regex
  const compact = value.replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  if (compact.length === 0) return undefined;
  if (compact.startsWith('/')) {
    // `//host` and `/\host` are other sites to a browser, not portal paths.
    return /^\/[/\\]/.test(compact) ? undefined : compact;
  }
  let url: URL;
  try {
    url = new URL(compact);
  } catch {
    return undefined;
  }
  return SAFE_SCHEMES.has(url.protocol) ? url.href : undefined;
}

/**
 * Runbook links in an alarm description: URLs after the word "runbook"
 * (`Runbook: https://...`), and URLs whose address says runbook. Other URLs
 * (dashboards, tickets) are not taken for runbooks.
 * @public
 */
export function runbookUrlsInText(text: string | undefined): string[] {
  if (!text) return [];
  const found: string[] = [];
  const pattern = /https?:\/\/[^\s<>"')\]]+/gi;
  for (const match of text.matchAll(pattern)) {
    const url = match[0].replace(/[.,;:!?]+$/, '');
    const before = text.slice(Math.max(0, match.index! - 24), match.index);
    const labelled = /runbook[^a-z0-9]*$/i.test(before);
    if ((labelled || /runbook/i.test(url)) && safeHref(url)) {
      if (!found.includes(url)) found.push(url);
    }
  }
  return found;
}

/** A lower-case, dash-separated form of `text` for ids and anchors. @public */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  return slug.slice(0, 80) || 'section';
}
