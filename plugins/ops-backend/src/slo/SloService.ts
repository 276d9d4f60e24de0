import {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  isSloConfigured,
  SLO_ANNOTATIONS,
  EntitySlosResponse,
  evaluateSlo,
  Freshness,
  PlatformSloRow,
  PlatformSlosResponse,
  scaleBurnRateRules,
  SliSeries,
  SloAlertState,
  SloObjectiveResult,
  SloProblem,
  SloUptime,
} from '@opsportal/plugin-ops-common';
import {
  mapWithConcurrency,
  MetricsProvider,
} from '@opsportal/plugin-ops-node';
import { Clock, systemClock } from '../lib/clock';
import { ALL_KEYS, RefreshShard, inShard } from '../lib/shards';
import { SingleFlight } from '../lib/singleFlight';
import { SnapshotStore, StoredSnapshot } from '../snapshots/SnapshotStore';
import { SloConfig } from './config';
import { PlanResult, planEvaluation } from './plan';
import { SloDefinitionLoader } from './SloDefinitionLoader';
import { SloDefinition } from './spec/definitions';
import { anyAnnotationFilter } from '../lib/catalogFilters';

/** Snapshot kind of the SLO feature in the snapshot store. */
export const SLO_SNAPSHOT_KIND = 'slo';

/** What is stored per entity: its SLOs with their last good evaluations. */
export interface EntitySloSnapshot {
  entityRef: string;
  kind: string;
  title: string;
  system?: string;
  objectives: SloObjectiveResult[];
  problems: SloProblem[];
}

/** What one refresh did, for logs and benchmarks. */
export interface SloRefreshSummary {
  entities: number;
  slos: number;
  evaluated: number;
  failed: number;
  requests: number;
  durationMs: number;
}

/**
 * Uptime from the availability SLIs, for the KPI feature (which calls this
 * instead of CloudWatch).
 */
export interface SloUptimeSource {
  /** The availability of one entity (its first availability SLO). */
  getUptime(entityRef: string): Promise<SloUptime | undefined>;
  /** Every entity with an availability SLO, Systems (the platform) included. */
  listUptime(): Promise<SloUptime[]>;
}

/** What {@link SloService} is built from. */
export interface SloServiceOptions {
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  snapshots: SnapshotStore;
  loader: SloDefinitionLoader;
  config: SloConfig;
  metrics?: MetricsProvider;
  clock?: Clock;
}

const ALERT_RANK: Record<SloAlertState, number> = {
  ok: 0,
  'no-data': 1,
  ticket: 2,
  page: 3,
};

function systemOf(entity: Entity): string | undefined {
  const system = (entity.spec as { system?: unknown } | undefined)?.system;
  if (typeof system !== 'string' || !system) return undefined;
  return stringifyEntityRef(
    parseEntityRef(system, {
      defaultKind: 'system',
      defaultNamespace: entity.metadata.namespace ?? 'default',
    }),
  );
}

/** Element-wise sum of series with the same buckets. */
function addSeries(a: SliSeries, b: SliSeries): SliSeries | undefined {
  if (
    a.start !== b.start ||
    a.step !== b.step ||
    a.total.length !== b.total.length
  ) {
    return undefined;
  }
  return {
    start: a.start,
    step: a.step,
    good: a.good.map((g, i) => g + b.good[i]),
    total: a.total.map((t, i) => t + b.total[i]),
    missing: a.missing.map((m, i) => Math.min(m, b.missing[i])),
  };
}

/** The freshness of an entity: its oldest SLO, stale when any SLO is. */
function entityFreshness(
  objectives: SloObjectiveResult[],
  stored?: Freshness,
): Freshness {
  const fetched = objectives
    .map(o => o.fetchedAt)
    .filter((f): f is string => Boolean(f))
    .sort();
  const failed = objectives.find(o => o.error);
  return {
    // SLOs never evaluated have no age: the snapshot's own time would read
    // as data from then.
    fetchedAt: objectives.length > 0 ? fetched[0] : stored?.fetchedAt,
    stale: Boolean(stored?.stale || objectives.some(o => o.stale)),
    error: stored?.error ?? failed?.error,
  };
}

/**
 * SLOs from CloudWatch: a refresh evaluates every entity with SLOs in as
 * few GetMetricData calls as the plan allows and stores one snapshot per
 * entity (current values, daily history); reads answer from the snapshots.
 * A failed refresh keeps each SLO's last good evaluation, marked stale with
 * the reason.
 */
export class SloService implements SloUptimeSource {
  private readonly flight = new SingleFlight<SloRefreshSummary>();
  private readonly clock: Clock;
  /** The definition problems last logged per entity, so each is logged once. */
  private readonly loggedProblems = new Map<string, string>();

  constructor(private readonly options: SloServiceOptions) {
    this.clock = options.clock ?? systemClock;
  }

  /**
   * Evaluates every entity with SLOs of one shard (all by default; one
   * refresh per shard at a time). A System and its components go to the
   * System's shard, as the System's aggregate objectives add up its
   * components' data; other entities to their own. Snapshots of entities no
   * longer in the catalog are removed by the shard their own ref hashes to.
   */
  refreshAll(shard: RefreshShard = ALL_KEYS): Promise<SloRefreshSummary> {
    return this.flight.do(`*${shard.index}/${shard.count}`, async () => {
      const credentials = await this.options.auth.getOwnServiceCredentials();
      const all = await this.entitiesWithSlos(credentials);
      const refs = all.map(e => stringifyEntityRef(e));
      const present = new Set(refs);
      const entities = all.filter((e, i) => {
        const system = systemOf(e);
        const group = system && present.has(system) ? system : refs[i];
        return inShard(group, shard);
      });
      const summary = await this.refresh(entities);
      await this.options.snapshots.retain(SLO_SNAPSHOT_KIND, refs, key =>
        inShard(key, shard),
      );
      return summary;
    });
  }

  /** The SLOs of an entity the caller may see, evaluated now if never before. */
  async getEntitySlos(entity: Entity): Promise<EntitySlosResponse> {
    const ref = stringifyEntityRef(entity);
    let stored = await this.options.snapshots.get<EntitySloSnapshot>(
      SLO_SNAPSHOT_KIND,
      ref,
    );
    if (!stored && this.hasSlos(entity)) {
      if (entity.kind.toLocaleLowerCase('en-US') === 'system') {
        await this.refreshAll();
      } else {
        await this.flight.do(ref, () => this.refresh([entity]));
      }
      stored = await this.options.snapshots.get<EntitySloSnapshot>(
        SLO_SNAPSHOT_KIND,
        ref,
      );
    }
    const objectives = stored?.data?.objectives ?? [];
    const longest = Math.max(
      0,
      ...objectives.map(o => o.objective.windowSeconds),
    );
    const history = stored
      ? await this.options.snapshots.history<EntitySloSnapshot>(
          SLO_SNAPSHOT_KIND,
          ref,
          new Date(this.clock.now().getTime() - longest * 1000),
        )
      : [];
    return {
      entityRef: ref,
      objectives,
      problems: stored?.data?.problems ?? [],
      history: history.map(day => ({
        day: day.day,
        objectives: day.data.objectives.map(o => ({
          id: o.objective.id,
          sli: o.status?.sli ?? null,
          remaining: o.status?.budget.remaining ?? null,
        })),
      })),
      ...entityFreshness(objectives, stored),
    };
  }

  /**
   * The platform list over the given entities (those with SLOs the user
   * can see): Systems with their own objective first, then the rest, least
   * budget left first. Entities never evaluated are evaluated now.
   */
  async listPlatform(entities: Entity[]): Promise<PlatformSlosResponse> {
    const refs = entities.map(e => stringifyEntityRef(e));
    let stored = await this.options.snapshots.getMany<EntitySloSnapshot>(
      SLO_SNAPSHOT_KIND,
      refs,
    );
    const unseen = entities.filter((_e, i) => !stored.has(refs[i]));
    if (unseen.length > 0) {
      if (unseen.some(e => e.kind.toLocaleLowerCase('en-US') === 'system')) {
        await this.refreshAll();
      } else {
        await this.flight.do(
          `list:${unseen.map(e => stringifyEntityRef(e)).join(',')}`,
          () => this.refresh(unseen),
        );
      }
      stored = await this.options.snapshots.getMany<EntitySloSnapshot>(
        SLO_SNAPSHOT_KIND,
        refs,
      );
    }
    const rows = [...stored.values()]
      .filter(s => s.data)
      .map(s => this.toRow(s));
    const order = (a: PlatformSloRow, b: PlatformSloRow) =>
      (a.lowestRemaining ?? Infinity) - (b.lowestRemaining ?? Infinity) ||
      a.title.localeCompare(b.title);
    return {
      platform: rows.filter(r => r.kind === 'system').sort(order),
      services: rows.filter(r => r.kind !== 'system').sort(order),
    };
  }

  /** The entities with SLO annotations that these credentials may see. */
  async entitiesWithSlos(credentials: BackstageCredentials): Promise<Entity[]> {
    const { items } = await this.options.catalog.getEntities(
      { filter: anyAnnotationFilter(SLO_ANNOTATIONS) },
      { credentials },
    );
    return items.filter(isSloConfigured);
  }

  async getUptime(entityRef: string): Promise<SloUptime | undefined> {
    const stored = await this.options.snapshots.get<EntitySloSnapshot>(
      SLO_SNAPSHOT_KIND,
      entityRef,
    );
    return stored ? this.toUptime(stored) : undefined;
  }

  /**
   * The availability SLO's good and total counts per burn-down bucket from
   * `since` on: the current window's burn-down, extended into the past by
   * the burn-downs of the daily history (only buckets older than those
   * already held, so none counts twice). The KPIs' availability source.
   */
  async availabilityPoints(
    entityRef: string,
    since: Date,
  ): Promise<{
    points: { at: string; good: number; total: number }[];
    /** Width of a bucket in ms. */
    bucket: number;
  }> {
    const pointsOf = (data: EntitySloSnapshot | undefined) =>
      (
        data?.objectives.find(o => o.objective.category === 'availability')
          ?.status?.burnDown ?? []
      ).map(p => ({ at: p.at, good: p.good, total: p.total }));
    const current = await this.options.snapshots.get<EntitySloSnapshot>(
      SLO_SNAPSHOT_KIND,
      entityRef,
    );
    let points = pointsOf(current?.data);
    const bucket =
      points.length > 1
        ? Date.parse(points[1].at) - Date.parse(points[0].at)
        : 86_400_000;
    const history = await this.options.snapshots.history<EntitySloSnapshot>(
      SLO_SNAPSHOT_KIND,
      entityRef,
      since,
    );
    for (const day of history.reverse()) {
      const first = points.length
        ? Date.parse(points[0].at) - bucket
        : Infinity;
      const older = pointsOf(day.data).filter(p => Date.parse(p.at) <= first);
      points = [...older, ...points];
    }
    return { points, bucket };
  }

  async listUptime(): Promise<SloUptime[]> {
    const all = await this.options.snapshots.list<EntitySloSnapshot>(
      SLO_SNAPSHOT_KIND,
    );
    return all
      .map(s => this.toUptime(s))
      .filter((u): u is SloUptime => u !== undefined);
  }

  private toUptime(
    stored: StoredSnapshot<EntitySloSnapshot>,
  ): SloUptime | undefined {
    const result = stored.data?.objectives.find(
      o => o.objective.category === 'availability',
    );
    if (!result) return undefined;
    return {
      entityRef: stored.key,
      availability: result.status?.sli ?? null,
      target: result.objective.target,
      window: result.objective.window,
      fetchedAt: result.fetchedAt,
      stale: result.stale || stored.stale,
      ...(result.error ? { error: result.error } : {}),
    };
  }

  private toRow(stored: StoredSnapshot<EntitySloSnapshot>): PlatformSloRow {
    const data = stored.data!;
    const objectives = data.objectives.map(o => ({
      id: o.objective.id,
      name: o.objective.name,
      category: o.objective.category,
      target: o.objective.target,
      window: o.objective.window,
      sli: o.status?.sli ?? null,
      remaining: o.status?.budget.remaining ?? null,
      remainingMinutes: o.status?.budget.remainingMinutes ?? null,
      alert: o.status?.alert.state ?? ('no-data' as const),
    }));
    const remaining = objectives
      .map(o => o.remaining)
      .filter((r): r is number => r !== null);
    return {
      entityRef: data.entityRef,
      kind: data.kind,
      title: data.title,
      ...(data.system ? { system: data.system } : {}),
      objectives,
      lowestRemaining: remaining.length ? Math.min(...remaining) : null,
      alert: objectives.reduce<SloAlertState>(
        (worst, o) =>
          ALERT_RANK[o.alert] > ALERT_RANK[worst] ? o.alert : worst,
        'ok',
      ),
      problems: data.problems.filter(p => p.severity !== 'info').length,
      ...entityFreshness(data.objectives, stored),
    };
  }

  private hasSlos(entity: Entity): boolean {
    return isSloConfigured(entity);
  }

  /** Evaluates the given entities and stores their snapshots. */
  private async refresh(entities: Entity[]): Promise<SloRefreshSummary> {
    const started = Date.now();
    const { snapshots, logger, config } = this.options;
    const refs = entities.map(e => stringifyEntityRef(e));
    const loaded = await mapWithConcurrency(entities, 8, e =>
      this.options.loader.load(e),
    );
    const key = (ref: string, definition: SloDefinition) =>
      `${ref}#${definition.info.id}`;
    if (config.burnRateCeiling.scaleToTarget) {
      for (const definition of loaded.flatMap(set => set.definitions)) {
        definition.info.burnRateRules = scaleBurnRateRules(
          definition.info.burnRateRules,
          definition.info.target,
          config.burnRateCeiling.share,
        );
      }
    }

    const items = loaded.flatMap((set, i) =>
      set.definitions
        .filter(d => d.indicator.type !== 'aggregate')
        .map(definition => ({ key: key(refs[i], definition), definition })),
    );
    const now = this.clock.now().getTime();
    const plan = planEvaluation(items, {
      now,
      delaySeconds: config.delaySeconds,
      windows: config.windows,
      forecastWindow: config.forecastWindow,
    });
    const metrics = this.options.metrics;
    const answers = await Promise.all(
      plan.requests.map(request =>
        metrics
          ? metrics
              .getMetricData(request)
              .catch(error =>
                error instanceof Error ? error : new Error(String(error)),
              )
          : new Error(
              'No metrics provider is installed: add @opsportal/plugin-ops-backend-module-cloudwatch to the backend',
            ),
      ),
    );
    const results = plan.collect(answers);

    // Systems measured over their components: add up the members' buckets.
    loaded.forEach((set, i) => {
      for (const definition of set.definitions) {
        const indicator = definition.indicator;
        if (indicator.type !== 'aggregate') continue;
        const members = entities
          .map((e, j) => ({ entity: e, set: loaded[j], ref: refs[j] }))
          .filter(m => systemOf(m.entity) === refs[i]);
        const parts: { ref: string; result: PlanResult }[] = [];
        for (const member of members) {
          const match = member.set.definitions.find(
            d =>
              d.info.category === indicator.category &&
              d.indicator.type === 'ratio' &&
              d.info.budgetingMethod === 'Occurrences' &&
              d.info.windowSeconds === definition.info.windowSeconds,
          );
          const result = match && results.get(key(member.ref, match));
          if (result) parts.push({ ref: member.ref, result });
        }
        definition.info.source = {
          form: 'aggregate',
          members: parts.map(p => p.ref),
        };
        results.set(
          key(refs[i], definition),
          this.aggregate(parts, definition),
        );
      }
    });

    let evaluated = 0;
    let failed = 0;
    /** Per error: SLOs that kept earlier values, and SLOs that have none yet. */
    const errors = new Map<string, { kept: number; none: number }>();
    const fetchedAt = new Date(now).toISOString();
    const statuses = loaded.map((set, i) =>
      set.definitions.map(definition => {
        const result = results.get(key(refs[i], definition));
        if (!result) return { error: 'Not evaluated' };
        if (!result.ok) return { error: result.error };
        try {
          return {
            status: evaluateSlo({
              target: definition.info.target,
              windowSeconds: definition.info.windowSeconds,
              now: result.end,
              series: result.series,
              rules: definition.info.burnRateRules,
              windows: config.windows,
              forecastWindow: config.forecastWindow,
              missingCountedAs: definition.info.missingData,
              ceilingShare: config.burnRateCeiling.share,
              unit:
                definition.info.timeSlice ||
                definition.info.budgetingMethod === 'Timeslices'
                  ? 'slices'
                  : 'events',
            }),
          };
        } catch (e) {
          return { error: `Could not evaluate: ${(e as Error).message}` };
        }
      }),
    );
    // Earlier values are only needed where this refresh failed.
    const previous = await snapshots.getMany<EntitySloSnapshot>(
      SLO_SNAPSHOT_KIND,
      refs.filter((_r, i) => statuses[i].some(s => !('status' in s))),
    );

    const entries = entities.map((entity, i) => {
      const ref = refs[i];
      const set = loaded[i];
      const before = previous.get(ref)?.data;
      const objectives = set.definitions.map<SloObjectiveResult>(
        (definition, j) => {
          const outcome = statuses[i][j];
          if ('status' in outcome && outcome.status) {
            evaluated += 1;
            return {
              objective: definition.info,
              status: outcome.status,
              fetchedAt,
              stale: false,
            };
          }
          failed += 1;
          const error =
            ('error' in outcome && outcome.error) || 'Not evaluated';
          const old = before?.objectives.find(
            o => o.objective.id === definition.info.id,
          );
          const count = errors.get(error) ?? { kept: 0, none: 0 };
          if (old?.status) count.kept += 1;
          else count.none += 1;
          errors.set(error, count);
          return {
            objective: definition.info,
            ...(old?.status ? { status: old.status } : {}),
            ...(old?.fetchedAt ? { fetchedAt: old.fetchedAt } : {}),
            stale: true,
            error,
          };
        },
      );
      this.logNewProblems(ref, set.problems);
      const system = systemOf(entity);
      const data: EntitySloSnapshot = {
        entityRef: ref,
        kind: entity.kind.toLocaleLowerCase('en-US'),
        title: entity.metadata.title ?? entity.metadata.name,
        ...(system ? { system } : {}),
        objectives,
        problems: set.problems,
      };
      return { key: ref, data, history: objectives.some(o => !o.stale) };
    });
    await snapshots.putMany(SLO_SNAPSHOT_KIND, entries);

    for (const [error, { kept, none }] of errors) {
      if (kept > 0) {
        logger.warn(`${kept} SLO(s) kept their last good values: ${error}`);
      }
      if (none > 0) {
        logger.warn(`${none} SLO(s) have no values yet: ${error}`);
      }
    }
    const summary: SloRefreshSummary = {
      entities: entities.length,
      slos:
        items.length +
        loaded.reduce(
          (n, s) =>
            n +
            s.definitions.filter(d => d.indicator.type === 'aggregate').length,
          0,
        ),
      evaluated,
      failed,
      requests: plan.requests.length,
      durationMs: Date.now() - started,
    };
    logger.info(
      `Evaluated ${summary.evaluated} of ${summary.slos} SLOs of ${summary.entities} entities in ${summary.durationMs} ms`,
    );
    return summary;
  }

  /** Logs an entity's definition problems when they differ from the last ones logged. */
  private logNewProblems(ref: string, problems: SloProblem[]) {
    const serious = problems.filter(p => p.severity !== 'info');
    const signature = JSON.stringify(serious);
    if (this.loggedProblems.get(ref) === signature) return;
    this.loggedProblems.set(ref, signature);
    for (const p of serious) {
      this.options.logger.warn(
        `SLO definition problem in ${ref}: ${p.source ?? ''}${
          p.line ? `:${p.line}` : ''
        }: ${p.message}`,
      );
    }
  }

  private aggregate(
    parts: { ref: string; result: PlanResult }[],
    definition: SloDefinition,
  ): PlanResult {
    const end = parts[0]?.result.end ?? 0;
    if (parts.length === 0) {
      return {
        ok: false,
        end,
        error: `No component of this system has an ${definition.info.category} SLO to add up`,
      };
    }
    const failedPart = parts.find(p => !p.result.ok);
    if (failedPart && !failedPart.result.ok) {
      return {
        ok: false,
        end,
        error: `${failedPart.ref} could not be evaluated: ${failedPart.result.error}`,
      };
    }
    let series: SliSeries[] | undefined;
    for (const part of parts) {
      if (!part.result.ok) continue;
      if (!series) {
        series = part.result.series;
        continue;
      }
      const next = series.map((s, i) => {
        const other = (part.result as { series: SliSeries[] }).series[i];
        return other ? addSeries(s, other) : undefined;
      });
      if (next.some(s => s === undefined)) {
        return {
          ok: false,
          end,
          error: `${part.ref}'s ${definition.info.category} SLO is measured in other buckets and cannot be added up`,
        };
      }
      series = next as SliSeries[];
    }
    return { ok: true, end, series: series! };
  }
}
