import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError, serializeError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { STATUS_CODES } from 'node:http';
import type { OpsHealth } from '@opsportal/plugin-ops-common';
import type { CapacityService } from '../capacity';
import type { IncidentsService } from '../incidents';
import type { KpiService } from '../kpis';
import type { OnCallService } from '../oncall';
import type { RunbooksService } from '../runbooks';
import type { SloService } from '../slo';
import { toClientError } from '../lib/errors';

/**
 * The parts of an entity's overview tab, each the answer of one entity
 * route with the cards' first parameters:
 * `health` GET /health, `oncall` GET /oncall/entity, `incidents` GET
 * /incidents/entity, `slos` GET /slos/entity, `runbooks` GET
 * /runbooks/entity, `capacity` GET /capacity/entity (range 30d), `kpis`
 * GET /kpis (scope entity, period 30d).
 */
export const ENTITY_OVERVIEW_PARTS = [
  'health',
  'oncall',
  'incidents',
  'slos',
  'runbooks',
  'capacity',
  'kpis',
] as const;

/** One part of the overview. */
export type EntityOverviewPartName = (typeof ENTITY_OVERVIEW_PARTS)[number];

/**
 * A part's answer: the status its own route would give, and its body, or
 * its error as the backend's error middleware serialises it (with the
 * headers the route would set, e.g. Retry-After).
 */
export type EntityOverviewPart =
  | { status: number; body: unknown }
  | {
      status: number;
      statusText: string;
      error: ReturnType<typeof serializeError>;
      headers?: Record<string, string>;
    };

/** The answer of GET /overview/entity. */
export interface EntityOverviewResponse {
  entityRef: string;
  parts: Partial<Record<EntityOverviewPartName, EntityOverviewPart>>;
}

/** The features the overview reads, each through its service. */
export interface EntityOverviewSources {
  catalog: CatalogService;
  oncall: Pick<OnCallService, 'getEntityOnCall'>;
  incidents: Pick<IncidentsService, 'getEntityIncidents'>;
  slo: Pick<SloService, 'getEntitySlos'>;
  runbooks: Pick<RunbooksService, 'getEntityRunbooks'>;
  capacity: Pick<CapacityService, 'getEntityCapacity'>;
  kpis: Pick<KpiService, 'report'>;
  /** GET /health's answer (lib/telemetry); `{ status: 'ok' }` without it. */
  health?: () => Promise<OpsHealth>;
}

/** The status the backend's error middleware gives an error. */
function statusOf(error: Error): number {
  const explicit = (error as { statusCode?: unknown }).statusCode;
  if (typeof explicit === 'number') return explicit;
  switch (error.name) {
    case 'InputError':
      return 400;
    case 'AuthenticationError':
      return 401;
    case 'NotAllowedError':
      return 403;
    case 'NotFoundError':
      return 404;
    case 'ConflictError':
      return 409;
    case 'NotModifiedError':
      return 304;
    case 'NotImplementedError':
      return 501;
    case 'ServiceUnavailableError':
      return 503;
    default:
      return 500;
  }
}

/**
 * An entity page's overview in one request: the cards' answers, read in
 * parallel from the features' services with the caller's credentials, each
 * part answered (or failed) exactly as its own route would, so one failing
 * feature never fails the others.
 */
export class EntityOverviewService {
  constructor(
    private readonly sources: EntityOverviewSources,
    private readonly logger: LoggerService,
  ) {}

  private read(
    part: EntityOverviewPartName,
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<unknown> {
    const s = this.sources;
    switch (part) {
      case 'health':
        return s.health ? s.health() : Promise.resolve({ status: 'ok' });
      case 'oncall':
        return s.oncall.getEntityOnCall(entityRef, credentials);
      case 'incidents':
        return s.incidents.getEntityIncidents(entityRef, credentials);
      case 'runbooks':
        return s.runbooks.getEntityRunbooks(entityRef, credentials);
      case 'capacity':
        return s.capacity.getEntityCapacity(
          stringifyEntityRef(
            parseEntityRef(entityRef, { defaultKind: 'component' }),
          ),
          '30d',
          credentials,
        );
      case 'kpis':
        return s.kpis.report(
          { scope: 'entity', entityRef, period: '30d' },
          credentials,
        );
      case 'slos':
        return this.slos(entityRef, credentials);
      default:
        throw new Error(`unknown overview part ${part}`);
    }
  }

  /** As GET /slos/entity: the entity as the caller sees it, then its SLOs. */
  private async slos(entityRef: string, credentials: BackstageCredentials) {
    const ref = stringifyEntityRef(
      parseEntityRef(entityRef, {
        defaultKind: 'component',
        defaultNamespace: 'default',
      }),
    );
    const entity = await this.sources.catalog.getEntityByRef(ref, {
      credentials,
    });
    if (!entity) throw new NotFoundError(`No entity ${ref} in the catalog`);
    return this.sources.slo.getEntitySlos(entity);
  }

  /**
   * Reads the parts in parallel; `onPart` gets each answer as soon as it is
   * ready (the route streams them), the result has them all.
   */
  async getEntityOverview(
    entityRef: string,
    parts: readonly EntityOverviewPartName[],
    credentials: BackstageCredentials,
    onPart?: (part: EntityOverviewPartName, answer: EntityOverviewPart) => void,
  ): Promise<EntityOverviewResponse> {
    const answers = await Promise.all(
      parts.map(async (part): Promise<[string, EntityOverviewPart]> => {
        const answer = await this.answer(part, entityRef, credentials);
        onPart?.(part, answer);
        return [part, answer];
      }),
    );
    return { entityRef, parts: Object.fromEntries(answers) };
  }

  private async answer(
    part: EntityOverviewPartName,
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<EntityOverviewPart> {
    try {
      const body = await this.read(part, entityRef, credentials);
      return { status: 200, body };
    } catch (error) {
      const headers: Record<string, string> = {};
      const clientError = toClientError(error, this.logger, (k, v) => {
        headers[k.toLocaleLowerCase('en-US')] = v;
      });
      const status = statusOf(clientError);
      return {
        status,
        statusText: STATUS_CODES[status] ?? '',
        error: serializeError(clientError),
        ...(Object.keys(headers).length ? { headers } : {}),
      };
    }
  }
}
