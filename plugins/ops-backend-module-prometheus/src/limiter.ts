/**
 * At most `limit` tasks running at once for one provider, whichever request
 * they belong to; the others wait in arrival order. A task waiting for its
 * turn whose signal aborts leaves the queue with the signal's reason.
 */
export class Limiter {
  private running = 0;
  private readonly waiting: Array<{ start: () => void }> = [];

  constructor(private readonly limit: number) {
    if (!(Number.isInteger(limit) && limit >= 1)) {
      throw new Error(
        `A concurrency limit must be a whole number above 0, not ${limit}`,
      );
    }
  }

  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.running < this.limit) {
      this.running += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      let entry: { start: () => void } | undefined = undefined;
      const onAbort = () => {
        const index = entry ? this.waiting.indexOf(entry) : -1;
        if (index >= 0) this.waiting.splice(index, 1);
        reject(signal?.reason);
      };
      entry = {
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          this.running += 1;
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
    });
  }

  private release() {
    this.running -= 1;
    this.waiting.shift()?.start();
  }
}
