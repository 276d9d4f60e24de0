import {
  BackstageCredentials,
  BackstageUserPrincipal,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ServiceUnavailableError } from '@backstage/errors';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { SnapshotStore } from '../snapshots/SnapshotStore';
import { CatalogReadiness } from './CatalogReadiness';

/** Defaults of `ops.viewCache` for the catalog answers (docs/architecture.md). */
const ENTITY_CACHE_DEFAULTS = {
  /** Seconds a user's catalog answer for an entity is reused. */
  entityTtlSeconds: 10,
  /** Catalog answers kept at most (user and entity pairs). */
  maxEntities: 10_000,
};

/** The snapshot kind of the entity copies kept for start-up. */
const ENTITY_COPY_KIND = 'catalog-entity';

/**
 * The catalog's own read permission (`catalog.entity.read` of
 * @backstage/plugin-catalog-common), asked of the permission framework
 * without an entity: only an unconditional ALLOW means the user may read
 * every entity.
 */
const catalogEntityRead = createPermission({
  name: 'catalog.entity.read',
  attributes: { action: 'read' },
  resourceType: 'catalog-entity',
});

interface Entry {
  entity: Entity;
  expiresAt: number;
}

function userOf(credentials: BackstageCredentials): string | undefined {
  const principal = credentials.principal as Partial<BackstageUserPrincipal>;
  return principal.type === 'user' ? principal.userEntityRef : undefined;
}

/**
 * The catalog as the entity routes see it. A page view asks the catalog for
 * its entity with the user's credentials (the catalog applies the
 * permission policy), which costs several token signatures, verifications
 * and loopback HTTP calls (catalog, permission backend) per view. This
 * wrapper answers `getEntityByRef` for a user from the answer the catalog
 * gave the same user for the same entity less than `entityTtlSeconds` ago;
 * every other call goes to the catalog unchanged.
 *
 * Security: answers are kept per user (user entity ref) and entity, so a
 * user is only ever served what the catalog let that same user see, at
 * most `entityTtlSeconds` late (e.g. after a permission or ownership
 * change). Only entities found are kept: "not found" always asks the
 * catalog again. Service principals (refresh tasks) are not cached.
 *
 * Start-up: right after a start the catalog may not have read its
 * locations yet and answers "not found" for entities that exist. Until
 * {@link CatalogReadiness} says the catalog is read, a "not found" is
 * answered from the copy of the entity this plugin kept when the catalog
 * last served it (snapshot kind `catalog-entity`), but only to a user whom
 * the permission policy lets read every catalog entity unconditionally
 * (the decision that needs no entity); anyone else gets 503 "the catalog is
 * still loading" (not 404: the entity existed and may still). An entity
 * without a copy (never served by this plugin) stays "not found" (404), as
 * the catalog says. Once the catalog is read, "not found" always means 404.
 */
export class EntityViewCatalog {
  private readonly entries = new Map<string, Entry>();
  /** Entities whose copy is stored, with the etag stored. */
  private readonly copied = new Map<string, string>();
  private readonly inFlight = new Map<string, Promise<Entity | undefined>>();
  private readonly copying = new Set<Promise<void>>();
  private readonly ttlMs: number;
  private readonly maxEntities: number;
  private readonly now: () => number;

  constructor(
    private readonly options: {
      catalog: CatalogService;
      permissions: PermissionsService;
      snapshots: SnapshotStore;
      readiness: CatalogReadiness;
      logger: LoggerService;
      entityTtlSeconds?: number;
      maxEntities?: number;
      now?: () => number;
      /** Told of each user lookup: answered from memory or asked (`opsportal.cache.requests`). */
      onLookup?: (hit: boolean) => void;
    },
  ) {
    this.ttlMs =
      (options.entityTtlSeconds ?? ENTITY_CACHE_DEFAULTS.entityTtlSeconds) *
      1000;
    this.maxEntities = options.maxEntities ?? ENTITY_CACHE_DEFAULTS.maxEntities;
    this.now = options.now ?? Date.now;
  }

  /** Resolves once the entity copies being stored are stored (for tests). */
  async flush(): Promise<void> {
    await Promise.all([...this.copying]);
  }

  /** Number of catalog answers held (for tests). */
  get size(): number {
    return this.entries.size;
  }

  /**
   * The catalog with `getEntityByRef` answered through this cache; every
   * other method is the catalog's own.
   */
  catalog(): CatalogService {
    const { catalog } = this.options;
    const getEntityByRef = (
      ref: string | CompoundEntityRef,
      options: { credentials: BackstageCredentials },
    ) => this.getEntityByRef(ref, options);
    return new Proxy(catalog, {
      get(target, property) {
        if (property === 'getEntityByRef') return getEntityByRef;
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  async getEntityByRef(
    ref: string | CompoundEntityRef,
    options: { credentials: BackstageCredentials },
  ): Promise<Entity | undefined> {
    const { catalog } = this.options;
    const user = userOf(options.credentials);
    let entityRef: string;
    try {
      entityRef = stringifyEntityRef(
        typeof ref === 'string' ? parseEntityRef(ref) : ref,
      );
    } catch {
      return catalog.getEntityByRef(ref, options);
    }
    if (user === undefined) return catalog.getEntityByRef(ref, options);

    const id = `${user}\u0000${entityRef.toLocaleLowerCase('en-US')}`;
    const now = this.now();
    const entry = this.entries.get(id);
    if (entry && entry.expiresAt > now) {
      this.options.onLookup?.(true);
      return entry.entity;
    }
    if (entry) this.entries.delete(id);

    let pending = this.inFlight.get(id);
    this.options.onLookup?.(pending !== undefined);
    if (!pending) {
      pending = this.ask(entityRef, options.credentials, id).finally(() =>
        this.inFlight.delete(id),
      );
      this.inFlight.set(id, pending);
    }
    return pending;
  }

  private async ask(
    entityRef: string,
    credentials: BackstageCredentials,
    id: string,
  ): Promise<Entity | undefined> {
    const entity = await this.options.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (entity) {
      this.entries.set(id, { entity, expiresAt: this.now() + this.ttlMs });
      for (const oldest of this.entries.keys()) {
        if (this.entries.size <= this.maxEntities) break;
        this.entries.delete(oldest);
      }
      this.keepCopy(entity);
      return entity;
    }
    if (this.options.readiness.isReady()) return undefined;
    return this.duringStartUp(entityRef, credentials);
  }

  /** A "not found" before the catalog's first complete read. */
  private async duringStartUp(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<Entity | undefined> {
    const copy = await this.options.snapshots.get<Entity>(
      ENTITY_COPY_KIND,
      entityRef.toLocaleLowerCase('en-US'),
    );
    if (copy?.data) {
      const [decision] = await this.options.permissions.authorizeConditional(
        [{ permission: catalogEntityRead }],
        { credentials },
      );
      if (decision.result === AuthorizeResult.ALLOW) return copy.data;
      throw new ServiceUnavailableError(
        `The catalog is still loading after a restart; ${entityRef} cannot be checked yet, try again in a minute`,
      );
    }
    // Never served here before: the catalog's "not found" stands.
    return undefined;
  }

  /** Stores the entity as served, for views during the next start-up. */
  private keepCopy(entity: Entity) {
    const key = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
    const etag = entity.metadata.etag ?? JSON.stringify(entity.metadata);
    if (this.copied.get(key) === etag) return;
    this.copied.set(key, etag);
    this.options.snapshots.put(ENTITY_COPY_KIND, key, entity).catch(error => {
      this.copied.delete(key);
      this.options.logger.warn(
        `Could not keep a copy of ${key} for start-up: ${error}`,
      );
    });
  }
}
