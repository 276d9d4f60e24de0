/**
 * Deterministic pseudo-randomness: the same key always gives the same number,
 * so the fakes answer the same for the same question, run after run.
 */

/** 32-bit FNV-1a hash of a string. */
export function hash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A number in [0, 1) fixed by the key. */
export function unit(key: string): number {
  // One round of a mixing function over the hash for a better spread.
  let x = hash(key);
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return (x >>> 0) / 4294967296;
}

/** A standard normal number fixed by the key (Box-Muller). */
export function normal(key: string): number {
  const u1 = Math.max(unit(`${key}#1`), 1e-12);
  const u2 = unit(`${key}#2`);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
