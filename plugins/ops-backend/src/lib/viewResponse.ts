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
 * answer (hung off the answer object, so it lives exactly as long as the
 * kept snapshot), and the compressed body of any answer sent before.
 */

const views = new WeakMap<object, Map<string, unknown>>();

/**
 * Freezes `value` and everything in it, so that {@link sendView} makes its
 * body once per object (for answers kept and sent to many views).
 */
export function deepFreeze<T>(value: T): T {
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

const tickViews = new WeakMap<
  object,
  Map<string, { tick: number; value: unknown }>
>();

/**
 * As {@link memoView}, for a view that also depends on the clock: computed
 * once per source object, variant and `tick` (e.g. the clock in whole
 * 5-second steps, which `compute` then takes as "now"), and kept only for
 * the latest tick, so that a snapshot kept for hours holds one view, not
 * one per tick.
 */
export function memoViewAt<T>(
  source: object,
  variant: string,
  tick: number,
  compute: () => T,
): T {
  let byVariant = tickViews.get(source);
  const kept = byVariant?.get(variant);
  if (kept && kept.tick === tick) return kept.value as T;
  const value = deepFreeze(compute());
  // Only a frozen source is known not to change under the kept view.
  if (Object.isFrozen(source)) {
    if (!byVariant) {
      byVariant = new Map();
      tickViews.set(source, byVariant);
    }
    byVariant.set(variant, { tick, value });
  }
  return value;
}

interface Body {
  json: Buffer;
  etag: string;
  gzip?: Buffer;
}

/** Bodies of frozen answers, made once per answer object. */
const frozenBodies = new WeakMap<object, Body>();

/**
 * Compressed bodies of answers that are rebuilt per view (e.g. on-call,
 * incidents) but mostly the same from view to view, keyed by the SHA-256
 * of the JSON: the same bytes always compress to the same bytes, so this
 * cannot hand one user another's answer. Bounded by bytes, oldest first out.
 */
const compressed = new Map<string, Buffer>();
let compressedBytes = 0;
const COMPRESSED_LIMIT = 16 * 1024 * 1024;

/** Bodies smaller than this are not worth compressing. */
const GZIP_MIN_BYTES = 1024;

function gzipOf(body: Body): Buffer {
  if (body.gzip) return body.gzip;
  const kept = compressed.get(body.etag);
  if (kept) {
    compressed.delete(body.etag);
    compressed.set(body.etag, kept);
    return kept;
  }
  const gzip = gzipSync(body.json);
  if (gzip.length <= COMPRESSED_LIMIT / 16) {
    compressed.set(body.etag, gzip);
    compressedBytes += gzip.length;
    for (const [key, value] of compressed) {
      if (compressedBytes <= COMPRESSED_LIMIT) break;
      compressed.delete(key);
      compressedBytes -= value.length;
    }
  }
  return gzip;
}

function bodyOf(value: unknown): Body {
  const json = Buffer.from(JSON.stringify(value), 'utf8');
  return {
    json,
    etag: `W/"${createHash('sha256').update(json).digest('base64url')}"`,
  };
}

/**
 * Sends `value` as JSON, as `res.json` would, with less work per view: the
 * ETag (which express would compute by hashing the body) and the gzip
 * encoding come from caches. For a frozen value (from {@link memoView}) the
 * body is made once per object; for any other value it is serialised and
 * hashed, and its compressed form reused when the same bytes were sent
 * before. A client that has the body gets 304.
 */
export function sendView(
  req: express.Request,
  res: express.Response,
  value: unknown,
): void {
  let body: Body;
  if (value && typeof value === 'object' && Object.isFrozen(value)) {
    body = frozenBodies.get(value) ?? bodyOf(value);
    frozenBodies.set(value, body);
  } else {
    body = bodyOf(value);
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
    body.gzip = gzipOf(body);
    // The compression middleware leaves an encoded body alone.
    res.setHeader('Content-Encoding', 'gzip');
    res.send(body.gzip);
    return;
  }
  res.send(body.json);
}
