import {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { anyAnnotationFilter } from '../lib/catalogFilters';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AutoscalingBounds,
  CapacityMetricAnalysis,
  CapacityRange,
  CapacityReview,
  CapacityReviewRow,
  EntityCapacity,
  Snapshot,
  analyseCapacityMetric,
  bindingMetric,
  capacityMetricView,
  capacityReviewMetric,
  rankCapacityReview,
} from '@opsportal/plugin-ops-common';
import { MetricsProvider } from '@opsportal/plugin-ops-node';
import { Clock } from '../lib/clock';
import { ALL_KEYS, RefreshShard, inShard } from '../lib/shards';
import { SingleFlight } from '../lib/singleFlight';
import { SnapshotStore } from '../snapshots/SnapshotStore';
import { CollectStats, CollectedMetric, collectCapacityData } from './collect';
import { CapacitySeriesStore } from './seriesStore';
import { CapacityConfig } from './config';
import {
  CAPACITY_ANNOTATIONS,
  CapacityTarget,
  capacityTarget,
  hasCapacityAnnotations,
} from './targets';
import { memoView } from '../lib/viewResponse';

/** Snapshot kind of an entity's full capacity analysis. */
export const CAPACITY_KIND = 'capacity';
/** Snapshot kind of an entity's row in the capacity review (small). */
export const CAPACITY_REVIEW_KIND = 'capacity-review';

/** Entities with any capacity annotation (catalog filters in a list are OR-ed). */
function capacityFilter() {
  return anyAnnotationFilter(CAPACITY_ANNOTATIONS);
}

const ENTITY_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.annotations',
];

/** What the refresh stores per entity. */
export interface CapacityDetail {
  entityRef: string;
  title?: string;
  computedAt: string;
  autoscaling: AutoscalingBounds;
  warnings: string[];
  metrics: CapacityMetricAnalysis[];
}

/** A review row without its freshness, as stored. */
export type CapacitySummary = Omit<
  CapacityReviewRow,
  'fetchedAt' | 'stale' | 'error'
>;

export interface CapacityServiceOptions {
  config: CapacityConfig;
  snapshots: SnapshotStore;
  catalog: CatalogService;
  auth: AuthService;
  /** The registered metrics provider, if any module registered one. */
  metrics: MetricsProvider | undefined;
  logger: LoggerService;
  clock: Clock;
  /**
   * Where each metric's datapoints are kept between refreshes, so that a
   * refresh reads only the time since the last one. Without it, every
   * refresh reads every window in full.
   */
  series?: CapacitySeriesStore;
}

/** Outcome of a refresh run. */
export interface CapacityRefreshResult {
  services: number;
  failed: number;
}

/**
 * Capacity trends per service: a scheduled refresh fetches every service's
 * metrics in batches, analyses them (breach episodes, triggers, growth,
 * forecasts) and keeps the result as snapshots; reads answer from the
 * snapshots, and fetch on demand only for a service never refreshed yet.
 */
export class CapacityService {
  private readonly inFlight = new SingleFlight<void>();
  /**
   * Metric windows read in full and continued from stored datapoints,
   * counted since the service started (for logs and benchmarks).
   */
  readonly windows: CollectStats = { full: 0, continued: 0 };

  constructor(private readonly options: CapacityServiceOptions) {}

  /**
   * Refreshes every entity with capacity annotations of one shard (the
   * scheduled task; all of them by default), and removes the snapshots of
   * the shard's entities that are gone.
   */
  async refreshAll(
    signal?: AbortSignal,
    shard: RefreshShard = ALL_KEYS,
  ): Promise<CapacityRefreshResult> {
    const { catalog, auth, snapshots, logger } = this.options;
    const started = Date.now();
    const { items } = await catalog.getEntities(
      { filter: capacityFilter(), fields: ENTITY_FIELDS },
      { credentials: await auth.getOwnServiceCredentials() },
    );
    const targets = items
      .filter(entity => inShard(stringifyEntityRef(entity), shard))
      .map(entity => capacityTarget(entity, this.options.config))
      .filter((t): t is CapacityTarget => t !== undefined);
    const before = { ...this.windows };
    const result = await this.refreshTargets(targets, signal);
    const keys = targets.map(t => t.entityRef);
    const mine = (key: string) => inShard(key, shard);
    await snapshots.retain(CAPACITY_KIND, keys, mine);
    await snapshots.retain(CAPACITY_REVIEW_KIND, keys, mine);
    await this.options.series?.retain(keys, mine);
    logger.info(
      `capacity refresh${
        shard.count > 1 ? ` (shard ${shard.index + 1} of ${shard.count})` : ''
      }: ${result.services} services, ${result.failed} failed, ${
        this.windows.continued - before.continued
      } metric windows continued from stored datapoints, ${
        this.windows.full - before.full
      } read in full, ${Date.now() - started} ms`,
    );
    return result;
  }

  /** Refreshes the given targets: per region, `servicesPerBatch` at a time. */
  async refreshTargets(
    targets: CapacityTarget[],
    signal?: AbortSignal,
  ): Promise<CapacityRefreshResult> {
    const { snapshots, config, logger } = this.options;
    const byRegion = new Map<string | undefined, CapacityTarget[]>();
    for (const target of targets) {
      const list = byRegion.get(target.region) ?? [];
      list.push(target);
      byRegion.set(target.region, list);
    }

    let failed = 0;
    for (const [region, regionTargets] of byRegion) {
      for (let i = 0; i < regionTargets.length; i += config.servicesPerBatch) {
        const batch = regionTargets.slice(i, i + config.servicesPerBatch);
        const now = this.options.clock.now().getTime();
        try {
          const provider = this.options.metrics;
          if (!provider) {
            throw new Error(
              'No metrics provider is installed: add @opsportal/plugin-ops-backend-module-cloudwatch to the backend',
            );
          }
          const data = await collectCapacityData(
            provider,
            batch,
            {
              now,
              region,
              signal,
              store: this.options.series,
              lateDataMinutes: config.lateDataMinutes,
            },
            this.windows,
          );
          for (const target of batch) {
            const { detail, summary } = analyseTarget(
              target,
              data.get(target.entityRef)!,
              now,
              config.horizonDays,
            );
            await snapshots.put(CAPACITY_KIND, target.entityRef, detail);
            await snapshots.put(
              CAPACITY_REVIEW_KIND,
              target.entityRef,
              summary,
              {
                history: true,
              },
            );
          }
        } catch (error) {
          const message = describeError(error);
          logger.warn(
            `capacity refresh of ${batch.length} services failed: ${message}`,
          );
          failed += batch.length;
          for (const target of batch) {
            await snapshots.markFailed(
              CAPACITY_KIND,
              target.entityRef,
              message,
            );
            await snapshots.markFailed(
              CAPACITY_REVIEW_KIND,
              target.entityRef,
              message,
            );
          }
        }
      }
    }
    return { services: targets.length, failed };
  }

  /**
   * An entity's capacity for one chart range, from its snapshot; fetched on
   * demand only when the entity was never refreshed.
   */
  async getEntityCapacity(
    entityRef: string,
    range: CapacityRange,
    credentials: BackstageCredentials,
  ): Promise<Snapshot<EntityCapacity | undefined>> {
    const entity = await this.options.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity) throw new NotFoundError(`No entity ${entityRef}`);
    if (!hasCapacityAnnotations(entity)) {
      throw new NotFoundError(
        `${entityRef} has none of the capacity annotations (${CAPACITY_ANNOTATIONS.join(
          ', ',
        )})`,
      );
    }
    const ref = stringifyEntityRef(entity);
    let snapshot = await this.options.snapshots.get<CapacityDetail>(
      CAPACITY_KIND,
      ref,
    );
    if (!snapshot) {
      await this.refreshOnDemand(entity);
      snapshot = await this.options.snapshots.get<CapacityDetail>(
        CAPACITY_KIND,
        ref,
      );
    }
    const detail = snapshot?.data;
    const view = () => ({
      data: detail ? entityView(detail, range) : undefined,
      fetchedAt: snapshot?.fetchedAt,
      stale: snapshot?.stale ?? true,
      error: snapshot?.error,
    });
    // Once per kept snapshot and range (lib/viewResponse.ts).
    return snapshot ? memoView(snapshot, range, view) : view();
  }

  /**
   * The capacity review: every service with capacity annotations that the
   * user may see, soonest limit first. Services never refreshed yet (new in
   * the catalog since the last run) are fetched now, in one batch.
   */
  async getReview(credentials: BackstageCredentials): Promise<CapacityReview> {
    const { catalog, snapshots } = this.options;
    const { items } = await catalog.getEntities(
      { filter: capacityFilter(), fields: ENTITY_FIELDS },
      { credentials },
    );
    const entities = new Map(items.map(e => [stringifyEntityRef(e), e]));
    const refs = [...entities.keys()];
    let stored = await snapshots.getMany<CapacitySummary>(
      CAPACITY_REVIEW_KIND,
      refs,
    );
    const missing = refs.filter(ref => !stored.has(ref));
    if (missing.length > 0) {
      const targets = missing
        .map(ref => capacityTarget(entities.get(ref)!, this.options.config))
        .filter((t): t is CapacityTarget => t !== undefined);
      await this.inFlight.do(`review:${missing.sort().join(',')}`, async () => {
        await this.refreshTargets(targets);
      });
      stored = await snapshots.getMany<CapacitySummary>(
        CAPACITY_REVIEW_KIND,
        refs,
      );
    }
    const rows: CapacityReviewRow[] = refs.map(ref => {
      const s = stored.get(ref);
      return {
        entityRef: ref,
        title: entities.get(ref)!.metadata.title ?? s?.data?.title,
        metrics: s?.data?.metrics ?? [],
        binding: s?.data?.binding,
        triggers30d: s?.data?.triggers30d ?? 0,
        computedAt: s?.data?.computedAt,
        fetchedAt: s?.fetchedAt,
        stale: s?.stale ?? true,
        error: s?.error,
      };
    });
    return {
      generatedAt: this.options.clock.now().toISOString(),
      rows: rankCapacityReview(rows),
    };
  }

  private refreshOnDemand(entity: Entity): Promise<void> {
    const target = capacityTarget(entity, this.options.config);
    if (!target) return Promise.resolve();
    return this.inFlight.do(target.entityRef, async () => {
      await this.refreshTargets([target]);
    });
  }
}

/** Analyses every metric of a target into its stored detail and review row. */
export function analyseTarget(
  target: CapacityTarget,
  data: Map<string, CollectedMetric>,
  now: number,
  horizonDays: number,
): { detail: CapacityDetail; summary: CapacitySummary } {
  const warnings = [...target.warnings];
  const metrics = target.metrics.map(plan => {
    const collected = data.get(plan.definition.id)!;
    for (const problem of collected.problems) {
      warnings.push(`${plan.definition.label}: ${problem}`);
    }
    return analyseCapacityMetric(
      {
        definition: plan.definition,
        hourly: collected.hourly,
        fine: collected.fine,
        statistic: collected.statistic,
      },
      { now, horizonDays },
    );
  });
  const computedAt = new Date(now).toISOString();
  const reviewMetrics = metrics.map(capacityReviewMetric);
  return {
    detail: {
      entityRef: target.entityRef,
      title: target.title,
      computedAt,
      autoscaling: target.autoscaling,
      warnings,
      metrics,
    },
    summary: {
      entityRef: target.entityRef,
      title: target.title,
      metrics: reviewMetrics,
      binding: bindingMetric(reviewMetrics),
      triggers30d: reviewMetrics.reduce((n, m) => n + m.triggers30d, 0),
      computedAt,
    },
  };
}

/** The view of a stored detail for one chart range. */
export function entityView(
  detail: CapacityDetail,
  range: CapacityRange,
): EntityCapacity {
  return {
    entityRef: detail.entityRef,
    range,
    computedAt: detail.computedAt,
    autoscaling: detail.autoscaling,
    metrics: detail.metrics.map(m => capacityMetricView(m, range)),
    bindingMetricId: bindingMetric(detail.metrics.map(capacityReviewMetric))
      ?.id,
    warnings: detail.warnings,
  };
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const name = error.name && error.name !== 'Error' ? `${error.name}: ` : '';
    return `${name}${error.message}`;
  }
  return String(error);
}
