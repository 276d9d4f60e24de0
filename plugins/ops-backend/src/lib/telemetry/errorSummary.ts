/** Longest message kept for a failed refresh. */
export const MAX_ERROR_CHARS = 200;

/**
 * A failure's message as the unauthenticated health route may show it: the
 * first line only (stack traces and quoted upstream answers that follow
 * are dropped), URLs without credentials, query or fragment,
 * `token=`/`secret:`/`password=`/`key=` values, `Bearer`/`Basic` credentials and long
 * token-like strings replaced by `[redacted]`, and at most
 * {@link MAX_ERROR_CHARS} characters.
 */
export function summarizeError(error: unknown): string {
  const e = error as { name?: string; message?: unknown } | undefined;
  let text: string;
  if (typeof error === 'string') text = error;
  else if (typeof e?.message === 'string') text = e.message;
  else text = String(error);
  text = text.split(/\r?\n/)[0].trim();
  text = text.replace(/\b(https?:\/\/)[^\s/@]*@/gi, '$1');
  text = text.replace(/\b(https?:\/\/[^\s?#]*)[?#][^\s)]*/gi, '$1');
  text = text.replace(/\b(Bearer|Basic|Token)\s+[^\s,;)]+/g, '$1 [redacted]');
  text = text.replace(
    /\b(token|secret|password|passwd|api[_-]?key|key|authorization|routing_key)(["']?\s*[:=]\s*)(?!(?:Bearer|Basic|Token)\b)("[^"]*"|'[^']*'|[^\s,;)]+)/gi,
    '$1$2[redacted]',
  );
  text = text.replace(/[A-Za-z0-9+_=-]{32,}/g, '[redacted]');
  if (!text) text = e?.name ?? 'failed';
  return text.length > MAX_ERROR_CHARS
    ? `${text.slice(0, MAX_ERROR_CHARS - 1)}…`
    : text;
}
