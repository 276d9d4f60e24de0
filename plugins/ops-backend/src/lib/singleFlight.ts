/**
 * Runs at most one call per key at a time: concurrent callers for the same
 * key share the one promise in flight (a cache miss is fetched once).
 */
export class SingleFlight<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  do(key: string, fn: () => Promise<T>): Promise<T> {
    const existing = this.inFlight.get(key);
    if (existing) return existing;
    const promise = fn().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }

  /** Number of keys being fetched right now. */
  get size(): number {
    return this.inFlight.size;
  }
}
