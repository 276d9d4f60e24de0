import { screen, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { opsApiRef } from '../../api';
import { RunbooksPage } from './RunbooksPage';
import { coverageReport } from './__fixtures__/payment';

// The machine running the tests is shared; rendering MUI can be slow.
jest.setTimeout(30_000);

describe('RunbooksPage', () => {
  it('shows coverage per team and service, the alarms lacking runbooks and stale runbooks', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[[opsApiRef, { getRunbookCoverage: async () => coverageReport }]]}
      >
        <RunbooksPage />
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );

    const coverage = await screen.findByRole('region', {
      name: 'Alarm coverage',
    });
    expect(coverage).toHaveTextContent('80 %');
    expect(coverage).toHaveTextContent(
      '4 of 5 alarms have a runbook; 1 lack one',
    );

    const teams = screen.getByRole('table', {
      name: 'Runbook coverage by team',
    });
    expect(within(teams).getAllByRole('row')).toHaveLength(2);

    const services = screen.getByRole('table', {
      name: 'Runbook coverage by service',
    });
    const payment = within(services).getByRole('row', {
      name: /Payment Service/,
    });
    expect(
      within(payment).getByText('payment-service-events-queue-backlog'),
    ).toBeInTheDocument();
    expect(
      within(payment).getByText(
        'Payments database failover (orders-db) (2025-12-10)',
      ),
    ).toBeInTheDocument();
    expect(
      within(payment).getByRole('link', { name: 'Payment Service' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/payment-service/runbooks',
    );
    const storefront = within(services).getByRole('row', {
      name: /storefront/,
    });
    expect(within(storefront).getByText('no runbooks')).toBeInTheDocument();
  });
});
