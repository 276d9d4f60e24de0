/*
 * The two-replica benchmark's catalog, built the same way in every replica:
 * services with capacity annotations (the capacity benchmark's EKS service
 * behind an ALB) and services with three SLOs each (the SLO benchmark's
 * compact form).
 */
import { Entity } from '@backstage/catalog-model';
import {
  CLUSTER,
  LB as CAPACITY_LB,
  NAMESPACE,
  targetGroup,
} from '../capacity/store';
import { LB as SLO_LB, tg } from '../slo/store';

export interface ReplicaOptions {
  name: string;
  capacityServices: number;
  sloServices: number;
  shards: number;
  batch: number;
  /** Minutes between two refreshes of each SLO shard. */
  sloIntervalMinutes: number;
  /** Minutes between two refreshes of each capacity shard. */
  capacityIntervalMinutes: number;
  /** Before the first shard is due: both replicas are up by then. */
  initialDelaySeconds: number;
  cloudwatch: string;
  redis: string;
  database: string;
  postgres: {
    host: string;
    port: number;
    user: string;
    password?: string;
  };
}

export function benchEntities(options: {
  capacityServices: number;
  sloServices: number;
}): Entity[] {
  const capacity = Array.from(
    { length: options.capacityServices },
    (_, i): Entity => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: `cap-${i}`,
        namespace: 'default',
        annotations: {
          'opsportal.dev/container-service': `${CLUSTER}/${NAMESPACE}/svc-${i}`,
          'opsportal.dev/alb': CAPACITY_LB,
          'opsportal.dev/alb-target-group': targetGroup(i),
        },
      },
      spec: { type: 'service', owner: 'group:default/dev-team' },
    }),
  );
  const slo = Array.from(
    { length: options.sloServices },
    (_, i): Entity => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: `slo-${i}`,
        namespace: 'default',
        annotations: {
          'opsportal.dev/alb': SLO_LB,
          'opsportal.dev/alb-target-group': tg(i),
          'opsportal.dev/slo-availability': '99.9',
          'opsportal.dev/slo-latency-p95': '500ms',
          'opsportal.dev/slo-error-rate': '1%',
        },
      },
      spec: { type: 'service', owner: 'group:default/dev-team' },
    }),
  );
  return [...capacity, ...slo];
}
