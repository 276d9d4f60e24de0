import { Entity } from '@backstage/catalog-model';
import { isObservabilityConfigured } from '@opsportal/plugin-ops-common';

/**
 * Whether a component gets the "Observability" card: it names log groups
 * (`opsportal.dev/log-groups`), an X-Ray service
 * (`opsportal.dev/xray-service`) or Grafana dashboards
 * (`grafana/dashboard-selector`, `grafana/overview-dashboard`).
 * @public
 */
export function isObservabilityAvailable(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'component' &&
    isObservabilityConfigured(entity)
  );
}
