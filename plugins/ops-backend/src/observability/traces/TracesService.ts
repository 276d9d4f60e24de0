/*
 * Traces of an entity (docs/observability.md#traces): X-Ray console links
 * for the services its `opsportal.dev/xray-service` annotation names, and
 * their last hour from X-Ray's service graph (requests, error and fault
 * rates, p50/p95/p99) when a traces provider is installed (the CloudWatch
 * module registers X-Ray's).
 *
 * Read on demand, cached: `forEntity` answers from the plugin's cache
 * (coreServices.cache, shared by replicas) while the statistics are younger
 * than `ops.observability.traces.cacheSeconds` (default 300); the first view
 * after that asks X-Ray once (concurrent views share the call; it is
 * bounded by `timeoutSeconds`). A failure is remembered for a minute (at
 * most the cache time) so views do not hammer X-Ray, and the last good
 * statistics are served with `stale: true` and the error. Chosen over a
 * refresh task because one GetServiceGraph call answers a whole entity and
 * X-Ray bills per call: only entities someone looks at cost anything.
 * `refresh(entities)` fills the cache ahead of views with one call per
 * region for many entities, for a task that wants pages never to wait.
 *
 * Wiring (the observability feature's index.ts):
 *   const traces = TracesService.fromConfig(config, { provider, logger, cache });
 *   new ObservabilityService({ ..., traces });
 */
import { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_CLOUDWATCH_REGION,
  ANNOTATION_XRAY_SERVICE,
  EntityTraces,
  EntityTraceService,
  splitAnnotation,
} from '@opsportal/plugin-ops-common';
import { TraceServiceStats, TracesProvider } from '@opsportal/plugin-ops-node';
import { Clock, systemClock } from '../../lib/clock';
import { describeError, PartCache } from './partCache';
import { xrayConsoleUrls } from './xrayLinks';

const HOUR = 3_600_000;
/** Failures are not retried sooner than this (nor later than the cache time). */
const RETRY_MS = 60_000;

/** Settings of the traces part (`ops.observability.traces`). */
export interface TracesConfig {
  /** Seconds the statistics are served before X-Ray is asked again. */
  cacheSeconds: number;
  /** Seconds one read of the service graph may take. */
  timeoutSeconds: number;
  /** Region of entities without `opsportal.dev/cloudwatch-region`. */
  defaultRegion: string;
}

/** Reads `ops.observability.traces` (and the default region of `ops.cloudwatch`). */
export function readTracesConfig(config: Config): TracesConfig {
  const t = config.getOptionalConfig('ops.observability.traces');
  const number = (key: string, fallback: number, min: number, max: number) => {
    const value = t?.getOptionalNumber(key) ?? fallback;
    if (!(Number.isFinite(value) && value >= min && value <= max)) {
      throw new Error(
        `ops.observability.traces.${key} must be a number from ${min} to ${max}, got ${value}`,
      );
    }
    return value;
  };
  return {
    cacheSeconds: number('cacheSeconds', 300, 10, 86_400),
    timeoutSeconds: number('timeoutSeconds', 20, 1, 300),
    defaultRegion:
      config.getOptionalString('ops.cloudwatch.region') ?? 'us-east-1',
  };
}

/** The services an entity's traces are under (`opsportal.dev/xray-service`, comma separated). */
export function xrayServicesOf(entity: Entity): string[] {
  return [
    ...new Set(
      splitAnnotation(entity.metadata.annotations?.[ANNOTATION_XRAY_SERVICE]),
    ),
  ];
}

function regionOf(entity: Entity, fallback: string): string {
  return (
    entity.metadata.annotations?.[ANNOTATION_CLOUDWATCH_REGION]?.trim() ||
    fallback
  );
}

/** Statistics of one service as the card shows them. */
export function toEntityTraceService(
  name: string,
  stats: TraceServiceStats | undefined,
): EntityTraceService {
  const requests = stats?.requests ?? 0;
  return {
    name,
    requests,
    faultRate: requests > 0 ? stats!.faults / requests : null,
    errorRate: requests > 0 ? stats!.errors / requests : null,
    latency: stats ? { ...stats.latency } : { p50: null, p95: null, p99: null },
  };
}

/** Traces of entities; see the file header. */
export class TracesService {
  private readonly parts: PartCache<EntityTraceService[]>;

  static fromConfig(
    config: Config,
    options: {
      provider?: TracesProvider;
      logger: LoggerService;
      cache?: CacheService;
      clock?: Clock;
    },
  ): TracesService {
    return new TracesService({ ...options, config: readTracesConfig(config) });
  }

  constructor(
    private readonly options: {
      provider?: TracesProvider;
      config: TracesConfig;
      logger: LoggerService;
      cache?: CacheService;
      clock?: Clock;
    },
  ) {
    this.parts = new PartCache({
      cache: options.cache,
      clock: this.clock,
      logger: options.logger,
      freshMs: options.config.cacheSeconds * 1000,
      retryMs: Math.min(RETRY_MS, options.config.cacheSeconds * 1000),
      describe: describeError,
    });
  }

  private get clock(): Clock {
    return this.options.clock ?? systemClock;
  }

  /** The entity's traces, or null without `opsportal.dev/xray-service`. */
  async forEntity(entity: Entity): Promise<EntityTraces | null> {
    const services = xrayServicesOf(entity);
    if (services.length === 0) return null;
    const region = regionOf(entity, this.options.config.defaultRegion);
    const links = xrayConsoleUrls({ region, services });
    const base = { services, region, ...links };
    const { provider } = this.options;
    if (!provider) return { ...base, stale: false };
    const entry = await this.parts.read(cacheKey(region, services), () =>
      this.fetch(provider, region, services),
    );
    return {
      ...base,
      ...(entry.value ? { stats: entry.value, statsWindow: '1h' } : {}),
      ...(entry.fetchedAt !== undefined
        ? { fetchedAt: new Date(entry.fetchedAt).toISOString() }
        : {}),
      stale: entry.error !== undefined && entry.value !== undefined,
      ...(entry.error ? { error: entry.error } : {}),
    };
  }

  /**
   * Reads the last hour of many entities' services at once (one
   * GetServiceGraph sequence per region) into the cache, so their views
   * need not wait. Entities without the annotation are skipped.
   */
  async refresh(entities: Entity[], signal?: AbortSignal): Promise<void> {
    const { provider } = this.options;
    if (!provider) return;
    const byRegion = new Map<string, string[][]>();
    for (const entity of entities) {
      const services = xrayServicesOf(entity);
      if (services.length === 0) continue;
      const region = regionOf(entity, this.options.config.defaultRegion);
      byRegion.set(region, [...(byRegion.get(region) ?? []), services]);
    }
    for (const [region, lists] of byRegion) {
      const all = [...new Set(lists.flat())];
      try {
        const stats = await this.ask(provider, region, all, signal);
        for (const services of lists) {
          await this.parts.put(
            cacheKey(region, services),
            services.map(name => toEntityTraceService(name, stats.get(name))),
          );
        }
      } catch (error) {
        if (signal?.aborted) throw error;
        for (const services of lists) {
          await this.parts.fail(cacheKey(region, services), error);
        }
      }
    }
  }

  private async fetch(
    provider: TracesProvider,
    region: string,
    services: string[],
  ): Promise<EntityTraceService[]> {
    const stats = await this.ask(provider, region, services);
    return services.map(name => toEntityTraceService(name, stats.get(name)));
  }

  private async ask(
    provider: TracesProvider,
    region: string,
    services: string[],
    signal?: AbortSignal,
  ): Promise<Map<string, TraceServiceStats>> {
    const end = this.clock.now().getTime();
    const timeout = AbortSignal.timeout(
      this.options.config.timeoutSeconds * 1000,
    );
    const stats = await provider.getServiceStats({
      services,
      start: new Date(end - HOUR),
      end: new Date(end),
      region,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    return new Map(stats.map(s => [s.name, s]));
  }
}

function cacheKey(region: string, services: string[]): string {
  return `observability:traces:v1:${region}:${[...services].sort().join(',')}`;
}
