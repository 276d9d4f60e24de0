import {
  AuthService,
  LoggerService,
  PermissionsService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { Knex } from 'knex';
import { SnapshotStore } from '../snapshots/SnapshotStore';
import { CatalogReadiness } from './CatalogReadiness';
import { EntityViewCatalog } from './EntityViewCatalog';
import { OpsTask } from './feature';
import { SnapshotReadCache } from './SnapshotReadCache';
import type { CacheTelemetry } from './telemetry';

/**
 * What keeps a page view cheap and start-ups sound (docs/architecture.md,
 * "Per-view cost and start-up"): the catalog as the features see it
 * (answers per user and entity reused for `ops.viewCache.entityTtlSeconds`,
 * entity copies during start-up), the snapshot store with parsed snapshots
 * kept (`ops.viewCache.snapshotRevalidateMs`), and the catalog readiness that
 * refresh tasks wait for (`ops.catalogReadiness`).
 */
export function createViewCaches(options: {
  config: RootConfigService;
  logger: LoggerService;
  auth: AuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  db: Knex;
  store: SnapshotStore;
  /** Counts cache hits and misses (`opsportal.cache.requests`, docs/telemetry.md). */
  telemetry?: CacheTelemetry;
}) {
  const { config, logger, auth, permissions, db, store } = options;
  const view = config.getOptionalConfig('ops.viewCache');
  const ready = config.getOptionalConfig('ops.catalogReadiness');
  const nonNegative = (value: number | undefined, key: string) => {
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      throw new Error(`${key} must be a number of at least 0, got ${value}`);
    }
    return value;
  };
  const readiness = new CatalogReadiness({
    catalog: options.catalog,
    auth,
    logger,
    settleSeconds: nonNegative(
      ready?.getOptionalNumber('settleSeconds'),
      'ops.catalogReadiness.settleSeconds',
    ),
    maxWaitSeconds: nonNegative(
      ready?.getOptionalNumber('maxWaitSeconds'),
      'ops.catalogReadiness.maxWaitSeconds',
    ),
  });
  const entities = new EntityViewCatalog({
    catalog: options.catalog,
    permissions,
    snapshots: store,
    readiness,
    logger,
    entityTtlSeconds: nonNegative(
      view?.getOptionalNumber('entityTtlSeconds'),
      'ops.viewCache.entityTtlSeconds',
    ),
    onLookup: hit => options.telemetry?.cacheRequest('entity', hit),
  });
  const snapshots = new SnapshotReadCache(store, db, {
    revalidateMs: nonNegative(
      view?.getOptionalNumber('snapshotRevalidateMs'),
      'ops.viewCache.snapshotRevalidateMs',
    ),
    telemetry: options.telemetry,
  });
  return { catalog: entities.catalog(), snapshots, readiness };
}

/**
 * The tasks with each run waiting for the catalog's first complete read
 * (see {@link CatalogReadiness}); after it, they run at once.
 */
export function afterCatalogRead(
  tasks: OpsTask[],
  readiness: CatalogReadiness,
): OpsTask[] {
  return tasks.map(task => ({
    ...task,
    fn: async signal => {
      await readiness.wait(signal as AbortSignal);
      if ((signal as AbortSignal | undefined)?.aborted) return;
      await task.fn(signal);
    },
  }));
}
