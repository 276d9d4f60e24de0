import { Knex } from 'knex';
import { Snapshot } from '@opsportal/plugin-ops-common';
import { Clock, systemClock } from '../lib/clock';
import { isDatabaseUnavailable } from '../lib/errors';

/**
 * How much snapshot data (characters of JSON) each server keeps in memory
 * for database outages: the snapshots read last, up to this size.
 */
const LAST_READ_LIMIT = 32 * 1024 * 1024;

/** What a snapshot served from memory during a database outage says. */
export const DATABASE_OUTAGE_NOTE =
  'The ops database is unavailable: this is the copy this server read last';

/** A stored snapshot with its bookkeeping. */
export interface StoredSnapshot<T> extends Snapshot<T | undefined> {
  kind: string;
  key: string;
  attemptedAt: string;
}

/** One day of a snapshot's history. */
export interface SnapshotHistoryEntry<T> {
  day: string;
  data: T;
}

/**
 * Last good upstream answers per feature (`kind`) and key (usually an entity
 * ref), so that page views never wait on an upstream and a failed refresh
 * leaves the previous data in place with its age and the error.
 */
export interface SnapshotStore {
  get<T>(kind: string, key: string): Promise<StoredSnapshot<T> | undefined>;
  getMany<T>(
    kind: string,
    keys: string[],
  ): Promise<Map<string, StoredSnapshot<T>>>;
  list<T>(kind: string): Promise<StoredSnapshot<T>[]>;
  /** Stores a good answer; clears the error. Also records it as today's history entry. */
  put<T>(
    kind: string,
    key: string,
    data: T,
    options?: { history?: boolean },
  ): Promise<void>;
  /**
   * Stores many good answers of one kind in one transaction (a refresh of
   * every entity), as {@link SnapshotStore.put} does one by one.
   */
  putMany<T>(
    kind: string,
    entries: { key: string; data: T; history?: boolean }[],
  ): Promise<void>;
  /** Records a failed refresh; the last good data stays. */
  markFailed(kind: string, key: string, error: string): Promise<void>;
  /**
   * Removes the snapshots of keys no longer present (e.g. deleted entities).
   * With `scope`, only stored keys it accepts are considered (a refresh
   * shard removes its own keys only, never another shard's).
   */
  retain(
    kind: string,
    keys: string[],
    scope?: (key: string) => boolean,
  ): Promise<number>;
  history<T>(
    kind: string,
    key: string,
    since: Date,
  ): Promise<SnapshotHistoryEntry<T>[]>;
}

interface SnapshotRow {
  kind: string;
  key: string;
  data: string | null;
  fetched_at: Date | string | null;
  attempted_at: Date | string;
  error: string | null;
}

function iso(value: Date | string | null): string | undefined {
  if (value === null) return undefined;
  // SQLite hands back what was stored (ISO text or epoch ms); others a Date.
  const date =
    value instanceof Date
      ? value
      : new Date(/^\d+$/.test(String(value)) ? Number(value) : value);
  return date.toISOString();
}

/**
 * {@link SnapshotStore} in the ops plugin's database. Reads go to the
 * database; while it is unavailable (a restart, a failover), reads answer
 * from the copies this server read or wrote last, marked stale with the
 * reason, so that cards keep showing data. Writes fail as usual.
 */
export class DatabaseSnapshotStore implements SnapshotStore {
  /** Last copies by kind and key, oldest use first (a bounded LRU). */
  private readonly lastRead = new Map<
    string,
    { snapshot: StoredSnapshot<unknown>; size: number }
  >();
  private lastReadSize = 0;
  /** Keys of each kind as last listed. */
  private readonly lastListed = new Map<string, string[]>();

  constructor(
    private readonly db: Knex,
    private readonly clock: Clock = systemClock,
  ) {}

  async get<T>(kind: string, key: string) {
    try {
      const row = await this.db<SnapshotRow>('ops_snapshots')
        .where({ kind, key })
        .first();
      return row ? this.remember(this.toSnapshot<T>(row), row) : undefined;
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      const copy = this.recall<T>(kind, key);
      if (!copy) throw error;
      return copy;
    }
  }

  async getMany<T>(kind: string, keys: string[]) {
    const result = new Map<string, StoredSnapshot<T>>();
    try {
      for (let i = 0; i < keys.length; i += 500) {
        const rows = await this.db<SnapshotRow>('ops_snapshots')
          .where({ kind })
          .whereIn('key', keys.slice(i, i + 500));
        for (const row of rows) {
          result.set(row.key, this.remember(this.toSnapshot<T>(row), row));
        }
      }
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      const copies = keys
        .map(key => this.recall<T>(kind, key))
        .filter((c): c is StoredSnapshot<T> => Boolean(c));
      if (copies.length === 0 && keys.length > 0) throw error;
      return new Map(copies.map(c => [c.key, c]));
    }
    return result;
  }

  async list<T>(kind: string) {
    try {
      const rows = await this.db<SnapshotRow>('ops_snapshots')
        .where({ kind })
        .orderBy('key');
      const snapshots = rows.map(row =>
        this.remember(this.toSnapshot<T>(row), row),
      );
      this.lastListed.set(
        kind,
        snapshots.map(s => s.key),
      );
      return snapshots;
    } catch (error) {
      const keys = this.lastListed.get(kind);
      if (!isDatabaseUnavailable(error) || !keys) throw error;
      return keys
        .map(key => this.recall<T>(kind, key))
        .filter((c): c is StoredSnapshot<T> => Boolean(c));
    }
  }

  private remember<T>(
    snapshot: StoredSnapshot<T>,
    row: SnapshotRow,
  ): StoredSnapshot<T> {
    const id = `${snapshot.kind}\u0000${snapshot.key}`;
    const size = (row.data?.length ?? 0) + id.length;
    const previous = this.lastRead.get(id);
    if (previous) {
      this.lastRead.delete(id);
      this.lastReadSize -= previous.size;
    }
    if (size > LAST_READ_LIMIT / 8) return snapshot;
    this.lastRead.set(id, { snapshot, size });
    this.lastReadSize += size;
    for (const [oldest, entry] of this.lastRead) {
      if (this.lastReadSize <= LAST_READ_LIMIT) break;
      this.lastRead.delete(oldest);
      this.lastReadSize -= entry.size;
    }
    return snapshot;
  }

  /** The last copy of a snapshot, marked stale because of the outage. */
  private recall<T>(kind: string, key: string): StoredSnapshot<T> | undefined {
    const copy = this.lastRead.get(`${kind}\u0000${key}`)?.snapshot as
      | StoredSnapshot<T>
      | undefined;
    return copy && { ...copy, stale: true, error: DATABASE_OUTAGE_NOTE };
  }

  async put<T>(
    kind: string,
    key: string,
    data: T,
    options: { history?: boolean } = {},
  ) {
    const now = this.clock.now();
    const json = JSON.stringify(data);
    await this.db.transaction(async tx => {
      await tx('ops_snapshots')
        .insert({
          kind,
          key,
          data: json,
          fetched_at: now,
          attempted_at: now,
          error: null,
        })
        .onConflict(['kind', 'key'])
        .merge(['data', 'fetched_at', 'attempted_at', 'error']);
      if (options.history) {
        await tx('ops_snapshot_history')
          .insert({
            kind,
            key,
            day: now.toISOString().slice(0, 10),
            data: json,
            recorded_at: now,
          })
          .onConflict(['kind', 'key', 'day'])
          .merge(['data', 'recorded_at']);
      }
    });
  }

  async putMany<T>(
    kind: string,
    entries: { key: string; data: T; history?: boolean }[],
  ) {
    const now = this.clock.now();
    const day = now.toISOString().slice(0, 10);
    const rows = entries.map(e => ({
      key: e.key,
      json: JSON.stringify(e.data),
      history: e.history ?? false,
    }));
    // Chunks keep each statement under every database's parameter limit.
    const chunk = 100;
    await this.db.transaction(async tx => {
      for (let i = 0; i < rows.length; i += chunk) {
        const part = rows.slice(i, i + chunk);
        await tx('ops_snapshots')
          .insert(
            part.map(r => ({
              kind,
              key: r.key,
              data: r.json,
              fetched_at: now,
              attempted_at: now,
              error: null,
            })),
          )
          .onConflict(['kind', 'key'])
          .merge(['data', 'fetched_at', 'attempted_at', 'error']);
        const history = part.filter(r => r.history);
        if (history.length > 0) {
          await tx('ops_snapshot_history')
            .insert(
              history.map(r => ({
                kind,
                key: r.key,
                day,
                data: r.json,
                recorded_at: now,
              })),
            )
            .onConflict(['kind', 'key', 'day'])
            .merge(['data', 'recorded_at']);
        }
      }
    });
  }

  async markFailed(kind: string, key: string, error: string) {
    const now = this.clock.now();
    await this.db('ops_snapshots')
      .insert({
        kind,
        key,
        data: null,
        fetched_at: null,
        attempted_at: now,
        error: error.slice(0, 2000),
      })
      .onConflict(['kind', 'key'])
      .merge(['attempted_at', 'error']);
  }

  async retain(kind: string, keys: string[], scope?: (key: string) => boolean) {
    const existing = await this.db<SnapshotRow>('ops_snapshots')
      .where({ kind })
      .select('key');
    const keep = new Set(keys);
    const gone = existing
      .map(r => r.key)
      .filter(k => !keep.has(k) && (!scope || scope(k)));
    for (let i = 0; i < gone.length; i += 500) {
      const chunk = gone.slice(i, i + 500);
      await this.db.transaction(async tx => {
        await tx('ops_snapshots')
          .where({ kind })
          .whereIn('key', chunk)
          .delete();
        await tx('ops_snapshot_history')
          .where({ kind })
          .whereIn('key', chunk)
          .delete();
      });
    }
    return gone.length;
  }

  async history<T>(kind: string, key: string, since: Date) {
    const rows = await this.db('ops_snapshot_history')
      .where({ kind, key })
      .andWhere('day', '>=', since.toISOString().slice(0, 10))
      .orderBy('day');
    return rows.map((row: { day: string; data: string }) => ({
      day: row.day,
      data: JSON.parse(row.data) as T,
    }));
  }

  private toSnapshot<T>(row: SnapshotRow): StoredSnapshot<T> {
    return {
      kind: row.kind,
      key: row.key,
      data: row.data === null ? undefined : (JSON.parse(row.data) as T),
      fetchedAt: iso(row.fetched_at),
      attemptedAt: iso(row.attempted_at)!,
      stale: Boolean(row.error),
      error: row.error ?? undefined,
    };
  }
}
