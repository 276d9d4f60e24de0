/**
 * Fetches cache misses together: keys asked for within a short window are
 * handed to one `load` call, and a key already being fetched is not asked
 * for again: every caller of a key shares the one answer in flight.
 */
export class MissBatcher<T> {
  private readonly inFlight = new Map<string, Promise<T | undefined>>();
  private pending?: {
    keys: Set<string>;
    done: Promise<Map<string, T>>;
  };

  constructor(
    private readonly load: (keys: string[]) => Promise<Map<string, T>>,
    private readonly windowMs: number,
  ) {}

  get(key: string): Promise<T | undefined> {
    const existing = this.inFlight.get(key);
    if (existing) return existing;
    if (!this.pending) {
      const keys = new Set<string>();
      const done = new Promise<Map<string, T>>((resolve, reject) => {
        setTimeout(() => {
          this.pending = undefined;
          this.load([...keys]).then(resolve, reject);
        }, this.windowMs);
      });
      this.pending = { keys, done };
    }
    this.pending.keys.add(key);
    const promise = this.pending.done
      .then(results => results.get(key))
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }

  /** Keys being fetched right now. */
  get size(): number {
    return this.inFlight.size;
  }
}
