import { Knex } from 'knex';

/** Slots a stored chunk holds: a day of 1-minute values, 5 days of 5-minute, 60 days hourly. */
export const CHUNK_SLOTS = 1440;

/** The capacity windows whose datapoints are stored. */
export type SeriesWindow = 'hourly' | 'fine' | 'minute';

/**
 * A stretch of one metric's datapoints on the grid of its period: slot i
 * is the period starting at `start + i * period`, NaN where CloudWatch
 * answered no datapoint. `[from, to)` is the part CloudWatch was asked for.
 */
export interface SeriesChunk {
  entityRef: string;
  metricId: string;
  window: SeriesWindow;
  start: number;
  fingerprint: string;
  periodSeconds: number;
  from: number;
  to: number;
  values: Float64Array;
}

interface SeriesRow {
  entity_ref: string;
  metric_id: string;
  series_window: string;
  chunk_start: number | string;
  fingerprint: string;
  period_seconds: number;
  covered_from: number | string;
  covered_to: number | string;
  data: Buffer | Uint8Array;
  updated_at?: Date | string;
}

const TABLE = 'ops_capacity_series';
/** Rows per insert statement (SQLite allows 999 bound values). */
const ROWS_PER_INSERT = 50;
/** Entities per read (bounds the statement and one answer's size). */
const REFS_PER_READ = 50;

const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/** The bytes of a chunk: little-endian doubles, whatever the host's order. */
export function encodeValues(values: Float64Array): Buffer {
  if (LITTLE_ENDIAN) {
    return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  }
  const out = Buffer.alloc(values.length * 8);
  for (let i = 0; i < values.length; i++) out.writeDoubleLE(values[i], i * 8);
  return out;
}

/**
 * The doubles of stored bytes: a view of them when they are aligned (the
 * drivers answer each value in a buffer of its own), else a copy.
 */
export function decodeValues(bytes: Uint8Array): Float64Array {
  const length = Math.floor(bytes.byteLength / 8);
  if (LITTLE_ENDIAN && bytes.byteOffset % 8 === 0) {
    return new Float64Array(bytes.buffer, bytes.byteOffset, length);
  }
  const out = new Float64Array(length);
  if (LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(bytes.subarray(0, out.length * 8));
    return out;
  }
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = buffer.readDoubleLE(i * 8);
  return out;
}

/** Key of one metric window of one entity, in maps. */
export function seriesKey(
  entityRef: string,
  metricId: string,
  window: SeriesWindow,
): string {
  return `${entityRef}\u0000${metricId}\u0000${window}`;
}

/**
 * The capacity refresh's datapoints in the plugin's database, so that a
 * refresh asks CloudWatch only for the time since the last one, whichever
 * replica ran that one and across restarts. Stored in chunks of
 * {@link CHUNK_SLOTS} periods so that an hourly refresh rewrites a day of
 * 1-minute values, not 15.
 */
export class CapacitySeriesStore {
  constructor(private readonly db: () => Promise<Knex>) {}

  /** The stored chunks of the entities, by {@link seriesKey}, oldest first. */
  async load(entityRefs: string[]): Promise<Map<string, SeriesChunk[]>> {
    const db = await this.db();
    const result = new Map<string, SeriesChunk[]>();
    for (let i = 0; i < entityRefs.length; i += REFS_PER_READ) {
      const rows: SeriesRow[] = await db<SeriesRow>(TABLE)
        .whereIn('entity_ref', entityRefs.slice(i, i + REFS_PER_READ))
        .orderBy('chunk_start');
      for (const row of rows) {
        const chunk = fromRow(row);
        const key = seriesKey(chunk.entityRef, chunk.metricId, chunk.window);
        const list = result.get(key);
        if (list) list.push(chunk);
        else result.set(key, [chunk]);
      }
    }
    return result;
  }

  /**
   * Writes chunks (replacing those with the same start) after removing
   * every chunk of the series in `replace` (whose queries changed).
   */
  async save(
    chunks: SeriesChunk[],
    replace: { entityRef: string; metricId: string; window: SeriesWindow }[],
    now: Date,
  ): Promise<void> {
    if (chunks.length === 0 && replace.length === 0) return;
    const db = await this.db();
    await db.transaction(async trx => {
      for (const r of replace) {
        await trx(TABLE)
          .where({
            entity_ref: r.entityRef,
            metric_id: r.metricId,
            series_window: r.window,
          })
          .delete();
      }
      for (let i = 0; i < chunks.length; i += ROWS_PER_INSERT) {
        const rows = chunks
          .slice(i, i + ROWS_PER_INSERT)
          .map(c => toRow(c, now));
        await trx(TABLE)
          .insert(rows)
          .onConflict([
            'entity_ref',
            'metric_id',
            'series_window',
            'chunk_start',
          ])
          .merge([
            'fingerprint',
            'period_seconds',
            'covered_from',
            'covered_to',
            'data',
            'updated_at',
          ]);
      }
    });
  }

  /** Removes the entities' chunks of a window that end before `before`. */
  async prune(
    entityRefs: string[],
    window: SeriesWindow,
    periodSeconds: number,
    before: number,
  ): Promise<void> {
    if (entityRefs.length === 0) return;
    const db = await this.db();
    const chunkMs = periodSeconds * 1000 * CHUNK_SLOTS;
    await db(TABLE)
      .whereIn('entity_ref', entityRefs)
      .where({ series_window: window })
      .where('chunk_start', '<=', before - chunkMs)
      .delete();
  }

  /**
   * Removes the series of entities that are no longer refreshed: those
   * `mine` claims (the refreshing shard's) and `keep` does not list.
   */
  async retain(keep: string[], mine: (entityRef: string) => boolean) {
    const db = await this.db();
    const kept = new Set(keep);
    const refs: { entity_ref: string }[] = await db(TABLE).distinct(
      'entity_ref',
    );
    const gone = refs
      .map(r => r.entity_ref)
      .filter(ref => !kept.has(ref) && mine(ref));
    for (let i = 0; i < gone.length; i += REFS_PER_READ) {
      await db(TABLE)
        .whereIn('entity_ref', gone.slice(i, i + REFS_PER_READ))
        .delete();
    }
  }
}

function fromRow(row: SeriesRow): SeriesChunk {
  return {
    entityRef: row.entity_ref,
    metricId: row.metric_id,
    window: row.series_window as SeriesWindow,
    start: Number(row.chunk_start),
    fingerprint: row.fingerprint,
    periodSeconds: Number(row.period_seconds),
    from: Number(row.covered_from),
    to: Number(row.covered_to),
    values: decodeValues(row.data),
  };
}

function toRow(chunk: SeriesChunk, now: Date): SeriesRow {
  return {
    entity_ref: chunk.entityRef,
    metric_id: chunk.metricId,
    series_window: chunk.window,
    chunk_start: chunk.start,
    fingerprint: chunk.fingerprint,
    period_seconds: chunk.periodSeconds,
    covered_from: chunk.from,
    covered_to: chunk.to,
    data: encodeValues(chunk.values),
    updated_at: now,
  };
}
