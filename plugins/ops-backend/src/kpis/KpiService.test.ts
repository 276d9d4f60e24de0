import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ConfigReader } from '@backstage/config';
import {
  assessIncident,
  evaluateKpis,
  IncidentRecord,
  KpiAvailabilityPoint,
  kpiPeriodRanges,
  KpiReport,
} from '@opsportal/plugin-ops-common';
import { readKpisConfig } from './config';
import { KpiService, KpiServiceOptions, sumByEnd } from './KpiService';
import {
  KpiAvailabilitySource,
  KpiChangeRecord,
  KpiChangeSource,
  KpiIncidentSource,
} from './sources';

const MIN = 60_000;
const now = new Date('2026-03-31T00:00:00Z');
const credentials = mockCredentials.user();

function component(
  name: string,
  owner: string,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, title: name.replace('-', ' '), annotations },
    spec: { type: 'service', owner, system: 'ecommerce-platform' },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };
}

const entities: Entity[] = [
  component('order-service', 'group:default/dev-team', {
    'pagerduty.com/service-id': 'PSVORDR',
    'opsportal.dev/slo-availability': '99.9',
  }),
  component('payment-service', 'group:default/dev-team', {
    'pagerduty.com/service-id': 'PSVPAYM,PSVPGWY',
  }),
  component('storefront', 'group:default/dev-team'),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name: 'sre-team',
      annotations: { 'pagerduty.com/escalation-policy-id': 'PEPECOM' },
    },
    spec: { type: 'team', profile: { displayName: 'SRE Team' } },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'dev-team' },
    spec: { type: 'team' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: {
      name: 'ecommerce-platform',
      annotations: { 'opsportal.dev/slo-availability': '99.9' },
    },
    spec: { owner: 'group:default/sre-team' },
  },
];

const ORDER = 'component:default/order-service';
const PAYMENT = 'component:default/payment-service';
const SRE = 'group:default/sre-team';
const SYSTEM = 'system:default/ecommerce-platform';

function incident(
  id: string,
  fields: Partial<IncidentRecord> & Pick<IncidentRecord, 'createdAt'>,
) {
  return assessIncident(
    {
      id,
      title: id,
      status: fields.resolvedAt ? 'resolved' : 'triggered',
      serviceId: 'PSVORDR',
      assignees: [],
      ...fields,
    },
    now,
  );
}

// A P1 on order-service resolved in 25 min; an open P2 and a resolved P4 on
// payment-service; the team's snapshot holds the same incidents again.
const p1 = incident('P1-ORDER', {
  priority: 'P1',
  createdAt: '2026-03-20T10:00:00Z',
  acknowledgedAt: '2026-03-20T10:02:00Z',
  resolvedAt: '2026-03-20T10:25:00Z',
});
const p2 = incident('P2-PAYMENT', {
  priority: 'P2',
  serviceId: 'PSVPAYM',
  createdAt: '2026-03-30T22:00:00Z',
});
const p4 = incident('P4-PAYMENT', {
  priority: 'P4',
  serviceId: 'PSVPGWY',
  createdAt: '2026-03-12T10:00:00Z',
  acknowledgedAt: '2026-03-12T11:00:00Z',
  resolvedAt: '2026-03-12T13:00:00Z',
});
const incidentsByRef: Record<string, ReturnType<typeof incident>[]> = {
  [ORDER]: [p1],
  [PAYMENT]: [p2, p4],
  [SRE]: [p1, p2, p4],
};

function points(good: number, total: number): KpiAvailabilityPoint[] {
  return [{ at: '2026-03-20T00:00:00Z', good, total }];
}
const availabilityByRef: Record<string, KpiAvailabilityPoint[]> = {
  [SYSTEM]: points(99_950, 100_000),
  [ORDER]: points(9_900, 10_000),
};

const changes: KpiChangeRecord[] = [
  {
    id: 'CHG-1001',
    category: 'standard',
    standardType: 'routine-deployment',
    outcome: 'successful',
    entityRefs: [ORDER],
    finishedAt: '2026-03-10T10:00:00Z',
  },
  {
    id: 'CHG-1002',
    category: 'standard',
    standardType: 'config-update',
    outcome: 'rolled-back',
    entityRefs: [PAYMENT],
    finishedAt: '2026-03-11T10:00:00Z',
  },
];

const incidentSource: KpiIncidentSource = {
  async incidents(refs) {
    return {
      byEntity: new Map(refs.map(r => [r, incidentsByRef[r] ?? []])),
      freshness: {
        stale: false,
        fetchedAt: now.toISOString(),
        since: '2026-01-01T00:00:00Z',
      },
    };
  },
};
const availabilitySource: KpiAvailabilitySource = {
  async availability(list) {
    return new Map(
      list
        .map(e => stringifyEntityRef(e))
        .filter(r => availabilityByRef[r])
        .map(r => [r, { points: availabilityByRef[r], stale: false }]),
    );
  },
};
const changeSource: KpiChangeSource = {
  async implemented() {
    return changes;
  },
};

function service(overrides: Partial<KpiServiceOptions> = {}) {
  return new KpiService({
    catalog: catalogServiceMock({ entities }),
    config: readKpisConfig(new ConfigReader({})),
    clock: { now: () => now },
    incidents: incidentSource,
    availability: availabilitySource,
    changes: changeSource,
    teams: {
      async servicesOf(ref) {
        // payment-service has two PagerDuty services: named twice.
        return ref === SRE ? [ORDER, PAYMENT, PAYMENT] : [];
      },
    },
    ...overrides,
  });
}

function kpi(report: KpiReport, id: string) {
  return report.kpis.find(k => k.id === id)!;
}

describe('KpiService', () => {
  it('gives the platform its own availability objective and every service incident once', async () => {
    const report = await service().report(
      { scope: 'platform', period: '30d' },
      credentials,
    );
    expect(report.title).toBe('Platform');
    expect(report.entities.map(e => e.entityRef)).toEqual([
      ORDER,
      PAYMENT,
      'component:default/storefront',
    ]);
    expect(kpi(report, 'uptime').value).toBeCloseTo(0.9995, 10);
    expect(kpi(report, 'incidentCount').value).toBe(3);
    // One failure resolved in 25 min; the open P2 has no recovery yet.
    expect(kpi(report, 'mttr').value).toBe(25 * MIN);
    expect(kpi(report, 'changeSuccessRate').value).toBe(0.5);
    // Only the routine deployment is a deployment.
    expect(kpi(report, 'deploymentFrequency').value).toBeCloseTo(1 / 30, 10);
    expect(kpi(report, 'deploymentSuccessRate').value).toBe(1);
  });

  it("counts a team's on-call services, and an incident the team shares with them once", async () => {
    const report = await service().report(
      { scope: 'team', entityRef: SRE, period: '30d' },
      credentials,
    );
    expect(report.title).toBe('SRE Team');
    expect(report.entities.map(e => e.entityRef).sort()).toEqual([
      ORDER,
      PAYMENT,
    ]);
    expect(kpi(report, 'incidentCount').value).toBe(3);
    // order-service's SLO alone: payment-service has none.
    expect(kpi(report, 'uptime').value).toBeCloseTo(0.99, 10);
  });

  it("counts a team's owned services, the one without PagerDuty included", async () => {
    const report = await service().report(
      { scope: 'team', entityRef: 'group:default/dev-team', period: '30d' },
      credentials,
    );
    expect(report.entities).toHaveLength(3);
    expect(kpi(report, 'incidentCount').value).toBe(3);
  });

  it('keeps an entity to its own incidents and changes', async () => {
    const report = await service().report(
      { scope: 'entity', entityRef: PAYMENT, period: '30d' },
      credentials,
    );
    expect(kpi(report, 'incidentCount').value).toBe(2);
    expect(kpi(report, 'rollbackRate').value).toBe(1);
    expect(kpi(report, 'deploymentFrequency').value).toBe(0);
    expect(kpi(report, 'uptime').status).toBe('no-data');
    expect(report.sources.find(s => s.source === 'availability')?.note).toMatch(
      /opsportal.dev\/slo-availability/,
    );
  });

  it('names the annotation an entity without PagerDuty needs', async () => {
    const report = await service().report(
      {
        scope: 'entity',
        entityRef: 'component:default/storefront',
        period: '90d',
      },
      credentials,
    );
    const incidents = report.sources.find(s => s.source === 'incidents')!;
    expect(incidents.available).toBe(false);
    expect(incidents.note).toMatch(/pagerduty.com\/service-id/);
    expect(kpi(report, 'mtbf').status).toBe('no-data');
  });

  it('shows the other KPIs when the caller may not see change requests', async () => {
    const report = await service({
      changes: {
        async implemented() {
          throw new NotAllowedError('You may not see change requests');
        },
      },
    }).report({ scope: 'platform', period: '30d' }, credentials);
    expect(kpi(report, 'changeSuccessRate').status).toBe('no-data');
    expect(report.sources.find(s => s.source === 'changes')).toMatchObject({
      available: false,
      note: 'You may not see change requests',
    });
    expect(kpi(report, 'incidentCount').value).toBe(3);
  });

  it('refuses a team that is not a group, an unknown entity and a future month', async () => {
    await expect(
      service().report(
        { scope: 'team', entityRef: ORDER, period: '30d' },
        credentials,
      ),
    ).rejects.toThrow(/a team is a Group/);
    await expect(
      service().report(
        { scope: 'entity', entityRef: 'component:default/nope', period: '30d' },
        credentials,
      ),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(
      service().report(
        { scope: 'platform', period: 'month', month: '2026-05' },
        credentials,
      ),
    ).rejects.toMatchObject({ name: 'InputError' });
  });

  it('lists open P1 and P2 incidents with their service, and keeps a failing part to itself', async () => {
    const overview = await service({
      overview: {
        onCall: async () => {
          throw new Error('PagerDuty answered 500');
        },
      },
    }).overview(credentials);
    expect(overview.incidents.data?.open.map(i => i.id)).toEqual([
      'P2-PAYMENT',
    ]);
    expect(overview.incidents.data?.open[0]).toMatchObject({
      entityRef: PAYMENT,
      severityLabel: 'High',
    });
    expect(overview.onCall).toEqual({ error: 'PagerDuty answered 500' });
    expect(overview.changes.unavailable).toMatch(/Change management/);
  });
});

describe('KpiService, a report viewed again', () => {
  function counted(reportCacheSeconds?: number) {
    let reads = 0;
    let at = now.getTime();
    const kpis = service({
      config: readKpisConfig(
        new ConfigReader(
          reportCacheSeconds === undefined
            ? {}
            : { ops: { kpis: { reportCacheSeconds } } },
        ),
      ),
      clock: { now: () => new Date(at) },
      incidents: {
        async incidents(refs, since, until, caller) {
          reads += 1;
          return incidentSource.incidents(refs, since, until, caller);
        },
      },
    });
    return {
      view: (who = credentials) =>
        kpis.report({ scope: 'entity', entityRef: ORDER, period: '30d' }, who),
      reads: () => reads,
      advance: (ms: number) => {
        at += ms;
      },
    };
  }

  it("answers a user's repeated views from the report made less than 10 s before, and no one else's", async () => {
    const k = counted();
    const first = await k.view();
    expect(await k.view()).toEqual(first);
    expect(k.reads()).toBe(1);

    // Another user's numbers are their own (what they may see differs).
    await k.view(mockCredentials.user('user:default/someone-else'));
    expect(k.reads()).toBe(2);

    k.advance(10_000);
    await k.view();
    expect(k.reads()).toBe(3);
  });

  it('computes every view with ops.kpis.reportCacheSeconds 0', async () => {
    const k = counted(0);
    await k.view();
    await k.view();
    expect(k.reads()).toBe(2);
  });
});

describe('sumByEnd', () => {
  it('adds up the buckets of several services that end at the same time, and measures the same uptime', () => {
    const DAY = 86_400_000;
    const series = [0, 1, 2].map(s =>
      Array.from({ length: 40 }, (_, d) => ({
        at: new Date(now.getTime() - (d + s) * DAY).toISOString(),
        good: d === 3 && s === 1 ? 0 : 1000 - d - s,
        total: d === 3 && s === 1 ? 0 : 1000 + s,
      })),
    );
    const summed = sumByEnd(series);
    expect(summed).toHaveLength(42);
    expect(summed.find(p => p.at === series[0][2].at)).toEqual({
      at: series[0][2].at,
      good: 998 + 998 + 998,
      total: 3003,
    });
    // The inputs are left as they were.
    expect(series[0][2]).toEqual({
      at: series[0][2].at,
      good: 998,
      total: 1000,
    });
    const ranges = kpiPeriodRanges('30d', now, { timeZone: 'UTC' });
    const measure = (availability: KpiAvailabilityPoint[]) =>
      evaluateKpis({ availability }, ranges, { now }).find(
        k => k.id === 'uptime',
      );
    expect(measure(summed)).toEqual(measure(series.flat()));
    expect(measure(summed)!.basis).toMatch(/30 days with data/);
  });
});
