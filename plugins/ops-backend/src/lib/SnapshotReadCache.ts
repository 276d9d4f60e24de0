import { Knex } from 'knex';
import { deepFreeze } from './viewResponse';
import type { CacheTelemetry } from './telemetry';
import {
  SnapshotHistoryEntry,
  SnapshotStore,
  StoredSnapshot,
} from '../snapshots/SnapshotStore';

/** Defaults of `ops.viewCache` (docs/architecture.md, "Per-view cost"). */
const SNAPSHOT_CACHE_DEFAULTS = {
  /** How long a parsed snapshot is served before its version is checked again. */
  revalidateMs: 1000,
  /** Characters of snapshot JSON kept parsed in memory, at most. */
  maxChars: 64 * 1024 * 1024,
};

interface Entry {
  snapshot: StoredSnapshot<unknown>;
  version: string;
  size: number;
  checkedAt: number;
  /** The history read last (from `since`), valid for this version. */
  history?: { since: string; entries: SnapshotHistoryEntry<unknown>[] };
}

interface VersionRow {
  fetched_at: Date | string | number | null;
  attempted_at: Date | string | number;
  error: string | null;
  size: number | string | null;
}

function stamp(value: Date | string | number | null): string {
  if (value === null) return '';
  return value instanceof Date ? String(value.getTime()) : String(value);
}

function versionOf(row: VersionRow): string {
  return `${stamp(row.fetched_at)}|${stamp(row.attempted_at)}|${
    row.size ?? ''
  }|${row.error ?? ''}`;
}

/**
 * Page views read the same snapshot over and over between two refreshes;
 * parsing its JSON on every view was a large part of a view's CPU (see
 * bench/RESULTS.md, "Entity page views through the real backend"). This
 * store keeps the parsed snapshots that `get` read, keyed by kind and key
 * together with their version (fetched_at, attempted_at, the length of the
 * data and the error of the row), and serves them as long as the version
 * holds:
 *
 * - a copy younger than `revalidateMs` is served without asking the
 *   database; an older one is checked with a query of the version columns
 *   only (no data), and read again only when the version changed. A refresh
 *   written by another replica sharing the database is therefore served
 *   here within `revalidateMs`; one written through this store at once
 *   (writes drop the copies they touch);
 * - the parsed data is frozen: a reader that tried to change it would
 *   throw instead of changing what the next user is served;
 * - at most `maxChars` characters of JSON are kept (least recently used
 *   first out); a larger snapshot is not kept at all.
 *
 * Everything but `get` goes to the wrapped store unchanged, as do reads
 * while the database is unavailable (the wrapped store answers them from
 * its outage copies).
 */
export class SnapshotReadCache implements SnapshotStore {
  private readonly entries = new Map<string, Entry>();
  private size = 0;
  private readonly revalidateMs: number;
  private readonly maxChars: number;
  private readonly now: () => number;
  private readonly telemetry?: CacheTelemetry;

  constructor(
    private readonly inner: SnapshotStore,
    private readonly db: Knex,
    options: {
      revalidateMs?: number;
      maxChars?: number;
      now?: () => number;
      /** Counts lookups (hit or miss) and the snapshots a refresh run writes. */
      telemetry?: CacheTelemetry;
    } = {},
  ) {
    this.telemetry = options.telemetry;
    this.revalidateMs =
      options.revalidateMs ?? SNAPSHOT_CACHE_DEFAULTS.revalidateMs;
    this.maxChars = options.maxChars ?? SNAPSHOT_CACHE_DEFAULTS.maxChars;
    this.now = options.now ?? Date.now;
  }

  /** Number of parsed snapshots held, and their JSON size (for tests and benchmarks). */
  stats(): { entries: number; chars: number } {
    return { entries: this.entries.size, chars: this.size };
  }

  async get<T>(
    kind: string,
    key: string,
  ): Promise<StoredSnapshot<T> | undefined> {
    const id = `${kind}\u0000${key}`;
    const entry = this.entries.get(id);
    const now = this.now();
    if (entry && now - entry.checkedAt < this.revalidateMs) {
      this.telemetry?.cacheRequest('snapshot', true);
      return entry.snapshot as StoredSnapshot<T>;
    }
    let row: VersionRow | undefined;
    try {
      row = (await this.db('ops_snapshots')
        .where({ kind, key })
        .first(
          'fetched_at',
          'attempted_at',
          'error',
          this.db.raw('length(data) as size'),
        )) as VersionRow | undefined;
    } catch {
      // The wrapped store knows what to serve while the database is down.
      this.telemetry?.cacheRequest('snapshot', false);
      return this.inner.get<T>(kind, key);
    }
    if (!row) {
      this.telemetry?.cacheRequest('snapshot', false);
      this.drop(id);
      return undefined;
    }
    const version = versionOf(row);
    if (entry && entry.version === version) {
      this.telemetry?.cacheRequest('snapshot', true);
      entry.checkedAt = now;
      this.touch(id, entry);
      return entry.snapshot as StoredSnapshot<T>;
    }
    this.telemetry?.cacheRequest('snapshot', false);
    // Version first, then the data: a row that changes in between is read
    // newer than its version says, and read again at the next check, never
    // the other way round.
    const snapshot = await this.inner.get<T>(kind, key);
    this.drop(id);
    if (!snapshot) return undefined;
    const size = Number(row.size ?? 0) + id.length;
    if (size <= this.maxChars / 8) {
      deepFreeze(snapshot);
      this.entries.set(id, { snapshot, version, size, checkedAt: now });
      this.size += size;
      this.evict();
    }
    return snapshot;
  }

  getMany<T>(...args: Parameters<SnapshotStore['getMany']>) {
    return this.inner.getMany<T>(...args);
  }

  list<T>(...args: Parameters<SnapshotStore['list']>) {
    return this.inner.list<T>(...args);
  }

  async put<T>(
    kind: string,
    key: string,
    data: T,
    options?: { history?: boolean },
  ) {
    try {
      await this.inner.put<T>(kind, key, data, options);
      this.telemetry?.snapshotWritten(true);
    } finally {
      this.drop(`${kind}\u0000${key}`);
    }
  }

  async putMany<T>(
    kind: string,
    entries: { key: string; data: T; history?: boolean }[],
  ) {
    try {
      await this.inner.putMany<T>(kind, entries);
      this.telemetry?.snapshotWritten(true, entries.length);
    } finally {
      for (const e of entries) this.drop(`${kind}\u0000${e.key}`);
    }
  }

  async markFailed(kind: string, key: string, error: string) {
    try {
      await this.inner.markFailed(kind, key, error);
      this.telemetry?.snapshotWritten(false, 1, error);
    } finally {
      this.drop(`${kind}\u0000${key}`);
    }
  }

  async retain(...args: Parameters<SnapshotStore['retain']>) {
    try {
      return await this.inner.retain(...args);
    } finally {
      this.dropKind(args[0]);
    }
  }

  /**
   * The history of a kept snapshot is kept with it for the same version:
   * history entries are written in the transaction that writes the
   * snapshot row (and removed with it), so a new entry always comes with a
   * new version. Its size counts against `maxChars` as an estimate (the
   * snapshot's size per day).
   */
  async history<T>(
    kind: string,
    key: string,
    since: Date,
  ): Promise<SnapshotHistoryEntry<T>[]> {
    const id = `${kind}\u0000${key}`;
    const day = since.toISOString().slice(0, 10);
    await this.get(kind, key);
    const entry = this.entries.get(id);
    if (entry?.history?.since === day) {
      return entry.history.entries as SnapshotHistoryEntry<T>[];
    }
    const version = entry?.version;
    // Version first (above), then the rows: never older rows under a newer version.
    const entries = await this.inner.history<T>(kind, key, since);
    const current = this.entries.get(id);
    if (current && version !== undefined && current.version === version) {
      const extra = current.snapshot.data
        ? (current.size - id.length) * entries.length
        : 0;
      if (current.size + extra <= this.maxChars / 8) {
        deepFreeze(entries);
        this.size += extra;
        current.size += extra;
        current.history = { since: day, entries };
        this.evict();
      }
    }
    return entries;
  }

  private touch(id: string, entry: Entry) {
    this.entries.delete(id);
    this.entries.set(id, entry);
  }

  private drop(id: string) {
    const entry = this.entries.get(id);
    if (entry) {
      this.entries.delete(id);
      this.size -= entry.size;
    }
  }

  private dropKind(kind: string) {
    for (const id of [...this.entries.keys()]) {
      if (id.startsWith(`${kind}\u0000`)) this.drop(id);
    }
  }

  private evict() {
    for (const [id, entry] of this.entries) {
      if (this.size <= this.maxChars) break;
      this.entries.delete(id);
      this.size -= entry.size;
    }
  }
}
