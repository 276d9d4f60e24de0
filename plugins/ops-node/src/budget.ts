/** A clock the budget reads and sleeps on (tests pass a virtual one). @public */
export interface BudgetClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined = undefined;
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The system clock. @public */
export const systemBudgetClock: BudgetClock = {
  now: () => Date.now(),
  sleep: realSleep,
};

/** Options of {@link RequestBudget}. @public */
export interface RequestBudgetOptions {
  /** Requests allowed per minute on average. */
  perMinute: number;
  /** Requests that may go out back to back after a quiet spell. Default: 10 seconds' worth (at least 1). */
  burst?: number;
  /** Default: the system clock. */
  clock?: BudgetClock;
}

/**
 * A token bucket for an upstream's rate limit, shared by the providers:
 * `perMinute` requests a minute on average, at most `burst`
 * back to back, so that a refresh of many resources is spread over time
 * instead of arriving at the upstream all at once. Callers wait their turn
 * in order ({@link RequestBudget.take}); requests that must not wait (a page
 * view's first fetch) are counted against the same budget without waiting
 * ({@link RequestBudget.spend}), so that in the long run the total stays
 * within it.
 * @public
 */
export class RequestBudget {
  /** Requests allowed per minute on average. */
  readonly perMinute: number;
  /** Requests that may go out back to back. */
  readonly burst: number;
  private readonly clock: BudgetClock;
  private tokens: number;
  private last: number;
  private tail: Promise<void> = Promise.resolve();
  private waitedMs = 0;

  /**
   * A budget that never lets more than `limit` requests out in any minute:
   * a burst of 10 seconds' worth, and the rest of the limit as the rate.
   */
  static perMinuteAtMost(
    limit: number,
    clock?: BudgetClock,
    burst?: number,
  ): RequestBudget {
    const b = Math.max(1, Math.floor(burst ?? limit / 6));
    if (!(limit > b)) {
      throw new Error(
        `A budget of ${limit} requests a minute needs a burst below it`,
      );
    }
    return new RequestBudget({ perMinute: limit - b, burst: b, clock });
  }

  constructor(options: RequestBudgetOptions) {
    if (!(options.perMinute > 0)) {
      throw new Error('A request budget needs a positive rate per minute');
    }
    this.perMinute = options.perMinute;
    this.burst = Math.max(
      1,
      Math.floor(options.burst ?? options.perMinute / 6),
    );
    this.clock = options.clock ?? systemBudgetClock;
    this.tokens = this.burst;
    this.last = this.clock.now();
  }

  /** Waits until a request may go out, in arrival order, and counts it. */
  take(signal?: AbortSignal): Promise<void> {
    const turn = this.tail.then(() => this.acquire(signal));
    this.tail = turn.catch(() => undefined);
    return turn;
  }

  /**
   * Counts a request that goes out now (never waits). The debt is bounded
   * to a minute's budget, which the waiting requests then pay off.
   */
  spend(): void {
    this.refill();
    this.tokens = Math.max(this.tokens - 1, -this.perMinute);
  }

  /** Total time requests waited for the budget, in milliseconds. */
  get waited(): number {
    return this.waitedMs;
  }

  private refill() {
    const now = this.clock.now();
    const elapsed = Math.max(now - this.last, 0);
    this.last = now;
    this.tokens = Math.min(
      this.burst,
      this.tokens + (elapsed * this.perMinute) / 60_000,
    );
  }

  private async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      this.refill();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      const wait = Math.ceil(((1 - this.tokens) * 60_000) / this.perMinute);
      this.waitedMs += wait;
      await this.clock.sleep(wait, signal);
    }
  }
}
