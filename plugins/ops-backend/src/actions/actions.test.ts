import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  CapacityMetricView,
  defaultChangePolicy,
  EntityCapacity,
  EntitySlosResponse,
  SloObjectiveInfo,
  SloStatus,
  Snapshot,
} from '@opsportal/plugin-ops-common';
import { registerOpsActions } from '.';

/*
 * The read actions' answers for data the integration test (mcp.test.ts)
 * does not reach without CloudWatch: SLOs and capacity. The mock registry
 * parses every answer with the action's output schema, as the real one
 * does, so a field the schema does not allow fails here.
 */

const ORDER = 'component:default/order-service';
const user = mockCredentials.user('user:default/alice-chen');

const order: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'order-service', namespace: 'default' },
  spec: { type: 'service', owner: 'group:default/dev-team' },
};

function objective(id: string, target: number): SloObjectiveInfo {
  return {
    id,
    name: `${id} SLO`,
    category: 'availability',
    target,
    window: '30d',
    windowSeconds: 30 * 86_400,
    budgetingMethod: 'Occurrences',
    missingData: 'ignore',
    indicator: 'Successful requests / all requests (ALB)',
    objective: `${target * 100} % of requests succeed`,
    burnRateRules: [],
    source: { form: 'annotation', annotation: 'ops.example.com/slo' },
  };
}

/** 99.9 % over 30 days, burning fast: the page rule fires, the ticket rule does not. */
const burning: SloStatus = {
  evaluatedAt: '2026-12-05T12:00:00.000Z',
  sli: 0.9985,
  good: 998_500,
  total: 1_000_000,
  budget: {
    allowedRatio: 0.001,
    windowMinutes: 43_200,
    totalMinutes: 43.2,
    bad: 1500,
    allowedBad: 1000,
    consumed: 1.5,
    remaining: -0.5,
    consumedMinutes: 64.8,
    remainingMinutes: -21.6,
  },
  burnRates: [],
  alert: {
    state: 'page',
    reason: 'Burning 16x over 1h and 15x over 5m',
    rules: [
      {
        severity: 'page',
        burnRate: 14.4,
        longWindow: '1h',
        shortWindow: '5m',
        longBurnRate: 16,
        shortBurnRate: 15,
        firing: true,
      },
      {
        severity: 'ticket',
        burnRate: 1,
        longWindow: '3d',
        shortWindow: '6h',
        longBurnRate: 0.8,
        shortBurnRate: 0.5,
        firing: false,
      },
    ],
  },
  forecast: {
    window: '1h',
    burnRate: 16,
    state: 'exhausted',
    sustainable: false,
  },
  burnDown: [
    {
      at: '2026-12-05T00:00:00.000Z',
      remaining: 0.2,
      sli: 0.99,
      good: 99,
      total: 100,
    },
  ],
  coverage: {
    buckets: 30,
    bucketsWithData: 30,
    missing: 0,
    missingCountedAs: 'ignore',
  },
};

const slos: EntitySlosResponse = {
  entityRef: ORDER,
  objectives: [
    {
      objective: objective('availability', 0.999),
      status: burning,
      fetchedAt: '2026-12-05T12:00:00.000Z',
      stale: false,
    },
    {
      objective: objective('latency', 0.99),
      stale: true,
      error: 'No datapoints for TargetResponseTime',
    },
  ],
  problems: [{ severity: 'warning', message: 'Unknown field "budget"' }],
  history: [{ day: '2026-12-04', objectives: [] }],
  fetchedAt: '2026-12-05T12:00:00.000Z',
  stale: false,
};

function metric(
  id: string,
  forecast: CapacityMetricView['forecast'],
  headroom?: number,
): CapacityMetricView {
  return {
    id,
    label: id.toUpperCase(),
    unit: 'percent',
    rule: { threshold: 70, sustainMinutes: 15 },
    current: 50,
    peak7d: 60,
    headroom,
    forecast,
    episodes: [],
    triggers30d: 2,
    stepMs: 3_600_000,
    history: [{ start: 0, mean: 1, max: 2 } as any],
    band: [],
    coverage: 1,
  };
}

const capacity: Snapshot<EntityCapacity | undefined> = {
  data: {
    entityRef: ORDER,
    range: '7d',
    computedAt: '2026-12-05T11:00:00.000Z',
    autoscaling: { minReplicas: 2, maxReplicas: 10, source: 'annotation' },
    metrics: [
      metric(
        'cpu',
        {
          status: 'crossing',
          limit: 70,
          crossingAt: '2026-12-25T00:00:00.000Z',
          daysToLimit: 20,
          confidence: 'medium',
          intervalLevel: 0.8,
          horizonDays: 180,
        },
        10,
      ),
      metric(
        'memory',
        {
          status: 'crossing',
          limit: 80,
          crossingAt: '2026-12-10T00:00:00.000Z',
          earliestAt: '2026-12-08T00:00:00.000Z',
          daysToLimit: 5,
          confidence: 'high',
          intervalLevel: 0.8,
          horizonDays: 180,
        },
        20,
      ),
      metric('network', {
        status: 'no-limit',
        confidence: 'low',
        intervalLevel: 0.8,
        horizonDays: 180,
      }),
    ],
    bindingMetricId: 'memory',
    warnings: [],
  },
  fetchedAt: '2026-12-05T11:00:00.000Z',
  stale: false,
};

function setup() {
  const registry = actionsRegistryServiceMock();
  const unused = async () => {
    throw new Error('not used here');
  };
  registerOpsActions({
    actionsRegistry: registry,
    auth: mockServices.auth(),
    logger: mockServices.logger.mock(),
    config: new ConfigReader({}),
    catalog: catalogServiceMock({ entities: [order] }),
    oncall: { getEntityOnCall: unused },
    incidents: { getEntityIncidents: unused },
    slo: { getEntitySlos: async () => slos },
    capacity: {
      getEntityCapacity: async (ref, range) => {
        expect({ ref, range }).toEqual({ ref: ORDER, range: '7d' });
        return capacity;
      },
    },
    changes: {
      list: unused,
      create: unused,
      policy: () => defaultChangePolicy,
    },
  });
  return registry;
}

describe('ops actions', () => {
  it('answers the SLOs with their budgets and only the burn-rate alerts that fire', async () => {
    const { output } = await setup().invoke({
      id: 'test:get-slo-status',
      input: { entityRef: 'order-service' },
      credentials: user,
    });

    expect(output).toMatchObject({
      entityRef: ORDER,
      firing: 1,
      stale: false,
      problems: [{ severity: 'warning', message: 'Unknown field "budget"' }],
    });
    const [availability, latency] = (output as any).objectives;
    expect(availability).toMatchObject({
      id: 'availability',
      target: 0.999,
      sli: 0.9985,
      errorBudget: { remaining: -0.5, remainingMinutes: -21.6 },
      alertState: 'page',
      firingBurnRateAlerts: [
        { severity: 'page', burnRate: 14.4, longBurnRate: 16 },
      ],
      forecast: { state: 'exhausted' },
    });
    expect(availability).not.toHaveProperty('burnDown');
    expect(latency).toMatchObject({
      sli: null,
      errorBudget: null,
      alertState: 'no-data',
      firingBurnRateAlerts: [],
      stale: true,
      error: 'No datapoints for TargetResponseTime',
    });
    expect(output).not.toHaveProperty('history');
  });

  it('answers 404 for an entity the catalog does not give the caller', async () => {
    await expect(
      setup().invoke({
        id: 'test:get-slo-status',
        input: { entityRef: 'component:default/nope' },
        credentials: user,
      }),
    ).rejects.toThrow('No entity component:default/nope in the catalog');
  });

  it('names the wrong field like the REST API', async () => {
    await expect(
      setup().invoke({
        id: 'test:get-slo-status',
        input: { entityRef: 'kind:with:colons/x' },
        credentials: user,
      }),
    ).rejects.toThrow(
      'Invalid input: entityRef: must be an entity ref like component:default/name',
    );
  });

  it('answers the first limit and every metric, soonest first, without chart series', async () => {
    const { output } = await setup().invoke({
      id: 'test:get-capacity-risk',
      input: { entityRef: 'order-service' },
      credentials: user,
    });

    const answer = output as any;
    expect(answer.firstLimit).toMatchObject({
      id: 'memory',
      limit: 80,
      headroom: 20,
      forecast: {
        status: 'crossing',
        daysToLimit: 5,
        earliestAt: '2026-12-08T00:00:00.000Z',
        confidence: 'high',
      },
    });
    expect(answer.metrics.map((m: any) => m.id)).toEqual([
      'memory',
      'cpu',
      'network',
    ]);
    expect(answer.metrics[0]).not.toHaveProperty('history');
    expect(answer.autoscaling).toEqual({ minReplicas: 2, maxReplicas: 10 });
  });

  it('refuses service credentials: the actions act for users only', async () => {
    await expect(
      setup().invoke({
        id: 'test:get-capacity-risk',
        input: { entityRef: 'order-service' },
        credentials: mockCredentials.service(),
      }),
    ).rejects.toThrow(/act for a signed-in user/);
  });
});
