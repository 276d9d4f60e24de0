import { screen, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  PlatformSloRow,
  PlatformSlosResponse,
} from '@opsportal/plugin-ops-common';
import { opsApiRef } from '../../api';
import { SloPageContent } from './SloPage';

function row(
  name: string,
  title: string,
  remaining: number,
  alert: PlatformSloRow['alert'],
  kind = 'component',
): PlatformSloRow {
  return {
    entityRef: `${kind}:default/${name}`,
    kind,
    title,
    objectives: [
      {
        id: 'availability',
        name: 'Availability',
        category: 'availability',
        target: 0.999,
        window: '30d',
        sli: 1 - 0.001 * (1 - remaining),
        remaining,
        remainingMinutes: 43.2 * remaining,
        alert,
      },
    ],
    lowestRemaining: remaining,
    alert,
    problems: 0,
    fetchedAt: new Date().toISOString(),
    stale: false,
  };
}

describe('SloPageContent', () => {
  it("shows the platform's objective and ranks the services by budget left", async () => {
    const answer: PlatformSlosResponse = {
      platform: [
        row('ecommerce-platform', 'E-Commerce Platform', 0.52, 'ok', 'system'),
      ],
      services: [
        row('order-service', 'Order Service', 0.29, 'page'),
        row('customer-service', 'Customer Service', 0.63, 'ticket'),
        row('payment-service', 'Payment Service', 0.6, 'ok'),
      ].sort((a, b) => a.lowestRemaining! - b.lowestRemaining!),
    };
    await renderInTestApp(
      <TestApiProvider
        apis={[[opsApiRef, { getPlatformSlos: async () => answer }]]}
      >
        <SloPageContent />
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    const platform = await screen.findByRole('group', {
      name: 'E-Commerce Platform Availability',
    });
    expect(platform).toHaveTextContent(
      'Target 99.9 % over 30d · current 99.95 % · budget left 52 % (22.5 min)',
    );
    const table = screen.getByRole('table', {
      name: 'Services ranked by error budget left',
    });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(
      rows.map(r => within(r).getAllByRole('cell')[1].textContent),
    ).toEqual(['Order Service', 'Payment Service', 'Customer Service']);
    expect(
      within(rows[0]).getByLabelText('Burn-rate alert: Page'),
    ).toBeInTheDocument();
    expect(
      within(rows[0]).getByRole('link', { name: 'Order Service' }),
    ).toHaveAttribute('href', '/catalog/default/component/order-service');
    expect(within(rows[0]).getAllByRole('cell')[3]).toHaveTextContent('29 %');
  });
});
