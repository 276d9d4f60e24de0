import {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  DEFAULT_SECURITY_PROCESS,
  EntitySecurityResponse,
  SecurityGuidance,
  SecurityOverviewResponse,
  SecuritySignal,
  UnscopedSecuritySignal,
  activeSecurityAlerts,
} from '@opsportal/plugin-ops-common';
import { AlarmsProvider, MetricsProvider } from '@opsportal/plugin-ops-node';
import { Clock } from '../lib/clock';
import { SingleFlight } from '../lib/singleFlight';
import { memoView } from '../lib/viewResponse';
import { SnapshotStore, StoredSnapshot } from '../snapshots/SnapshotStore';
import { SecurityConfig } from './config';
import { SecurityScope, collectSecuritySignals, entityScope } from './collect';

/** Snapshot kind of the platform's signals (key `platform`). */
export const SECURITY_KIND = 'security';
/** Snapshot kind of one service's signals (key: its entity ref). */
export const SECURITY_ENTITY_KIND = 'security-entity';
const PLATFORM_KEY = 'platform';

/** Services whose signals are fetched in one round of provider requests. */
const ENTITIES_PER_BATCH = 100;

/** The entities a refresh scopes signals to: services. */
const SERVICE_FILTER = { kind: 'component', 'spec.type': 'service' };
const ENTITY_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.annotations',
];

/** What a refresh stores per scope. */
export interface SecuritySnapshot {
  computedAt: string;
  signals: SecuritySignal[];
}

export interface SecurityServiceOptions {
  config: SecurityConfig;
  snapshots: SnapshotStore;
  catalog: CatalogService;
  auth: AuthService;
  metrics?: MetricsProvider;
  alarms?: AlarmsProvider;
  logger: LoggerService;
  clock: Clock;
}

/**
 * Security signals of the platform and of each service: a scheduled refresh
 * reads them (lib: collect.ts) and keeps them as snapshots; reads answer
 * from the snapshots and add the contacts and the incident process from
 * config. A scope never refreshed yet is fetched on demand.
 */
export class SecurityService {
  private readonly inFlight = new SingleFlight<void>();

  constructor(private readonly options: SecurityServiceOptions) {}

  /** Whether any signal is scoped to services (`perEntity`). */
  get scopesEntities(): boolean {
    return this.options.config.metrics.some(m => m.perEntity);
  }

  /** The contacts and the incident process, as configured. */
  guidance(): SecurityGuidance {
    const { contacts, process } = this.options.config;
    return {
      contacts,
      process: process
        ? process.map((p, i) => ({ step: i + 1, ...p }))
        : DEFAULT_SECURITY_PROCESS,
    };
  }

  /**
   * Refreshes the platform's signals and those of every service: the
   * platform and the first services in one round of provider requests (and
   * one alarm listing), further services `ENTITIES_PER_BATCH` at a time.
   */
  async refreshAll(signal?: AbortSignal): Promise<void> {
    const { config, catalog, auth, snapshots, logger } = this.options;
    if (config.metrics.length === 0) return;
    const started = Date.now();
    let scopes: SecurityScope[] = [];
    if (this.scopesEntities) {
      const { items } = await catalog.getEntities(
        { filter: SERVICE_FILTER, fields: ENTITY_FIELDS },
        { credentials: await auth.getOwnServiceCredentials() },
      );
      scopes = items
        .map(e => entityScope(stringifyEntityRef(e), e, config.metrics).scope)
        .filter(s => s.values!.size > 0);
    }
    const rounds: SecurityScope[][] = [];
    for (let i = 0; i < Math.max(1, scopes.length); i += ENTITIES_PER_BATCH) {
      rounds.push(scopes.slice(i, i + ENTITIES_PER_BATCH));
    }
    rounds[0].unshift({ key: PLATFORM_KEY });
    for (const round of rounds) await this.refreshScopes(round, signal);
    if (this.scopesEntities) {
      await snapshots.retain(
        SECURITY_ENTITY_KIND,
        scopes.map(s => s.key),
      );
    }
    logger.info(
      `security refresh: platform and ${scopes.length} services, ${
        Date.now() - started
      } ms`,
    );
  }

  /** Reads the signals of the scopes and stores them as snapshots. */
  private async refreshScopes(
    scopes: SecurityScope[],
    signal?: AbortSignal,
  ): Promise<void> {
    const { config, snapshots, clock, logger } = this.options;
    const now = clock.now();
    const collected = await collectSecuritySignals({
      scopes,
      metrics: config.metrics,
      metricsProvider: this.options.metrics,
      alarmsProvider: this.options.alarms,
      now,
      region: config.region,
      signal,
    });
    const entries = new Map<
      string,
      { key: string; data: SecuritySnapshot }[]
    >();
    for (const [key, signals] of collected) {
      const kind = key === PLATFORM_KEY ? SECURITY_KIND : SECURITY_ENTITY_KIND;
      const failed = signals.filter(s => s.error);
      if (signals.length > 0 && failed.length === signals.length) {
        // Nothing could be read: the last good snapshot stays, marked stale.
        const message = failed[0].error!;
        logger.warn(`security refresh of ${key} failed: ${message}`);
        await snapshots.markFailed(kind, key, message);
      } else {
        const list = entries.get(kind) ?? [];
        list.push({ key, data: { computedAt: now.toISOString(), signals } });
        entries.set(kind, list);
      }
    }
    for (const [kind, list] of entries) await snapshots.putMany(kind, list);
  }

  /** The platform's signals with the contacts and the process. */
  async getOverview(): Promise<SecurityOverviewResponse> {
    const { config, snapshots } = this.options;
    if (config.metrics.length === 0) {
      return {
        configured: false,
        signals: [],
        alerts: [],
        stale: false,
        ...this.guidance(),
      };
    }
    let snapshot = await snapshots.get<SecuritySnapshot>(
      SECURITY_KIND,
      PLATFORM_KEY,
    );
    if (!snapshot) {
      await this.inFlight.do(PLATFORM_KEY, () =>
        this.refreshScopes([{ key: PLATFORM_KEY }]),
      );
      snapshot = await snapshots.get<SecuritySnapshot>(
        SECURITY_KIND,
        PLATFORM_KEY,
      );
    }
    const view = (): SecurityOverviewResponse => ({
      configured: true,
      ...this.view(snapshot),
      ...this.guidance(),
    });
    return snapshot ? memoView(snapshot, 'overview', view) : view();
  }

  /**
   * One service's signals. The caller must be allowed to read the entity
   * (the catalog answers with the caller's credentials; otherwise 404).
   */
  async getEntity(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<EntitySecurityResponse> {
    const entity = await this.options.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity) throw new NotFoundError(`No entity ${entityRef}`);
    const ref = stringifyEntityRef(entity);
    const { scope, unscoped } = entityScope(
      ref,
      entity,
      this.options.config.metrics,
    );
    if (scope.values!.size === 0) {
      return this.entityAnswer(ref, undefined, unscoped, false);
    }
    let snapshot = await this.options.snapshots.get<SecuritySnapshot>(
      SECURITY_ENTITY_KIND,
      ref,
    );
    if (!snapshot) {
      await this.refreshOnDemand(entity, scope);
      snapshot = await this.options.snapshots.get<SecuritySnapshot>(
        SECURITY_ENTITY_KIND,
        ref,
      );
    }
    return this.entityAnswer(ref, snapshot, unscoped);
  }

  private entityAnswer(
    entityRef: string,
    snapshot: StoredSnapshot<SecuritySnapshot> | undefined,
    unscoped: UnscopedSecuritySignal[],
    scoped = true,
  ): EntitySecurityResponse {
    // Without a snapshot: nothing is scoped to the entity (empty, not
    // stale), or its signals could not be read yet.
    const view = snapshot
      ? this.view(snapshot)
      : {
          signals: [],
          alerts: [],
          stale: scoped,
          ...(scoped
            ? {
                error:
                  'The security signals of this service could not be read yet',
              }
            : {}),
        };
    return { entityRef, ...view, unscoped, ...this.guidance() };
  }

  private view(snapshot: StoredSnapshot<SecuritySnapshot> | undefined) {
    const signals = snapshot?.data?.signals ?? [];
    return {
      computedAt: snapshot?.data?.computedAt,
      signals,
      alerts: activeSecurityAlerts(signals),
      fetchedAt: snapshot?.fetchedAt,
      stale: snapshot?.stale ?? true,
      error: snapshot?.error,
    };
  }

  private refreshOnDemand(entity: Entity, scope: SecurityScope) {
    return this.inFlight.do(scope.key, () =>
      this.refreshScopes([scope]).catch(error => {
        this.options.logger.warn(
          `security refresh of ${stringifyEntityRef(entity)} failed: ${error}`,
        );
      }),
    );
  }
}
