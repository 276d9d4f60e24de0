import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import {
  DEFAULT_NAMESPACE,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_PAGERDUTY_ESCALATION_POLICY_ID,
  ANNOTATION_PAGERDUTY_SCHEDULE_ID,
  ANNOTATION_PAGERDUTY_SERVICE_ID,
  PagerDutyIds,
  pagerDutyIdsOf,
} from '@opsportal/plugin-ops-common';
import { SnapshotStore, StoredSnapshot } from '../snapshots/SnapshotStore';
import { OnCallTarget } from './collect';

/*
 * What the on-call and incidents features share: the catalog entities that
 * name PagerDuty ids, and reading an entity's snapshot (or fetching it on a
 * miss). Each feature keeps its own snapshots; only this code is shared.
 */

const PAGERDUTY_FILTER: Record<string, symbol>[] = [
  {
    [`metadata.annotations.${ANNOTATION_PAGERDUTY_SERVICE_ID}`]:
      CATALOG_FILTER_EXISTS,
  },
  {
    [`metadata.annotations.${ANNOTATION_PAGERDUTY_ESCALATION_POLICY_ID}`]:
      CATALOG_FILTER_EXISTS,
  },
  {
    [`metadata.annotations.${ANNOTATION_PAGERDUTY_SCHEDULE_ID}`]:
      CATALOG_FILTER_EXISTS,
  },
];

/** Whether two sets of PagerDuty ids name the same things. */
export function sameIds(a: PagerDutyIds, b: PagerDutyIds): boolean {
  const eq = (x: string[], y: string[]) =>
    x.length === y.length && x.every((v, i) => v === y[i]);
  return (
    eq(a.serviceIds, b.serviceIds) &&
    eq(a.escalationPolicyIds, b.escalationPolicyIds) &&
    eq(a.scheduleIds, b.scheduleIds)
  );
}

export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function toTarget(entity: Entity): OnCallTarget {
  const spec = (entity.spec ?? {}) as {
    owner?: string;
    profile?: { displayName?: string };
  };
  let owner: string | undefined;
  if (typeof spec.owner === 'string') {
    try {
      owner = stringifyEntityRef(
        parseEntityRef(spec.owner, {
          defaultKind: 'group',
          defaultNamespace: entity.metadata.namespace ?? DEFAULT_NAMESPACE,
        }),
      );
    } catch {
      owner = undefined;
    }
  }
  return {
    entityRef: stringifyEntityRef(entity),
    kind: entity.kind,
    title:
      entity.metadata.title ??
      spec.profile?.displayName ??
      entity.metadata.name,
    owner,
    ids: pagerDutyIdsOf(entity),
  };
}

/** Every catalog entity that names a PagerDuty service, escalation policy or schedule. */
export async function loadPagerDutyTargets(
  catalog: CatalogService,
  credentials: BackstageCredentials,
): Promise<OnCallTarget[]> {
  const { items } = await catalog.getEntities(
    {
      filter: PAGERDUTY_FILTER,
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'metadata.title',
        'metadata.annotations',
        'spec.owner',
        'spec.profile.displayName',
      ],
    },
    { credentials },
  );
  return items.map(toTarget);
}

/** One entity as the caller may see it; 400 for a malformed ref, 404 when absent. */
export async function loadEntity(
  catalog: CatalogService,
  entityRef: string,
  credentials: BackstageCredentials,
): Promise<Entity> {
  let ref;
  try {
    ref = parseEntityRef(entityRef, {
      defaultKind: 'component',
      defaultNamespace: DEFAULT_NAMESPACE,
    });
  } catch (error) {
    throw new InputError(
      `entityRef is not an entity reference: ${message(error)}`,
    );
  }
  const entity = await catalog.getEntityByRef(ref, { credentials });
  if (!entity) {
    throw new NotFoundError(`No entity ${stringifyEntityRef(ref)}`);
  }
  return entity;
}

/**
 * An entity's data is still being fetched for the first time (no error
 * yet): a 503 to a view, "loading" to a caller that gathers many entities.
 */
export class NotReadYetError extends ServiceUnavailableError {}

/**
 * The entity's snapshot when it was built from the entity's current
 * annotations; else a miss, fetched through `miss` (shared with every
 * concurrent caller). Undefined when the entity names nothing in PagerDuty.
 */
export async function currentSnapshot<T>(
  snapshots: SnapshotStore,
  kind: string,
  key: string,
  ids: PagerDutyIds,
  options: {
    hasProvider: boolean;
    upToDate: (data: T) => boolean;
    miss: () => Promise<unknown>;
  },
): Promise<StoredSnapshot<T> | undefined> {
  const named =
    ids.serviceIds.length +
    ids.escalationPolicyIds.length +
    ids.scheduleIds.length;
  if (named === 0) return undefined;
  if (!options.hasProvider) {
    throw new ServiceUnavailableError(
      'No PagerDuty provider is configured: set ops.pagerduty.token (or an OAuth client) and install the PagerDuty module',
    );
  }
  let snapshot = await snapshots.get<T>(kind, key);
  if (snapshot?.data !== undefined && options.upToDate(snapshot.data)) {
    return snapshot;
  }
  await options.miss();
  snapshot = await snapshots.get<T>(kind, key);
  if (snapshot?.data !== undefined) return snapshot;
  if (snapshot?.error) {
    throw new ServiceUnavailableError(
      `PagerDuty could not be read: ${snapshot.error}`,
    );
  }
  throw new NotReadYetError(
    'The data is not available yet; try again in a minute',
  );
}

/**
 * Entities whose last fetch failed, so that page views do not ask the
 * upstream again for `backoffMs`: while PagerDuty fails, each entity costs
 * at most one attempt per back-off period, however many people look at it.
 * (Concurrent views of one entity already share one fetch.)
 */
export class FailureBackoff {
  private readonly failedAt = new Map<string, number>();

  constructor(
    private readonly backoffMs: number,
    private readonly clock: { now(): Date },
  ) {}

  failed(key: string): void {
    this.failedAt.set(key, this.clock.now().getTime());
  }

  succeeded(key: string): void {
    this.failedAt.delete(key);
  }

  /** Whether a view of `key` must not fetch now. */
  blocks(key: string): boolean {
    const at = this.failedAt.get(key);
    if (at === undefined) return false;
    if (this.clock.now().getTime() - at < this.backoffMs) return true;
    this.failedAt.delete(key);
    return false;
  }
}
