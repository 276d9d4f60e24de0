import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  BusinessConfig,
  BusinessMetricConfig,
  BusinessMetricData,
  BusinessMetricView,
  EntityBusinessMetricsResponse,
  buildBusinessMetric,
  businessWindows,
} from '@opsportal/plugin-ops-common';
import {
  MetricDataRequest,
  MetricQuery,
  MetricSeries,
  MetricsProvider,
} from '@opsportal/plugin-ops-node';
import { Clock } from '../lib/clock';
import { SingleFlight } from '../lib/singleFlight';
import { SnapshotStore, StoredSnapshot } from '../snapshots/SnapshotStore';

/** Snapshot kind of one business metric (key: the metric's id). */
export const BUSINESS_KIND = 'business-metric';

/** Metrics read together: same provider, region and period. */
interface MetricGroup {
  provider: 'cloudwatch' | 'prometheus';
  region?: string;
  period: number;
  metrics: BusinessMetricConfig[];
}

/** Outcome of a refresh. */
export interface BusinessRefreshResult {
  metrics: number;
  failed: number;
  /** Provider requests made (two per group: today and a week ago). */
  requests: number;
}

export interface BusinessMetricsServiceOptions {
  config: BusinessConfig;
  snapshots: SnapshotStore;
  catalog: CatalogService;
  /** The metrics provider (routing by `request.provider`), if any is installed. */
  metrics: MetricsProvider | undefined;
  logger: LoggerService;
  clock: Clock;
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const name = error.name && error.name !== 'Error' ? `${error.name}: ` : '';
    return `${name}${error.message}`;
  }
  return String(error);
}

/** The metrics of a refresh grouped so that each group is one request per window. */
export function groupBusinessMetrics(
  metrics: BusinessMetricConfig[],
): MetricGroup[] {
  const groups = new Map<string, MetricGroup>();
  for (const metric of metrics) {
    const provider = metric.prometheus ? 'prometheus' : 'cloudwatch';
    const region = metric.cloudwatch?.region;
    const key = `${provider}|${region ?? ''}|${metric.period}`;
    const group = groups.get(key) ?? {
      provider,
      region,
      period: metric.period,
      metrics: [],
    };
    group.metrics.push(metric);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** The provider query of one metric. */
function queryOf(metric: BusinessMetricConfig, id: string): MetricQuery {
  if (metric.prometheus) {
    return {
      id,
      promql: metric.prometheus.query,
      period: metric.period,
      label: metric.id,
    };
  }
  const cw = metric.cloudwatch!;
  return {
    id,
    metric: {
      namespace: cw.namespace,
      metricName: cw.metricName,
      dimensions: cw.dimensions,
    },
    stat: cw.stat,
    period: metric.period,
    label: metric.id,
  };
}

/**
 * Business metrics (docs/business-metrics.md): a scheduled refresh reads
 * every configured metric's last 24 hours and the same 24 hours a week
 * earlier (one provider request per window for each provider, region and
 * period), compares the last complete period with last week's and keeps
 * each metric as a snapshot; entity pages read the snapshots.
 */
export class BusinessMetricsService {
  private readonly inFlight = new SingleFlight<BusinessRefreshResult>();

  constructor(private readonly options: BusinessMetricsServiceOptions) {}

  /** Refreshes every configured metric (the scheduled task), once at a time per replica. */
  refresh(signal?: AbortSignal): Promise<BusinessRefreshResult> {
    return this.inFlight.do('all', () => this.refreshNow(signal));
  }

  private async refreshNow(
    signal?: AbortSignal,
  ): Promise<BusinessRefreshResult> {
    const { config, snapshots, logger } = this.options;
    const started = Date.now();
    const result: BusinessRefreshResult = {
      metrics: config.metrics.length,
      failed: 0,
      requests: 0,
    };
    for (const group of groupBusinessMetrics(config.metrics)) {
      const now = this.options.clock.now().getTime();
      try {
        const provider = this.options.metrics;
        if (!provider) {
          throw new Error(
            'No metrics provider is installed: add @opsportal/plugin-ops-backend-module-cloudwatch (or the Prometheus module) to the backend',
          );
        }
        const windows = businessWindows(now, group.period);
        const queries = group.metrics.map((m, i) => queryOf(m, `b${i}`));
        const request = (w: { start: number; end: number }) => {
          const r: MetricDataRequest = {
            queries,
            start: new Date(w.start),
            end: new Date(w.end),
            provider: group.provider,
            signal,
          };
          if (group.region) r.region = group.region;
          return provider.getMetricData(r);
        };
        const [today, lastWeek] = await Promise.all([
          request(windows.today),
          request(windows.lastWeek),
        ]);
        result.requests += 2;
        const byId = (series: MetricSeries[]) =>
          new Map(series.map(s => [s.id, s]));
        const todayById = byId(today);
        const lastWeekById = byId(lastWeek);
        const good: { key: string; data: BusinessMetricData }[] = [];
        for (const [i, metric] of group.metrics.entries()) {
          const t = todayById.get(`b${i}`);
          const w = lastWeekById.get(`b${i}`);
          const refused = t?.error ?? w?.error;
          if (!t || !w || refused) {
            result.failed += 1;
            const message = refused
              ? `The ${group.provider} query of ${metric.id} was refused: ${refused}`
              : `No answer for ${metric.id} from ${group.provider}`;
            logger.warn(`business metrics: ${message}`);
            await snapshots.markFailed(BUSINESS_KIND, metric.id, message);
            continue;
          }
          good.push({
            key: metric.id,
            data: buildBusinessMetric(metric, { today: t, lastWeek: w }, now),
          });
        }
        if (good.length > 0) await snapshots.putMany(BUSINESS_KIND, good);
      } catch (error) {
        const message = describeError(error);
        logger.warn(
          `business metrics refresh of ${group.metrics.length} ${group.provider} metrics failed: ${message}`,
        );
        result.failed += group.metrics.length;
        for (const metric of group.metrics) {
          await snapshots.markFailed(BUSINESS_KIND, metric.id, message);
        }
      }
    }
    await snapshots.retain(
      BUSINESS_KIND,
      config.metrics.map(m => m.id),
    );
    logger.info(
      `business metrics refresh: ${result.metrics} metrics, ${
        result.failed
      } failed, ${result.requests} provider requests, ${
        Date.now() - started
      } ms`,
    );
    return result;
  }

  /**
   * The metrics configured for an entity the user may see; for a
   * component, also its system's metrics that are not its own (folded on
   * the card), when the user may see the system. Metrics never refreshed
   * yet are read now (one refresh of all, shared by concurrent views).
   */
  async getEntityMetrics(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<EntityBusinessMetricsResponse> {
    const { catalog, config } = this.options;
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) throw new NotFoundError(`No entity ${entityRef}`);
    const ref = stringifyEntityRef(entity);
    const own = config.metrics.filter(m => m.entities.includes(ref));

    let system:
      | { ref: string; entity: Entity; metrics: BusinessMetricConfig[] }
      | undefined;
    const systemRef = systemOf(entity);
    if (systemRef) {
      const theirs = config.metrics.filter(
        m => m.entities.includes(systemRef) && !own.includes(m),
      );
      if (theirs.length > 0) {
        const systemEntity = await catalog.getEntityByRef(systemRef, {
          credentials,
        });
        if (systemEntity) {
          system = { ref: systemRef, entity: systemEntity, metrics: theirs };
        }
      }
    }

    const wanted = [...own, ...(system?.metrics ?? [])];
    const stored = await this.readSnapshots(wanted.map(m => m.id));
    const view = (metric: BusinessMetricConfig) =>
      metricView(metric, stored.get(metric.id));
    return {
      entityRef: ref,
      metrics: own.map(view),
      system: system && {
        entityRef: system.ref,
        title: system.entity.metadata.title,
        metrics: system.metrics.map(view),
      },
      generatedAt: this.options.clock.now().toISOString(),
    };
  }

  private async readSnapshots(ids: string[]) {
    if (ids.length === 0)
      return new Map<string, StoredSnapshot<BusinessMetricData>>();
    let stored = await this.options.snapshots.getMany<BusinessMetricData>(
      BUSINESS_KIND,
      ids,
    );
    if (ids.some(id => !stored.has(id))) {
      await this.refresh();
      stored = await this.options.snapshots.getMany<BusinessMetricData>(
        BUSINESS_KIND,
        ids,
      );
    }
    return stored;
  }
}

/** The system a component is part of (`spec.system`), as a full ref. */
function systemOf(entity: Entity): string | undefined {
  if (entity.kind.toLowerCase() !== 'component') return undefined;
  const value = (entity.spec as { system?: unknown } | undefined)?.system;
  if (typeof value !== 'string' || !value) return undefined;
  try {
    return stringifyEntityRef(
      parseEntityRef(value, {
        defaultKind: 'system',
        defaultNamespace: entity.metadata.namespace ?? 'default',
      }),
    );
  } catch {
    return undefined;
  }
}

/** A metric's view from its snapshot; without data, an empty view saying why. */
function metricView(
  metric: BusinessMetricConfig,
  snapshot: StoredSnapshot<BusinessMetricData> | undefined,
): BusinessMetricView {
  const freshness = {
    fetchedAt: snapshot?.fetchedAt,
    stale: snapshot?.stale ?? true,
    error: snapshot?.error,
  };
  if (snapshot?.data) {
    // The configured title, even when the data was read before it changed.
    return { ...snapshot.data, title: metric.title, ...freshness };
  }
  return {
    id: metric.id,
    title: metric.title,
    unit: metric.unit,
    currency: metric.currency,
    per: metric.per,
    periodSeconds: metric.period,
    source: metric.prometheus ? 'prometheus' : 'cloudwatch',
    higherIsBetter: metric.higherIsBetter,
    deviationShare: metric.deviationShare,
    flagged: false,
    comparison: 'unknown',
    reason: 'Not read yet',
    series: [],
    lastWeekSeries: [],
    ...freshness,
    error: freshness.error ?? 'This metric has not been read yet',
  };
}
