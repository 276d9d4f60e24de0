import {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_PAGERDUTY_ESCALATION_POLICY_ID,
  ANNOTATION_PAGERDUTY_SCHEDULE_ID,
  ANNOTATION_PAGERDUTY_SERVICE_ID,
  ANNOTATION_SLO_AVAILABILITY,
  ANNOTATION_SLO_SPEC,
  AssessedIncident,
  evaluateKpis,
  KpiAvailabilityPoint,
  KpiDeploymentRecord,
  KpiInputs,
  KpiPeriod,
  kpiPeriodRanges,
  KpiReport,
  KpiScopeKind,
  KpiSourceStatus,
  OpsOverview,
  OverviewIncident,
  OverviewSection,
  SEVERITIES,
} from '@opsportal/plugin-ops-common';
import { Clock } from '../lib/clock';
import { deepFreeze } from '../lib/viewResponse';
import { KpisConfig } from './config';
import {
  combineFreshness,
  KpiAvailabilitySource,
  KpiChangeRecord,
  KpiChangeSource,
  KpiIncidentSource,
  KpiReviewSource,
  KpiTeamSource,
  OverviewSources,
} from './sources';

const DAY = 86_400_000;

/** What a KPI report is asked for. */
export interface KpiReportRequest {
  scope: KpiScopeKind;
  /** The entity (scope `entity`) or Group (scope `team`). */
  entityRef?: string;
  period: KpiPeriod;
  /** YYYY-MM, for `month`; the current month when absent. */
  month?: string;
}

/** What {@link KpiService} is built from. */
export interface KpiServiceOptions {
  catalog: CatalogService;
  config: KpisConfig;
  incidents?: KpiIncidentSource;
  availability?: KpiAvailabilitySource;
  changes?: KpiChangeSource;
  /** Post-incident reviews (KPIs "reviews completed on time", "action items overdue"). */
  reviews?: KpiReviewSource;
  teams?: KpiTeamSource;
  overview?: OverviewSources;
  clock: Clock;
}

interface Scope {
  title: string;
  entityRef?: string;
  /** The services (or the entity) the numbers cover. */
  entities: Entity[];
  /** Entities whose incident snapshots hold the scope's incidents. */
  incidentRefs: string[];
  /** Entities whose availability SLOs make the scope's uptime. */
  availabilityEntities: Entity[];
}

function refOf(entity: Entity): string {
  return stringifyEntityRef(entity);
}

function titleOf(entity: Entity): string {
  const profile = (entity.spec as { profile?: { displayName?: string } })
    ?.profile;
  return entity.metadata.title ?? profile?.displayName ?? entity.metadata.name;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function hasPagerDuty(entity: Entity): boolean {
  const a = entity.metadata.annotations ?? {};
  return [
    ANNOTATION_PAGERDUTY_SERVICE_ID,
    ANNOTATION_PAGERDUTY_ESCALATION_POLICY_ID,
    ANNOTATION_PAGERDUTY_SCHEDULE_ID,
  ].some(key => Boolean(a[key]));
}

/**
 * A System that declares an availability objective of its own (the seed's
 * "Overall Platform"): compact annotation or OpenSLO spec.
 */
function hasAvailabilitySlo(entity: Entity): boolean {
  const a = entity.metadata.annotations ?? {};
  return Boolean(a[ANNOTATION_SLO_AVAILABILITY] || a[ANNOTATION_SLO_SPEC]);
}

/**
 * The buckets of several entities as one series: the good and total counts
 * of buckets that end at the same time added up. The KPIs count a bucket
 * for the range that holds its end and the days by their distinct ends, so
 * the sum measures the same as the buckets one by one, and a platform of
 * 1,000 services evaluates 180 buckets instead of 180,000.
 */
export function sumByEnd(
  series: KpiAvailabilityPoint[][],
): KpiAvailabilityPoint[] {
  if (series.length === 1) return series[0];
  const byEnd = new Map<string, KpiAvailabilityPoint>();
  for (const points of series) {
    for (const p of points) {
      const sum = byEnd.get(p.at);
      if (sum) {
        sum.good += p.good;
        sum.total += p.total;
      } else {
        byEnd.set(p.at, { at: p.at, good: p.good, total: p.total });
      }
    }
  }
  return [...byEnd.values()];
}

async function section<T>(
  load: (() => Promise<T>) | undefined,
  unavailable: string,
): Promise<OverviewSection<T>> {
  if (!load) return { unavailable };
  try {
    return { data: await load() };
  } catch (error) {
    return { error: message(error) };
  }
}

/** Reports kept at most by {@link KpiService} (users times requests). */
const MAX_KEPT_REPORTS = 5_000;

/**
 * Operational KPIs per entity, team and platform, computed from the other
 * features' data (incidents, availability SLOs, change requests) with the
 * KPI math of ops-common; and the operations overview.
 */
export class KpiService {
  /**
   * Reports answered lately, per user and request (see
   * `ops.kpis.reportCacheSeconds`): a report reads every source and sums
   * months of history, and the KPI card is viewed far more often than its
   * inputs change. Per user, because what a user may see (change requests)
   * shapes the numbers.
   */
  private readonly recent = new Map<
    string,
    { at: number; report: Promise<KpiReport> }
  >();

  constructor(private readonly options: KpiServiceOptions) {}

  /** The KPI report of a scope over a period, for the caller. */
  async report(
    request: KpiReportRequest,
    credentials: BackstageCredentials,
  ): Promise<KpiReport> {
    const ttlMs = this.options.config.reportCacheSeconds * 1000;
    const principal = credentials.principal as { userEntityRef?: string };
    if (ttlMs <= 0 || !principal.userEntityRef) {
      return this.compute(request, credentials);
    }
    const key = JSON.stringify([
      principal.userEntityRef,
      request.scope,
      request.entityRef,
      request.period,
      request.month,
    ]);
    const now = this.options.clock.now().getTime();
    const kept = this.recent.get(key);
    if (kept && now - kept.at < ttlMs) return kept.report;
    const report = this.compute(request, credentials).then(deepFreeze);
    this.recent.delete(key);
    this.recent.set(key, { at: now, report });
    // Failures are not kept; the oldest go first beyond the bound.
    report.catch(() => {
      if (this.recent.get(key)?.report === report) this.recent.delete(key);
    });
    for (const [old, entry] of this.recent) {
      if (this.recent.size <= MAX_KEPT_REPORTS && now - entry.at < ttlMs) {
        break;
      }
      this.recent.delete(old);
    }
    return report;
  }

  private async compute(
    request: KpiReportRequest,
    credentials: BackstageCredentials,
  ): Promise<KpiReport> {
    const { config, clock } = this.options;
    const now = clock.now();
    let ranges;
    try {
      ranges = kpiPeriodRanges(request.period, now, {
        month: request.month,
        timeZone: config.timeZone,
      });
    } catch (error) {
      throw new InputError(`month: ${message(error)}`);
    }
    const scope = await this.resolve(request, credentials);
    const from = new Date(
      Math.min(
        Date.parse(ranges.previous.start),
        ...ranges.history.map(h => Date.parse(h.start)),
      ),
    );
    const sources: KpiSourceStatus[] = [];
    const inputs: KpiInputs = { since: {} };

    // Incidents.
    if (!this.options.incidents || scope.incidentRefs.length === 0) {
      sources.push({
        source: 'incidents',
        available: false,
        stale: false,
        note: this.options.incidents
          ? `No PagerDuty service: add the ${ANNOTATION_PAGERDUTY_SERVICE_ID} annotation`
          : 'No incident provider is installed',
      });
    } else {
      const { byEntity, freshness } = await this.options.incidents.incidents(
        scope.incidentRefs,
        from,
        now,
        credentials,
      );
      inputs.incidents = ([] as AssessedIncident[]).concat(
        ...byEntity.values(),
      );
      inputs.since!.incidents = freshness.since;
      sources.push({ source: 'incidents', available: true, ...freshness });
    }

    // Availability.
    const availability = this.options.availability
      ? await this.options.availability.availability(
          scope.availabilityEntities,
          from,
        )
      : new Map();
    if (availability.size === 0) {
      sources.push({
        source: 'availability',
        available: false,
        stale: false,
        note: 'No availability SLO: add opsportal.dev/slo-availability or an OpenSLO spec',
      });
    } else {
      const parts = [...availability.values()];
      inputs.availability = sumByEnd(parts.map(p => p.points));
      const since = parts
        .map(p => p.since)
        .filter((s): s is string => Boolean(s))
        .sort();
      // The sum is complete only where every entity has data.
      if (since.length) inputs.since!.availability = since[since.length - 1];
      sources.push({
        source: 'availability',
        available: true,
        ...combineFreshness(parts),
        ...(inputs.since!.availability
          ? { since: inputs.since!.availability }
          : {}),
      });
    }

    // Changes.
    if (!this.options.changes) {
      sources.push({
        source: 'changes',
        available: false,
        stale: false,
        note: 'Change management is not installed',
      });
    } else {
      try {
        const all = await this.options.changes.implemented(
          { from, to: now },
          credentials,
        );
        const refs = new Set(
          scope.entities.map(e => refOf(e).toLocaleLowerCase('en-US')),
        );
        const mine =
          request.scope === 'platform'
            ? all
            : all.filter(c =>
                c.entityRefs.some(r => refs.has(r.toLocaleLowerCase('en-US'))),
              );
        inputs.changes = mine;
        inputs.deployments = this.deployments(mine);
        sources.push({
          source: 'changes',
          available: true,
          stale: false,
          fetchedAt: now.toISOString(),
        });
      } catch (error) {
        if (!(error instanceof NotAllowedError)) throw error;
        sources.push({
          source: 'changes',
          available: false,
          stale: false,
          note: error.message,
        });
      }
    }

    // Post-incident reviews: those of the scope's entities (all of them for
    // the platform, whose reviews may name Groups or Systems too).
    if (this.options.reviews) {
      const { reviews, actionItems } = await this.options.reviews.records(from);
      const refs = new Set(
        [
          ...scope.entities.map(refOf),
          ...(scope.entityRef ? [scope.entityRef] : []),
        ].map(r => r.toLocaleLowerCase('en-US')),
      );
      const inScope = (x: { entityRefs: string[] }) =>
        request.scope === 'platform' ||
        x.entityRefs.some(r => refs.has(r.toLocaleLowerCase('en-US')));
      inputs.reviews = reviews.filter(inScope);
      inputs.actionItems = actionItems.filter(inScope);
    }

    return {
      scope: request.scope,
      ...(scope.entityRef ? { entityRef: scope.entityRef } : {}),
      title: scope.title,
      period: ranges,
      generatedAt: now.toISOString(),
      entities: scope.entities
        .map(e => ({ entityRef: refOf(e), title: titleOf(e) }))
        .sort((a, b) => a.title.localeCompare(b.title)),
      kpis: evaluateKpis(inputs, ranges, {
        now,
        calendarMonth: request.period === 'month',
        failureSeverities: config.failureSeverities,
        targets: config.targets,
      }),
      targets: config.targets,
      failureSeverities: config.failureSeverities,
      sources,
    };
  }

  /** The operations overview: every part loaded on its own, failures kept to their part. */
  async overview(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<OpsOverview> {
    const sources = this.options.overview ?? {};
    const now = this.options.clock.now();
    const until = new Date(
      now.getTime() + this.options.config.upcomingDays * DAY,
    );
    const [slos, incidents, onCall, changes] = await Promise.all([
      section(
        sources.slos && (() => sources.slos!(credentials)),
        'The SLO feature is not installed',
      ),
      section(
        this.options.incidents && (() => this.openIncidents(credentials)),
        'No incident provider is installed',
      ),
      section(
        sources.onCall && (() => sources.onCall!(credentials)),
        'No on-call provider is installed',
      ),
      section(
        sources.upcomingChanges &&
          (async () => ({
            ...(await sources.upcomingChanges!(
              { from: now, to: until },
              credentials,
            )),
            days: this.options.config.upcomingDays,
          })),
        'Change management is not installed',
      ),
    ]);
    return {
      generatedAt: now.toISOString(),
      slos,
      incidents,
      onCall,
      changes,
    };
  }

  private async openIncidents(credentials: BackstageCredentials) {
    const severities = this.options.config.overviewSeverities;
    const components = await this.components(credentials);
    const refs = components.filter(hasPagerDuty).map(refOf);
    const now = this.options.clock.now();
    const { byEntity, freshness } = await this.options.incidents!.incidents(
      refs,
      // Open incidents are kept however old they are.
      new Date(0),
      now,
      credentials,
    );
    const seen = new Set<string>();
    const open: OverviewIncident[] = [];
    for (const entity of components) {
      for (const incident of byEntity.get(refOf(entity)) ?? []) {
        if (incident.status === 'resolved' || seen.has(incident.id)) continue;
        if (!severities.includes(incident.severity)) continue;
        seen.add(incident.id);
        open.push({
          ...incident,
          entityRef: refOf(entity),
          entityTitle: titleOf(entity),
        });
      }
    }
    open.sort(
      (a, b) =>
        SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
        Date.parse(a.createdAt) - Date.parse(b.createdAt),
    );
    const { since, ...rest } = freshness;
    void since;
    return { severities, open, ...rest };
  }

  private deployments(changes: KpiChangeRecord[]): KpiDeploymentRecord[] {
    const types = new Set(this.options.config.deploymentTypes);
    return changes
      .filter(
        c =>
          c.category === 'standard' &&
          c.standardType !== undefined &&
          types.has(c.standardType),
      )
      .map(c => ({
        id: c.id,
        at: c.finishedAt,
        outcome: c.outcome,
        entityRefs: c.entityRefs,
        source: 'change-request' as const,
      }));
  }

  private async components(credentials: BackstageCredentials) {
    const { items } = await this.options.catalog.getEntities(
      {
        filter: { kind: 'component' },
        fields: ['kind', 'metadata', 'spec.owner', 'spec.type', 'spec.system'],
      },
      { credentials },
    );
    return items;
  }

  private async resolve(
    request: KpiReportRequest,
    credentials: BackstageCredentials,
  ): Promise<Scope> {
    const { catalog } = this.options;
    if (request.scope === 'platform') {
      const [components, systems] = await Promise.all([
        this.components(credentials),
        catalog.getEntities(
          { filter: { kind: 'system' }, fields: ['kind', 'metadata'] },
          { credentials },
        ),
      ]);
      // The platform's own availability objective (a System's, the seed's
      // "Overall Platform") when there is one; else its services' sum.
      const withSlo = systems.items.filter(hasAvailabilitySlo);
      return {
        title: 'Platform',
        entities: components,
        incidentRefs: components.filter(hasPagerDuty).map(refOf),
        availabilityEntities: withSlo.length > 0 ? withSlo : components,
      };
    }

    if (!request.entityRef) {
      throw new InputError('entityRef is required for this scope');
    }
    let ref;
    try {
      ref = parseEntityRef(request.entityRef);
    } catch (error) {
      throw new InputError(`entityRef: ${message(error)}`);
    }
    const entity = await catalog.getEntityByRef(ref, { credentials });
    if (!entity) {
      throw new NotFoundError(`No entity ${request.entityRef}`);
    }
    const entityRef = refOf(entity);
    if (request.scope === 'entity') {
      return {
        title: titleOf(entity),
        entityRef,
        entities: [entity],
        incidentRefs: hasPagerDuty(entity) ? [entityRef] : [],
        availabilityEntities: [entity],
      };
    }

    if (entity.kind.toLocaleLowerCase('en-US') !== 'group') {
      throw new InputError(
        `entityRef: a team is a Group, ${entityRef} is a ${entity.kind}`,
      );
    }
    // A team's services: those it owns, and those it is on call for.
    const owned = await catalog.getEntities(
      {
        filter: { kind: 'component', 'relations.ownedBy': entityRef },
        fields: ['kind', 'metadata', 'spec.owner', 'spec.type'],
      },
      { credentials },
    );
    const onCallRefs = this.options.teams
      ? await this.options.teams.servicesOf(entityRef, credentials)
      : [];
    const ownedRefs = new Set(owned.items.map(refOf));
    // A service with two PagerDuty services is named twice: once is enough.
    const extra = [...new Set(onCallRefs)].filter(r => !ownedRefs.has(r));
    const more = extra.length
      ? (
          await catalog.getEntitiesByRefs(
            {
              entityRefs: extra,
              fields: ['kind', 'metadata', 'spec.owner', 'spec.type'],
            },
            { credentials },
          )
        ).items.filter((e): e is Entity => Boolean(e))
      : [];
    const services = [...owned.items, ...more];
    return {
      title: titleOf(entity),
      entityRef,
      entities: services,
      incidentRefs: [
        ...services.filter(hasPagerDuty).map(refOf),
        ...(hasPagerDuty(entity) ? [entityRef] : []),
      ],
      availabilityEntities: services,
    };
  }
}
