import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';

/** Defaults of `ops.catalogReadiness` (docs/architecture.md, "Start-up"). */
const CATALOG_READINESS_DEFAULTS = {
  /** Seconds the catalog's entity count must hold still to count as read. */
  settleSeconds: 15,
  /** Seconds between two looks at the catalog. */
  pollSeconds: 3,
  /** Seconds after which refreshes run anyway (with a warning). */
  maxWaitSeconds: 300,
};

/**
 * Whether the catalog has completed its first read of its locations, so
 * that refreshes do not run on a partial catalog (a refresh on a partial
 * catalog would drop the snapshots of every entity not yet read, and fetch
 * them again once they appear).
 *
 * The catalog has no "initial processing done" signal of its own, so this
 * watches its total entity count (one `queryEntities` with `limit: 1` per
 * look): the catalog counts as read once it holds entities and the count
 * has not changed for `settleSeconds` (a catalog still reading its
 * locations adds entities at every processing cycle, a second or so apart
 * with the default processing interval). An empty catalog, or one that never
 * settles, counts as read after `maxWaitSeconds`, with a warning, so that a
 * broken catalog never stops the refreshes for good. Once read, it stays
 * read for the life of the process.
 */
export class CatalogReadiness {
  private ready = false;
  private lastCount: number | undefined;
  private stableSince: number | undefined;
  private readonly startedAt: number;
  private readonly waiters = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private readonly settleMs: number;
  private readonly pollMs: number;
  private readonly maxWaitMs: number;
  private readonly now: () => number;

  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      settleSeconds?: number;
      pollSeconds?: number;
      maxWaitSeconds?: number;
      now?: () => number;
    },
  ) {
    this.now = options.now ?? Date.now;
    this.settleMs =
      (options.settleSeconds ?? CATALOG_READINESS_DEFAULTS.settleSeconds) *
      1000;
    this.pollMs =
      (options.pollSeconds ?? CATALOG_READINESS_DEFAULTS.pollSeconds) * 1000;
    this.maxWaitMs =
      (options.maxWaitSeconds ?? CATALOG_READINESS_DEFAULTS.maxWaitSeconds) *
      1000;
    this.startedAt = this.now();
  }

  /** Whether the catalog's first complete read is done. */
  isReady(): boolean {
    return this.ready;
  }

  /** Starts looking at the catalog every `pollSeconds` until it is read. */
  start(): void {
    if (this.timer || this.ready) return;
    const loop = async () => {
      await this.check();
      if (!this.ready) {
        this.timer = setTimeout(loop, this.pollMs);
        this.timer.unref?.();
      } else {
        this.timer = undefined;
      }
    };
    this.timer = setTimeout(loop, 0);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Resolves once the catalog is read (or at once if it is), or when `signal` aborts. */
  wait(signal?: { aborted: boolean; addEventListener?: Function }) {
    if (this.ready || signal?.aborted) return Promise.resolve();
    return new Promise<void>(resolve => {
      const done = () => {
        this.waiters.delete(done);
        resolve();
      };
      this.waiters.add(done);
      signal?.addEventListener?.('abort', done, { once: true });
    });
  }

  /** One look at the catalog; public for tests. */
  async check(): Promise<boolean> {
    if (this.ready) return true;
    const now = this.now();
    let count: number | undefined;
    try {
      const credentials = await this.options.auth.getOwnServiceCredentials();
      const { totalItems } = await this.options.catalog.queryEntities(
        { limit: 1, fields: ['metadata.name'] },
        { credentials },
      );
      count = totalItems;
    } catch (error) {
      this.options.logger.debug(
        `catalog not answering yet: ${(error as Error).message}`,
      );
    }
    if (count !== undefined && count === this.lastCount) {
      if (
        count > 0 &&
        this.stableSince !== undefined &&
        now - this.stableSince >= this.settleMs
      ) {
        this.markReady(
          `${count} entities, unchanged for ${this.settleMs / 1000} s`,
        );
        return true;
      }
    } else {
      this.lastCount = count;
      this.stableSince = count === undefined ? undefined : now;
    }
    if (now - this.startedAt >= this.maxWaitMs) {
      this.options.logger.warn(
        `The catalog did not settle within ${
          this.maxWaitMs / 1000
        } s (entities: ${count ?? 'no answer'}); refreshes start anyway`,
      );
      this.markReady('waited long enough');
      return true;
    }
    return false;
  }

  private markReady(why: string) {
    this.ready = true;
    this.options.logger.info(`Catalog read (${why}); refreshes may start`);
    for (const waiter of [...this.waiters]) waiter();
  }
}
