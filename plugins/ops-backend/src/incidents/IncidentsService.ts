import {
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ANNOTATION_PAGERDUTY_INTEGRATION_KEY,
  AssessedIncident,
  assessIncident,
  EntityIncidentsResponse,
  Freshness,
  IncidentPolicy,
  IncidentRecord,
  incidentTriggerPermission,
  pagerDutyIdsOf,
  severityOf,
  summarizeIncidents,
} from '@opsportal/plugin-ops-common';
import {
  IncidentProvider,
  IncidentResponseProvider,
  UpstreamIncident,
  UpstreamPriority,
} from '@opsportal/plugin-ops-node';
import { Clock, systemClock } from '../lib/clock';
import { SingleFlight } from '../lib/singleFlight';
import { memoViewAt } from '../lib/viewResponse';
import { OnCallService, PagerDutyServiceRef } from '../oncall';
// Shared with the on-call feature: miss batching, PagerDuty-annotated
// entities and reading a snapshot or fetching it on a miss.
import { MissBatcher } from '../oncall/MissBatcher';
import {
  currentSnapshot,
  FailureBackoff,
  loadEntity,
  loadPagerDutyTargets,
  message,
  sameIds,
} from '../oncall/pagerDutyEntities';
import { SnapshotStore } from '../snapshots/SnapshotStore';
import { IncidentsConfig } from './config';
import {
  DEFAULT_UPDATE_CADENCE_MINUTES,
  hasUpdateCadence,
  lastStatusUpdateAt,
  laterOf,
  StatusUpdateListener,
  UpdateCadenceMinutes,
  updateCadenceOf,
} from './response/cadence';

/** Snapshot kind of this feature. */
export const INCIDENTS_KIND = 'incidents.entity';

const DAY = 86_400_000;
/**
 * An entity's incidents answer is made once per snapshot and this many
 * milliseconds of the clock (its targets' deadlines and window move with
 * the clock): at most this late, never early.
 */
const VIEW_TICK_MS = 5_000;

/**
 * Open incidents whose status updates one refresh reads at most (newest
 * first): those of severities with a cadence (P1, P2), which are few.
 */
const MAX_STATUS_UPDATE_LOOKUPS = 20;
/** Status updates posted here that the cards keep as a floor, at most. */
const MAX_POSTED_UPDATES = 500;

/** An incident as stored: the record, and whether its first acknowledgement was looked up. */
export interface StoredIncident extends IncidentRecord {
  /** True once the log was read (resolved incidents keep their first acknowledgement). */
  ackChecked?: boolean;
  /**
   * The last status update (ISO 8601) of an open incident whose severity
   * has an update cadence, as its log last told (kept when a read fails).
   */
  lastStatusUpdateAt?: string;
}

/** What an incidents refresh stores per entity. */
export interface IncidentsSnapshotData {
  serviceIds: string[];
  services: PagerDutyServiceRef[];
  incidents: StoredIncident[];
}

/**
 * Incidents of catalog entities for other features (the KPIs): assessed
 * against the severity targets, from the snapshots the refresh keeps.
 * @public
 */
export interface IncidentsReader {
  readonly policy: IncidentPolicy;
  /** Days of incidents kept before now (`ops.incidents.windowDays`). */
  readonly windowDays: number;
  /** Incidents created in the range (within the kept window), per entity ref. */
  listIncidents(request: {
    entityRefs: string[];
    since: Date;
    until: Date;
  }): Promise<Map<string, AssessedIncident[]>>;
  /** How fresh each entity's incidents are; entities never read are left out. */
  freshnessOf(entityRefs: string[]): Promise<Map<string, Freshness>>;
}

export interface IncidentsServiceOptions {
  catalog: CatalogService;
  auth: AuthService;
  permissions: PermissionsService;
  snapshots: SnapshotStore;
  /** Where a team's services come from: the on-call views. */
  oncall: Pick<OnCallService, 'pagerDutyServicesOf'>;
  incidents?: IncidentProvider;
  /**
   * Reads the logs of open incidents that owe status updates (the incident
   * page's provider); without it the cards count from the incident's start.
   */
  response?: Pick<IncidentResponseProvider, 'listLogEntries' | 'listNotes'>;
  /** Minutes between status updates per severity (the incident page's). */
  updateCadenceMinutes?: UpdateCadenceMinutes;
  config: IncidentsConfig;
  logger: LoggerService;
  clock?: Clock;
}

/**
 * Incidents of the catalog's entities (a team: of the services it answers
 * for, as its on-call view knows them). A scheduled refresh keeps one
 * snapshot per annotated entity (open incidents and those of the window);
 * page views read the snapshots. A miss is fetched at once for that entity
 * only, shared by every caller and batched with other misses; a fetch that
 * failed is not repeated by views for `failureBackoffSeconds`. A failed
 * refresh leaves the last good data in place with its age and the error.
 */
export class IncidentsService implements IncidentsReader, StatusUpdateListener {
  private readonly clock: Clock;
  /**
   * Status updates posted through this server, by incident: a floor for
   * the stored last update while PagerDuty's log may not list them yet.
   */
  private readonly posted = new Map<string, string>();
  private readonly misses: MissBatcher<true>;
  /** Full refreshes in flight (the scheduled task). */
  private readonly fullRefreshes = new SingleFlight<Map<string, true>>();
  /** Entities whose last fetch failed, and when (views wait before the next). */
  private readonly failures: FailureBackoff;

  constructor(private readonly options: IncidentsServiceOptions) {
    this.clock = options.clock ?? systemClock;
    this.misses = new MissBatcher(
      keys => this.refreshIncidents(keys).then(done => done),
      options.config.missBatchMs,
    );
    this.failures = new FailureBackoff(
      options.config.failureBackoffSeconds * 1000,
      this.clock,
    );
  }

  get policy(): IncidentPolicy {
    return this.options.config.policy;
  }

  get windowDays(): number {
    return this.options.config.windowDays;
  }

  /** Minutes between status updates per severity (shared with the incident page). */
  get updateCadenceMinutes(): UpdateCadenceMinutes {
    return this.options.updateCadenceMinutes ?? DEFAULT_UPDATE_CADENCE_MINUTES;
  }

  /**
   * The portal posted a status update: the snapshots that hold the
   * incident are refreshed at once (as a view's miss is), so that their
   * cards show the next due time without waiting for the scheduled refresh.
   */
  async statusUpdatePosted(update: {
    incidentId: string;
    at: string;
  }): Promise<void> {
    const last = laterOf(this.posted.get(update.incidentId), update.at)!;
    // Newest last: the map keeps insertion order, the oldest go first.
    this.posted.delete(update.incidentId);
    this.posted.set(update.incidentId, last);
    while (this.posted.size > MAX_POSTED_UPDATES) {
      this.posted.delete(this.posted.keys().next().value as string);
    }
    const keys = (
      await this.options.snapshots.list<IncidentsSnapshotData>(INCIDENTS_KIND)
    )
      .filter(s => s.data?.incidents.some(i => i.id === update.incidentId))
      .map(s => s.key);
    if (keys.length > 0) await this.refreshIncidents(keys);
  }

  /**
   * Refreshes the incident snapshots of every annotated entity (or only of
   * `only`, for page views: at once, without waiting for the request
   * budget, and tried once).
   */
  async refreshIncidents(only?: string[]): Promise<Map<string, true>> {
    if (only) return this.collect(only);
    return this.fullRefreshes.do('incidents', () => this.collect());
  }

  /** A page view's miss: fetched unless the entity's last fetch failed lately. */
  private miss(key: string, since: number): Promise<unknown> {
    if (this.failures.blocks(key)) return Promise.resolve();
    return this.misses.get(key, since);
  }

  private async collect(only?: string[]): Promise<Map<string, true>> {
    const provider = this.options.incidents;
    const done = new Map<string, true>();
    if (!provider) return done;
    const context = await loadPagerDutyTargets(
      this.options.catalog,
      await this.options.auth.getOwnServiceCredentials(),
    );
    const wanted = only ? new Set(only) : undefined;
    const named = wanted
      ? context.filter(t => wanted.has(t.entityRef))
      : context;

    // A team's incidents are those of its services (known from its on-call
    // view). Until that view has been read, the team's services are not
    // known: it is left unread (a view says "not available yet") rather
    // than stored as having no incidents.
    const known = await this.options.oncall.pagerDutyServicesOf(
      named.map(t => t.entityRef),
    );
    const targets = named.filter(
      t =>
        known.has(t.entityRef) ||
        (t.ids.escalationPolicyIds.length === 0 &&
          t.ids.scheduleIds.length === 0),
    );
    const servicesOf = new Map<string, PagerDutyServiceRef[]>();
    for (const t of targets) {
      const view = known.get(t.entityRef);
      const services = new Map<string, PagerDutyServiceRef>();
      for (const id of t.ids.serviceIds) {
        const s = view?.services.find(x => x.id === id);
        services.set(id, { id, name: s?.name ?? id, htmlUrl: s?.htmlUrl });
      }
      for (const s of view?.teamServices ?? []) {
        services.set(s.id, s);
      }
      servicesOf.set(t.entityRef, [...services.values()]);
    }
    const serviceIds = [
      ...new Set([...servicesOf.values()].flat().map(s => s.id)),
    ];

    if (serviceIds.length > 0) {
      try {
        const incidents = await this.fetchIncidents(
          provider,
          serviceIds,
          wanted ? 'interactive' : 'background',
        );
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
          this.failures.succeeded(t.entityRef);
        }
      } catch (error) {
        for (const t of targets) this.failures.failed(t.entityRef);
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

  /** Open and recent incidents of one entity, assessed against the severity targets. */
  async getEntityIncidents(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<EntityIncidentsResponse> {
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
    const snapshot = await currentSnapshot<IncidentsSnapshotData>(
      this.options.snapshots,
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
        miss: () => this.miss(key, since),
      },
    );
    const triggerEnabled =
      this.options.config.trigger.enabled &&
      Boolean(this.options.incidents?.triggerIncident) &&
      Boolean(
        entity.metadata.annotations?.[ANNOTATION_PAGERDUTY_INTEGRATION_KEY],
      );
    const answer = (now: Date): EntityIncidentsResponse => {
      const stored = snapshot?.data;
      const window = {
        since: new Date(now.getTime() - this.options.config.windowDays * DAY),
        until: now,
      };
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
          triggerEnabled,
        },
        fetchedAt: snapshot?.fetchedAt,
        stale: snapshot?.stale ?? false,
        error: snapshot?.error,
      };
    };
    if (!snapshot) return answer(this.clock.now());
    // The same for every viewer, and dependent on the clock only through
    // the targets' deadlines and the window: made (and serialised, see
    // lib/viewResponse.ts) once per kept snapshot and clock tick.
    const tick = Math.floor(this.clock.now().getTime() / VIEW_TICK_MS);
    return memoViewAt(snapshot, `entity:${triggerEnabled}`, tick, () =>
      answer(new Date(tick * VIEW_TICK_MS)),
    );
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

  async freshnessOf(entityRefs: string[]): Promise<Map<string, Freshness>> {
    const snapshots = await this.options.snapshots.getMany(
      INCIDENTS_KIND,
      entityRefs,
    );
    const result = new Map<string, Freshness>();
    for (const [ref, { fetchedAt, stale, error }] of snapshots) {
      result.set(ref, { fetchedAt, stale, error });
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
    const entity = await loadEntity(
      this.options.catalog,
      request.entityRef,
      credentials,
    );
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

  /**
   * The incident against its targets, with when its next status update is
   * due (from the stored last update, else from its start).
   */
  private assess(incident: StoredIncident, now: Date): AssessedIncident {
    const { ackChecked, lastStatusUpdateAt: lastUpdate, ...record } = incident;
    void ackChecked;
    const assessed = assessIncident(record, now, this.options.config.policy);
    const cadence = updateCadenceOf(
      assessed,
      lastUpdate,
      this.updateCadenceMinutes,
      now,
    );
    return cadence
      ? { ...assessed, nextUpdateDue: cadence.nextUpdateDue }
      : assessed;
  }

  /**
   * Incidents of the window and open ones, with the first acknowledgement of
   * resolved incidents read once from their log and then kept.
   */
  private async fetchIncidents(
    provider: IncidentProvider,
    serviceIds: string[],
    priority: UpstreamPriority,
  ): Promise<StoredIncident[]> {
    const now = this.clock.now();
    const { windowDays, openLookbackDays } = this.options.config;
    const [recent, open] = await Promise.all([
      provider.listIncidents({
        serviceIds,
        since: new Date(now.getTime() - windowDays * DAY),
        until: now,
        priority,
      }),
      provider.listIncidents({
        serviceIds,
        statuses: ['triggered', 'acknowledged'],
        since: new Date(now.getTime() - openLookbackDays * DAY),
        until: now,
        priority,
      }),
    ]);
    const byId = new Map<string, StoredIncident>();
    for (const i of [...recent, ...open]) byId.set(i.id, toStored(i));

    const known = new Map<string, StoredIncident>();
    /** The last status update each incident's snapshots hold (the latest). */
    const lastUpdates = new Map<string, string>();
    for (const s of await this.options.snapshots.list<IncidentsSnapshotData>(
      INCIDENTS_KIND,
    )) {
      for (const i of s.data?.incidents ?? []) {
        if (i.ackChecked) known.set(i.id, i);
        const last = laterOf(lastUpdates.get(i.id), i.lastStatusUpdateAt);
        if (last) lastUpdates.set(i.id, last);
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
      { priority },
    );
    for (const [id, at] of acks) {
      const incident = byId.get(id)!;
      incident.acknowledgedAt = at ?? undefined;
      incident.ackChecked = true;
    }
    const sorted = [...byId.values()].sort(
      (a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt),
    );
    await this.readStatusUpdates(sorted, lastUpdates, priority);
    return sorted;
  }

  /**
   * The last status update of each open incident that owes updates, read
   * from its log with the incident page's rules (a note is not an update).
   * Its notes are read only when the log has annotations to tell apart. A
   * failed read, or an incident beyond the bound, keeps the stored value;
   * the value never moves back (see `laterOf`).
   */
  private async readStatusUpdates(
    incidents: StoredIncident[],
    stored: Map<string, string>,
    priority: UpstreamPriority,
  ): Promise<void> {
    const minutes = this.updateCadenceMinutes;
    const owing = incidents.filter(i =>
      hasUpdateCadence(
        { status: i.status, severity: severityOf(i, this.policy) },
        minutes,
      ),
    );
    const response = this.options.response;
    const lookups = response ? owing.slice(0, MAX_STATUS_UPDATE_LOOKUPS) : [];
    const read = new Map<string, string | undefined>();
    await Promise.all(
      lookups.map(async incident => {
        try {
          const logEntries = await response!.listLogEntries(incident.id, {
            priority,
          });
          const notes = logEntries.some(e => e.kind === 'annotate')
            ? await response!.listNotes(incident.id, { priority })
            : [];
          read.set(incident.id, lastStatusUpdateAt({ logEntries, notes }));
        } catch (error) {
          this.options.logger.warn(
            `The status updates of incident ${
              incident.id
            } could not be read; the last known stays: ${message(error)}`,
          );
        }
      }),
    );
    for (const incident of owing) {
      const last = laterOf(
        laterOf(stored.get(incident.id), read.get(incident.id)),
        this.posted.get(incident.id),
      );
      if (last) incident.lastStatusUpdateAt = last;
    }
  }

  /**
   * Every incident the snapshots hold (the window's and the open ones of
   * every annotated entity), assessed, with the entities whose snapshots
   * hold it: the reviews feature creates the reviews policy requires from
   * these.
   */
  async listAllIncidents(): Promise<
    Array<{ incident: AssessedIncident; entityRefs: string[] }>
  > {
    const now = this.clock.now();
    const byId = new Map<
      string,
      { incident: AssessedIncident; entityRefs: string[] }
    >();
    for (const snapshot of await this.options.snapshots.list<IncidentsSnapshotData>(
      INCIDENTS_KIND,
    )) {
      for (const incident of snapshot.data?.incidents ?? []) {
        const known = byId.get(incident.id);
        if (!known) {
          byId.set(incident.id, {
            incident: this.assess(incident, now),
            entityRefs: [snapshot.key],
          });
        } else if (!known.entityRefs.includes(snapshot.key)) {
          known.entityRefs.push(snapshot.key);
        }
      }
    }
    return [...byId.values()];
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
