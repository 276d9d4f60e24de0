import { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import {
  assessIncident,
  DEFAULT_KPI_TARGETS,
  evaluateKpis,
  kpiPeriodRanges,
  KpiReport,
  OpsOverview,
} from '@opsportal/plugin-ops-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import plugin from '../../alpha';
import { KpiQuery, opsApiRef } from '../../api';
import { EntityKpiCard } from './EntityKpiCard';
import { OpsOverviewPage } from './OpsOverviewPage';

// recharts sizes its charts with ResizeObserver, which jsdom lacks.
class NoResize {
  observe() {}
  unobserve() {}
  disconnect() {}
}
(globalThis as any).ResizeObserver ??= NoResize;

jest.setTimeout(60_000);

const MIN = 60_000;
const now = new Date('2026-03-31T00:00:00Z');
const ORDER = 'component:default/order-service';

const order: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'order-service',
    title: 'Order Service',
    annotations: { 'pagerduty.com/service-id': 'PSVORDR' },
  },
  spec: { type: 'service', owner: 'group:default/dev-team' },
};
const storefront: Entity = {
  ...order,
  metadata: { name: 'storefront', title: 'Storefront' },
};

// Two P1s in March (MTTR 20 and 40 min), one in February (MTTR 10 min).
const incidents = [
  ['A', '2026-03-10T10:00:00Z', 20],
  ['B', '2026-03-20T10:00:00Z', 40],
  ['C', '2026-02-20T10:00:00Z', 10],
].map(([id, createdAt, minutes]) =>
  assessIncident(
    {
      id: id as string,
      title: `Incident ${id}`,
      status: 'resolved',
      priority: 'P1',
      serviceId: 'PSVORDR',
      createdAt: createdAt as string,
      acknowledgedAt: new Date(
        Date.parse(createdAt as string) + 2 * MIN,
      ).toISOString(),
      resolvedAt: new Date(
        Date.parse(createdAt as string) + (minutes as number) * MIN,
      ).toISOString(),
      assignees: [],
    },
    now,
  ),
);

function report(
  query: KpiQuery,
  overrides: Partial<KpiReport> = {},
): KpiReport {
  const ranges = kpiPeriodRanges(query.period, now, { month: query.month });
  return {
    scope: query.scope,
    entityRef: query.entityRef,
    title: query.entityRef ? 'Order Service' : 'Platform',
    period: ranges,
    generatedAt: now.toISOString(),
    entities: [{ entityRef: ORDER, title: 'Order Service' }],
    kpis: evaluateKpis(
      {
        incidents,
        changes: [],
        deployments: [],
        availability: [
          { at: '2026-03-20T00:00:00Z', good: 9995, total: 10000 },
        ],
      },
      ranges,
      { now },
    ),
    targets: DEFAULT_KPI_TARGETS,
    failureSeverities: ['P1', 'P2'],
    sources: [
      {
        source: 'incidents',
        available: true,
        stale: false,
        fetchedAt: now.toISOString(),
      },
    ],
    ...overrides,
  };
}

async function renderCard(entity: Entity, getKpis: (q: KpiQuery) => any) {
  return renderInTestApp(
    <TestApiProvider apis={[[opsApiRef, { getKpis }]]}>
      <EntityProvider entity={entity}>
        <EntityKpiCard />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('EntityKpiCard', () => {
  it('shows each KPI with target, value, trend and status', async () => {
    const asked: KpiQuery[] = [];
    await renderCard(order, async (q: KpiQuery) => {
      asked.push(q);
      return report(q);
    });
    const table = await screen.findByRole('table', {
      name: 'Operational KPIs of Order Service',
    });
    const mttr = within(table).getByRole('row', { name: /^MTTR/ });
    expect(within(mttr).getByText('< 30 min')).toBeInTheDocument();
    expect(within(mttr).getByText('30 min')).toBeInTheDocument();
    expect(within(mttr).getByText('Missed')).toBeInTheDocument();
    // Up from February's 10 minutes: worse.
    expect(within(mttr).getByText('Up from 10 min, worse')).toBeInTheDocument();
    const uptime = within(table).getByRole('row', { name: /^Uptime/ });
    expect(within(uptime).getByText('99.95 %')).toBeInTheDocument();
    expect(within(uptime).getByText('Met')).toBeInTheDocument();
    // The history chart says its numbers.
    expect(
      within(mttr).getByRole('img', { name: /MTTR .* as of each week: 3 Mar/ }),
    ).toBeInTheDocument();
    expect(asked[0]).toEqual({
      scope: 'entity',
      entityRef: ORDER,
      period: '30d',
    });
  });

  it('asks again for another period', async () => {
    const asked: KpiQuery[] = [];
    await renderCard(order, async (q: KpiQuery) => {
      asked.push(q);
      return report(q);
    });
    await screen.findByRole('table', {
      name: 'Operational KPIs of Order Service',
    });
    fireEvent.mouseDown(screen.getByRole('button', { name: /Period/ }));
    fireEvent.click(
      await screen.findByRole('option', { name: 'Last 90 days' }),
    );
    await waitFor(() =>
      expect(asked.map(q => q.period)).toEqual(['30d', '90d']),
    );
    expect(
      await screen.findByRole('table', {
        name: 'Operational KPIs of Order Service',
      }),
    ).toBeInTheDocument();
  });

  it('shows the annotation to add when the entity has no data at all', async () => {
    await renderCard(storefront, async (q: KpiQuery) => ({
      ...report(q),
      kpis: evaluateKpis({}, kpiPeriodRanges('30d', now), { now }),
      sources: [
        { source: 'incidents', available: false, stale: false },
        { source: 'availability', available: false, stale: false },
        { source: 'changes', available: true, stale: false },
      ],
    }));
    expect(
      await screen.findByText('pagerduty.com/service-id'),
    ).toBeInTheDocument();
  });

  it('keeps showing the last good numbers with their age when a source is stale', async () => {
    await renderCard(order, async (q: KpiQuery) =>
      report(q, {
        sources: [
          {
            source: 'incidents',
            available: true,
            stale: true,
            fetchedAt: '2026-03-30T22:00:00Z',
            error: 'PagerDuty answered 500',
          },
        ],
      }),
    );
    expect(
      await screen.findByText(/PagerDuty answered 500/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('table', { name: 'Operational KPIs of Order Service' }),
    ).toBeInTheDocument();
  });

  it('says what went wrong when the KPIs cannot be loaded', async () => {
    await renderCard(order, async () => {
      throw new Error('ops backend unreachable');
    });
    expect(
      (await screen.findAllByText(/ops backend unreachable/)).length,
    ).toBeGreaterThan(0);
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });
});

describe('OpsOverviewPage', () => {
  const overview: OpsOverview = {
    generatedAt: now.toISOString(),
    incidents: {
      data: {
        severities: ['P1', 'P2'],
        stale: false,
        open: [
          {
            ...assessIncident(
              {
                id: 'OPEN',
                title: 'Order API 5xx above 5%',
                status: 'acknowledged',
                priority: 'P1',
                serviceId: 'PSVORDR',
                createdAt: '2026-03-30T23:48:00Z',
                acknowledgedAt: '2026-03-30T23:51:00Z',
                assignees: [],
              },
              now,
            ),
            entityRef: ORDER,
            entityTitle: 'Order Service',
          },
        ],
      },
    },
    onCall: {
      data: {
        rows: [
          {
            entityRef: 'group:default/sre-team',
            kind: 'group',
            title: 'SRE Team',
            services: [],
            levels: [
              {
                level: 1,
                label: 'Primary',
                people: [{ id: 'U1', name: 'Alice Chen' }],
              },
              {
                level: 3,
                label: 'Escalation',
                people: [{ id: 'U9', name: 'Maria Garcia' }],
              },
            ],
            stale: false,
          },
        ],
      },
    },
    slos: { error: 'CloudWatch throttled the request' },
    changes: { unavailable: 'Change management is not installed' },
  };

  it('shows the platform KPI tables and each part of the overview, a failing part on its own', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [
            opsApiRef,
            {
              getKpis: async (q: KpiQuery) => report(q),
              getOverview: async () => overview,
              listReviews: async () => ({
                open: [],
                overdueCount: 0,
                overdueActionItems: [],
                recentlyCompleted: [],
              }),
              getCapacityReview: async () => ({
                generatedAt: now.toISOString(),
                rows: [],
              }),
            },
          ],
        ]}
      >
        <OpsOverviewPage />
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    expect(
      await screen.findByRole('table', { name: 'System reliability KPIs' }),
    ).toBeInTheDocument();
    const efficiency = screen.getByRole('table', {
      name: 'Operational efficiency KPIs',
    });
    expect(
      within(efficiency)
        .getAllByRole('rowheader')
        .map(h => h.textContent),
    ).toEqual([
      'Deployment Frequency',
      'Deployment Success Rate',
      'Rollback Rate',
      'Alert Response Time',
      'Incident Resolution Time',
      'Reviews Completed On Time',
      'Action Items Overdue',
    ]);

    const open = await screen.findByRole('table', {
      name: 'Open P1/P2 incidents',
    });
    expect(
      within(open).getByText('Order API 5xx above 5%'),
    ).toBeInTheDocument();
    expect(within(open).getByText(/target 5 min/)).toBeInTheDocument();

    const onCall = screen.getByRole('table', { name: 'On call now' });
    expect(within(onCall).getByText('Alice Chen')).toBeInTheDocument();
    expect(within(onCall).getByText('Maria Garcia')).toBeInTheDocument();

    expect(
      screen.getByRole('heading', {
        name: 'Error: CloudWatch throttled the request',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Change management is not installed.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('No service reaches a capacity limit within 90 days.'),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(
        'No review is open and no action item is overdue.',
      ),
    ).toBeInTheDocument();
  });
});

describe('KPIs in the new frontend system', () => {
  it('adds a KPIs tab to groups only', () => {
    const tester = createExtensionTester(
      plugin.getExtension('entity-content:ops/kpis'),
    );
    expect(tester.get(coreExtensionData.routePath)).toBe('kpis');
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction);
    expect(filter?.({ ...order, kind: 'Group' })).toBe(true);
    expect(filter?.(order)).toBe(false);
  });

  it('offers the overview page with a nav entry', () => {
    const tester = createExtensionTester(
      plugin.getExtension('page:ops/overview'),
    );
    expect(tester.get(coreExtensionData.routePath)).toBe('/overview');
    expect(tester.get(coreExtensionData.title)).toBe('Overview');
  });
});
