import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { readCapacityConfig } from './config';
import { capacityTarget } from './targets';

function entity(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'search-service', annotations },
    spec: { type: 'service' },
  };
}

const defaults = readCapacityConfig(new ConfigReader({}));

function ids(e: Entity, config = defaults) {
  return capacityTarget(e, config)!.metrics.map(m => m.definition.id);
}

describe('capacity metrics of an entity', () => {
  it('has none without the capacity annotations', () => {
    expect(capacityTarget(entity({}), defaults)).toBeUndefined();
  });

  it('reads EKS Container Insights for <cluster>/<namespace>/<service>', () => {
    const target = capacityTarget(
      entity({
        'opsportal.dev/container-service': 'prod/shop/search-service',
        'opsportal.dev/cloudwatch-region': 'eu-west-1',
      }),
      defaults,
    )!;
    expect(target.region).toBe('eu-west-1');
    expect(target.metrics.map(m => m.definition.id)).toEqual([
      'cpu',
      'memory',
      'network',
      'replicas',
    ]);
    const cpu = target.metrics[0].source.build('q', 300);
    expect(cpu.queries).toEqual([
      expect.objectContaining({
        metric: {
          namespace: 'ContainerInsights',
          metricName: 'pod_cpu_utilization_over_pod_limit',
          dimensions: {
            ClusterName: 'prod',
            Namespace: 'shop',
            Service: 'search-service',
          },
        },
        stat: 'Average',
        period: 300,
      }),
    ]);
    // Triggers need 5-minute data; replicas and network have no threshold.
    expect(target.metrics.map(m => m.fine)).toEqual([true, true, false, false]);
  });

  it('computes ECS utilisation with metric math over used and reserved', () => {
    const target = capacityTarget(
      entity({ 'opsportal.dev/container-service': 'prod/search-service' }),
      defaults,
    )!;
    const { queries, resultId } = target.metrics[0].source.build('c', 60);
    expect(resultId).toBe('c');
    expect(queries.map(q => q.id)).toEqual(['c_0', 'c_1', 'c']);
    expect(queries[0].metric).toEqual({
      namespace: 'ECS/ContainerInsights',
      metricName: 'CpuUtilized',
      dimensions: { ClusterName: 'prod', ServiceName: 'search-service' },
    });
    expect(queries[0].returnData).toBe(false);
    expect(queries[2].expression).toBe('100 * c_0 / c_1');
    expect(new Set(queries.map(q => q.group))).toEqual(new Set(['c']));
  });

  it('reads ALB request rate and latency percentiles, and one queue depth per queue', () => {
    const target = capacityTarget(
      entity({
        'opsportal.dev/alb': 'app/shop/1',
        'opsportal.dev/alb-target-group': 'targetgroup/search/2',
        'opsportal.dev/sqs-queue': 'a-events, b-events',
      }),
      defaults,
    )!;
    expect(target.metrics.map(m => m.definition.id)).toEqual([
      'requestRate',
      'latencyP50',
      'latencyP95',
      'latencyP99',
      'queueDepth-a-events',
      'queueDepth-b-events',
    ]);
    const rate = target.metrics[0].source;
    expect(rate.build('r', 300).queries[0].stat).toBe('Sum');
    expect(rate.transform!(600, 300)).toBe(2);
    expect(target.metrics[2].definition.rule).toEqual({
      threshold: 1,
      sustainMinutes: 0,
      limit: undefined,
    });
    expect(target.metrics[4].definition.label).toBe('Queue depth (a-events)');
  });

  it('takes the CPU and memory triggers and the replica limit from the autoscaling annotation', () => {
    const target = capacityTarget(
      entity({
        'opsportal.dev/container-service': 'prod/shop/search-service',
        'opsportal.dev/autoscaling': 'min=3,max=12,cpu=65,memory=75',
      }),
      defaults,
    )!;
    const rule = (id: string) =>
      target.metrics.find(m => m.definition.id === id)!.definition.rule;
    expect(rule('cpu').threshold).toBe(65);
    expect(rule('memory').threshold).toBe(75);
    expect(rule('replicas').limit).toBe(12);
    expect(target.autoscaling).toEqual(
      expect.objectContaining({ minReplicas: 3, maxReplicas: 12 }),
    );
  });

  it('applies config: rule overrides, switched-off metrics and custom metrics', () => {
    const config = readCapacityConfig(
      new ConfigReader({
        ops: {
          capacity: {
            metrics: {
              cpu: { threshold: 75, sustainMinutes: 10 },
              network: { enabled: false },
            },
            customMetrics: [
              {
                id: 'diskIo',
                namespace: 'ECommerce/Capacity',
                metricName: 'DiskIOUtilization',
                dimensions: { ClusterName: '{cluster}', Service: '{service}' },
              },
              {
                id: 'connections',
                label: 'DB connections',
                unit: 'count',
                namespace: 'Custom',
                metricName: 'Connections',
                stat: 'Maximum',
                dimensions: { Queue: '{queue}' },
                threshold: 90,
              },
            ],
          },
        },
      }),
    );
    const e = entity({
      'opsportal.dev/container-service': 'prod/shop/search-service',
    });
    const target = capacityTarget(e, config)!;
    // diskIo keeps its built-in label, unit and rule; `connections` needs a
    // queue the entity has not got, so it is left out.
    expect(ids(e, config)).toEqual(['cpu', 'memory', 'diskIo', 'replicas']);
    expect(target.metrics[0].definition.rule).toEqual({
      threshold: 75,
      sustainMinutes: 10,
      limit: undefined,
    });
    const disk = target.metrics[2];
    expect(disk.definition).toEqual(
      expect.objectContaining({
        label: 'Disk I/O utilisation',
        unit: 'percent',
        rule: { threshold: 80, sustainMinutes: 15, limit: undefined },
      }),
    );
    expect(disk.source.build('d', 300).queries[0].metric!.dimensions).toEqual({
      ClusterName: 'prod',
      Service: 'search-service',
    });
  });

  it('explains bad annotations instead of failing', () => {
    const target = capacityTarget(
      entity({
        'opsportal.dev/container-service': 'just-a-name',
        'opsportal.dev/alb-target-group': 'targetgroup/search/2',
        'opsportal.dev/autoscaling': 'max=ten',
      }),
      defaults,
    )!;
    expect(target.metrics).toEqual([]);
    expect(target.warnings).toEqual([
      'opsportal.dev/autoscaling: max=ten is not a valid number',
      'opsportal.dev/container-service "just-a-name" should be <cluster>/<service> (ECS) or <cluster>/<namespace>/<service> (EKS)',
      'opsportal.dev/alb-target-group needs opsportal.dev/alb as well: CloudWatch names target group metrics by both',
    ]);
  });

  it('refuses a custom metric id that cannot be a metric id', () => {
    expect(() =>
      readCapacityConfig(
        new ConfigReader({
          ops: {
            capacity: {
              customMetrics: [
                {
                  id: '1 bad',
                  namespace: 'n',
                  metricName: 'm',
                  dimensions: {},
                },
              ],
            },
          },
        }),
      ),
    ).toThrow(/must start with a letter/);
  });
});
