import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { JsonObject } from '@backstage/types';
import {
  createPlatformStore,
  FakeCloudWatch,
  startFakeCloudWatch,
} from '@internal/fake-upstreams';
import { CloudWatchProvider } from '@opsportal/plugin-ops-backend-module-cloudwatch';
import { parse } from 'yaml';
import { applyDatabaseMigrations } from '../database/migrations';
import { EntityLocationReader } from '../lib/EntityLocationReader';
import { DatabaseSnapshotStore } from '../snapshots/SnapshotStore';
import { readSloConfig } from './config';
import { SloDefinitionLoader } from './SloDefinitionLoader';
import { SloService } from './SloService';

jest.setTimeout(120_000);

const examples = path.resolve(__dirname, '../../../../examples');
const MINUTE = 60_000;

/** The example platform's entities, as the catalog hands them out. */
async function exampleEntities(): Promise<Entity[]> {
  const files = [
    'platform.yaml',
    ...[
      'order-service',
      'customer-service',
      'product-service',
      'payment-service',
      'search-service',
    ].map(s => `services/${s}.yaml`),
  ];
  const entities: Entity[] = [];
  for (const name of files) {
    const file = path.join(examples, name);
    const text = await fs.readFile(file, 'utf8');
    for (const doc of text.split(/^---$/m)) {
      const entity = parse(doc) as Entity;
      if (!entity) continue;
      // This suite is about CloudWatch: orders-db's objective reads
      // Prometheus (the Prometheus module is tested against a real one).
      if (entity.metadata.name === 'orders-db') continue;
      entity.metadata.namespace = 'default';
      entity.metadata.annotations = {
        ...entity.metadata.annotations,
        'backstage.io/managed-by-location': `file:${file}`,
        'backstage.io/managed-by-origin-location': `file:${path.join(
          examples,
          'all.yaml',
        )}`,
      };
      entities.push(entity);
    }
  }
  return entities;
}

describe('SloService against the fake CloudWatch', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const anchor = Math.floor(Date.now() / MINUTE) * MINUTE;
  let fake: FakeCloudWatch;
  let time: number;
  const clock = { now: () => new Date(time) };

  beforeAll(async () => {
    fake = await startFakeCloudWatch({
      store: createPlatformStore(anchor),
      now: () => time,
    });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    time = anchor + 5 * MINUTE;
    fake.faults.length = 0;
  });

  async function setup(
    databaseId: TestDatabaseId,
    options: {
      entities?: Entity[];
      endpoint?: string;
      knex?: any;
      config?: JsonObject;
    } = {},
  ) {
    const knex = options.knex ?? (await databases.init(databaseId));
    if (!options.knex) await applyDatabaseMigrations(knex);
    const logger = mockServices.logger.mock();
    const snapshots = new DatabaseSnapshotStore(knex, clock);
    const config = readSloConfig(
      mockServices.rootConfig({ data: options.config ?? {} }),
    );
    const entities = options.entities ?? (await exampleEntities());
    const catalog = catalogServiceMock({ entities });
    const provider = new CloudWatchProvider({
      region: 'us-east-1',
      endpoint: options.endpoint ?? fake.url,
      credentials: { accessKeyId: 'key', secretAccessKey: 'secret' },
      maxAttempts: 2,
      // Generous: the CPU is shared, and a slow answer is not what is tested.
      requestTimeoutMs: 30_000,
      concurrency: 2,
      logger,
    });
    const service = new SloService({
      catalog,
      auth: mockServices.auth(),
      logger,
      snapshots,
      loader: new SloDefinitionLoader(
        new EntityLocationReader({
          urlReader: UrlReaders.default({
            logger,
            config: mockServices.rootConfig({ data: {} }),
          }),
        }),
        config.rules,
      ),
      config,
      metrics: provider,
      clock,
    });
    const byName = (name: string) =>
      entities.find(e => e.metadata.name === name)!;
    return { service, knex, logger, provider, byName, entities };
  }

  it('evaluates the example platform: payment within 99.99 %, order paging, the platform over its services', async () => {
    const { service, byName, provider } = await setup('SQLITE_3');
    const summary = await service.refreshAll();
    // 5 services x 3 SLOs, the cache's hit rate and the platform's objective.
    expect(summary).toMatchObject({
      entities: 7,
      slos: 17,
      evaluated: 17,
      failed: 0,
    });
    // Two time ranges: 30 days of daily buckets (and the 5-minute slices
    // of payment and the cache) and 6 hours of 5-minute buckets, each one call.
    expect(provider.stats().calls).toBe(2);

    const payment = await service.getEntitySlos(byName('payment-service'));
    expect(payment.objectives.map(o => o.objective.id)).toEqual([
      'payment-availability',
      'payment-latency-p95',
      'payment-failed-transactions',
    ]);
    const availability = payment.objectives[0];
    expect(availability.stale).toBe(false);
    expect(availability.objective.target).toBe(0.9999);
    expect(availability.status!.sli).toBeGreaterThan(0.9999);
    expect(availability.status!.sli).toBeLessThan(1);
    expect(availability.status!.budget.totalMinutes).toBeCloseTo(4.32, 9);
    expect(availability.status!.budget.remainingMinutes).toBeGreaterThan(0);
    expect(availability.status!.alert.state).toBe('ok');
    expect(availability.status!.burnDown).toHaveLength(30);
    // The compact annotations are shadowed by the spec, and it says so.
    expect(payment.problems.filter(p => p.severity === 'info')).toHaveLength(3);
    // Latency in 5-minute slices: the slow spells cost some slices.
    const latency = payment.objectives[1].status!;
    expect(latency.total).toBe(8640);
    expect(latency.good).toBeLessThan(8640);
    expect(latency.sli).toBeGreaterThan(0.99);

    // The cache's hit rate (ElastiCache, Average per 5-minute slice): the
    // failover six days ago cost a few slices.
    const cache = await service.getEntitySlos(byName('ecommerce-cache'));
    expect(cache.objectives.map(o => o.objective.id)).toEqual([
      'cache-hit-rate',
    ]);
    const hitRate = cache.objectives[0].status!;
    expect(hitRate.total).toBe(8640);
    expect(hitRate.total - hitRate.good).toBeGreaterThanOrEqual(6);
    expect(hitRate.sli).toBeGreaterThan(0.99);

    const order = await service.getEntitySlos(byName('order-service'));
    const orderAvailability = order.objectives.find(
      o => o.objective.id === 'availability',
    )!.status!;
    expect(orderAvailability.alert.state).toBe('page');
    expect(orderAvailability.alert.reason).toMatch(/over 1h and .* over 5m/);
    const burn = (w: string) =>
      orderAvailability.burnRates.find(b => b.window === w)!.burnRate!;
    expect(burn('5m')).toBeCloseTo(25, 0);
    expect(burn('1h')).toBeCloseTo(25, 0);
    expect(orderAvailability.forecast.state).toBe('exhausts');
    expect(orderAvailability.forecast.hoursLeft).toBeLessThan(48);

    const customer = await service.getEntitySlos(byName('customer-service'));
    expect(
      customer.objectives.find(o => o.objective.id === 'availability')!.status!
        .alert.state,
    ).toBe('ticket');

    const platform = await service.getEntitySlos(byName('ecommerce-platform'));
    const overall = platform.objectives[0];
    expect(overall.objective.source).toEqual({
      form: 'aggregate',
      members: expect.arrayContaining([
        'component:default/order-service',
        'component:default/payment-service',
      ]),
    });
    expect(overall.objective.target).toBe(0.999);
    // Its requests are the sum of its five services' requests.
    const totals = await Promise.all(
      [
        'order-service',
        'customer-service',
        'product-service',
        'payment-service',
        'search-service',
      ].map(
        async n =>
          (
            await service.getEntitySlos(byName(n))
          ).objectives.find(o => o.objective.category === 'availability')!
            .status!.total,
      ),
    );
    expect(overall.status!.total).toBeCloseTo(
      totals.reduce((a, b) => a + b),
      3,
    );

    const list = await service.listPlatform(
      await service.entitiesWithSlos(
        await mockServices.auth().getOwnServiceCredentials(),
      ),
    );
    expect(list.platform.map(r => r.entityRef)).toEqual([
      'system:default/ecommerce-platform',
    ]);
    // The five services and the cache, a Resource.
    expect(list.services.map(r => r.entityRef).sort()).toEqual([
      'component:default/customer-service',
      'component:default/order-service',
      'component:default/payment-service',
      'component:default/product-service',
      'component:default/search-service',
      'resource:default/ecommerce-cache',
    ]);
    const remaining = list.services.map(r => r.lowestRemaining!);
    expect([...remaining].sort((a, b) => a - b)).toEqual(remaining);
    expect(list.services.find(r => r.title === 'Order Service')!.alert).toBe(
      'page',
    );

    const uptime = await service.listUptime();
    expect(uptime.map(u => u.entityRef)).toContain(
      'system:default/ecommerce-platform',
    );
    expect(
      (await service.getUptime('component:default/payment-service'))!
        .availability,
    ).toBe(availability.status!.sli);
  });

  it.each([
    [
      'throttling',
      () =>
        fake.faults.push(
          ...Array.from({ length: 10 }, () => ({ kind: 'throttle' as const })),
        ),
      /throttled GetMetricData after 2 attempts/,
    ],
    [
      'expired credentials',
      () =>
        fake.faults.push(
          ...Array.from({ length: 10 }, () => ({
            kind: 'expired-token' as const,
          })),
        ),
      /AWS credentials for CloudWatch .* have expired/,
    ],
  ])(
    'keeps the last good values with their age through %s',
    async (_name, fault, message) => {
      const { service, byName } = await setup('SQLITE_3');
      await service.refreshAll();
      const before = await service.getEntitySlos(byName('order-service'));
      const firstFetch = before.fetchedAt;

      time += 10 * MINUTE;
      fault();
      const summary = await service.refreshAll();
      expect(summary.failed).toBe(17);

      const after = await service.getEntitySlos(byName('order-service'));
      expect(after.stale).toBe(true);
      expect(after.error).toMatch(message);
      expect(after.fetchedAt).toBe(firstFetch);
      expect(after.objectives.map(o => o.status)).toEqual(
        before.objectives.map(o => o.status),
      );
      expect(
        after.objectives.every(o => o.stale && o.fetchedAt === firstFetch),
      ).toBe(true);
    },
  );

  it('fails only the SLOs of a query CloudWatch refuses: the rest of the region is fresh', async () => {
    const entities = await exampleEntities();
    const { service, byName, provider } = await setup('SQLITE_3', {
      entities,
    });
    // A dimension value CloudWatch does not take (over 1,024 characters):
    // CloudWatch refuses the whole call that carries it.
    const before = fake.requests.length;
    const product = byName('product-service');
    product.metadata.annotations![
      'opsportal.dev/alb-target-group'
    ] = `targetgroup/product-service/${'0'.repeat(1100)}`;

    const summary = await service.refreshAll();

    // Product's three SLOs and the platform's, which adds product up.
    expect(summary).toMatchObject({ slos: 17, evaluated: 13, failed: 4 });
    const after = await service.getEntitySlos(product);
    expect(after.objectives.map(o => [o.stale, o.status])).toEqual([
      [true, undefined],
      [true, undefined],
      [true, undefined],
    ]);
    expect(after.objectives[0].error).toMatch(
      /^CloudWatch refused AWS\/ApplicationELB .*TargetGroup=targetgroup\/product-service\/0+\) Sum: ValidationException: The parameter MetricDataQueries\.member\.1\.MetricStat\.Metric\.Dimensions\.member\.2\.Value must have a length of at most 1024\./,
    );
    for (const name of [
      'order-service',
      'customer-service',
      'payment-service',
      'search-service',
    ]) {
      const slos = await service.getEntitySlos(byName(name));
      expect(slos.stale).toBe(false);
      expect(
        slos.objectives.every(
          o => !o.stale && !o.error && o.status!.sli !== null,
        ),
      ).toBe(true);
    }
    const platform = await service.getEntitySlos(byName('ecommerce-platform'));
    expect(platform.objectives[0].error).toMatch(
      /^component:default\/product-service could not be evaluated: CloudWatch refused/,
    );
    // The two refused calls were split, not given up: never more than
    // 2N - 1 calls for a call of N queries.
    const calls = fake.requests.slice(before);
    const sizes = calls
      .slice(0, 2)
      .map(r => JSON.parse(r.body).MetricDataQueries.length);
    expect(provider.stats().calls).toBe(calls.length);
    expect(calls.length).toBeGreaterThan(2);
    expect(calls.length).toBeLessThanOrEqual(
      sizes.reduce((n: number, size: number) => n + 2 * size - 1, 0),
    );
  });

  it('says SLOs never evaluated have no values yet, not that they kept their last good ones', async () => {
    const { service, byName, logger } = await setup('SQLITE_3');
    fake.faults.push(
      ...Array.from({ length: 10 }, () => ({ kind: 'throttle' as const })),
    );
    const summary = await service.refreshAll();
    expect(summary.failed).toBe(17);

    const warnings = (logger.warn as jest.Mock).mock.calls.map(c => c[0]);
    expect(warnings).toContainEqual(
      expect.stringMatching(
        /^16 SLO\(s\) have no values yet: CloudWatch at .* throttled GetMetricData after 2 attempts; the next refresh tries again/,
      ),
    );
    expect(warnings.join('\n')).not.toMatch(/last good/);
    const order = await service.getEntitySlos(byName('order-service'));
    expect(order.stale).toBe(true);
    expect(order.fetchedAt).toBeUndefined();
    expect(order.objectives.every(o => !o.status)).toBe(true);
    expect(order.error).toMatch(/throttled GetMetricData after 2 attempts/);
    expect(order.error).not.toMatch(/last good/);
  });

  it('flags the 14.4x page of a 95 % latency objective, and scales it to the target when configured', async () => {
    const flagged = await setup('SQLITE_3');
    await flagged.service.refreshAll();
    const latency = (
      await flagged.service.getEntitySlos(flagged.byName('order-service'))
    ).objectives.find(o => o.objective.id === 'latency-p95')!;
    expect(latency.objective.target).toBe(0.95);
    expect(latency.status!.alert.findings![0]).toBe(
      'The page rule at 14.4x over 1h and 5m needs at least 72 % of events bad to fire: a 95 % target lets the budget burn at most 20x, with every event bad.',
    );
    // A 99.9 % objective's rules are far from its 1,000x ceiling.
    const availability = (
      await flagged.service.getEntitySlos(flagged.byName('order-service'))
    ).objectives.find(o => o.objective.id === 'availability')!;
    expect(availability.status!.alert.findings).toBeUndefined();

    const scaled = await setup('SQLITE_3', {
      config: { ops: { slo: { burnRateCeiling: { scaleToTarget: true } } } },
    });
    await scaled.service.refreshAll();
    const after = (
      await scaled.service.getEntitySlos(scaled.byName('order-service'))
    ).objectives.find(o => o.objective.id === 'latency-p95')!;
    expect(after.objective.burnRateRules[0]).toEqual({
      severity: 'page',
      burnRate: 10,
      scaledFrom: 14.4,
      longWindow: '1h',
      shortWindow: '5m',
    });
    expect(after.status!.alert.rules[0]).toMatchObject({
      burnRate: 10,
      badShareNeeded: 0.5,
      outOfReach: false,
    });
    expect(after.status!.alert.findings).toBeUndefined();
  });

  it('keeps the last good values through an outage', async () => {
    const database = await databases.init('SQLITE_3');
    await applyDatabaseMigrations(database);
    const first = await setup('SQLITE_3', { knex: database });
    await first.service.refreshAll();

    time += 10 * MINUTE;
    const down = await setup('SQLITE_3', {
      knex: database,
      endpoint: 'http://127.0.0.1:1',
    });
    await down.service.refreshAll();
    const payment = await down.service.getEntitySlos(
      down.byName('payment-service'),
    );
    expect(payment.stale).toBe(true);
    expect(payment.error).toMatch(/could not be reached/);
    expect(payment.objectives[0].status!.sli).toBeGreaterThan(0.9999);

    // The daily history survives a restart: a new service on the same database.
    const restarted = await setup('SQLITE_3', { knex: database });
    const again = await restarted.service.getEntitySlos(
      restarted.byName('payment-service'),
    );
    expect(again.history).toEqual([
      {
        day: new Date(anchor + 5 * MINUTE).toISOString().slice(0, 10),
        objectives: expect.arrayContaining([
          expect.objectContaining({ id: 'payment-availability' }),
        ]),
      },
    ]);
  });

  it('says which metric is missing and keeps the last good values when it disappears', async () => {
    const entities = await exampleEntities();
    const { service, byName } = await setup('SQLITE_3', { entities });
    await service.refreshAll();
    const product = byName('product-service');
    const good = await service.getEntitySlos(product);

    time += 10 * MINUTE;
    product.metadata.annotations!['opsportal.dev/alb-target-group'] =
      'targetgroup/product-service/typo';
    await service.refreshAll();
    const after = await service.getEntitySlos(product);
    const availability = after.objectives.find(
      o => o.objective.id === 'availability',
    )!;
    expect(availability.stale).toBe(true);
    expect(availability.error).toMatch(
      /^No data for AWS\/ApplicationELB RequestCount \(LoadBalancer=.*, TargetGroup=targetgroup\/product-service\/typo\) Sum in the last 30d/,
    );
    expect(availability.status).toEqual(
      good.objectives.find(o => o.objective.id === 'availability')!.status,
    );
  });

  it('reports an invalid spec with its line and falls back to the annotations', async () => {
    const entities = await exampleEntities();
    const payment = entities.find(e => e.metadata.name === 'payment-service')!;
    payment.metadata.annotations!['opsportal.dev/slo-spec'] =
      '../slo/missing.yaml';
    const { service, logger } = await setup('SQLITE_3', { entities });
    await service.refreshAll();
    const answer = await service.getEntitySlos(payment);
    expect(answer.objectives.map(o => o.objective.id)).toEqual([
      'availability',
      'latency-p95',
      'error-rate',
    ]);
    expect(answer.problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        source: '../slo/missing.yaml',
        message: expect.stringContaining('missing.yaml does not exist'),
      }),
      expect.objectContaining({ severity: 'warning' }),
    ]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'SLO definition problem in component:default/payment-service: ../slo/missing.yaml',
      ),
    );
  });
});
