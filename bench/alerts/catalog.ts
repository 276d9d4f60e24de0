/*
 * The alert-hygiene benchmark's catalog: `services` Components
 * `alert-svc-<n>` with the alarm prefix `alert-svc-<n>-` (the prefix of
 * the alarms addScaleAlarms generates), the first `pdServices` with a
 * PagerDuty service (`PSVX0001`...), owned round robin by `groups` teams
 * `alert-team-<k>`, which are in the catalog too.
 */
import { Entity } from '@backstage/catalog-model';

export function serviceName(n: number): string {
  return `alert-svc-${n}`;
}

export function groupName(k: number): string {
  return `alert-team-${k}`;
}

export function alertEntities(options: {
  services: number;
  pdServices: number;
  groups: number;
}): Entity[] {
  const groups: Entity[] = Array.from({ length: options.groups }, (_, k) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: groupName(k), namespace: 'default' },
    spec: { type: 'team', children: [] },
  }));
  const components: Entity[] = Array.from(
    { length: options.services },
    (_, n) => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: serviceName(n),
        namespace: 'default',
        title: `Alert service ${n}`,
        annotations: {
          'opsportal.dev/alarm-prefix': `${serviceName(n)}-`,
          ...(n < options.pdServices
            ? {
                'pagerduty.com/service-id': `PSVX${String(n + 1).padStart(
                  4,
                  '0',
                )}`,
              }
            : {}),
        },
      },
      spec: {
        type: 'service',
        lifecycle: 'production',
        owner: `group:default/${groupName(n % options.groups)}`,
      },
    }),
  );
  return [...groups, ...components];
}
