import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import express from 'express';

/*
 * Answers that are the same for every view between two refreshes (e.g. a
 * capacity chart of 400 KB) were rebuilt, serialised, hashed for the ETag
 * and compressed on every view. These helpers do that work once per
 * snapshot version: `memoView` keeps the view derived from a kept snapshot
 * (see SnapshotReadCache: the same frozen object while its version holds),
 * and `sendView` keeps the serialised and compressed body of a frozen
 * answer. Both hang off the objects they derive from (WeakMap), so they
 * live exactly as long as the kept snapshot and need no bound of their own.
 */

const views = new WeakMap<object, Map<string, unknown>>();

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as object)) deepFreeze(child);
  }
  return value;
}

/**
 * The view `variant` (e.g. a chart range) derived from `source` by
 * `compute`, computed once per source object and frozen. `compute` must
 * depend on nothing but `source` and the variant (no clock, no user): what
 * the user may see is decided before.
 */
export function memoView<T>(
  source: object,
  variant: string,
  compute: () => T,
): T {
  let byVariant = views.get(source);
  if (!byVariant) {
    byVariant = new Map();
    views.set(source, byVariant);
  }
  if (byVariant.has(variant)) return byVariant.get(variant) as T;
  const value = deepFreeze(compute());
  // Only a frozen source is known not to change under the kept view.
  if (Object.isFrozen(source)) byVariant.set(variant, value);
  return value;
}

interface Body {
  json: Buffer;
  etag: string;
  gzip?: Buffer;
}

const bodies = new WeakMap<object, Body>();

/** Bodies smaller than this are not worth compressing. */
const GZIP_MIN_BYTES = 1024;

/**
 * Sends `value` as JSON. For a frozen value (from {@link memoView}) the
 * body, its ETag and its gzip encoding are made once and reused; a client
 * that has the body gets 304. Anything else is sent as `res.json` would.
 */
export function sendView(
  req: express.Request,
  res: express.Response,
  value: unknown,
): void {
  if (!value || typeof value !== 'object' || !Object.isFrozen(value)) {
    res.json(value);
    return;
  }
  let body = bodies.get(value);
  if (!body) {
    const json = Buffer.from(JSON.stringify(value), 'utf8');
    body = {
      json,
      etag: `W/"${createHash('sha1').update(json).digest('base64url')}"`,
    };
    bodies.set(value, body);
  }
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  // Set here, express does not hash the body again for its own ETag.
  res.setHeader('ETag', body.etag);
  res.vary('Accept-Encoding');
  // As the compression middleware: gzip only when the client asks for it.
  if (
    body.json.length >= GZIP_MIN_BYTES &&
    req.headers['accept-encoding'] &&
    req.acceptsEncodings('gzip', 'identity') === 'gzip'
  ) {
    body.gzip ??= gzipSync(body.json);
    // The compression middleware leaves an encoded body alone.
    res.setHeader('Content-Encoding', 'gzip');
    res.send(body.gzip);
    return;
  }
  res.send(body.json);
}
