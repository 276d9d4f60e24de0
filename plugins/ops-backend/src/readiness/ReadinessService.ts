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
  ChangeMeasures,
  EntityReadinessFacts,
  isCapacityConfigured,
  isOnCallConfigured,
  isRunbooksConfigured,
  isSloConfigured,
  ReadinessAlarmFacts,
  ReadinessCapacityFacts,
  ReadinessChangeFacts,
  ReadinessFactsResponse,
  ReadinessOnCallFacts,
  ReadinessRunbookFacts,
  ReadinessSloFacts,
} from '@opsportal/plugin-ops-common';
import type { CapacityService } from '../capacity';
import type { ChangeRequestService } from '../changes';
import type { OnCallService } from '../oncall';
import type { RunbooksService } from '../runbooks';
import type { SloService } from '../slo';
import { Clock, systemClock } from '../lib/clock';

const DAY_MS = 86_400_000;

/** The window the change success rate is computed over (the seed's KPI period). */
export const READINESS_CHANGE_PERIOD_DAYS = 90;

/** The kinds whose readiness is graded. */
const READINESS_KINDS = ['component', 'resource'];

/** The features the readiness facts are read from, each through its service. */
export interface ReadinessSources {
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  slo: Pick<SloService, 'getEntitySlos'>;
  oncall: Pick<OnCallService, 'getEntityOnCall'>;
  runbooks: Pick<RunbooksService, 'getEntityRunbooks'>;
  capacity: Pick<CapacityService, 'getEntityCapacity'>;
  changes: Pick<ChangeRequestService, 'measures'>;
  clock?: Clock;
}

/** Whether the entity has any ops configuration to grade. */
export function hasOpsConfiguration(entity: Entity): boolean {
  return (
    isSloConfigured(entity) ||
    isOnCallConfigured(entity) ||
    isRunbooksConfigured(entity) ||
    isCapacityConfigured(entity)
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Code-unit order, the same as the cursor comparison. */
function compareRefs(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * Operational readiness facts of catalog entities for scorecards (Tech
 * Insights): read from the SLO, on-call, runbooks, capacity and change
 * services with the plugin's own service credentials. A feature that
 * fails answers its part with `error` and the others are still given.
 */
export class ReadinessService {
  private readonly clock: Clock;

  constructor(private readonly sources: ReadinessSources) {
    this.clock = sources.clock ?? systemClock;
  }

  /**
   * Facts of the named entities, or (without names) a page of the
   * catalog's components and resources that have ops configuration, in
   * entity ref order after `cursor`.
   */
  async getFacts(options: {
    entityRefs?: string[];
    cursor?: string;
    limit: number;
  }): Promise<ReadinessFactsResponse> {
    const credentials = await this.sources.auth.getOwnServiceCredentials();
    const now = this.clock.now();
    let entities: Entity[];
    const notFound: string[] = [];
    let nextCursor: string | undefined;
    if (options.entityRefs && options.entityRefs.length > 0) {
      const refs = [
        ...new Set(
          options.entityRefs.map(r =>
            stringifyEntityRef(
              parseEntityRef(r, {
                defaultKind: 'component',
                defaultNamespace: 'default',
              }),
            ),
          ),
        ),
      ];
      const { items } = await this.sources.catalog.getEntitiesByRefs(
        { entityRefs: refs },
        { credentials },
      );
      entities = [];
      items.forEach((entity, i) => {
        if (entity) entities.push(entity);
        else notFound.push(refs[i]);
      });
    } else {
      const { items } = await this.sources.catalog.getEntities(
        { filter: { kind: READINESS_KINDS } },
        { credentials },
      );
      const all = items
        .filter(hasOpsConfiguration)
        .map(entity => ({ entity, ref: stringifyEntityRef(entity) }))
        .sort((a, b) => compareRefs(a.ref, b.ref));
      const after = options.cursor
        ? all.filter(e => e.ref > options.cursor!)
        : all;
      const page = after.slice(0, options.limit);
      entities = page.map(e => e.entity);
      if (after.length > page.length) nextCursor = page[page.length - 1].ref;
    }

    const changes = await this.changeMeasures(entities, now, credentials);
    const items = await Promise.all(
      entities.map(entity =>
        this.entityFacts(entity, now, credentials, changes),
      ),
    );
    return {
      generatedAt: now.toISOString(),
      items,
      notFound,
      ...(nextCursor ? { nextCursor } : {}),
    };
  }

  private async changeMeasures(
    entities: Entity[],
    now: Date,
    credentials: BackstageCredentials,
  ): Promise<Map<string, ChangeMeasures> | Error> {
    if (entities.length === 0) return new Map();
    try {
      const report = await this.sources.changes.measures(
        {
          from: new Date(now.getTime() - READINESS_CHANGE_PERIOD_DAYS * DAY_MS),
          to: now,
        },
        { credentials },
      );
      return new Map(
        report.services.map(s => [s.entityRef.toLocaleLowerCase('en-US'), s]),
      );
    } catch (error) {
      this.sources.logger.warn(
        `readiness: change measures failed: ${messageOf(error)}`,
      );
      return error instanceof Error ? error : new Error(messageOf(error));
    }
  }

  private async entityFacts(
    entity: Entity,
    now: Date,
    credentials: BackstageCredentials,
    changes: Map<string, ChangeMeasures> | Error,
  ): Promise<EntityReadinessFacts> {
    const entityRef = stringifyEntityRef(entity);
    const [slo, oncall, runbooksAndAlarms, capacity] = await Promise.all([
      this.sloFacts(entity),
      this.onCallFacts(entity, entityRef, credentials),
      this.runbookFacts(entity, entityRef, now, credentials),
      this.capacityFacts(entity, entityRef, credentials),
    ]);
    return {
      entityRef,
      slo,
      oncall,
      runbooks: runbooksAndAlarms.runbooks,
      alarms: runbooksAndAlarms.alarms,
      capacity,
      changes: changeFacts(entityRef, changes),
    };
  }

  private async sloFacts(entity: Entity): Promise<ReadinessSloFacts> {
    const configured = isSloConfigured(entity);
    try {
      const { objectives } = await this.sources.slo.getEntitySlos(entity);
      const evaluated = objectives.filter(
        o => o.status && o.status.sli !== null,
      );
      const met = evaluated.filter(
        o => (o.status!.sli as number) >= o.objective.target,
      ).length;
      const remaining = objectives
        .map(o => o.status?.budget.remaining)
        .filter((r): r is number => typeof r === 'number');
      return {
        configured,
        defined: objectives.length,
        evaluated: evaluated.length,
        met,
        allMet:
          objectives.length > 0 &&
          evaluated.length === objectives.length &&
          met === objectives.length,
        lowestErrorBudgetRemainingPercent:
          remaining.length > 0 ? round(Math.min(...remaining) * 100) : null,
      };
    } catch (error) {
      return {
        configured,
        defined: 0,
        evaluated: 0,
        met: 0,
        allMet: false,
        lowestErrorBudgetRemainingPercent: null,
        error: messageOf(error),
      };
    }
  }

  private async onCallFacts(
    entity: Entity,
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<ReadinessOnCallFacts> {
    const configured = isOnCallConfigured(entity);
    if (!configured) {
      return { configured, escalationPolicies: 0, escalationLevels: 0 };
    }
    try {
      const view = await this.sources.oncall.getEntityOnCall(
        entityRef,
        credentials,
      );
      // The policies of its PagerDuty services and those it names itself,
      // each once; the entity is as well covered as its shallowest one.
      const policies = new Map<string, number>();
      for (const policy of [
        ...view.data.services.map(s => s.escalationPolicy),
        ...view.data.escalationPolicies,
      ]) {
        if (policy && !policy.problem) {
          policies.set(policy.id, policy.levels.length);
        }
      }
      const levels = [...policies.values()];
      return {
        configured,
        escalationPolicies: policies.size,
        escalationLevels: levels.length ? Math.min(...levels) : 0,
        ...(view.error ? { error: view.error } : {}),
      };
    } catch (error) {
      return {
        configured,
        escalationPolicies: 0,
        escalationLevels: 0,
        error: messageOf(error),
      };
    }
  }

  private async runbookFacts(
    entity: Entity,
    entityRef: string,
    now: Date,
    credentials: BackstageCredentials,
  ): Promise<{ runbooks: ReadinessRunbookFacts; alarms: ReadinessAlarmFacts }> {
    const configured = isRunbooksConfigured(entity);
    try {
      const answer = await this.sources.runbooks.getEntityRunbooks(
        entityRef,
        credentials,
      );
      const ages = answer.runbooks
        .map(r => (r.lastUpdated ? Date.parse(r.lastUpdated) : NaN))
        .filter(t => Number.isFinite(t))
        .map(t => Math.max(0, Math.floor((now.getTime() - t) / DAY_MS)));
      const stale = answer.runbooks.filter(r => r.stale).length;
      const alarmsError = answer.freshness.alarms.error;
      return {
        runbooks: {
          configured,
          count: answer.runbooks.length,
          stale,
          allFresh: stale === 0,
          newestAgeDays: ages.length ? Math.min(...ages) : null,
          oldestAgeDays: ages.length ? Math.max(...ages) : null,
          staleAfterDays: answer.staleAfterDays,
          ...(answer.freshness.runbooks.error
            ? { error: answer.freshness.runbooks.error }
            : {}),
        },
        alarms: {
          total: answer.counts.alarms,
          withRunbook:
            answer.counts.alarms - answer.counts.alarmsWithoutRunbook,
          withoutRunbook: answer.counts.alarmsWithoutRunbook,
          ...(alarmsError ? { error: alarmsError } : {}),
        },
      };
    } catch (error) {
      const message = messageOf(error);
      return {
        runbooks: {
          configured,
          count: 0,
          stale: 0,
          allFresh: false,
          newestAgeDays: null,
          oldestAgeDays: null,
          staleAfterDays: 0,
          error: message,
        },
        alarms: { total: 0, withRunbook: 0, withoutRunbook: 0, error: message },
      };
    }
  }

  private async capacityFacts(
    entity: Entity,
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<ReadinessCapacityFacts> {
    const configured = isCapacityConfigured(entity);
    const none: ReadinessCapacityFacts = {
      configured,
      metricsWithLimit: 0,
      headroomDays: null,
      limitWithinHorizon: false,
      horizonDays: null,
    };
    if (!configured) return none;
    try {
      const snapshot = await this.sources.capacity.getEntityCapacity(
        entityRef,
        '30d',
        credentials,
      );
      const metrics = (snapshot.data?.metrics ?? []).filter(
        m =>
          m.forecast.status !== 'no-limit' &&
          m.forecast.status !== 'insufficient-data',
      );
      const problem = snapshot.error ? { error: snapshot.error } : {};
      if (metrics.length === 0) return { ...none, ...problem };
      const horizonDays = Math.max(...metrics.map(m => m.forecast.horizonDays));
      let binding: { id: string; days: number } | undefined;
      for (const m of metrics) {
        let days: number | undefined;
        if (m.forecast.status === 'already-over') days = 0;
        else if (m.forecast.status === 'crossing')
          days = m.forecast.daysToLimit;
        if (days === undefined) continue;
        if (!binding || days < binding.days) binding = { id: m.id, days };
      }
      return {
        configured,
        metricsWithLimit: metrics.length,
        headroomDays: binding ? round(binding.days, 1) : horizonDays,
        limitWithinHorizon: binding !== undefined,
        ...(binding ? { bindingMetric: binding.id } : {}),
        horizonDays,
        ...problem,
      };
    } catch (error) {
      return { ...none, error: messageOf(error) };
    }
  }
}

function changeFacts(
  entityRef: string,
  changes: Map<string, ChangeMeasures> | Error,
): ReadinessChangeFacts {
  const base = { periodDays: READINESS_CHANGE_PERIOD_DAYS };
  if (changes instanceof Error) {
    return {
      ...base,
      implemented: 0,
      successful: 0,
      successRatePercent: null,
      error: changes.message,
    };
  }
  const m = changes.get(entityRef.toLocaleLowerCase('en-US'));
  return {
    ...base,
    implemented: m?.changes ?? 0,
    successful: m?.successful ?? 0,
    successRatePercent:
      m && m.changes > 0 && m.successRate !== undefined
        ? round(m.successRate * 100)
        : null,
  };
}
