import { createApiRef } from '@backstage/core-plugin-api';
import type {
  EntitySlosResponse,
  PlatformSlosResponse,
} from '@opsportal/plugin-ops-common';
import { OpsHealth } from '@opsportal/plugin-ops-common';
import type {
  CapacityRange,
  CapacityReview,
  EntityCapacity,
  Snapshot,
} from '@opsportal/plugin-ops-common';
import type {
  EntityRunbooks,
  RunbookCoverageReport,
  RunbookDocument,
} from '@opsportal/plugin-ops-common';

/**
 * The ops backend as the frontend sees it. One method per endpoint; each
 * feature folder adds its own.
 * @public
 */
export interface OpsApi {
  getHealth(): Promise<OpsHealth>;

  /** An entity's capacity charts, triggers and forecasts for a range (capacity feature). */
  getEntityCapacity(
    entityRef: string,
    range: CapacityRange,
  ): Promise<Snapshot<EntityCapacity | undefined>>;
  /** Every service ranked by days to its first limit (capacity feature). */
  getCapacityReview(): Promise<CapacityReview>;

  /** An entity's SLOs with error budgets and burn rates (SLO feature). */
  getEntitySlos(entityRef: string): Promise<EntitySlosResponse>;
  /** Every entity with SLOs, least budget left first (SLO feature). */
  getPlatformSlos(): Promise<PlatformSlosResponse>;

  /** Runbooks of an entity with its alarms, linked (runbooks feature). */
  getEntityRunbooks(entityRef: string): Promise<EntityRunbooks>;
  /** One markdown runbook of an entity, rendered (runbooks feature). */
  getRunbookDocument(entityRef: string, id: string): Promise<RunbookDocument>;
  /** Runbook coverage per service and team (runbooks feature). */
  getRunbookCoverage(): Promise<RunbookCoverageReport>;
}

/** @public */
export const opsApiRef = createApiRef<OpsApi>({ id: 'plugin.ops.api' });
