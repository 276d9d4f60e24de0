import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  DEFAULT_NAMESPACE,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  EntityDashboards,
  EntityObservabilityResponse,
  EntityTraces,
} from '@opsportal/plugin-ops-common';
import { LogsService } from './LogsService';

/** A part of the observability answer that another service computes (traces, dashboards). */
export interface EntityPartSource<T> {
  forEntity(entity: Entity): Promise<T | null>;
}

/**
 * The observability of an entity in one answer: its logs (this feature's
 * LogsService), its traces and its dashboards (their services when
 * installed). Each part is read from snapshots; a part that fails is
 * answered as an error of that part, not of the whole.
 */
export class ObservabilityService {
  constructor(
    private readonly options: {
      catalog: CatalogService;
      logs: LogsService;
      traces?: EntityPartSource<EntityTraces>;
      dashboards?: EntityPartSource<EntityDashboards>;
    },
  ) {}

  async getEntityObservability(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<EntityObservabilityResponse> {
    const entity = await this.loadEntity(entityRef, credentials);
    const [logs, traces, dashboards] = await Promise.all([
      this.options.logs.forEntity(entity),
      this.options.traces?.forEntity(entity) ?? null,
      this.options.dashboards?.forEntity(entity) ?? null,
    ]);
    return {
      entityRef: stringifyEntityRef(entity),
      logs,
      traces,
      dashboards,
    };
  }

  private async loadEntity(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    let ref;
    try {
      ref = parseEntityRef(entityRef, {
        defaultKind: 'component',
        defaultNamespace: DEFAULT_NAMESPACE,
      });
    } catch (error) {
      throw new InputError(
        `entityRef is not an entity reference: ${(error as Error).message}`,
      );
    }
    // The catalog answers with the caller's credentials: an entity they may
    // not read is not found.
    const entity = await this.options.catalog.getEntityByRef(ref, {
      credentials,
    });
    if (!entity) {
      throw new NotFoundError(`No entity ${stringifyEntityRef(ref)}`);
    }
    return entity;
  }
}
