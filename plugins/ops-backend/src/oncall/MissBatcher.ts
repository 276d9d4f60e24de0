/** Finished loads remembered for racing callers. */
const MAX_FINISHED = 10_000;

/**
 * Fetches cache misses together: keys asked for within a short window are
 * handed to one `load` call, and a key already being fetched is not asked
 * for again: every caller of a key shares the one answer in flight.
 *
 * A caller that looked for the data before a load of its key finished (its
 * read raced the load's write) passes the {@link MissBatcher.stamp} it took
 * before looking; the key is then not loaded again, and the caller gets the
 * answer of the load that finished meanwhile.
 */
export class MissBatcher<T> {
  private readonly inFlight = new Map<string, Promise<T | undefined>>();
  /** Each key's last finished load: its sequence number and answer. */
  private readonly finished = new Map<
    string,
    { seq: number; value: T | undefined }
  >();
  private seq = 0;
  private pending?: {
    keys: Set<string>;
    done: Promise<Map<string, T>>;
  };

  constructor(
    private readonly load: (keys: string[]) => Promise<Map<string, T>>,
    private readonly windowMs: number,
  ) {}

  /** A mark to take before looking for the data a miss would load. */
  stamp(): number {
    return this.seq;
  }

  /**
   * The answer for `key`: shared with a load in flight, taken from a load
   * that finished after `since` (a {@link MissBatcher.stamp}), or loaded
   * with the other keys asked for within the window.
   */
  get(key: string, since?: number): Promise<T | undefined> {
    const existing = this.inFlight.get(key);
    if (existing) return existing;
    const last = this.finished.get(key);
    if (since !== undefined && last && last.seq > since) {
      return Promise.resolve(last.value);
    }
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
      .then(results => {
        const value = results.get(key);
        this.seq += 1;
        this.finished.delete(key);
        this.finished.set(key, { seq: this.seq, value });
        // Only races within moments matter: keep the latest keys.
        for (const old of this.finished.keys()) {
          if (this.finished.size <= MAX_FINISHED) break;
          this.finished.delete(old);
        }
        return value;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }

  /** Keys being fetched right now. */
  get size(): number {
    return this.inFlight.size;
  }
}
