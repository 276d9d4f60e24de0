import {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  AssessedIncident,
  ChangeMeasureRecord,
  ChangeRequestSummary,
  Freshness,
  KpiActionItemRecord,
  KpiAvailabilityPoint,
  KpiReviewRecord,
  MaintenanceCalendar,
  MaintenancePeriod,
  PlatformOnCallResponse,
  PlatformSlosResponse,
} from '@opsportal/plugin-ops-common';
import { IncidentsReader, IncidentsService } from '../incidents';
import { SloService, SloUptimeSource } from '../slo';

/**
 * The seams between the KPIs and the features they are computed from:
 * incidents (incidents feature), availability (SLO feature) and implemented
 * changes (change management). Each is an interface, so the KPI service can
 * be tested with hand-made histories, plus the adapter over the feature's
 * own service.
 */

/** What a source says about how fresh its data for a scope are. */
export interface SourceFreshness extends Freshness {
  /** Data are held from this time on (ISO 8601). */
  since?: string;
}

/** Incidents of entities, assessed against the severity targets. */
export interface KpiIncidentSource {
  /**
   * Incidents created in [since, until] per entity ref, with the oldest data
   * held. Entities never loaded are loaded now, as the caller.
   */
  incidents(
    entityRefs: string[],
    since: Date,
    until: Date,
    credentials: BackstageCredentials,
  ): Promise<{
    byEntity: Map<string, AssessedIncident[]>;
    freshness: SourceFreshness;
  }>;
}

/** Daily availability buckets of entities with an availability SLO. */
export interface KpiAvailabilitySource {
  /** Entities without an availability SLO are left out; those never evaluated are evaluated now. */
  availability(
    entities: Entity[],
    since: Date,
  ): Promise<Map<string, { points: KpiAvailabilityPoint[] } & SourceFreshness>>;
}

/** An implemented change with its standard type. */
export interface KpiChangeRecord extends ChangeMeasureRecord {
  standardType?: string;
}

/** Changes implemented in a range, as the caller may see them. */
export interface KpiChangeSource {
  /** Throws NotAllowedError when the caller may not see change requests. */
  implemented(
    range: { from: Date; to: Date },
    credentials: BackstageCredentials,
  ): Promise<KpiChangeRecord[]>;
}

function oldest(values: (string | undefined)[]): string | undefined {
  const known = values.filter((v): v is string => Boolean(v));
  return known.length ? known.sort()[0] : undefined;
}

/** Freshness of several snapshots: the oldest fetch, stale if any is. */
export function combineFreshness(parts: (Freshness | undefined)[]): Freshness {
  const known = parts.filter((p): p is Freshness => p !== undefined);
  const error = known.find(p => p.error)?.error;
  return {
    ...(oldest(known.map(p => p.fetchedAt))
      ? { fetchedAt: oldest(known.map(p => p.fetchedAt)) }
      : {}),
    stale: known.some(p => p.stale),
    ...(error ? { error } : {}),
  };
}

/** Maintenance windows (the alerts feature's PagerDuty windows for changes). */
export interface MaintenancePeriodSource {
  listPeriods(since: Date, until: Date): Promise<MaintenancePeriod[]>;
}

/**
 * Leaves out incidents opened inside a maintenance window that covers their
 * service (a window without services covers every service): pages expected
 * during a change do not count against the operation (docs/kpis.md).
 */
export function withoutMaintenance(
  byEntity: Map<string, AssessedIncident[]>,
  periods: MaintenancePeriod[],
): Map<string, AssessedIncident[]> {
  if (periods.length === 0) return byEntity;
  const spans = periods.map(p => ({
    start: Date.parse(p.start),
    end: Date.parse(p.end),
    serviceIds: p.serviceIds,
  }));
  const inside = (incident: AssessedIncident) => {
    const at = Date.parse(incident.createdAt);
    return spans.some(
      s =>
        at >= s.start &&
        at < s.end &&
        (s.serviceIds.length === 0 ||
          s.serviceIds.includes(incident.serviceId)),
    );
  };
  return new Map(
    [...byEntity].map(([ref, incidents]) => [
      ref,
      incidents.filter(i => !inside(i)),
    ]),
  );
}

/**
 * Incidents from the incidents feature's reader, with the freshness of its
 * snapshots. The feature keeps `windowDays` of incidents (ops.incidents).
 */
export function incidentSourceFromService(
  reader: IncidentsReader & Pick<IncidentsService, 'getEntityIncidents'>,
  maintenance?: MaintenancePeriodSource,
): KpiIncidentSource {
  return {
    async incidents(entityRefs, since, until, credentials) {
      let stored = await reader.freshnessOf(entityRefs);
      const missing = entityRefs.filter(ref => !stored.has(ref));
      if (missing.length > 0) {
        // Read once through the incidents feature (batched, single-flight).
        await Promise.all(
          missing.map(ref =>
            reader.getEntityIncidents(ref, credentials).catch(() => {
              // Shows as missing data; the refresh task tries again.
            }),
          ),
        );
        stored = await reader.freshnessOf(entityRefs);
      }
      const listed = await reader.listIncidents({
        entityRefs,
        since,
        until,
      });
      const byEntity = maintenance
        ? withoutMaintenance(
            listed,
            await maintenance.listPeriods(since, until),
          )
        : listed;
      // The incidents feature keeps `windowDays` of incidents before now.
      const kept = new Date(until.getTime() - reader.windowDays * 86_400_000);
      return {
        byEntity,
        freshness: {
          ...combineFreshness([...stored.values()]),
          since: kept.toISOString(),
        },
      };
    },
  };
}

/**
 * Availability from the SLO feature: the uptime source says which entities
 * have an availability SLO and how fresh it is; the buckets are the SLO's
 * burn-down of its window, extended into the past by the burn-downs of the
 * daily history the SLO feature records.
 */
export function availabilitySourceFromSlo(options: {
  uptime: SloUptimeSource &
    Pick<SloService, 'getEntitySlos' | 'availabilityPoints'>;
}): KpiAvailabilitySource {
  return {
    async availability(entities, since) {
      const result = new Map<
        string,
        { points: KpiAvailabilityPoint[] } & SourceFreshness
      >();
      for (const entity of entities) {
        const ref = stringifyEntityRef(entity);
        let uptime = await options.uptime.getUptime(ref);
        if (!uptime) {
          // Never evaluated: evaluated now (nothing happens without SLOs).
          await options.uptime.getEntitySlos(entity);
          uptime = await options.uptime.getUptime(ref);
        }
        if (!uptime) continue;
        const { points, bucket } = await options.uptime.availabilityPoints(
          ref,
          since,
        );
        const withData = points.filter(p => p.total > 0);
        result.set(ref, {
          points,
          ...(withData.length
            ? {
                since: new Date(
                  Date.parse(withData[0].at) - bucket,
                ).toISOString(),
              }
            : {}),
          fetchedAt: uptime.fetchedAt,
          stale: uptime.stale,
          ...(uptime.error ? { error: uptime.error } : {}),
        });
      }
      return result;
    },
  };
}

/**
 * Implemented changes from change management, as the caller may see them:
 * the change service applies the read permission and its conditions.
 */
export function changeSourceFromService(changes: {
  implemented(
    range: { from: Date; to: Date },
    ctx: { credentials: BackstageCredentials },
  ): Promise<KpiChangeRecord[]>;
}): KpiChangeSource {
  return {
    implemented: (range, credentials) =>
      changes.implemented(range, { credentials }),
  };
}

/** Post-incident reviews and their action items (the reviews feature). */
export interface KpiReviewSource {
  /** Reviews due since `since`; action items not done, or done since then. */
  records(since: Date): Promise<{
    reviews: KpiReviewRecord[];
    actionItems: KpiActionItemRecord[];
  }>;
}

/** Reviews from the reviews feature's service (never its tables). */
export function reviewSourceFromService(reviews: {
  kpiRecords(since: Date): Promise<{
    reviews: KpiReviewRecord[];
    actionItems: KpiActionItemRecord[];
  }>;
}): KpiReviewSource {
  return { records: since => reviews.kpiRecords(since) };
}

/** The services a team answers for besides those it owns (its on-call). */
export interface KpiTeamSource {
  servicesOf(
    groupRef: string,
    credentials: BackstageCredentials,
  ): Promise<string[]>;
}

/** What the overview shows besides the KPIs; each part optional. */
export interface OverviewSources {
  slos?(credentials: BackstageCredentials): Promise<PlatformSlosResponse>;
  onCall?(credentials: BackstageCredentials): Promise<PlatformOnCallResponse>;
  upcomingChanges?(
    range: { from: Date; to: Date },
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<{
    upcoming: ChangeRequestSummary[];
    calendar: MaintenanceCalendar;
  }>;
}
