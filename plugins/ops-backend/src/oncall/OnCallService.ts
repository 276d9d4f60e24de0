import {
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import {
  DEFAULT_NAMESPACE,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ANNOTATION_PAGERDUTY_ESCALATION_POLICY_ID,
  ANNOTATION_PAGERDUTY_INTEGRATION_KEY,
  ANNOTATION_PAGERDUTY_SCHEDULE_ID,
  ANNOTATION_PAGERDUTY_SERVICE_ID,
  AssessedIncident,
  assessIncident,
  EntityIncidentsResponse,
  EntityOnCallResponse,
  IncidentPolicy,
  IncidentRecord,
  incidentTriggerPermission,
  OnCallPerson,
  PagerDutyIds,
  pagerDutyIdsOf,
  PlatformOnCallRow,
  PlatformOnCallResponse,
  summarizeIncidents,
} from '@opsportal/plugin-ops-common';
import {
  IncidentProvider,
  OnCallProvider,
  UpstreamIncident,
} from '@opsportal/plugin-ops-node';
import { Clock, systemClock } from '../lib/clock';
import { SingleFlight } from '../lib/singleFlight';
import { SnapshotStore, StoredSnapshot } from '../snapshots/SnapshotStore';
import { collectOnCall, OnCallSnapshotData, OnCallTarget } from './collect';
import { OnCallConfig } from './config';
import { MissBatcher } from './MissBatcher';

/** Snapshot kinds of this feature. */
export const ONCALL_KIND = 'oncall.entity';
export const INCIDENTS_KIND = 'incidents.entity';

const DAY = 86_400_000;

/** An incident as stored: the record, and whether its first acknowledgement was looked up. */
export interface StoredIncident extends IncidentRecord {
  /** True once the log was read (resolved incidents keep their first acknowledgement). */
  ackChecked?: boolean;
}

/** What an incidents refresh stores per entity. */
export interface IncidentsSnapshotData {
  serviceIds: string[];
  services: { id: string; name: string; htmlUrl?: string }[];
  incidents: StoredIncident[];
}

/**
 * Incidents of catalog entities for other features (the KPIs): assessed
 * against the severity targets, from the snapshots the refresh keeps.
 * @public
 */
export interface IncidentsReader {
  readonly policy: IncidentPolicy;
  /** Incidents created in the range (within the kept window), per entity ref. */
  listIncidents(request: {
    entityRefs: string[];
    since: Date;
    until: Date;
  }): Promise<Map<string, AssessedIncident[]>>;
}

export interface OnCallServiceOptions {
  catalog: CatalogService;
  auth: AuthService;
  permissions: PermissionsService;
  snapshots: SnapshotStore;
  onCall?: OnCallProvider;
  incidents?: IncidentProvider;
  config: OnCallConfig;
  logger: LoggerService;
  clock?: Clock;
}

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

function sameIds(a: PagerDutyIds, b: PagerDutyIds): boolean {
  const eq = (x: string[], y: string[]) =>
    x.length === y.length && x.every((v, i) => v === y[i]);
  return (
    eq(a.serviceIds, b.serviceIds) &&
    eq(a.escalationPolicyIds, b.escalationPolicyIds) &&
    eq(a.scheduleIds, b.scheduleIds)
  );
}

function message(error: unknown): string {
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

/**
 * On-call and incidents of the catalog's entities. Two scheduled refreshes
 * keep one snapshot per annotated entity (on-call: escalation chains now and
 * rotations for the coming weeks; incidents: open ones and those of the
 * window); page views read the snapshots. A miss is fetched once for all
 * callers (and batched with other misses); until this instance has run a
 * full refresh, a miss runs one (it costs about as many upstream requests
 * as a single entity, as requests are batched). A failed refresh leaves the
 * last good data in place with its age and the error.
 */
export class OnCallService implements IncidentsReader {
  private readonly clock: Clock;
  private readonly onCallMisses: MissBatcher<true>;
  private readonly incidentMisses: MissBatcher<true>;
  /** Full refreshes in flight, shared by the scheduled task and cold misses. */
  private readonly fullRefreshes = new SingleFlight<Map<string, true>>();
  /** Which full refreshes this instance has completed (warm: misses are targeted). */
  private readonly warm = { oncall: false, incidents: false };

  constructor(private readonly options: OnCallServiceOptions) {
    this.clock = options.clock ?? systemClock;
    this.onCallMisses = new MissBatcher(
      keys => this.refreshOnCall(keys).then(done => done),
      options.config.missBatchMs,
    );
    this.incidentMisses = new MissBatcher(
      keys => this.refreshIncidents(keys).then(done => done),
      options.config.missBatchMs,
    );
  }

  get policy(): IncidentPolicy {
    return this.options.config.policy;
  }

  /**
   * Refreshes the on-call snapshots of every annotated entity (or only of
   * `only`). Returns the keys refreshed successfully.
   */
  async refreshOnCall(only?: string[]): Promise<Map<string, true>> {
    if (only) return this.collectOnCall(only);
    return this.fullRefreshes.do('oncall', async () => {
      try {
        return await this.collectOnCall();
      } finally {
        this.warm.oncall = true;
      }
    });
  }

  /** Refreshes the incident snapshots of every annotated entity (or only of `only`). */
  async refreshIncidents(only?: string[]): Promise<Map<string, true>> {
    if (only) return this.collectIncidents(only);
    return this.fullRefreshes.do('incidents', async () => {
      try {
        return await this.collectIncidents();
      } finally {
        this.warm.incidents = true;
      }
    });
  }

  private async collectOnCall(only?: string[]): Promise<Map<string, true>> {
    const provider = this.options.onCall;
    const done = new Map<string, true>();
    if (!provider) return done;
    const { targets: context, users } = await this.loadTargets(true);
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

  private async collectIncidents(only?: string[]): Promise<Map<string, true>> {
    const provider = this.options.incidents;
    const done = new Map<string, true>();
    if (!provider) return done;
    const { targets: context } = await this.loadTargets(false);
    const wanted = only ? new Set(only) : undefined;
    const targets = wanted
      ? context.filter(t => wanted.has(t.entityRef))
      : context;

    // A team's incidents are those of its services (known from its on-call view).
    const onCall = await this.options.snapshots.getMany<OnCallSnapshotData>(
      ONCALL_KIND,
      targets.map(t => t.entityRef),
    );
    const servicesOf = new Map<string, IncidentsSnapshotData['services']>();
    for (const t of targets) {
      const view = onCall.get(t.entityRef)?.data;
      const services = new Map<
        string,
        { id: string; name: string; htmlUrl?: string }
      >();
      for (const id of t.ids.serviceIds) {
        const s = view?.services.find(x => x.id === id);
        services.set(id, { id, name: s?.name ?? id, htmlUrl: s?.htmlUrl });
      }
      for (const s of view?.teamServices ?? []) {
        services.set(s.serviceId, {
          id: s.serviceId,
          name: s.serviceName,
          htmlUrl: s.htmlUrl,
        });
      }
      servicesOf.set(t.entityRef, [...services.values()]);
    }
    const serviceIds = [
      ...new Set([...servicesOf.values()].flat().map(s => s.id)),
    ];

    if (serviceIds.length > 0) {
      try {
        const incidents = await this.fetchIncidents(provider, serviceIds);
        for (const t of targets) {
          const services = servicesOf.get(t.entityRef) ?? [];
          const ids = new Set(services.map(s => s.id));
          const data: IncidentsSnapshotData = {
            serviceIds: t.ids.serviceIds,
            services,
            incidents: incidents.filter(i => ids.has(i.serviceId)),
          };
          await this.options.snapshots.put(INCIDENTS_KIND, t.entityRef, data);
          done.set(t.entityRef, true);
        }
      } catch (error) {
        this.options.logger.warn(
          `Incidents refresh of ${targets.length} entities failed: ${message(
            error,
          )}`,
        );
        for (const t of targets) {
          await this.options.snapshots.markFailed(
            INCIDENTS_KIND,
            t.entityRef,
            message(error),
          );
        }
      }
    }
    if (!wanted) {
      await this.options.snapshots.retain(
        INCIDENTS_KIND,
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
    const entity = await this.loadEntity(entityRef, credentials);
    const key = stringifyEntityRef(entity);
    const ids = pagerDutyIdsOf(entity);
    const snapshot = await this.current<OnCallSnapshotData>(
      ONCALL_KIND,
      key,
      ids,
      {
        hasProvider: this.options.onCall !== undefined,
        upToDate: data => sameIds(data, ids),
        miss: () =>
          this.warm.oncall ? this.onCallMisses.get(key) : this.refreshOnCall(),
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

  /** Open and recent incidents of one entity, assessed against the severity targets. */
  async getEntityIncidents(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<EntityIncidentsResponse> {
    const entity = await this.loadEntity(entityRef, credentials);
    const key = stringifyEntityRef(entity);
    const ids = pagerDutyIdsOf(entity);
    const now = this.clock.now();
    const window = {
      since: new Date(
        now.getTime() - this.options.config.incidentWindowDays * DAY,
      ),
      until: now,
    };
    const snapshot = await this.current<IncidentsSnapshotData>(
      INCIDENTS_KIND,
      key,
      ids,
      {
        hasProvider: this.options.incidents !== undefined,
        upToDate: data =>
          sameIds(
            { ...ids, escalationPolicyIds: [], scheduleIds: [] },
            {
              serviceIds: data.serviceIds,
              escalationPolicyIds: [],
              scheduleIds: [],
            },
          ),
        miss: () =>
          this.warm.incidents
            ? this.incidentMisses.get(key)
            : this.refreshIncidents(),
      },
    );
    const stored = snapshot?.data;
    const incidents = (stored?.incidents ?? [])
      .map(i => this.assess(i, now))
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
    return {
      data: {
        entityRef: key,
        serviceIds: stored?.services.map(s => s.id) ?? ids.serviceIds,
        incidents,
        summary: summarizeIncidents(
          incidents,
          window,
          undefined,
          this.options.config.policy,
        ),
        services: stored?.services ?? [],
        triggerEnabled:
          this.options.config.trigger.enabled &&
          Boolean(this.options.incidents?.triggerIncident) &&
          Boolean(
            entity.metadata.annotations?.[ANNOTATION_PAGERDUTY_INTEGRATION_KEY],
          ),
      },
      fetchedAt: snapshot?.fetchedAt,
      stale: snapshot?.stale ?? false,
      error: snapshot?.error,
    };
  }

  async listIncidents(request: {
    entityRefs: string[];
    since: Date;
    until: Date;
  }): Promise<Map<string, AssessedIncident[]>> {
    const now = this.clock.now();
    const snapshots =
      await this.options.snapshots.getMany<IncidentsSnapshotData>(
        INCIDENTS_KIND,
        request.entityRefs,
      );
    const result = new Map<string, AssessedIncident[]>();
    for (const ref of request.entityRefs) {
      const incidents = snapshots.get(ref)?.data?.incidents ?? [];
      result.set(
        ref,
        incidents
          .filter(i => {
            const t = Date.parse(i.createdAt);
            return t >= request.since.getTime() && t <= request.until.getTime();
          })
          .map(i => this.assess(i, now)),
      );
    }
    return result;
  }

  /** Opens an incident on the entity's PagerDuty service (Events API v2). */
  async triggerIncident(
    request: {
      entityRef: string;
      summary: string;
      severity: 'critical' | 'error' | 'warning' | 'info';
    },
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<{ dedupKey: string }> {
    const provider = this.options.incidents;
    if (!this.options.config.trigger.enabled || !provider?.triggerIncident) {
      throw new NotFoundError(
        'Triggering incidents is off: set ops.incidents.trigger.enabled',
      );
    }
    const [decision] = await this.options.permissions.authorize(
      [{ permission: incidentTriggerPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('You may not trigger incidents');
    }
    const entity = await this.loadEntity(request.entityRef, credentials);
    const routingKey =
      entity.metadata.annotations?.[ANNOTATION_PAGERDUTY_INTEGRATION_KEY];
    if (!routingKey) {
      throw new InputError(
        `entityRef ${stringifyEntityRef(
          entity,
        )} has no ${ANNOTATION_PAGERDUTY_INTEGRATION_KEY} annotation`,
      );
    }
    return provider.triggerIncident({
      routingKey,
      summary: request.summary,
      source: stringifyEntityRef(entity),
      severity: request.severity,
      triggeredBy: credentials.principal.userEntityRef,
    });
  }

  private assess(incident: StoredIncident, now: Date): AssessedIncident {
    const { ackChecked, ...record } = incident;
    void ackChecked;
    return assessIncident(record, now, this.options.config.policy);
  }

  /**
   * The entity's snapshot when it was built from the entity's current
   * annotations; else a miss, fetched through `miss` (shared with every
   * concurrent caller). Undefined when the entity names nothing in PagerDuty.
   */
  private async current<T>(
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
    let snapshot = await this.options.snapshots.get<T>(kind, key);
    if (snapshot?.data !== undefined && options.upToDate(snapshot.data)) {
      return snapshot;
    }
    await options.miss();
    snapshot = await this.options.snapshots.get<T>(kind, key);
    if (snapshot?.data !== undefined) return snapshot;
    throw new ServiceUnavailableError(
      snapshot?.error
        ? `PagerDuty could not be read: ${snapshot.error}`
        : 'The data is not available yet; try again in a minute',
    );
  }

  private async loadEntity(
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
    const entity = await this.options.catalog.getEntityByRef(ref, {
      credentials,
    });
    if (!entity) {
      throw new NotFoundError(`No entity ${stringifyEntityRef(ref)}`);
    }
    return entity;
  }

  private async loadTargets(withUsers: boolean) {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const { items } = await this.options.catalog.getEntities(
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
    const users = new Map<string, string>();
    if (withUsers) {
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
          users.set(
            email.toLocaleLowerCase('en-US'),
            stringifyEntityRef(person),
          );
        }
      }
    }
    return { targets: items.map(toTarget), users };
  }

  /**
   * Incidents of the window and open ones, with the first acknowledgement of
   * resolved incidents read once from their log and then kept.
   */
  private async fetchIncidents(
    provider: IncidentProvider,
    serviceIds: string[],
  ): Promise<StoredIncident[]> {
    const now = this.clock.now();
    const { incidentWindowDays, openIncidentLookbackDays } =
      this.options.config;
    const [recent, open] = await Promise.all([
      provider.listIncidents({
        serviceIds,
        since: new Date(now.getTime() - incidentWindowDays * DAY),
        until: now,
      }),
      provider.listIncidents({
        serviceIds,
        statuses: ['triggered', 'acknowledged'],
        since: new Date(now.getTime() - openIncidentLookbackDays * DAY),
        until: now,
      }),
    ]);
    const byId = new Map<string, StoredIncident>();
    for (const i of [...recent, ...open]) byId.set(i.id, toStored(i));

    const known = new Map<string, StoredIncident>();
    for (const s of await this.options.snapshots.list<IncidentsSnapshotData>(
      INCIDENTS_KIND,
    )) {
      for (const i of s.data?.incidents ?? []) {
        if (i.ackChecked) known.set(i.id, i);
      }
    }
    const lookups: string[] = [];
    for (const incident of byId.values()) {
      if (incident.status !== 'resolved' || incident.acknowledgedAt) continue;
      const previous = known.get(incident.id);
      if (previous) {
        incident.acknowledgedAt = previous.acknowledgedAt;
        incident.ackChecked = true;
      } else {
        lookups.push(incident.id);
      }
    }
    const acks = await provider.getFirstAcknowledgements(
      lookups.slice(0, this.options.config.maxAcknowledgementLookups),
    );
    for (const [id, at] of acks) {
      const incident = byId.get(id)!;
      incident.acknowledgedAt = at ?? undefined;
      incident.ackChecked = true;
    }
    return [...byId.values()].sort(
      (a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt),
    );
  }
}

function toStored(i: UpstreamIncident): StoredIncident {
  const stored: StoredIncident = {
    id: i.id,
    number: i.number,
    title: i.title,
    status: i.status,
    urgency: i.urgency,
    priority: i.priority,
    serviceId: i.serviceId,
    serviceName: i.serviceName,
    createdAt: i.createdAt,
    acknowledgedAt: i.acknowledgedAt,
    resolvedAt: i.resolvedAt,
    htmlUrl: i.htmlUrl,
    assignees: i.assignees,
  };
  // Keep stored JSON free of undefined holes.
  for (const key of Object.keys(stored) as (keyof StoredIncident)[]) {
    if (stored[key] === undefined) delete stored[key];
  }
  return stored;
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
