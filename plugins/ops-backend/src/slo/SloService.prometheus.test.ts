import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  MetricDataRequest,
  MetricQuery,
  MetricSeries,
  MetricsProvider,
} from '@opsportal/plugin-ops-node';
import { applyDatabaseMigrations } from '../database/migrations';
import { EntityLocationReader } from '../lib/EntityLocationReader';
import { RoutingMetricsProvider } from '../providers/RoutingMetricsProvider';
import { DatabaseSnapshotStore } from '../snapshots/SnapshotStore';
import { readSloConfig } from './config';
import { SloDefinitionLoader } from './SloDefinitionLoader';
import { SloService } from './SloService';

// The same requests, counted by CloudWatch's ALB metrics or by Prometheus's
// HTTP metrics, must give the same SLO status: the sources differ only in
// how the plan asks for the numbers, never in the evaluation.

const MINUTE = 60_000;
const NOW = Date.UTC(2026, 0, 31, 12, 3, 20);

type Kind = 'requests' | '5xx' | '4xx' | 'fast';

/** Events of one minute; a burst of 5xx and slow requests in the last hour. */
function perMinute(kind: Kind, minute: number): number {
  const recent = NOW - minute * MINUTE < 60 * MINUTE;
  const requests = 100 + (minute % 7);
  switch (kind) {
    case 'requests':
      return requests;
    case '5xx':
      return (recent && minute % 3 === 0 ? 4 : 0) + (minute % 97 === 0 ? 2 : 0);
    case '4xx':
      return minute % 13 === 0 ? 1 : 0;
    default:
      return requests - (minute % 11 === 0 ? 9 : 0) - (recent ? 5 : 0);
  }
}

/** The events of one period starting at `start`, as either source would count them. */
function bucket(kinds: Kind[], start: number, period: number): number {
  let total = 0;
  for (let t = start; t < start + period * 1000; t += MINUTE) {
    for (const kind of kinds) total += perMinute(kind, t / MINUTE);
  }
  return total;
}

function cloudWatchKinds(q: MetricQuery): Kind[] {
  const { metricName } = q.metric!;
  if (metricName === 'RequestCount') return ['requests'];
  if (metricName === 'HTTPCode_Target_5XX_Count') return ['5xx'];
  if (metricName === 'HTTPCode_Target_4XX_Count') return ['4xx'];
  if (q.stat === 'SampleCount') return ['requests'];
  if (q.stat === 'TC(:0.5)') return ['fast'];
  throw new Error(`unexpected CloudWatch query ${q.label}`);
}

function prometheusKinds(q: MetricQuery): Kind[] {
  const promql = q.promql!;
  if (promql.includes('code=~"[45].."')) return ['4xx', '5xx'];
  if (promql.includes('code=~"5.."')) return ['5xx'];
  if (promql.includes('le=~"0[.]50*"')) return ['fast'];
  if (promql.includes('le="+Inf"')) return ['requests'];
  if (promql.startsWith('sum(increase(http_requests_total{job="orders"}[')) {
    return ['requests'];
  }
  throw new Error(`unexpected PromQL ${promql}`);
}

/** A provider that serves the numbers above for the queries it understands. */
function source(
  id: string,
  kindsOf: (q: MetricQuery) => Kind[],
): MetricsProvider & { queries: number } {
  const provider = {
    id,
    queries: 0,
    async getMetricData(request: MetricDataRequest): Promise<MetricSeries[]> {
      expect(request.provider).toBe(id);
      return request.queries.map(q => {
        provider.queries += 1;
        const kinds = kindsOf(q);
        const timestamps: number[] = [];
        const values: number[] = [];
        const step = q.period * 1000;
        for (
          let t = request.start.getTime();
          t < request.end.getTime();
          t += step
        ) {
          timestamps.push(t);
          values.push(bucket(kinds, t, q.period));
        }
        return { id: q.id, timestamps, values, status: 'Complete' as const };
      });
    },
  };
  return provider;
}

function service(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'opsportal.dev/slo-availability': '99.9',
        'opsportal.dev/slo-latency-p95': '500ms',
        ...annotations,
      },
    },
    spec: { type: 'service', owner: 'team' },
  };
}

describe('SLOs from Prometheus and from CloudWatch', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it('give the same status for the same requests', async () => {
    const knex = await databases.init('SQLITE_3');
    await applyDatabaseMigrations(knex);
    const clock = { now: () => new Date(NOW) };
    const logger = mockServices.logger.mock();
    const config = readSloConfig(mockServices.rootConfig({ data: {} }));
    const fromCloudWatch = service('orders-cw', {
      'opsportal.dev/alb': 'app/alb/1',
      'opsportal.dev/alb-target-group': 'targetgroup/orders/1',
    });
    const fromPrometheus = service('orders-prom', {
      'prometheus.io/job': 'orders',
    });
    const cloudwatch = source('cloudwatch', cloudWatchKinds);
    const prometheus = source('prometheus', prometheusKinds);
    const slos = new SloService({
      catalog: catalogServiceMock({
        entities: [fromCloudWatch, fromPrometheus],
      }),
      auth: mockServices.auth(),
      logger,
      snapshots: new DatabaseSnapshotStore(knex, clock),
      loader: new SloDefinitionLoader(
        {} as EntityLocationReader,
        config.rules,
        config.prometheus,
      ),
      config,
      metrics: new RoutingMetricsProvider([prometheus, cloudwatch]),
      clock,
    });

    const summary = await slos.refreshAll();
    expect(summary).toMatchObject({ entities: 2, slos: 4, evaluated: 4 });
    // Both sources were asked, each for its own queries only.
    expect(cloudwatch.queries).toBeGreaterThan(0);
    expect(prometheus.queries).toBeGreaterThan(0);

    const cw = await slos.getEntitySlos(fromCloudWatch);
    const prom = await slos.getEntitySlos(fromPrometheus);
    expect(cw.objectives.map(o => o.objective.id)).toEqual([
      'availability',
      'latency-p95',
    ]);
    expect(prom.objectives.map(o => o.objective.id)).toEqual([
      'availability',
      'latency-p95',
    ]);
    const statuses = (r: typeof cw) => r.objectives.map(o => o.status);
    expect(statuses(prom)).toEqual(statuses(cw));

    // Not an empty equality: real budgets burned, and the burst shows.
    const [availability, latency] = cw.objectives.map(o => o.status!);
    expect(availability.sli).toBeGreaterThan(0.99);
    expect(availability.sli).toBeLessThan(1);
    const end = Date.UTC(2026, 0, 31, 12, 0);
    expect(availability.total).toBe(
      bucket(['requests'], end - 30 * 86_400_000, 30 * 86_400),
    );
    expect(availability.burnRates.some(b => b.burnRate! > 1)).toBe(true);
    expect(latency.budget.remaining).toBeLessThan(1);
    expect(availability.burnDown).toHaveLength(30);
  });
});
