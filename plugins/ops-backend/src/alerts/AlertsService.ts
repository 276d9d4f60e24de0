import { randomUUID } from 'node:crypto';
import {
  AuditorService,
  AuthService,
  BackstageCredentials,
  CacheService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  DEFAULT_NAMESPACE,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  AlarmNoise,
  AlarmReview,
  AlarmReviewInput,
  alarmNoiseCsv,
  alarmReviewCreatePermission,
  AlarmTransition,
  AlertsOverview,
  analyzeAlarmNoise,
  analyzePagingLoad,
  ANNOTATION_ALARM_PREFIX,
  ANNOTATION_ALERT_POLICY_SCOPES,
  ANNOTATION_CLOUDWATCH_REGION,
  ANNOTATION_PAGERDUTY_SERVICE_ID,
  EntityAlerts,
  Freshness,
  GroupAlertHealth,
  MaintenancePeriod,
  matchAlertPolicy,
  PagingIncident,
  PagingLoad,
  PagingNotification,
  pagerDutyIdsOf,
  personPagingCsv,
  PolicyAlarm,
  PolicyCoverage,
  rankAlarms,
  resolveSeverity,
  runbookUrlsInText,
  linkAlarmsToRunbooks,
  RunbookSummary,
  servicePagingCsv,
  splitAnnotation,
} from '@opsportal/plugin-ops-common';
import {
  Alarm,
  AlarmsProvider,
  IncidentProvider,
} from '@opsportal/plugin-ops-node';
import type { Request } from 'express';
import { auditedWrite } from '../lib/audit';
import { anyAnnotationFilter } from '../lib/catalogFilters';
import { readAlarmTags } from '../lib/alarmTags';
import { Clock, systemClock } from '../lib/clock';
import { memoView } from '../lib/viewResponse';
import { SnapshotStore, StoredSnapshot } from '../snapshots/SnapshotStore';
import { AlarmHistoryStore } from './AlarmHistoryStore';
import { alarmKey, AlarmReviewsStore } from './AlarmReviewsStore';
import { AlertsConfig } from './config';

/** Snapshot kinds of alert hygiene. */
export const ALERTS_ENTITY_KIND = 'alerts.entity';
export const ALERTS_PAGING_KIND = 'alerts.paging';
export const ALERTS_MAINTENANCE_KIND = 'alerts.maintenance';
/** The aggregate the `/alerts` page, the team tab and the alarm export read (one per refresh). */
export const ALERTS_OVERVIEW_KIND = 'alerts.overview';
/** The one key of the paging, maintenance and overview snapshots. */
export const ALERTS_ALL_KEY = 'all';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** CloudWatch keeps this much alarm history: the first read goes this far back. */
const CLOUDWATCH_HISTORY_DAYS = 30;
/** Each read of the history starts this much before the last one ended. */
const HISTORY_OVERLAP_MS = 5 * MINUTE;
/** Days of maintenance the overview lists, and the noise figures need. */
const MAINTENANCE_DAYS = 30;

/**
 * Where maintenance periods come from (PagerDuty maintenance windows, those
 * the portal opened for change requests and others). Optional: without it
 * nothing is left out of the counts as maintenance.
 */
export interface MaintenanceSource {
  listPeriods(since: Date, until: Date): Promise<MaintenancePeriod[]>;
}

/** What an alarm refresh stores per entity (`alerts.entity`). */
export interface EntityAlertsSnapshot {
  /** The prefixes the alarms were listed with. */
  prefixes: string[];
  serviceIds: string[];
  alarms: AlarmNoise[];
  policy: PolicyCoverage;
  /** Earliest time the alarm history covers (ISO 8601). */
  observedSince: string;
}

/** What a paging refresh stores (`alerts.paging`, one for all services). */
export interface PagingSnapshot {
  load: PagingLoad;
  /** Catalog entities per PagerDuty service id. */
  serviceEntities: Record<string, string[]>;
  /** The paging load of each owner's services (Group refs). */
  byOwner: Record<string, PagingLoad>;
}

/** One entity of the aggregate: its figures, so that a view sums them instead of reading its snapshot. */
export interface AggregateEntity {
  entityRef: string;
  owner?: string;
  /** Alarms in all, and per flag; `flagged` has at least one flag, `listed` is on the overview. */
  counts: {
    alarms: number;
    noisy: number;
    flapping: number;
    stuck: number;
    neverFired: number;
    noActions: number;
    noRunbook: number;
    flagged: number;
    listed: number;
  };
  policyMissing: number;
  policyLooser: number;
  /** The freshness of the entity's snapshot when the aggregate was made. */
  freshness: Freshness;
}

/**
 * What the aggregate holds (`alerts.overview`, key `all`): made from every
 * `alerts.entity` snapshot at the end of each alarm refresh, so that a page
 * view reads one snapshot (parsed once per version, see
 * SnapshotReadCache) instead of all of them.
 */
export interface AlertsAggregateSnapshot {
  /** Entities with an alarm snapshot, by entity ref. */
  entities: AggregateEntity[];
  /** Every alarm of every entity, noisiest first (rankAlarms), without reviews. */
  alarms: AlarmNoise[];
}

/** Alarms answered by default, and at most (`limit`). */
export const ALERTS_DEFAULT_LIMIT = 100;
export const ALERTS_MAX_LIMIT = 1000;

/** Seconds a user's catalog visibility of the aggregate's entities is reused (as ops.viewCache.entityTtlSeconds). */
const VISIBILITY_TTL_SECONDS = 10;
/** Users whose visibility is kept at most. */
const VISIBILITY_MAX_USERS = 1000;

/** Whether an alarm is on the overview: it has a flag or is noisy at all. */
function isListed(row: AlarmNoise): boolean {
  return row.flags.length > 0 || row.noiseScore > 0;
}

/** An entity of a group's "Alert health", as the catalog answered. */
interface OwnedEntity {
  entityRef: string;
  title: string;
  hasAlarms: boolean;
}

/** What the views derive from one aggregate (once per kept snapshot object). */
interface AggregateIndex {
  byRef: Map<string, AggregateEntity>;
  /** Lower-case entity ref of each alarm of `alarms`, by position. */
  rowRefs: string[];
}

/** What the maintenance snapshot holds (`alerts.maintenance`). */
export interface MaintenanceSnapshot {
  periods: MaintenancePeriod[];
}

export interface AlertsServiceOptions {
  catalog: CatalogService;
  auth: AuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  logger: LoggerService;
  snapshots: SnapshotStore;
  history: AlarmHistoryStore;
  reviews: AlarmReviewsStore;
  config: AlertsConfig;
  alarms?: AlarmsProvider;
  incidents?: IncidentProvider;
  maintenance?: MaintenanceSource;
  /**
   * The runbooks feature's runbooks per entity: an alarm named in a
   * runbook's front matter (or matched by its naming) has a runbook even
   * when its description links none, as on the runbooks card.
   */
  runbooks?: RunbookSource;
  /** Alarm tags (severities), shared with the runbooks feature and the replicas. */
  tagCache?: CacheService;
  clock?: Clock;
  /**
   * Seconds a user's catalog answer about which of the aggregate's entities
   * they may see is reused (default 10, as `ops.viewCache.entityTtlSeconds`;
   * 0 asks the catalog on every view).
   */
  visibilityTtlSeconds?: number;
}

/** Where an entity's runbooks come from (the runbooks feature's service). */
export interface RunbookSource {
  runbookSummaries(
    entityRefs: string[],
  ): Promise<Map<string, RunbookSummary[]>>;
}

/** What a view answers at most: the top `limit` alarms (default 100). */
export interface AlertsViewOptions {
  limit?: number;
}

/** Who creates a review, and the request to audit. */
export interface AlertsCallContext {
  credentials: BackstageCredentials;
  request?: Request;
}

const NOT_READ_YET =
  'Not read yet: the first refresh has not run (ops.alerts.refreshMinutes)';

function describeError(error: unknown): string {
  const e = error as Error;
  const name = e?.name && e.name !== 'Error' ? `${e.name}: ` : '';
  return `${name}${e?.message ?? String(error)}`;
}

function freshnessOf(snapshot: StoredSnapshot<unknown> | undefined): Freshness {
  if (!snapshot) return { stale: false, error: NOT_READ_YET };
  return {
    ...(snapshot.fetchedAt ? { fetchedAt: snapshot.fetchedAt } : {}),
    stale: snapshot.stale,
    ...(snapshot.error ? { error: snapshot.error } : {}),
  };
}

/** The freshness of many snapshots: the oldest data, and the first error. */
function combinedFreshness(items: Freshness[]): Freshness {
  if (items.length === 0) return { stale: false, error: NOT_READ_YET };
  const fetched = items
    .map(s => s.fetchedAt)
    .filter((v): v is string => Boolean(v))
    .sort();
  const failed = items.filter(s => s.error);
  return {
    ...(fetched.length ? { fetchedAt: fetched[0] } : {}),
    stale: items.some(s => s.stale),
    ...(failed.length
      ? {
          error:
            failed.length === 1
              ? failed[0].error
              : `${failed[0].error} (and ${failed.length - 1} more)`,
        }
      : {}),
  };
}

function prefixesOf(entity: Entity): string[] {
  return splitAnnotation(
    entity.metadata.annotations?.[ANNOTATION_ALARM_PREFIX],
  );
}

function regionOf(entity: Entity): string {
  return entity.metadata.annotations?.[ANNOTATION_CLOUDWATCH_REGION] ?? '';
}

function ownerOf(entity: Entity): string | undefined {
  const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;
  if (typeof owner !== 'string') return undefined;
  try {
    return stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: entity.metadata.namespace ?? DEFAULT_NAMESPACE,
      }),
    );
  } catch {
    return undefined;
  }
}

function scopesOf(entity: Entity): string[] {
  return [
    ...(entity.metadata.tags ?? []),
    ...splitAnnotation(
      entity.metadata.annotations?.[ANNOTATION_ALERT_POLICY_SCOPES],
    ),
  ];
}

/**
 * Whether an alarm notifies anyone when it fires. A provider that does not
 * tell an alarm's actions is not taken to mean it has none.
 */
function hasActions(alarm: Alarm): boolean {
  if (!alarm.actions) return alarm.actionsEnabled !== false;
  return alarm.actionsEnabled !== false && alarm.actions.alarm.length > 0;
}

function emptyLoad(since: Date, until: Date): PagingLoad {
  return {
    since: since.toISOString(),
    until: until.toISOString(),
    services: [],
    people: [],
  };
}

function monthStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

function lower(ref: string): string {
  return ref.toLocaleLowerCase('en-US');
}

/** The aggregate of these entity snapshots (see {@link AlertsAggregateSnapshot}). */
export function buildAggregate(
  snapshots: StoredSnapshot<EntityAlertsSnapshot>[],
): AlertsAggregateSnapshot {
  const entities: AggregateEntity[] = [];
  const rows: AlarmNoise[] = [];
  for (const snapshot of snapshots) {
    const alarms = snapshot.data?.alarms ?? [];
    const count = (flag: AlarmNoise['flags'][number]) =>
      alarms.filter(r => r.flags.includes(flag)).length;
    const owner = alarms.find(a => a.owner)?.owner;
    entities.push({
      entityRef: snapshot.key,
      ...(owner ? { owner } : {}),
      counts: {
        alarms: alarms.length,
        noisy: count('noisy'),
        flapping: count('flapping'),
        stuck: count('stuck'),
        neverFired: count('never-fired'),
        noActions: count('no-actions'),
        noRunbook: count('no-runbook'),
        flagged: alarms.filter(a => a.flags.length > 0).length,
        listed: alarms.filter(isListed).length,
      },
      policyMissing: snapshot.data?.policy.counts.missing ?? 0,
      policyLooser: snapshot.data?.policy.counts.looser ?? 0,
      freshness: freshnessOf(snapshot),
    });
    for (const alarm of alarms) {
      // Reviews are attached per view; a snapshot never holds one, but
      // the aggregate must not carry a stale one either.
      if (alarm.review) {
        const { review: _review, ...rest } = alarm;
        rows.push(rest);
      } else {
        rows.push(alarm);
      }
    }
  }
  return { entities, alarms: rankAlarms(rows) };
}

function indexOf(aggregate: AlertsAggregateSnapshot): AggregateIndex {
  return {
    byRef: new Map(aggregate.entities.map(e => [lower(e.entityRef), e])),
    rowRefs: aggregate.alarms.map(a => lower(a.entityRef)),
  };
}

function userOf(credentials: BackstageCredentials): string | undefined {
  const principal = credentials.principal as {
    type?: string;
    userEntityRef?: string;
  };
  return principal.type === 'user' ? principal.userEntityRef : undefined;
}

/**
 * Alert hygiene: how noisy each entity's CloudWatch alarms are, whether
 * they cover the alerting policy, how often PagerDuty pages people, and the
 * alarm reviews. Refresh tasks read CloudWatch (alarms and their history,
 * kept in the alarm history store) and PagerDuty into snapshots; page
 * views answer from the snapshots only and attach the latest review of
 * each alarm when they are read.
 */
export class AlertsService {
  private readonly clock: Clock;
  private readonly visibilityTtlMs: number;
  /** Per user: which of an aggregate's entities (lower-case refs) the catalog lets them see. */
  private readonly visibility = new Map<
    string,
    { source: object; visible: Set<string>; expiresAt: number }
  >();
  /** Per user and group: the group's entities the catalog answered them. */
  private readonly owned = new Map<
    string,
    { entities: OwnedEntity[]; expiresAt: number }
  >();

  constructor(private readonly options: AlertsServiceOptions) {
    this.clock = options.clock ?? systemClock;
    this.visibilityTtlMs =
      (options.visibilityTtlSeconds ?? VISIBILITY_TTL_SECONDS) * 1000;
  }

  get config(): AlertsConfig {
    return this.options.config;
  }

  /**
   * Reads the alarms of every entity with an alarm prefix and the alarm
   * history since the last read (per region), stores the state changes,
   * and stores each entity's noise figures and policy coverage. A region
   * whose history or alarms cannot be read keeps its entities' last
   * snapshots, marked failed with the error.
   */
  async refreshAlarms(
    signal?: AbortSignal,
  ): Promise<{ entities: number; alarms: number; failedRegions: string[] }> {
    const provider = this.options.alarms;
    if (!provider) return { entities: 0, alarms: 0, failedRegions: [] };
    const now = this.clock.now();
    const entities = (
      await this.entitiesWith([ANNOTATION_ALARM_PREFIX])
    ).filter(e => prefixesOf(e).length > 0);
    const maintenance = await this.refreshMaintenance(now);

    const byRegion = new Map<string, Entity[]>();
    for (const entity of entities) {
      const region = regionOf(entity);
      byRegion.set(region, [...(byRegion.get(region) ?? []), entity]);
    }
    let alarmCount = 0;
    const failedRegions: string[] = [];
    for (const [region, group] of byRegion) {
      if (signal?.aborted) break;
      try {
        alarmCount += await this.refreshRegion(
          provider,
          region,
          group,
          maintenance,
          now,
          signal,
        );
      } catch (error) {
        const message = describeError(error);
        failedRegions.push(region);
        this.options.logger.warn(
          `Could not read the alarms of ${
            region || 'the default region'
          } for alert hygiene: ${message}`,
        );
        for (const entity of group) {
          await this.options.snapshots.markFailed(
            ALERTS_ENTITY_KIND,
            stringifyEntityRef(entity),
            message,
          );
        }
      }
    }
    if (!signal?.aborted) {
      await this.options.snapshots.retain(
        ALERTS_ENTITY_KIND,
        entities.map(e => stringifyEntityRef(e)),
      );
      await this.options.history.trim(
        new Date(now.getTime() - this.config.historyRetentionDays * DAY),
      );
    }
    // Also after an aborted run: the aggregate follows what is stored.
    try {
      await this.refreshAggregate();
    } catch (error) {
      this.options.logger.warn(
        `Could not store the alert hygiene overview: ${describeError(error)}`,
      );
    }
    return { entities: entities.length, alarms: alarmCount, failedRegions };
  }

  /** Reads the history since the region's mark, then its alarms; stores each entity's snapshot. */
  private async refreshRegion(
    provider: AlarmsProvider,
    region: string,
    group: Entity[],
    maintenance: MaintenancePeriod[],
    now: Date,
    signal: AbortSignal | undefined,
  ): Promise<number> {
    const { history, snapshots } = this.options;
    const awsRegion = region || undefined;

    // The history first: when it cannot be read, the last snapshots stay.
    let observedSince = now;
    if (provider.getAlarmHistory) {
      const mark = await history.getMark(region);
      const oldest = new Date(now.getTime() - CLOUDWATCH_HISTORY_DAYS * DAY);
      const resume = mark
        ? new Date(new Date(mark.readUntil).getTime() - HISTORY_OVERLAP_MS)
        : undefined;
      // A mark older than CloudWatch's history means a gap: what is
      // observed starts again where the history does.
      const since = resume && resume > oldest ? resume : oldest;
      observedSince =
        mark && resume && resume > oldest
          ? new Date(mark.observedSince)
          : since;
      const changes = await provider.getAlarmHistory({
        since,
        until: now,
        region: awsRegion,
        signal,
      });
      await history.insertTransitions(region, changes);
      await history.setMark(region, { observedSince, readUntil: now, now });
    } else {
      const mark = await history.getMark(region);
      if (mark) observedSince = new Date(mark.observedSince);
    }

    const prefixes = [...new Set(group.flatMap(prefixesOf))];
    const listed =
      prefixes.length > this.config.severity.alarmScanThreshold
        ? await provider.listAlarms({ region: awsRegion, signal })
        : await provider.listAlarms({
            namePrefixes: prefixes,
            region: awsRegion,
            signal,
          });
    const perEntity = group.map(entity => {
      const own = prefixesOf(entity);
      return {
        entity,
        alarms: listed.filter(a => own.some(p => a.name.startsWith(p))),
      };
    });
    const mine = perEntity.flatMap(p => p.alarms);
    const tags = await this.tagsOf(provider, mine, awsRegion);
    const windowDays = Math.max(
      this.config.noise.neverFiredDays,
      CLOUDWATCH_HISTORY_DAYS,
    );
    const transitions = await history.transitions(
      region,
      mine.map(a => a.name),
      new Date(now.getTime() - windowDays * DAY),
      new Date(now.getTime() + MINUTE),
    );

    const runbooks = this.options.runbooks
      ? await this.options.runbooks.runbookSummaries(
          perEntity.map(p => stringifyEntityRef(p.entity)),
        )
      : new Map<string, RunbookSummary[]>();

    const entries: { key: string; data: EntityAlertsSnapshot }[] = [];
    for (const { entity, alarms } of perEntity) {
      const key = stringifyEntityRef(entity);
      try {
        entries.push({
          key,
          data: this.entitySnapshot(entity, alarms, {
            region,
            tags,
            transitions,
            maintenance,
            runbooks: runbooks.get(key) ?? [],
            observedSince,
            now,
          }),
        });
      } catch (error) {
        const message = describeError(error);
        this.options.logger.warn(
          `Could not analyse the alarms of ${key}: ${message}`,
        );
        await snapshots.markFailed(ALERTS_ENTITY_KIND, key, message);
      }
    }
    await snapshots.putMany(ALERTS_ENTITY_KIND, entries);
    return mine.length;
  }

  private entitySnapshot(
    entity: Entity,
    alarms: Alarm[],
    context: {
      region: string;
      tags: Map<string, Record<string, string>>;
      transitions: Map<string, AlarmTransition[]>;
      maintenance: MaintenancePeriod[];
      /** The entity's runbooks, which may name its alarms. */
      runbooks: RunbookSummary[];
      observedSince: Date;
      now: Date;
    },
  ): EntityAlertsSnapshot {
    const key = stringifyEntityRef(entity);
    const serviceIds = pagerDutyIdsOf(entity).serviceIds;
    const periods = context.maintenance.filter(
      p =>
        p.serviceIds.length === 0 ||
        p.serviceIds.some(id => serviceIds.includes(id)),
    );
    const owner = ownerOf(entity);
    const title = entity.metadata.title ?? entity.metadata.name;
    const severityOptions = {
      rules: this.config.severity.severityRules,
      defaultSeverity: this.config.severity.defaultSeverity,
    };
    const policyAlarms: PolicyAlarm[] = [];
    const rows: AlarmNoise[] = alarms.map(alarm => {
      const alarmTags =
        alarm.tags ?? (alarm.arn ? context.tags.get(alarm.arn) : undefined);
      const tagValue = this.config.severity.severityTag
        ? alarmTags?.[this.config.severity.severityTag]
        : undefined;
      const { severity } = resolveSeverity(
        alarm.name,
        tagValue,
        severityOptions,
      );
      const runbookUrls = runbookUrlsInText(alarm.description);
      const runbookUrl = runbookUrls[0];
      // Linked the way the runbooks card links them: a URL in the
      // description, a runbook's front matter, or the runbook's naming.
      const [linked] = linkAlarmsToRunbooks(
        [
          {
            name: alarm.name,
            state: alarm.state,
            severity,
            severitySource: 'default',
            runbookUrls,
          },
        ],
        context.runbooks,
        prefixesOf(entity),
      );
      const actions = hasActions(alarm);
      policyAlarms.push({
        name: alarm.name,
        ...(alarm.metric ? { metricName: alarm.metric.metricName } : {}),
        ...(alarm.threshold !== undefined
          ? { threshold: alarm.threshold }
          : {}),
        ...(alarm.comparisonOperator
          ? { comparisonOperator: alarm.comparisonOperator }
          : {}),
        severity,
      });
      const figures = analyzeAlarmNoise({
        transitions: context.transitions.get(alarm.name) ?? [],
        state: alarm.state,
        ...(alarm.stateUpdatedAt ? { since: alarm.stateUpdatedAt } : {}),
        observedSince: context.observedSince.toISOString(),
        maintenance: periods,
        hasActions: actions,
        hasRunbook: linked.runbooks.length > 0,
        thresholds: this.config.noise,
        now: context.now,
      });
      return {
        alarmName: alarm.name,
        ...(context.region ? { region: context.region } : {}),
        entityRef: key,
        entityTitle: title,
        ...(owner ? { owner } : {}),
        state: alarm.state,
        ...(alarm.stateUpdatedAt ? { since: alarm.stateUpdatedAt } : {}),
        severity,
        ...(alarm.metric
          ? { metric: `${alarm.metric.namespace} ${alarm.metric.metricName}` }
          : {}),
        ...(alarm.description ? { description: alarm.description } : {}),
        ...(runbookUrl ? { runbookUrl } : {}),
        hasActions: actions,
        ...figures,
      };
    });
    return {
      prefixes: prefixesOf(entity),
      serviceIds,
      alarms: rows,
      policy: matchAlertPolicy(
        key,
        this.config.policy,
        policyAlarms,
        scopesOf(entity),
      ),
      observedSince: context.observedSince.toISOString(),
    };
  }

  /**
   * Reads the incidents and pages of every entity's PagerDuty services over
   * `ops.alerts.paging.windowDays` into one snapshot, with the load of each
   * owner's services. A failure keeps the last snapshot, marked failed.
   */
  async refreshPaging(signal?: AbortSignal): Promise<{ services: number }> {
    const provider = this.options.incidents;
    if (!provider) return { services: 0 };
    const now = this.clock.now();
    const since = new Date(now.getTime() - this.config.paging.windowDays * DAY);
    try {
      const entities = await this.entitiesWith([
        ANNOTATION_PAGERDUTY_SERVICE_ID,
      ]);
      const serviceEntities = new Map<string, Entity[]>();
      for (const entity of entities) {
        for (const id of pagerDutyIdsOf(entity).serviceIds) {
          serviceEntities.set(id, [...(serviceEntities.get(id) ?? []), entity]);
        }
      }
      const serviceIds = [...serviceEntities.keys()].sort();
      let incidents: PagingIncident[] = [];
      let notifications: PagingNotification[] = [];
      const serviceNames = new Map<string, string>();
      if (serviceIds.length > 0) {
        const upstream = await provider.listIncidents({
          serviceIds,
          since,
          until: now,
          signal,
        });
        for (const i of upstream) {
          if (i.serviceName) serviceNames.set(i.serviceId, i.serviceName);
        }
        incidents = upstream.map(i => ({
          id: i.id,
          title: i.title,
          serviceId: i.serviceId,
          createdAt: i.createdAt,
          ...(i.resolvedAt ? { resolvedAt: i.resolvedAt } : {}),
          ...(i.alertCount !== undefined ? { alertCount: i.alertCount } : {}),
        }));
        if (provider.listNotifications) {
          const pages = await provider.listNotifications({
            serviceIds,
            since,
            until: now,
            signal,
          });
          notifications = pages.map(n => ({
            incidentId: n.incidentId,
            serviceId: n.serviceId,
            at: n.at,
            userId: n.user.id,
            userName: n.user.name,
            ...(n.user.email ? { userEmail: n.user.email } : {}),
          }));
        }
      }
      const maintenance = await this.currentMaintenance();
      const analyse = (ids: Set<string> | undefined) =>
        analyzePagingLoad({
          incidents: ids
            ? incidents.filter(i => ids.has(i.serviceId))
            : incidents,
          notifications: ids
            ? notifications.filter(n => ids.has(n.serviceId))
            : notifications,
          since,
          until: now,
          hours: this.config.paging,
          maintenance,
          excludeMaintenance: this.config.noise.excludeMaintenance,
        });
      const decorate = (load: PagingLoad): PagingLoad => ({
        ...load,
        services: load.services.map(s => {
          const entity = serviceEntities.get(s.serviceId)?.[0];
          if (!entity) return s;
          const owner = ownerOf(entity);
          return {
            ...s,
            ...(!s.serviceName && serviceNames.has(s.serviceId)
              ? { serviceName: serviceNames.get(s.serviceId) }
              : {}),
            entityRef: stringifyEntityRef(entity),
            entityTitle: entity.metadata.title ?? entity.metadata.name,
            ...(owner ? { owner } : {}),
          };
        }),
      });
      const owners = new Map<string, Set<string>>();
      for (const [id, list] of serviceEntities) {
        for (const entity of list) {
          const owner = ownerOf(entity);
          if (!owner) continue;
          const set = owners.get(lower(owner)) ?? new Set<string>();
          set.add(id);
          owners.set(lower(owner), set);
        }
      }
      const byOwner: Record<string, PagingLoad> = {};
      for (const [owner, ids] of owners)
        byOwner[owner] = decorate(analyse(ids));
      const data: PagingSnapshot = {
        load: decorate(analyse(undefined)),
        serviceEntities: Object.fromEntries(
          [...serviceEntities].map(([id, list]) => [
            id,
            list.map(e => stringifyEntityRef(e)),
          ]),
        ),
        byOwner,
      };
      await this.options.snapshots.put(
        ALERTS_PAGING_KIND,
        ALERTS_ALL_KEY,
        data,
      );
      return { services: serviceIds.length };
    } catch (error) {
      const message = describeError(error);
      this.options.logger.warn(
        `Could not read the paging load for alert hygiene: ${message}`,
      );
      await this.options.snapshots.markFailed(
        ALERTS_PAGING_KIND,
        ALERTS_ALL_KEY,
        message,
      );
      return { services: 0 };
    }
  }

  /** The maintenance periods of the last 30 days, read again; the last ones kept when the source fails. */
  private async refreshMaintenance(now: Date): Promise<MaintenancePeriod[]> {
    const source = this.options.maintenance;
    if (!source) return [];
    try {
      const periods = await source.listPeriods(
        new Date(now.getTime() - MAINTENANCE_DAYS * DAY),
        now,
      );
      await this.options.snapshots.put<MaintenanceSnapshot>(
        ALERTS_MAINTENANCE_KIND,
        ALERTS_ALL_KEY,
        { periods },
      );
      return periods;
    } catch (error) {
      const message = describeError(error);
      this.options.logger.warn(
        `Could not read the maintenance windows for alert hygiene: ${message}`,
      );
      await this.options.snapshots.markFailed(
        ALERTS_MAINTENANCE_KIND,
        ALERTS_ALL_KEY,
        message,
      );
      return this.currentMaintenance();
    }
  }

  private async currentMaintenance(): Promise<MaintenancePeriod[]> {
    if (!this.options.maintenance) return [];
    const kept = await this.options.snapshots.get<MaintenanceSnapshot>(
      ALERTS_MAINTENANCE_KIND,
      ALERTS_ALL_KEY,
    );
    return kept?.data?.periods ?? [];
  }

  /**
   * Makes the aggregate (`alerts.overview`) from every entity snapshot as
   * stored now, and stores it: the end of each alarm refresh.
   */
  async refreshAggregate(): Promise<{ entities: number; alarms: number }> {
    const all = await this.options.snapshots.list<EntityAlertsSnapshot>(
      ALERTS_ENTITY_KIND,
    );
    const aggregate = buildAggregate(all);
    await this.options.snapshots.put<AlertsAggregateSnapshot>(
      ALERTS_OVERVIEW_KIND,
      ALERTS_ALL_KEY,
      aggregate,
    );
    return {
      entities: aggregate.entities.length,
      alarms: aggregate.alarms.length,
    };
  }

  /**
   * The aggregate as stored (parsed once per version when the store is the
   * SnapshotReadCache), with what views derive from it. Before the first
   * refresh that stores one (right after an upgrade), it is made from the
   * entity snapshots for this view.
   */
  private async aggregate(): Promise<{
    data: AlertsAggregateSnapshot;
    index: AggregateIndex;
  }> {
    const stored = await this.options.snapshots.get<AlertsAggregateSnapshot>(
      ALERTS_OVERVIEW_KIND,
      ALERTS_ALL_KEY,
    );
    const data =
      stored?.data ??
      buildAggregate(
        await this.options.snapshots.list<EntityAlertsSnapshot>(
          ALERTS_ENTITY_KIND,
        ),
      );
    return { data, index: memoView(data, 'alerts-index', () => indexOf(data)) };
  }

  /**
   * Which of the aggregate's entities the caller may see (lower-case refs):
   * one catalog call with the caller's credentials (the catalog applies the
   * permission policy), reused for the same user and aggregate for
   * `visibilityTtlSeconds`, as the entity views reuse a user's catalog
   * answers. Never reused across users, nor for service principals.
   */
  private async visibleOf(
    aggregate: AlertsAggregateSnapshot,
    credentials: BackstageCredentials,
  ): Promise<Set<string>> {
    const user = userOf(credentials);
    const now = Date.now();
    const kept = user !== undefined ? this.visibility.get(user) : undefined;
    if (kept && kept.source === aggregate && kept.expiresAt > now) {
      return kept.visible;
    }
    const visible = await this.visibleRefs(
      aggregate.entities.map(e => e.entityRef),
      credentials,
    );
    if (user !== undefined && this.visibilityTtlMs > 0) {
      this.visibility.delete(user);
      this.visibility.set(user, {
        source: aggregate,
        visible,
        expiresAt: Date.now() + this.visibilityTtlMs,
      });
      for (const oldest of this.visibility.keys()) {
        if (this.visibility.size <= VISIBILITY_MAX_USERS) break;
        this.visibility.delete(oldest);
      }
    }
    return visible;
  }

  /**
   * The `/alerts` page: the top `limit` (default 100) flagged or noisy
   * alarms of the entities the caller may see, ranked, with how many there
   * are (`alarmsTotal`), the counts over all of them and the paging load.
   * Read from the aggregate; reviews are read for the answered alarms only.
   */
  async getOverview(
    credentials: BackstageCredentials,
    options: AlertsViewOptions = {},
  ): Promise<AlertsOverview> {
    const now = this.clock.now();
    const limit = options.limit ?? ALERTS_DEFAULT_LIMIT;
    const [{ data, index }, paging, maintenance] = await Promise.all([
      this.aggregate(),
      this.options.snapshots.get<PagingSnapshot>(
        ALERTS_PAGING_KIND,
        ALERTS_ALL_KEY,
      ),
      this.currentMaintenance(),
    ]);
    const visible = await this.visibleOf(data, credentials);
    const entities = data.entities.filter(e => visible.has(lower(e.entityRef)));
    const top: AlarmNoise[] = [];
    let total = 0;
    data.alarms.forEach((row, i) => {
      if (!isListed(row) || !visible.has(index.rowRefs[i])) return;
      total += 1;
      if (top.length < limit) top.push(row);
    });
    const [alarms, reviews] = await Promise.all([
      this.withReviews(top),
      this.options.reviews.list({ since: monthStart(now) }),
    ]);
    const reviewsThisMonth = reviews.filter(r =>
      visible.has(lower(r.entityRef)),
    );
    const sum = (pick: (c: AggregateEntity['counts']) => number) =>
      entities.reduce((n, e) => n + pick(e.counts), 0);
    const since = new Date(
      now.getTime() - MAINTENANCE_DAYS * DAY,
    ).toISOString();
    return {
      generatedAt: now.toISOString(),
      thresholds: this.config.noise,
      alarms,
      alarmsTotal: total,
      paging:
        paging?.data?.load ??
        emptyLoad(
          new Date(now.getTime() - this.config.paging.windowDays * DAY),
          now,
        ),
      reviewsThisMonth,
      counts: {
        alarms: sum(c => c.alarms),
        noisy: sum(c => c.noisy),
        flapping: sum(c => c.flapping),
        stuck: sum(c => c.stuck),
        neverFired: sum(c => c.neverFired),
        noActions: sum(c => c.noActions),
        noRunbook: sum(c => c.noRunbook),
        reviewedThisMonth: new Set(reviewsThisMonth.map(r => alarmKey(r))).size,
      },
      maintenance: maintenance.filter(p => p.end >= since),
      freshness: {
        alarms:
          entities.length > 0 || this.options.alarms
            ? combinedFreshness(entities.map(e => e.freshness))
            : { stale: false, error: 'No alarms provider is installed' },
        paging: this.pagingFreshness(paging),
      },
    };
  }

  /** An entity's alarms, policy coverage and paging load (404 for an unknown entity). */
  async getEntityAlerts(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<EntityAlerts> {
    const entity = await this.loadEntity(entityRef, credentials);
    const key = stringifyEntityRef(entity);
    const hasAlarms = prefixesOf(entity).length > 0;
    const serviceIds = pagerDutyIdsOf(entity).serviceIds;
    const [snapshot, paging] = await Promise.all([
      hasAlarms
        ? this.options.snapshots.get<EntityAlertsSnapshot>(
            ALERTS_ENTITY_KIND,
            key,
          )
        : Promise.resolve(undefined),
      serviceIds.length > 0
        ? this.options.snapshots.get<PagingSnapshot>(
            ALERTS_PAGING_KIND,
            ALERTS_ALL_KEY,
          )
        : Promise.resolve(undefined),
    ]);
    const alarms = rankAlarms(
      await this.withReviews(snapshot?.data?.alarms ?? []),
    );
    const services = paging?.data
      ? paging.data.load.services.filter(s =>
          (paging.data!.serviceEntities[s.serviceId] ?? []).some(
            ref => lower(ref) === lower(key),
          ),
        )
      : [];
    return {
      entityRef: key,
      alarms,
      ...(serviceIds.length > 0 ? { paging: services } : {}),
      policy: snapshot?.data?.policy ?? {
        entityRef: key,
        items: [],
        counts: { present: 0, looser: 0, missing: 0 },
      },
      setup: { alarms: hasAlarms, pagerDuty: serviceIds.length > 0 },
      freshness: {
        alarms: hasAlarms ? freshnessOf(snapshot) : { stale: false },
        paging:
          serviceIds.length > 0
            ? this.pagingFreshness(paging)
            : { stale: false },
      },
    };
  }

  /**
   * A team's "Alert health": the entities it owns that the caller may see
   * (one catalog call with the caller's credentials), their figures and
   * their top `limit` alarms (default 100) from the aggregate, with how many
   * there are (`alarmsTotal`), and its services' paging load.
   */
  async getGroupHealth(
    groupRef: string,
    credentials: BackstageCredentials,
    options: AlertsViewOptions = {},
  ): Promise<GroupAlertHealth> {
    const now = this.clock.now();
    const group = await this.loadEntity(groupRef, credentials, 'group');
    if (lower(group.kind) !== 'group') {
      throw new InputError(
        `entityRef: ${stringifyEntityRef(group)} is a ${
          group.kind
        }, not a Group`,
      );
    }
    const ref = lower(stringifyEntityRef(group));
    const relevant = await this.ownedEntities(group, credentials);
    const keys = relevant.map(e => e.entityRef);
    const [{ data, index }, paging, reviews] = await Promise.all([
      this.aggregate(),
      this.options.snapshots.get<PagingSnapshot>(
        ALERTS_PAGING_KIND,
        ALERTS_ALL_KEY,
      ),
      this.options.reviews.list({
        since: monthStart(now),
        entityRefs: keys,
      }),
    ]);
    // The catalog answered the owned entities the caller may see.
    const mine = new Set(keys.map(lower));
    const limit = options.limit ?? ALERTS_DEFAULT_LIMIT;
    const top: AlarmNoise[] = [];
    let total = 0;
    data.alarms.forEach((row, i) => {
      if (!mine.has(index.rowRefs[i])) return;
      total += 1;
      if (top.length < limit) top.push(row);
    });
    const withAlarms = relevant.filter(e => e.hasAlarms);
    return {
      entityRef: stringifyEntityRef(group),
      entities: relevant
        .map((entity, i) => {
          const figures = index.byRef.get(lower(keys[i]));
          return {
            entityRef: keys[i],
            title: entity.title,
            alarms: figures?.counts.alarms ?? 0,
            noisy: figures?.counts.noisy ?? 0,
            flagged: figures?.counts.flagged ?? 0,
            policyMissing: figures?.policyMissing ?? 0,
            policyLooser: figures?.policyLooser ?? 0,
          };
        })
        .sort(
          (a, b) =>
            b.flagged - a.flagged || a.entityRef.localeCompare(b.entityRef),
        ),
      alarms: await this.withReviews(top),
      alarmsTotal: total,
      paging:
        paging?.data?.byOwner[ref] ??
        emptyLoad(
          new Date(now.getTime() - this.config.paging.windowDays * DAY),
          now,
        ),
      reviewsThisMonth: reviews,
      freshness: {
        alarms: combinedFreshness(
          withAlarms
            .map(e => index.byRef.get(lower(e.entityRef))?.freshness)
            .filter((f): f is Freshness => Boolean(f)),
        ),
        paging: this.pagingFreshness(paging),
      },
    };
  }

  /**
   * The entities a group owns that have alarms or PagerDuty services, as
   * the catalog answers the caller (one call with the caller's
   * credentials: the permission policy applies), reused for the same user
   * and group for `visibilityTtlSeconds` like the overview's visibility.
   */
  private async ownedEntities(
    group: Entity,
    credentials: BackstageCredentials,
  ): Promise<OwnedEntity[]> {
    const ref = lower(stringifyEntityRef(group));
    const user = userOf(credentials);
    const id = user !== undefined ? `${user}\u0000${ref}` : undefined;
    const kept = id !== undefined ? this.owned.get(id) : undefined;
    if (kept && kept.expiresAt > Date.now()) return kept.entities;
    const name = group.metadata.name;
    const { items } = await this.options.catalog.getEntities(
      {
        filter: [
          { 'relations.ownedBy': ref },
          { 'spec.owner': [ref, `group:${name}`, name] },
        ],
        fields: ['kind', 'metadata', 'spec.owner', 'relations'],
      },
      { credentials },
    );
    const entities = items
      .filter(
        e =>
          (e.relations ?? []).some(
            r => r.type === 'ownedBy' && lower(r.targetRef) === ref,
          ) || lower(ownerOf(e) ?? '') === ref,
      )
      .filter(
        e =>
          prefixesOf(e).length > 0 || pagerDutyIdsOf(e).serviceIds.length > 0,
      )
      .map(e => ({
        entityRef: stringifyEntityRef(e),
        title: e.metadata.title ?? e.metadata.name,
        hasAlarms: prefixesOf(e).length > 0,
      }));
    if (id !== undefined && this.visibilityTtlMs > 0) {
      this.owned.delete(id);
      this.owned.set(id, {
        entities,
        expiresAt: Date.now() + this.visibilityTtlMs,
      });
      for (const oldest of this.owned.keys()) {
        if (this.owned.size <= VISIBILITY_MAX_USERS) break;
        this.owned.delete(oldest);
      }
    }
    return entities;
  }

  /**
   * Records a review of an alarm: the caller needs the alarm-review
   * permission (403), the entity must exist (404) and the alarm must be one
   * of its alarms by prefix and region (400). Audited.
   */
  async createReview(
    input: AlarmReviewInput,
    ctx: AlertsCallContext,
  ): Promise<AlarmReview> {
    return auditedWrite(
      this.options.auditor,
      {
        eventId: 'alarm-review-create',
        request: ctx.request,
        meta: {
          alarmName: input.alarmName,
          entityRef: input.entityRef,
          outcome: input.outcome,
        },
      },
      async () => {
        const [decision] = await this.options.permissions.authorize(
          [{ permission: alarmReviewCreatePermission }],
          { credentials: ctx.credentials },
        );
        if (decision.result !== AuthorizeResult.ALLOW) {
          throw new NotAllowedError('You may not record alarm reviews');
        }
        const entity = await this.loadEntity(input.entityRef, ctx.credentials);
        const key = stringifyEntityRef(entity);
        const prefixes = prefixesOf(entity);
        if (!prefixes.some(p => input.alarmName.startsWith(p))) {
          throw new InputError(
            `alarmName: ${
              input.alarmName
            } is not an alarm of ${key} (its alarm prefixes: ${
              prefixes.join(', ') || 'none'
            })`,
          );
        }
        const region = input.region ?? '';
        if (region && region !== regionOf(entity)) {
          throw new InputError(
            `region: the alarms of ${key} are in ${
              regionOf(entity) || 'the default region'
            }, not ${region}`,
          );
        }
        const principal = ctx.credentials.principal as {
          userEntityRef?: string;
        };
        return this.options.reviews.create({
          id: randomUUID(),
          alarmName: input.alarmName,
          ...(region ? { region } : {}),
          entityRef: key,
          outcome: input.outcome,
          note: input.note ?? '',
          reviewedBy: principal.userEntityRef ?? 'unknown',
          reviewedAt: this.clock.now().toISOString(),
        });
      },
      review => ({ reviewId: review.id }),
    );
  }

  /**
   * One of the `/alerts` page's tables as CSV: every listed alarm the
   * caller may see (from the aggregate, with their latest reviews), or the
   * paging load's services or people (from the paging snapshot alone).
   */
  async exportCsv(
    kind: 'alarms' | 'services' | 'people',
    credentials: BackstageCredentials,
  ): Promise<string> {
    if (kind === 'alarms') {
      const { data, index } = await this.aggregate();
      const visible = await this.visibleOf(data, credentials);
      const rows = data.alarms.filter(
        (row, i) => isListed(row) && visible.has(index.rowRefs[i]),
      );
      return alarmNoiseCsv(await this.withReviews(rows));
    }
    const paging = await this.options.snapshots.get<PagingSnapshot>(
      ALERTS_PAGING_KIND,
      ALERTS_ALL_KEY,
    );
    const load = paging?.data?.load;
    if (kind === 'services') return servicePagingCsv(load?.services ?? []);
    return personPagingCsv(load?.people ?? []);
  }

  private pagingFreshness(
    paging: StoredSnapshot<PagingSnapshot> | undefined,
  ): Freshness {
    if (!paging && !this.options.incidents) {
      return { stale: false, error: 'No incident provider is installed' };
    }
    return freshnessOf(paging);
  }

  /** The rows with each alarm's latest review attached. */
  private async withReviews(rows: AlarmNoise[]): Promise<AlarmNoise[]> {
    if (rows.length === 0) return [];
    const latest = await this.options.reviews.latestFor(rows);
    return rows.map(row => {
      const review = latest.get(alarmKey(row));
      return review ? { ...row, review } : row;
    });
  }

  /** Which of these entity refs the caller may see (lower case). */
  private async visibleRefs(
    refs: string[],
    credentials: BackstageCredentials,
  ): Promise<Set<string>> {
    const visible = new Set<string>();
    for (let i = 0; i < refs.length; i += 500) {
      const chunk = refs.slice(i, i + 500);
      const { items } = await this.options.catalog.getEntitiesByRefs(
        {
          entityRefs: chunk,
          fields: ['kind', 'metadata.name', 'metadata.namespace'],
        },
        { credentials },
      );
      items.forEach((item, j) => {
        if (item) visible.add(lower(chunk[j]));
      });
    }
    return visible;
  }

  private async loadEntity(
    entityRef: string,
    credentials: BackstageCredentials,
    defaultKind = 'component',
  ): Promise<Entity> {
    let ref;
    try {
      ref = parseEntityRef(entityRef, {
        defaultKind,
        defaultNamespace: DEFAULT_NAMESPACE,
      });
    } catch (error) {
      throw new InputError(
        `entityRef is not an entity reference: ${(error as Error).message}`,
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

  private async entitiesWith(annotations: string[]): Promise<Entity[]> {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const { items } = await this.options.catalog.getEntities(
      { filter: anyAnnotationFilter(annotations) },
      { credentials },
    );
    return items;
  }

  /** Alarm tags (for severities), from the cache the runbooks feature fills too. */
  private tagsOf(
    provider: AlarmsProvider,
    alarms: Alarm[],
    region: string | undefined,
  ): Promise<Map<string, Record<string, string>>> {
    return readAlarmTags({
      provider,
      alarms,
      region,
      severityTag: this.config.severity.severityTag,
      cache: this.options.tagCache,
      ttlMinutes: this.config.severity.alarmTagsCacheMinutes,
      logger: this.options.logger,
    });
  }
}
