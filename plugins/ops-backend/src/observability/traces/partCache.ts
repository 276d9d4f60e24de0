import { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import { Clock } from '../../lib/clock';
import { SingleFlight } from '../../lib/singleFlight';

/**
 * Upstream answers of the traces and dashboards parts, kept in the plugin's
 * cache (coreServices.cache: memory locally, Redis or memcache in
 * production, shared by the replicas) or, without one, in this process.
 *
 * An answer is fresh for `freshMs`; after that the next read fetches again
 * (one fetch per key at a time). A failed fetch is remembered for
 * `retryMs` (reads meanwhile do not ask the upstream again) and the last
 * good value is served with the error, marked stale. Entries live a day,
 * so a long upstream outage still shows the last good value.
 */
export interface PartEntry<T> {
  /** When `value` was fetched (epoch ms). */
  fetchedAt?: number;
  value?: T;
  /** The last fetch's error, when it failed after `fetchedAt`. */
  error?: string;
  failedAt?: number;
}

const KEEP_MS = 24 * 3_600_000;

export class PartCache<T> {
  private readonly local = new Map<
    string,
    { entry: PartEntry<T>; expires: number }
  >();
  private readonly flights = new SingleFlight<PartEntry<T>>();

  constructor(
    private readonly options: {
      cache?: CacheService;
      clock: Clock;
      logger: LoggerService;
      freshMs: number;
      retryMs: number;
      describe: (error: unknown) => string;
    },
  ) {}

  /** The entry of `key`, fetched with `fetch` when stale (and not failed lately). */
  async read(key: string, fetch: () => Promise<T>): Promise<PartEntry<T>> {
    const now = this.options.clock.now().getTime();
    const entry = await this.get(key);
    if (entry && !this.due(entry, now)) return entry;
    return this.flights.do(key, () => this.fetch(key, entry, fetch));
  }

  /** Stores a value fetched elsewhere (a refresh that asked for many keys at once). */
  async put(key: string, value: T): Promise<void> {
    await this.set(key, {
      fetchedAt: this.options.clock.now().getTime(),
      value,
    });
  }

  /** Records a failure for `key`, keeping its last good value. */
  async fail(key: string, error: unknown): Promise<PartEntry<T>> {
    const old = await this.get(key);
    const entry: PartEntry<T> = {
      ...(old?.fetchedAt !== undefined
        ? { fetchedAt: old.fetchedAt, value: old.value }
        : {}),
      error: this.options.describe(error),
      failedAt: this.options.clock.now().getTime(),
    };
    await this.set(key, entry);
    return entry;
  }

  private due(entry: PartEntry<T>, now: number): boolean {
    if (entry.failedAt !== undefined) {
      return now - entry.failedAt >= this.options.retryMs;
    }
    return (
      entry.fetchedAt === undefined ||
      now - entry.fetchedAt >= this.options.freshMs
    );
  }

  private async fetch(
    key: string,
    old: PartEntry<T> | undefined,
    fetch: () => Promise<T>,
  ): Promise<PartEntry<T>> {
    try {
      const value = await fetch();
      const entry = { fetchedAt: this.options.clock.now().getTime(), value };
      await this.set(key, entry);
      return entry;
    } catch (error) {
      this.options.logger.warn(
        `Could not read ${key}: ${this.options.describe(error)}`,
      );
      const entry: PartEntry<T> = {
        ...(old?.fetchedAt !== undefined
          ? { fetchedAt: old.fetchedAt, value: old.value }
          : {}),
        error: this.options.describe(error),
        failedAt: this.options.clock.now().getTime(),
      };
      await this.set(key, entry);
      return entry;
    }
  }

  private async get(key: string): Promise<PartEntry<T> | undefined> {
    if (this.options.cache) {
      try {
        return (await this.options.cache.get(key)) as PartEntry<T> | undefined;
      } catch (error) {
        this.options.logger.debug(`Cache read of ${key} failed: ${error}`);
        return undefined;
      }
    }
    const kept = this.local.get(key);
    if (!kept) return undefined;
    if (kept.expires <= this.options.clock.now().getTime()) {
      this.local.delete(key);
      return undefined;
    }
    return kept.entry;
  }

  private async set(key: string, entry: PartEntry<T>): Promise<void> {
    if (this.options.cache) {
      try {
        await this.options.cache.set(key, entry as any, {
          ttl: { milliseconds: KEEP_MS },
        });
      } catch (error) {
        this.options.logger.warn(
          `Could not keep ${key} in the cache: ${error}`,
        );
      }
      return;
    }
    this.local.set(key, {
      entry,
      expires: this.options.clock.now().getTime() + KEEP_MS,
    });
  }
}

/** An error in words: its message, with its name when it says more than `Error`. */
export function describeError(error: unknown): string {
  const e = error as Error;
  return e?.message ?? String(error);
}
