import { screen, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { Entity } from '@backstage/catalog-model';
import {
  DEFAULT_BURN_RATE_RULES,
  EntitySlosResponse,
  scaleBurnRateRules,
} from '@opsportal/plugin-ops-common';
import { opsApiRef } from '../../api';
import { EntitySloCard } from './EntitySloCard';
import {
  entity,
  latencySlos,
  NOW,
  orderSlos,
  paymentSlos,
} from './__fixtures__/slos';
import { isSloAvailable } from './helpers';

// recharts sizes its charts with ResizeObserver, which jsdom lacks.
class NoResize {
  observe() {}
  unobserve() {}
  disconnect() {}
}
(globalThis as any).ResizeObserver ??= NoResize;

const payment = entity('payment-service', {
  'opsportal.dev/slo-spec': '../slo/payment-service.yaml',
});

async function renderCard(
  subject: Entity,
  getEntitySlos: () => Promise<EntitySlosResponse>,
) {
  return renderInTestApp(
    <TestApiProvider apis={[[opsApiRef, { getEntitySlos }]]}>
      <EntityProvider entity={subject}>
        <EntitySloCard />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('EntitySloCard', () => {
  beforeEach(() => {
    jest.useFakeTimers({
      now: NOW + 60_000,
      doNotFake: ['setTimeout', 'setInterval', 'queueMicrotask'],
    });
  });
  afterEach(() => jest.useRealTimers());

  it('shows the target, the current value and the budget left in minutes', async () => {
    await renderCard(payment, async () => paymentSlos());
    const slo = await screen.findByRole('region', { name: 'Availability' });
    expect(within(slo).getByText('99.99 %')).toBeInTheDocument();
    expect(within(slo).getByText('99.996 %')).toBeInTheDocument();
    // 40 of the 100 allowed bad requests: 60 % of 4.32 minutes left.
    expect(within(slo).getByText('60 %')).toBeInTheDocument();
    expect(within(slo).getByText('2.59 min of 4.32 min')).toBeInTheDocument();
    expect(
      within(slo).getByLabelText('Burn-rate alert: Healthy'),
    ).toBeInTheDocument();
    expect(
      within(slo).getByRole('progressbar', {
        name: 'Availability: 60 % of the error budget left',
      }),
    ).toBeInTheDocument();
    // The chart says what it shows, and its numbers are there as text.
    expect(
      screen.getByRole('img', {
        name: /burn-down of Availability over 30 days: 60 % left/,
      }),
    ).toBeInTheDocument();
    const table = screen.getByRole('table', {
      name: 'Burn-down of Availability, day by day',
    });
    expect(within(table).getAllByRole('row')).toHaveLength(31);
    // The ignored compact annotation is explained, not hidden.
    expect(
      screen.getByText(/is not used: the OpenSLO spec/),
    ).toBeInTheDocument();
    expect(screen.getByText(/Updated/)).toBeInTheDocument();
  });

  it('pages for a fast burn and names the windows', async () => {
    await renderCard(
      entity('order-service', { 'opsportal.dev/slo-availability': '99.9' }),
      async () => orderSlos(),
    );
    const slo = await screen.findByRole('region', { name: 'Availability' });
    expect(
      within(slo).getByLabelText('Burn-rate alert: Page'),
    ).toBeInTheDocument();
    expect(
      within(slo).getByText(
        /Page: the budget burns at 25x over 1h and 25x over 5m, at or above 14.4x on both/,
      ),
    ).toBeInTheDocument();
    expect(
      within(slo).getByText(
        /At the last 1h's rate \(25x\) the budget runs out in/,
      ),
    ).toBeInTheDocument();
  });

  it('says when a burn-rate rule is out of reach of a 95 % target, and what helps', async () => {
    const search = entity('search-service', {
      'opsportal.dev/slo-latency-p95': '250ms',
    });
    await renderCard(search, async () => latencySlos());
    const slo = await screen.findByRole('region', { name: 'Latency p95' });
    // 62 % of requests slow for an hour, and no page.
    expect(
      within(slo).getByLabelText('Burn-rate alert: Healthy'),
    ).toBeInTheDocument();
    const note = within(slo).getByRole('note', {
      name: 'Burn-rate rules of Latency p95 that can hardly fire',
    });
    expect(note).toHaveTextContent(
      'The page rule at 14.4x over 1h and 5m needs at least 72 % of events bad to fire: a 95 % target lets the budget burn at most 20x, with every event bad.',
    );
    expect(note).toHaveTextContent(
      /What helps: measuring the objective in 5-minute slices .*\(ops\.slo\.burnRateCeiling\.scaleToTarget/,
    );

    // Rules scaled to the target: it pages, and nothing is out of reach.
    await renderCard(search, async () =>
      latencySlos(scaleBurnRateRules(DEFAULT_BURN_RATE_RULES, 0.95)),
    );
    const scaled = (
      await screen.findAllByRole('region', { name: 'Latency p95' })
    ).at(-1)!;
    expect(
      within(scaled).getByLabelText('Burn-rate alert: Page'),
    ).toBeInTheDocument();
    expect(within(scaled).queryByRole('note')).toBeNull();
  });

  it('keeps the last values on screen with their age when the refresh failed', async () => {
    const stale = paymentSlos();
    stale.objectives[0].stale = true;
    stale.objectives[0].error =
      'CloudWatch at https://monitoring throttled GetMetricData after 5 attempts';
    stale.stale = true;
    stale.error = stale.objectives[0].error;
    stale.fetchedAt = new Date(NOW - 3 * 3600_000).toISOString();
    await renderCard(payment, async () => stale);
    expect(
      await screen.findByText(/Showing data from 3 hours ago/),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/throttled GetMetricData after 5 attempts/).length,
    ).toBeGreaterThan(0);
    const slo = screen.getByRole('region', { name: 'Availability' });
    expect(within(slo).getByText('99.996 %')).toBeInTheDocument();
  });

  it('reports definition problems with their line', async () => {
    const broken = paymentSlos();
    broken.objectives = [];
    broken.problems = [
      {
        severity: 'error',
        source: '../slo/payment-service.yaml',
        line: 42,
        message:
          'spec.objectives.0.targetPercent: Invalid input: expected number, received string',
      },
    ];
    await renderCard(payment, async () => broken);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      '../slo/payment-service.yaml, line 42: spec.objectives.0.targetPercent: Invalid input',
    );
  });

  it('says which annotation to add when there are no SLOs, and shows errors', async () => {
    await renderCard(entity('storefront', {}), async () => ({
      entityRef: 'component:default/storefront',
      objectives: [],
      problems: [],
      history: [],
      stale: false,
    }));
    expect(
      await screen.findByText('opsportal.dev/slo-availability'),
    ).toBeInTheDocument();

    await renderCard(payment, async () => {
      throw new Error('ops backend unavailable');
    });
    expect(
      await screen.findByText('Error: ops backend unavailable'),
    ).toBeInTheDocument();
  });

  it('is available for entities with an SLO annotation only', () => {
    expect(isSloAvailable(payment)).toBe(true);
    expect(
      isSloAvailable(entity('x', { 'opsportal.dev/slo-error-rate': '1%' })),
    ).toBe(true);
    expect(isSloAvailable(entity('x', {}))).toBe(false);
  });
});
