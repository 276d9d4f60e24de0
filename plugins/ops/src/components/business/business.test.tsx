import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import {
  BusinessMetricView,
  EntityBusinessMetricsResponse,
} from '@opsportal/plugin-ops-common';
import { OpsApi, opsApiRef } from '../../api';
import plugin from '../../alpha';
import { EntityBusinessMetricsCard } from './EntityBusinessMetricsCard';

// recharts sizes its charts with ResizeObserver, which jsdom lacks.
(globalThis as any).ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};

jest.setTimeout(30_000);

const routes = {
  mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
};

const system: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: { name: 'ecommerce-platform', namespace: 'default' },
  spec: { owner: 'sre-team' },
};
const orderService: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'order-service', namespace: 'default' },
  spec: { type: 'service', owner: 'dev-team', system: 'ecommerce-platform' },
};

const END = Date.UTC(2026, 11, 5, 1, 0);
const WEEK = 7 * 86_400_000;

function metric(
  overrides: Partial<BusinessMetricView> & { id: string; title: string },
  now: number,
  then: number,
): BusinessMetricView {
  const series = Array.from({ length: 288 }, (_, i) => ({
    t: END - (288 - i) * 300_000,
    v: i === 287 ? now : then,
  }));
  return {
    unit: 'count',
    periodSeconds: 300,
    source: 'cloudwatch',
    higherIsBetter: true,
    deviationShare: 0.3,
    current: series[287],
    lastWeek: { t: series[287].t - WEEK, v: then },
    deviation: (now - then) / then,
    flagged: false,
    comparison: 'same',
    series,
    lastWeekSeries: series.map(p => ({ t: p.t, v: then })),
    fetchedAt: new Date().toISOString(),
    stale: false,
    ...overrides,
  };
}

const orders = metric(
  { id: 'orders', title: 'Orders per minute', per: 'minute' },
  12.4,
  12,
);
const revenue = metric(
  {
    id: 'revenue',
    title: 'Revenue per hour',
    unit: 'currency',
    currency: 'USD',
    per: 'hour',
    flagged: true,
    comparison: 'worse',
    reason: '45 % below the same time last week, more than the 30 % allowed',
  },
  33000,
  60000,
);
const abandonment = metric(
  {
    id: 'cart-abandonment',
    title: 'Cart abandonment rate',
    unit: 'percent',
    higherIsBetter: false,
  },
  70.1,
  69.5,
);

function render(
  entity: Entity,
  answer: Partial<EntityBusinessMetricsResponse> | Error,
) {
  const getEntityBusinessMetrics = jest.fn(async (entityRef: string) => {
    if (answer instanceof Error) throw answer;
    return {
      entityRef,
      metrics: [],
      generatedAt: new Date().toISOString(),
      ...answer,
    };
  });
  const api: Partial<OpsApi> = { getEntityBusinessMetrics };
  return {
    getEntityBusinessMetrics,
    rendered: renderInTestApp(
      <TestApiProvider apis={[[opsApiRef, api]]}>
        <EntityProvider entity={entity}>
          <EntityBusinessMetricsCard />
        </EntityProvider>
      </TestApiProvider>,
      routes,
    ),
  };
}

describe('EntityBusinessMetricsCard', () => {
  it('shows each metric against last week and flags the one that departs, in words', async () => {
    const { getEntityBusinessMetrics, rendered } = render(system, {
      metrics: [orders, revenue, abandonment],
    });
    await rendered;
    const tile = await screen.findByRole('region', {
      name: 'Revenue per hour',
    });
    expect(getEntityBusinessMetrics).toHaveBeenCalledWith(
      'system:default/ecommerce-platform',
    );
    expect(tile).toHaveTextContent('$33,000 / h');
    expect(tile).toHaveTextContent(
      '↓ 45 % below the same time last week ($60,000 / h)',
    );
    expect(within(tile).getByRole('note')).toHaveTextContent(
      'Revenue per hour is 45 % below the same time last week, more than the 30 % allowed: worse than usual.',
    );
    const ordersTile = screen.getByRole('region', {
      name: 'Orders per minute',
    });
    expect(ordersTile).toHaveTextContent('12.4 / min');
    expect(ordersTile).toHaveTextContent(
      '↑ 3.3 % above the same time last week (12 / min)',
    );
    expect(within(ordersTile).queryByRole('note')).toBeNull();
    expect(screen.getByText(/1 flagged/)).toBeInTheDocument();

    // The chart's text alternative, and the numbers behind it.
    expect(
      await within(tile).findByRole('img', {
        name: /^Revenue per hour over the last 24 hours, between \$33,000 \/ h and \$60,000 \/ h/,
      }),
    ).toBeInTheDocument();
    await userEvent.click(
      within(tile).getByRole('button', { name: 'Show the hourly numbers' }),
    );
    const table = within(tile).getByRole('table', {
      name: 'Revenue per hour, hourly means',
    });
    expect(within(table).getAllByRole('row')).toHaveLength(25);
  });

  it("folds the system's metrics on a component", async () => {
    const { rendered } = render(orderService, {
      metrics: [orders, revenue],
      system: {
        entityRef: 'system:default/ecommerce-platform',
        title: 'E-Commerce Platform',
        metrics: [abandonment],
      },
    });
    await rendered;
    await screen.findByRole('region', { name: 'Orders per minute' });
    const fold = screen.getByRole('button', {
      name: /Metrics of the system E-Commerce Platform \(1, none flagged\)/,
    });
    expect(fold).toHaveAttribute('aria-expanded', 'false');
    expect(
      screen.queryByRole('region', { name: 'Cart abandonment rate' }),
    ).toBeNull();
    await userEvent.click(fold);
    expect(
      await screen.findByRole('region', { name: 'Cart abandonment rate' }),
    ).toHaveTextContent('70.1 %');
  });

  it('says how to configure metrics when the entity has none', async () => {
    const { rendered } = render(orderService, { metrics: [] });
    await rendered;
    expect(
      await screen.findByText(
        /No business metrics are configured for this entity/,
      ),
    ).toBeInTheDocument();
    // The YAML to paste names the entity (the snippet is highlighted in spans).
    expect(document.body.textContent).toContain(
      'entities: [component:default/order-service]',
    );
  });

  it('shows the last good values with their age and the error when the refresh failed', async () => {
    const { rendered } = render(system, {
      metrics: [
        {
          ...orders,
          stale: true,
          fetchedAt: new Date(Date.now() - 20 * 60_000).toISOString(),
          error: 'AccessDeniedException: not authorized',
        },
      ],
    });
    await rendered;
    const status = await screen.findByRole('status');
    expect(status).toHaveTextContent(
      /Showing data from 20 minutes ago\. AccessDeniedException: not authorized/,
    );
    expect(
      screen.getByRole('region', { name: 'Orders per minute' }),
    ).toHaveTextContent('12.4 / min');
  });

  it('says when a metric was never read', async () => {
    const { rendered } = render(system, {
      metrics: [
        {
          ...orders,
          current: undefined,
          lastWeek: undefined,
          deviation: undefined,
          comparison: 'unknown',
          series: [],
          lastWeekSeries: [],
          fetchedAt: undefined,
          stale: true,
          error: 'No metrics provider is installed',
        },
      ],
    });
    await rendered;
    const tile = await screen.findByRole('region', {
      name: 'Orders per minute',
    });
    expect(tile).toHaveTextContent('No value for the last complete period yet');
    expect(tile).toHaveTextContent('No metrics provider is installed');
  });

  it('shows the error when the backend cannot answer', async () => {
    const { rendered } = render(system, new Error('Request failed with 503'));
    await rendered;
    expect(
      (await screen.findAllByText(/Request failed with 503/)).length,
    ).toBeGreaterThan(0);
  });
});

describe('business metrics in the new frontend system', () => {
  it('puts the card on systems and components', () => {
    const tester = createExtensionTester(
      plugin.getExtension('entity-card:ops/business'),
    );
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction);
    expect(filter?.(system)).toBe(true);
    expect(filter?.(orderService)).toBe(true);
    expect(filter?.({ ...system, kind: 'Group' })).toBe(false);
  });
});
