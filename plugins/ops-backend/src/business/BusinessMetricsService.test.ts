import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  createPlatformStore,
  FakeCloudWatch,
  startFakeCloudWatch,
} from '@internal/fake-upstreams';
import { CloudWatchProvider } from '@opsportal/plugin-ops-backend-module-cloudwatch';
import {
  BusinessMetricView,
  formatBusinessValue,
} from '@opsportal/plugin-ops-common';
import {
  MetricDataRequest,
  MetricSeries,
  MetricsProvider,
} from '@opsportal/plugin-ops-node';
import { applyDatabaseMigrations } from '../database/migrations';
import { DatabaseSnapshotStore } from '../snapshots/SnapshotStore';
import { BusinessMetricsService } from './BusinessMetricsService';
import { readBusinessConfig } from './config';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

// 20:02 in New York: the evening peak. The fake's discount-code hour runs
// from 30 minutes before its anchor to 30 minutes after.
const NOW = Date.UTC(2026, 11, 5, 1, 2, 0);
const ANCHOR = NOW - 10 * 60_000;
const user = mockCredentials.user('user:default/guest');

const SYSTEM = 'system:default/ecommerce-platform';
const ORDERS = 'component:default/order-service';

const cw = (metricName: string, stat = 'Sum') => ({
  namespace: 'ECommerce/Business',
  metricName,
  dimensions: { Environment: 'production' },
  stat,
});

/** The example platform's configuration (app-config.yaml). */
const businessConfig = {
  metrics: [
    {
      id: 'orders',
      title: 'Orders per minute',
      entities: [SYSTEM, ORDERS],
      cloudwatch: cw('OrdersPlaced'),
      per: 'minute',
    },
    {
      id: 'revenue',
      title: 'Revenue per hour',
      unit: 'currency',
      currency: 'USD',
      entities: [SYSTEM, ORDERS],
      cloudwatch: cw('Revenue'),
      per: 'hour',
    },
    {
      id: 'active-users',
      title: 'Active users',
      unit: 'users',
      entities: [SYSTEM],
      cloudwatch: cw('ActiveUsers', 'Average'),
    },
    {
      id: 'conversion',
      title: 'Conversion rate',
      unit: 'percent',
      entities: [SYSTEM],
      cloudwatch: cw('ConversionRate', 'Average'),
    },
    {
      id: 'cart-abandonment',
      title: 'Cart abandonment rate',
      unit: 'percent',
      entities: [SYSTEM],
      cloudwatch: cw('CartAbandonmentRate', 'Average'),
      higherIsBetter: false,
    },
  ],
};

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: {
      name: 'ecommerce-platform',
      namespace: 'default',
      title: 'E-Commerce Platform',
    },
    spec: { owner: 'group:default/sre-team' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'order-service', namespace: 'default' },
    spec: {
      type: 'service',
      owner: 'group:default/dev-team',
      system: 'ecommerce-platform',
      lifecycle: 'production',
    },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'search-service', namespace: 'default' },
    spec: {
      type: 'service',
      owner: 'group:default/dev-team',
      lifecycle: 'production',
    },
  },
];

describe('BusinessMetricsService', () => {
  let cloudwatch: FakeCloudWatch;

  beforeAll(async () => {
    cloudwatch = await startFakeCloudWatch({
      store: createPlatformStore(ANCHOR),
      now: () => NOW,
    });
  });
  afterAll(() => cloudwatch.close());

  async function setup(
    config: JsonObject = businessConfig,
    metrics?: (cloudwatchProvider: MetricsProvider) => MetricsProvider,
  ) {
    const knex = await databases.init('SQLITE_3');
    await applyDatabaseMigrations(knex);
    const clock = { now: () => new Date(NOW) };
    const snapshots = new DatabaseSnapshotStore(knex, clock);
    const logger = mockServices.logger.mock();
    const provider = new CloudWatchProvider({
      region: 'us-east-1',
      endpoint: cloudwatch.url,
      credentials: async () => ({
        accessKeyId: 'test',
        secretAccessKey: 'test',
      }),
      maxAttempts: 1,
      requestTimeoutMs: 10_000,
      concurrency: 2,
      logger,
    });
    const service = new BusinessMetricsService({
      config: readBusinessConfig(
        new ConfigReader({ ops: { business: config } }),
      ),
      snapshots,
      catalog: catalogServiceMock({ entities }),
      metrics: metrics ? metrics(provider) : provider,
      logger,
      clock,
    });
    return { service, snapshots };
  }

  const byId = (metrics: BusinessMetricView[]) =>
    Object.fromEntries(metrics.map(m => [m.id, m]));

  it('flags revenue in the discount-code hour, and nothing else', async () => {
    const { service } = await setup();
    const calls = cloudwatch.stats.getMetricDataCalls;
    const result = await service.refresh();
    // One request for today and one for last week, five metrics each.
    expect(result).toEqual({ metrics: 5, failed: 0, requests: 2 });
    expect(cloudwatch.stats.getMetricDataCalls - calls).toBe(2);

    const answer = await service.getEntityMetrics(SYSTEM, user);
    expect(answer.system).toBeUndefined();
    const m = byId(answer.metrics);
    expect(Object.keys(m)).toEqual([
      'orders',
      'revenue',
      'active-users',
      'conversion',
      'cart-abandonment',
    ]);
    // The last complete 5-minute period: 00:55-01:00 UTC.
    expect(m.orders.current?.t).toBe(Date.UTC(2026, 11, 5, 0, 55));
    expect(m.orders.lastWeek?.t).toBe(Date.UTC(2026, 10, 28, 0, 55));
    expect(m.orders.series).toHaveLength(288);
    expect(m.orders.lastWeekSeries).toHaveLength(288);

    expect(m.revenue).toMatchObject({ flagged: true, comparison: 'worse' });
    expect(m.revenue.deviation).toBeLessThan(-0.3);
    expect(m.revenue.reason).toMatch(
      /below the same time last week, more than the 30 % allowed/,
    );
    for (const id of [
      'orders',
      'active-users',
      'conversion',
      'cart-abandonment',
    ]) {
      expect(m[id]).toMatchObject({
        flagged: false,
        comparison: 'same',
        stale: false,
      });
    }

    // Plausible shop figures, consistent with each other.
    const orders = m.orders.current!.v;
    expect(orders).toBeGreaterThan(8);
    expect(orders).toBeLessThan(20);
    expect(m.conversion.current!.v).toBeGreaterThan(2);
    expect(m.conversion.current!.v).toBeLessThan(4);
    expect(m['cart-abandonment'].current!.v).toBeGreaterThan(60);
    expect(m['cart-abandonment'].current!.v).toBeLessThan(80);
    // Orders = sessions × conversion, and active users are sessions × 7.
    const sessions = orders / (m.conversion.current!.v / 100);
    expect(m['active-users'].current!.v / sessions).toBeGreaterThan(6.5);
    expect(m['active-users'].current!.v / sessions).toBeLessThan(7.5);
    // Last week's revenue is the ordinary ~$84 an order.
    expect(m.revenue.lastWeek!.v / 60 / m.orders.lastWeek!.v).toBeGreaterThan(
      75,
    );
    expect(
      formatBusinessValue(m.revenue.current!.v, 'currency', { per: 'hour' }),
    ).toMatch(/^\$[\d,]+ \/ h$/);
  });

  it("shows a component's own metrics and folds its system's", async () => {
    const { service } = await setup();
    const answer = await service.getEntityMetrics(ORDERS, user);
    expect(answer.metrics.map(m => m.id)).toEqual(['orders', 'revenue']);
    expect(answer.system).toMatchObject({
      entityRef: SYSTEM,
      title: 'E-Commerce Platform',
    });
    expect(answer.system!.metrics.map(m => m.id)).toEqual([
      'active-users',
      'conversion',
      'cart-abandonment',
    ]);
    // Read on demand: the first view found no snapshot.
    expect(answer.metrics[0].fetchedAt).toBeDefined();

    const none = await service.getEntityMetrics(
      'component:default/search-service',
      user,
    );
    expect(none.metrics).toEqual([]);
    expect(none.system).toBeUndefined();
    await expect(
      service.getEntityMetrics('component:default/nope', user),
    ).rejects.toThrow('No entity component:default/nope');
  });

  it('keeps the last good values, marked stale, when CloudWatch fails', async () => {
    const { service } = await setup();
    await service.refresh();
    cloudwatch.faults.push(
      { kind: 'access-denied' },
      { kind: 'access-denied' },
    );
    const result = await service.refresh();
    expect(result.failed).toBe(5);
    const answer = await service.getEntityMetrics(SYSTEM, user);
    const revenue = byId(answer.metrics).revenue;
    expect(revenue.stale).toBe(true);
    expect(revenue.error).toMatch(/AccessDenied|not authorized/i);
    expect(revenue.current).toBeDefined();
    expect(revenue.flagged).toBe(true);
  });

  it('asks Prometheus with the query and $period, and a refused query fails alone', async () => {
    const requests: MetricDataRequest[] = [];
    const { service } = await setup(
      {
        metrics: [
          ...businessConfig.metrics.slice(0, 1),
          {
            id: 'checkouts',
            title: 'Checkouts per minute',
            entities: [SYSTEM],
            prometheus: { query: 'sum(increase(checkouts_total[$period]))' },
            per: 'minute',
          },
          {
            id: 'broken',
            title: 'Broken',
            entities: [SYSTEM],
            prometheus: { query: 'sum(' },
          },
        ],
      },
      cloudwatchProvider => ({
        id: 'router',
        async getMetricData(request) {
          requests.push(request);
          if (request.provider !== 'prometheus') {
            return cloudwatchProvider.getMetricData(request);
          }
          return request.queries.map((q): MetricSeries => {
            if (q.promql === 'sum(') {
              return {
                id: q.id,
                timestamps: [],
                values: [],
                status: 'InternalError',
                error: 'parse error: unclosed left parenthesis',
              };
            }
            const timestamps: number[] = [];
            for (
              let t = request.start.getTime();
              t < request.end.getTime();
              t += 300_000
            ) {
              timestamps.push(t);
            }
            return {
              id: q.id,
              timestamps,
              values: timestamps.map(() => 60),
              status: 'Complete',
            };
          });
        },
      }),
    );
    const result = await service.refresh();
    expect(result).toEqual({ metrics: 3, failed: 1, requests: 4 });
    const prometheus = requests.filter(r => r.provider === 'prometheus');
    expect(prometheus).toHaveLength(2);
    expect(prometheus[0].queries).toEqual([
      expect.objectContaining({
        promql: 'sum(increase(checkouts_total[$period]))',
        period: 300,
      }),
      expect.objectContaining({ promql: 'sum(', period: 300 }),
    ]);
    expect(requests.filter(r => r.provider === 'cloudwatch')).toHaveLength(2);
    const m = byId((await service.getEntityMetrics(SYSTEM, user)).metrics);
    expect(m.checkouts).toMatchObject({
      source: 'prometheus',
      flagged: false,
      stale: false,
    });
    expect(m.checkouts.current?.v).toBe(12);
    expect(m.broken.stale).toBe(true);
    expect(m.broken.error).toBe(
      'The prometheus query of broken was refused: parse error: unclosed left parenthesis',
    );
    expect(m.orders.stale).toBe(false);
  });
});

describe('readBusinessConfig', () => {
  it('names the wrong key', () => {
    expect(() =>
      readBusinessConfig(
        new ConfigReader({
          ops: {
            business: {
              metrics: [
                {
                  id: 'a',
                  title: 'A',
                  entities: ['system:x'],
                  cloudwatch: { metricName: 'M' },
                },
              ],
            },
          },
        }),
      ),
    ).toThrow(
      'Invalid configuration: ops.business.metrics[0].cloudwatch.namespace: is required',
    );
    expect(() =>
      readBusinessConfig(
        new ConfigReader({ ops: { business: { refreshMinute: 5 } } }),
      ),
    ).toThrow('ops.business: unknown key(s) refreshMinute');
  });

  it('has nothing configured by default', () => {
    expect(readBusinessConfig(new ConfigReader({}))).toEqual({
      metrics: [],
      refreshMinutes: 5,
    });
  });
});
