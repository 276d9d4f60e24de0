import { createApiRef } from '@backstage/core-plugin-api';
import { OpsHealth } from '@opsportal/plugin-ops-common';

/**
 * The ops backend as the frontend sees it. One method per endpoint; each
 * feature folder adds its own.
 * @public
 */
export interface OpsApi {
  getHealth(): Promise<OpsHealth>;
}

/** @public */
export const opsApiRef = createApiRef<OpsApi>({ id: 'plugin.ops.api' });
