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
import { memoView } from '../lib/viewResponse';
import { SnapshotStore, StoredSnapshot } from '../snapshots/SnapshotStore';
import {
  collectOnCall,
  OnCallSnapshotData,
  RotationRenderings,
  StoredRendering,
} from './collect';
import { OnCallConfig } from './config';
import { MissBatcher } from './MissBatcher';
import {
  currentSnapshot,
  FailureBackoff,
  loadEntity,
  loadPagerDutyTargets,
  message,
  sameIds,
} from './pagerDutyEntities';

/** Snapshot kind of this feature. */
export const ONCALL_KIND = 'oncall.entity';
/** Snapshot kind of the schedules' renderings (key: the schedule id). */
export const ROTATION_KIND = 'oncall.rotation';

const MINUTE = 60_000;
const WEEK = 7 * 86_400_000;
/** Schedules asked for per provider call when rotations are read. */
const SCHEDULES_PER_CALL = 10;
/** What is recorded for a schedule PagerDuty does not know. */
const UNKNOWN_SCHEDULE = 'PagerDuty has no such schedule';

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
 * per annotated entity (escalation chains and who is on call now) and one
 * rendering per schedule (the rotation for the coming weeks), read again
 * on its own, longer interval: each refresh reads the schedules that are
 * due, oldest first, so that those reads are spread out. Page views read
 * the snapshots. A miss (an entity without data, or with rotations not
 * read yet) is fetched at once for that entity only, shared by every caller
 * and batched with other misses; a fetch that failed is not repeated by
 * views for `failureBackoffSeconds`. A failed refresh leaves the last good
 * data in place with its age and the error.
 */
export class OnCallService {
  private readonly clock: Clock;
  private readonly misses: MissBatcher<true>;
  /** Full refreshes in flight (the scheduled task). */
  private readonly fullRefreshes = new SingleFlight<Map<string, true>>();
  /** Entities whose last fetch failed, and when (views wait before the next). */
  private readonly failures: FailureBackoff;

  constructor(private readonly options: OnCallServiceOptions) {
    this.clock = options.clock ?? systemClock;
    this.misses = new MissBatcher(
      keys => this.refreshOnCall(keys).then(done => done),
      options.config.missBatchMs,
    );
    this.failures = new FailureBackoff(
      options.config.failureBackoffSeconds * 1000,
      this.clock,
    );
  }

  /**
   * Refreshes the on-call snapshots of every annotated entity (or only of
   * `only`, for page views: at once, without waiting for the request budget,
   * and tried once). Returns the keys refreshed successfully.
   */
  async refreshOnCall(only?: string[]): Promise<Map<string, true>> {
    if (only) return this.collect(only);
    return this.fullRefreshes.do('oncall', () => this.collect());
  }

  /** A page view's miss: fetched unless the entity's last fetch failed lately. */
  private miss(key: string, since: number): Promise<unknown> {
    if (this.failures.blocks(key)) return Promise.resolve();
    return this.misses.get(key, since);
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
      const now = this.clock.now();
      let rotationsFailed = false;
      try {
        const views = await collectOnCall({
          provider,
          targets,
          context,
          users,
          now,
          rotationWeeks: this.options.config.rotationWeeks,
          priority: wanted ? 'interactive' : 'background',
          rotations: async ids => {
            const result = await this.rotations(ids, wanted ? 'view' : 'due');
            rotationsFailed = result.failed;
            return result;
          },
        });
        for (const [key, view] of views) {
          await this.options.snapshots.put(ONCALL_KIND, key, view);
          done.set(key, true);
          if (wanted && rotationsFailed) this.failures.failed(key);
          else this.failures.succeeded(key);
        }
      } catch (error) {
        for (const t of targets) this.failures.failed(t.entityRef);
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
    // Taken before the snapshot is read: a load that finishes in between
    // answers this view's miss (no second fetch).
    const since = this.misses.stamp();
    const snapshot = await currentSnapshot<OnCallSnapshotData>(
      this.options.snapshots,
      ONCALL_KIND,
      key,
      ids,
      {
        hasProvider: this.options.onCall !== undefined,
        upToDate: data => sameIds(data, ids) && !data.pendingSchedules,
        miss: () => this.miss(key, since),
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
    // The same for every viewer: made once per kept snapshot, so that its
    // body is serialised once too (lib/viewResponse.ts).
    return memoView(snapshot, 'entity', () => {
      const { kind, title, pendingSchedules, ...data } = snapshot.data!;
      void kind;
      void title;
      void pendingSchedules;
      return {
        data,
        fetchedAt: snapshot.fetchedAt,
        stale: snapshot.stale,
        error: snapshot.error,
      };
    });
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
   * An entity without an on-call snapshot is left out (not read yet); one
   * whose read failed is given no services.
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
      // Read, but the read failed: nothing known about its services.
      if (!view) {
        result.set(ref, { services: [], teamServices: [] });
        continue;
      }
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

  /**
   * Renderings of `ids`: those kept, plus those read now. For a refresh
   * (`due`): the schedules never read or read longer than the rotation
   * interval ago, oldest first, as many as keep the interval (while some
   * were never read: at least `rotationFetchesPerRefresh`), in the
   * background. For a page
   * view (`view`): those never read (or whose read failed before the
   * back-off), at once.
   */
  private async rotations(
    ids: string[],
    mode: 'due' | 'view',
  ): Promise<RotationRenderings & { failed: boolean }> {
    const config = this.options.config;
    const provider = this.options.onCall!;
    const now = this.clock.now();
    const t = now.getTime();
    const snapshots = this.options.snapshots;
    const stored = await snapshots.getMany<StoredRendering>(ROTATION_KIND, ids);
    const readAt = (id: string) => {
      const s = stored.get(id);
      if (!s) return undefined;
      return Date.parse(s.fetchedAt ?? s.attemptedAt);
    };
    let fetch: string[];
    if (mode === 'due') {
      const due = ids
        .filter(id => {
          const at = readAt(id);
          return (
            at === undefined || t - at >= config.rotationRefreshMinutes * MINUTE
          );
        })
        .sort((a, b) => (readAt(a) ?? -Infinity) - (readAt(b) ?? -Infinity));
      // As many as keep the interval, so that the reads stay spread out;
      // more while some were never read (after a start).
      const steady = Math.ceil(
        (ids.length * config.refreshMinutes) / config.rotationRefreshMinutes,
      );
      const neverRead = due.some(id => readAt(id) === undefined);
      fetch = due.slice(
        0,
        neverRead ? Math.max(steady, config.rotationFetchesPerRefresh) : steady,
      );
    } else {
      fetch = ids.filter(id => {
        const s = stored.get(id);
        if (!s) return true;
        if (s.data) return false;
        return (
          s.error !== UNKNOWN_SCHEDULE &&
          t - Date.parse(s.attemptedAt) >= config.failureBackoffSeconds * 1000
        );
      });
    }

    const renderings = new Map<string, StoredRendering>();
    const problems = new Map<string, string>();
    const errors = new Map<string, string>();
    const unknown = new Set<string>();
    for (const [id, s] of stored) {
      if (s.data) renderings.set(id, s.data);
      else if (s.error === UNKNOWN_SCHEDULE) unknown.add(id);
      else if (s.error) errors.set(id, s.error);
    }
    const since = now;
    const until = new Date(t + config.rotationWeeks * WEEK);
    let failed = false;
    for (let i = 0; i < fetch.length; i += SCHEDULES_PER_CALL) {
      const chunk = fetch.slice(i, i + SCHEDULES_PER_CALL);
      try {
        const found = await provider.getSchedules(chunk, {
          since,
          until,
          priority: mode === 'view' ? 'interactive' : 'background',
        });
        const entries = found.map(r => ({
          key: r.id,
          data: {
            ...r,
            since: since.toISOString(),
            until: until.toISOString(),
          },
        }));
        await snapshots.putMany(ROTATION_KIND, entries);
        for (const e of entries) {
          renderings.set(e.key, e.data);
          errors.delete(e.key);
          unknown.delete(e.key);
        }
        for (const id of chunk) {
          if (found.some(r => r.id === id)) continue;
          renderings.delete(id);
          errors.delete(id);
          unknown.add(id);
          await snapshots.markFailed(ROTATION_KIND, id, UNKNOWN_SCHEDULE);
        }
      } catch (error) {
        failed = true;
        this.options.logger.warn(
          `Rotations of ${chunk.length} schedules could not be read: ${message(
            error,
          )}`,
        );
        for (const id of chunk) {
          await snapshots.markFailed(ROTATION_KIND, id, message(error));
          if (!renderings.has(id)) errors.set(id, message(error));
        }
      }
    }

    const pending = new Set<string>();
    for (const id of ids) {
      if (renderings.has(id) || unknown.has(id)) continue;
      pending.add(id);
      problems.set(
        id,
        errors.has(id)
          ? `The rotation could not be read: ${errors.get(id)}`
          : 'The rotation has not been read yet',
      );
    }
    return { renderings, problems, pending, failed };
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
