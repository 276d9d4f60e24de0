import {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  EntityOnCallResponse,
  OnCallPerson,
  pagerDutyIdsOf,
  PlatformOnCallRow,
  PlatformOnCallResponse,
} from '@opsportal/plugin-ops-common';
import { OnCallProvider } from '@opsportal/plugin-ops-node';
import { Clock, systemClock } from '../lib/clock';
import { SingleFlight } from '../lib/singleFlight';
import { SnapshotStore, StoredSnapshot } from '../snapshots/SnapshotStore';
import { collectOnCall, OnCallSnapshotData } from './collect';
import { OnCallConfig } from './config';
import { MissBatcher } from './MissBatcher';
import {
  currentSnapshot,
  loadEntity,
  loadPagerDutyTargets,
  message,
  sameIds,
} from './pagerDutyEntities';

/** Snapshot kind of this feature. */
export const ONCALL_KIND = 'oncall.entity';

/** A PagerDuty service as the on-call view names it. */
export interface PagerDutyServiceRef {
  id: string;
  name: string;
  htmlUrl?: string;
}

/** The PagerDuty services an entity's on-call view knows. */
export interface EntityPagerDutyServices {
  /** The services the entity names (its annotation), with names and links. */
  services: PagerDutyServiceRef[];
  /** A team's: the services it answers for (owned, or paging its policies). */
  teamServices: PagerDutyServiceRef[];
}

export interface OnCallServiceOptions {
  catalog: CatalogService;
  auth: AuthService;
  snapshots: SnapshotStore;
  onCall?: OnCallProvider;
  config: OnCallConfig;
  logger: LoggerService;
  clock?: Clock;
}

/**
 * On-call of the catalog's entities. A scheduled refresh keeps one snapshot
 * per annotated entity (escalation chains now and rotations for the coming
 * weeks); page views read the snapshots. A miss is fetched once for all
 * callers (and batched with other misses); until this instance has run a
 * full refresh, a miss runs one (it costs about as many upstream requests
 * as a single entity, as requests are batched). A failed refresh leaves the
 * last good data in place with its age and the error.
 */
export class OnCallService {
  private readonly clock: Clock;
  private readonly misses: MissBatcher<true>;
  /** Full refreshes in flight, shared by the scheduled task and cold misses. */
  private readonly fullRefreshes = new SingleFlight<Map<string, true>>();
  /** Whether this instance has completed a full refresh (warm: misses are targeted). */
  private warm = false;

  constructor(private readonly options: OnCallServiceOptions) {
    this.clock = options.clock ?? systemClock;
    this.misses = new MissBatcher(
      keys => this.refreshOnCall(keys).then(done => done),
      options.config.missBatchMs,
    );
  }

  /**
   * Refreshes the on-call snapshots of every annotated entity (or only of
   * `only`). Returns the keys refreshed successfully.
   */
  async refreshOnCall(only?: string[]): Promise<Map<string, true>> {
    if (only) return this.collect(only);
    return this.fullRefreshes.do('oncall', async () => {
      try {
        return await this.collect();
      } finally {
        this.warm = true;
      }
    });
  }

  private async collect(only?: string[]): Promise<Map<string, true>> {
    const provider = this.options.onCall;
    const done = new Map<string, true>();
    if (!provider) return done;
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const context = await loadPagerDutyTargets(
      this.options.catalog,
      credentials,
    );
    const users = await this.loadUsers(credentials);
    const wanted = only ? new Set(only) : undefined;
    const targets = wanted
      ? context.filter(t => wanted.has(t.entityRef))
      : context;
    if (targets.length > 0) {
      try {
        const views = await collectOnCall({
          provider,
          targets,
          context,
          users,
          now: this.clock.now(),
          rotationWeeks: this.options.config.rotationWeeks,
        });
        for (const [key, view] of views) {
          await this.options.snapshots.put(ONCALL_KIND, key, view);
          done.set(key, true);
        }
      } catch (error) {
        this.options.logger.warn(
          `On-call refresh of ${targets.length} entities failed: ${message(
            error,
          )}`,
        );
        for (const t of targets) {
          await this.options.snapshots.markFailed(
            ONCALL_KIND,
            t.entityRef,
            message(error),
          );
        }
      }
    }
    if (!wanted) {
      await this.options.snapshots.retain(
        ONCALL_KIND,
        context.map(t => t.entityRef),
      );
    }
    return done;
  }

  /** The on-call view of one entity, from its snapshot. */
  async getEntityOnCall(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<EntityOnCallResponse> {
    const entity = await loadEntity(
      this.options.catalog,
      entityRef,
      credentials,
    );
    const key = stringifyEntityRef(entity);
    const ids = pagerDutyIdsOf(entity);
    const snapshot = await currentSnapshot<OnCallSnapshotData>(
      this.options.snapshots,
      ONCALL_KIND,
      key,
      ids,
      {
        hasProvider: this.options.onCall !== undefined,
        upToDate: data => sameIds(data, ids),
        miss: () => (this.warm ? this.misses.get(key) : this.refreshOnCall()),
      },
    );
    if (!snapshot) {
      return {
        data: {
          entityRef: key,
          ...ids,
          services: [],
          escalationPolicies: [],
          rotations: [],
          teamServices: [],
        },
        stale: false,
      };
    }
    const { kind, title, ...data } = snapshot.data!;
    void kind;
    void title;
    return {
      data,
      fetchedAt: snapshot.fetchedAt,
      stale: snapshot.stale,
      error: snapshot.error,
    };
  }

  /** Who is on call for every entity the user can see. */
  async getPlatformOnCall(
    credentials: BackstageCredentials,
  ): Promise<PlatformOnCallResponse> {
    const snapshots = (
      await this.options.snapshots.list<OnCallSnapshotData>(ONCALL_KIND)
    ).filter(s => s.data);
    if (snapshots.length === 0) return { rows: [] };
    const { items } = await this.options.catalog.getEntitiesByRefs(
      {
        entityRefs: snapshots.map(s => s.key),
        fields: ['kind', 'metadata.name', 'metadata.namespace'],
      },
      { credentials },
    );
    const rows: PlatformOnCallRow[] = [];
    snapshots.forEach((snapshot, index) => {
      if (!items[index]) return;
      rows.push(platformRow(snapshot, this.clock.now()));
    });
    rows.sort(
      (a, b) => a.kind.localeCompare(b.kind) || a.title.localeCompare(b.title),
    );
    return { rows };
  }

  /**
   * The PagerDuty services each entity's last on-call snapshot knows, for
   * the incidents feature (a team's incidents are those of its services).
   * An entity without an on-call snapshot is left out.
   */
  async pagerDutyServicesOf(
    entityRefs: string[],
  ): Promise<Map<string, EntityPagerDutyServices>> {
    const snapshots = await this.options.snapshots.getMany<OnCallSnapshotData>(
      ONCALL_KIND,
      entityRefs,
    );
    const result = new Map<string, EntityPagerDutyServices>();
    for (const [ref, snapshot] of snapshots) {
      const view = snapshot.data;
      if (!view) continue;
      result.set(ref, {
        services: view.services.map(s => ({
          id: s.id,
          name: s.name,
          htmlUrl: s.htmlUrl,
        })),
        teamServices: (view.teamServices ?? []).map(s => ({
          id: s.serviceId,
          name: s.serviceName,
          htmlUrl: s.htmlUrl,
        })),
      });
    }
    return result;
  }

  /** Catalog users by lower-case email, to link PagerDuty people to them. */
  private async loadUsers(
    credentials: BackstageCredentials,
  ): Promise<Map<string, string>> {
    const users = new Map<string, string>();
    const { items: people } = await this.options.catalog.getEntities(
      {
        filter: { kind: 'User' },
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'spec.profile.email',
        ],
      },
      { credentials },
    );
    for (const person of people) {
      const email = (person.spec as { profile?: { email?: string } })?.profile
        ?.email;
      if (email) {
        users.set(email.toLocaleLowerCase('en-US'), stringifyEntityRef(person));
      }
    }
    return users;
  }
}

function platformRow(
  snapshot: StoredSnapshot<OnCallSnapshotData>,
  at: Date,
): PlatformOnCallRow {
  const data = snapshot.data!;
  const levels = new Map<
    number,
    { label: string; people: Map<string, OnCallPerson> }
  >();
  const add = (level: number, label: string, person: OnCallPerson) => {
    const entry = levels.get(level) ?? { label, people: new Map() };
    entry.people.set(person.id, person);
    levels.set(level, entry);
  };
  const policies = [
    ...data.services.flatMap(s =>
      s.escalationPolicy ? [s.escalationPolicy] : [],
    ),
    ...data.escalationPolicies,
  ];
  for (const policy of policies) {
    for (const level of policy.levels) {
      for (const a of level.onCall) add(level.level, level.label, a.person);
    }
  }
  if (policies.length === 0) {
    // A team with schedules only: whoever is on them now.
    const now = at.getTime();
    data.rotations.forEach(rotation => {
      const shift = rotation.shifts.find(
        s => Date.parse(s.start) <= now && now < Date.parse(s.end),
      );
      if (shift) add(1, rotation.name, shift.person);
    });
  }
  return {
    entityRef: data.entityRef,
    kind: data.kind,
    title: data.title,
    services: data.services.map(s => ({
      id: s.id,
      name: s.name,
      htmlUrl: s.htmlUrl,
    })),
    levels: [...levels.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([level, entry]) => ({
        level,
        label: entry.label,
        people: [...entry.people.values()],
      })),
    fetchedAt: snapshot.fetchedAt,
    stale: snapshot.stale,
    error: snapshot.error,
  };
}
