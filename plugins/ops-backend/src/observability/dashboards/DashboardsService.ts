/*
 * Dashboards of an entity (docs/observability.md#dashboards), from the
 * community Grafana plugin's annotations:
 *
 * - `grafana/overview-dashboard`: the entity's main dashboard, an http(s)
 *   URL (or a path such as `/d/<uid>/<slug>` on the configured Grafana),
 *   listed first with `source: 'annotation'`; anything else is reported in
 *   `error`.
 * - `grafana/dashboard-selector`: parsed (selector.ts) and evaluated
 *   against the dashboards the provider's search returns. The search asks
 *   only for the tags the selector requires (one search per alternative of
 *   an `||`, at most 8; every dashboard when it requires none), then the
 *   whole selector filters the hits. Results are kept per selector in the
 *   plugin's cache for `ops.observability.dashboards.cacheSeconds` (default
 *   600); a failed search serves the last good list, stale, with the error.
 *
 * Without a dashboards provider (no `ops.grafana.baseUrl`), only the
 * overview link is answered, with `searchConfigured: false`.
 *
 * Wiring (the observability feature's index.ts):
 *   const dashboards = DashboardsService.fromConfig(config, { provider, logger, cache });
 *   new ObservabilityService({ ..., dashboards });
 */
import { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_GRAFANA_DASHBOARD_SELECTOR,
  ANNOTATION_GRAFANA_OVERVIEW_DASHBOARD,
  EntityDashboard,
  EntityDashboards,
} from '@opsportal/plugin-ops-common';
import {
  DashboardInfo,
  DashboardsProvider,
  mapWithConcurrency,
} from '@opsportal/plugin-ops-node';
import { Clock, systemClock } from '../../lib/clock';
import { describeError, PartCache } from '../traces/partCache';
import {
  matchesSelector,
  parseSelector,
  requiredTagSets,
  SelectorError,
} from './selector';

const RETRY_MS = 60_000;

/** Settings of the dashboards part (`ops.observability.dashboards`). */
export interface DashboardsConfig {
  /** Seconds a search's result is served before Grafana is asked again. */
  cacheSeconds: number;
  /** Dashboards shown per entity at most. */
  maxDashboards: number;
}

export function readDashboardsConfig(config: Config): DashboardsConfig {
  const d = config.getOptionalConfig('ops.observability.dashboards');
  const number = (key: string, fallback: number, min: number, max: number) => {
    const value = d?.getOptionalNumber(key) ?? fallback;
    if (!(Number.isFinite(value) && value >= min && value <= max)) {
      throw new Error(
        `ops.observability.dashboards.${key} must be a number from ${min} to ${max}, got ${value}`,
      );
    }
    return value;
  };
  return {
    cacheSeconds: number('cacheSeconds', 600, 10, 86_400),
    maxDashboards: Math.floor(number('maxDashboards', 50, 1, 1000)),
  };
}

/** Dashboards of entities; see the file header. */
export class DashboardsService {
  private readonly parts: PartCache<DashboardInfo[]>;

  static fromConfig(
    config: Config,
    options: {
      provider?: DashboardsProvider;
      logger: LoggerService;
      cache?: CacheService;
      clock?: Clock;
    },
  ): DashboardsService {
    return new DashboardsService({
      ...options,
      config: readDashboardsConfig(config),
    });
  }

  constructor(
    private readonly options: {
      provider?: DashboardsProvider;
      config: DashboardsConfig;
      logger: LoggerService;
      cache?: CacheService;
      clock?: Clock;
    },
  ) {
    this.parts = new PartCache({
      cache: options.cache,
      clock: options.clock ?? systemClock,
      logger: options.logger,
      freshMs: options.config.cacheSeconds * 1000,
      retryMs: Math.min(RETRY_MS, options.config.cacheSeconds * 1000),
      describe: describeError,
    });
  }

  /** The entity's dashboards, or null without either Grafana annotation. */
  async forEntity(entity: Entity): Promise<EntityDashboards | null> {
    const annotations = entity.metadata.annotations ?? {};
    const selector = annotations[ANNOTATION_GRAFANA_DASHBOARD_SELECTOR]?.trim();
    const overview = annotations[ANNOTATION_GRAFANA_OVERVIEW_DASHBOARD]?.trim();
    if (!selector && !overview) return null;
    const { provider } = this.options;
    const errors: string[] = [];
    const dashboards: EntityDashboard[] = [];

    if (overview) {
      const url = this.overviewUrl(overview);
      if (url) {
        dashboards.push({
          title: 'Overview dashboard',
          url,
          source: 'annotation',
        });
      } else {
        errors.push(
          `${ANNOTATION_GRAFANA_OVERVIEW_DASHBOARD} must be an http(s) URL${
            provider ? ' or a path on the configured Grafana' : ''
          }, got "${overview}"`,
        );
      }
    }

    let fetchedAt: number | undefined;
    let stale = false;
    if (selector && provider) {
      try {
        const expr = parseSelector(selector);
        const entry = await this.parts.read(
          `observability:dashboards:v1:${provider.id}:${selector}`,
          () => this.search(provider, selector),
        );
        fetchedAt = entry.fetchedAt;
        if (entry.error) {
          errors.push(entry.error);
          stale = entry.value !== undefined;
        }
        const shown = new Set(dashboards.map(d => d.url));
        for (const hit of entry.value ?? []) {
          // Filtered again: a cached list may be shared with an equal selector only.
          if (!matchesSelector(expr, contextOf(hit)) || shown.has(hit.url)) {
            continue;
          }
          shown.add(hit.url);
          if (dashboards.length >= this.options.config.maxDashboards) break;
          dashboards.push({
            title: hit.title,
            url: hit.url,
            source: 'search',
            tags: hit.tags,
            ...(hit.folder ? { folder: hit.folder } : {}),
          });
        }
      } catch (error) {
        if (!(error instanceof SelectorError)) throw error;
        errors.push(
          `${ANNOTATION_GRAFANA_DASHBOARD_SELECTOR} does not parse: ${error.message}`,
        );
      }
    }

    return {
      ...(selector ? { selector } : {}),
      dashboards,
      searchConfigured: !!provider,
      ...(fetchedAt !== undefined
        ? { fetchedAt: new Date(fetchedAt).toISOString() }
        : {}),
      stale,
      ...(errors.length > 0 ? { error: errors.join('; ') } : {}),
    };
  }

  /** Dashboards the selector matches: searched by its required tags, then filtered. */
  private async search(
    provider: DashboardsProvider,
    selector: string,
  ): Promise<DashboardInfo[]> {
    const expr = parseSelector(selector);
    const tagSets = requiredTagSets(expr) ?? [[]];
    const results = await mapWithConcurrency(tagSets, 2, tags =>
      provider.searchDashboards(tags.length > 0 ? { tags } : {}),
    );
    const byUid = new Map<string, DashboardInfo>();
    for (const hit of results.flat()) {
      if (matchesSelector(expr, contextOf(hit))) byUid.set(hit.uid, hit);
    }
    return [...byUid.values()].sort((a, b) => a.title.localeCompare(b.title));
  }

  private overviewUrl(value: string): string | undefined {
    const base = this.options.provider?.baseUrl;
    try {
      let url: URL | undefined;
      if (!value.startsWith('/')) url = new URL(value);
      else if (base) url = new URL(value, `${base}/`);
      if (url && (url.protocol === 'http:' || url.protocol === 'https:')) {
        // A path keeps Grafana's sub path: resolved under the base, not its host.
        return value.startsWith('/') && base
          ? `${base}${value}`
          : url.toString();
      }
    } catch {
      // not a URL
    }
    return undefined;
  }
}

function contextOf(hit: DashboardInfo) {
  return {
    title: hit.title,
    tags: hit.tags,
    url: hit.url,
    ...(hit.folder ? { folderTitle: hit.folder } : {}),
  };
}
