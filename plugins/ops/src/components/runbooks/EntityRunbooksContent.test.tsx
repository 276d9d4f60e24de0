import { screen, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { opsApiRef } from '../../api';
import { EntityRunbooksContent } from './EntityRunbooksContent';
import {
  paymentEntity,
  paymentRunbooks,
  processingFailuresDocument,
} from './__fixtures__/payment';

// The machine running the tests is shared; rendering MUI can be slow.
jest.setTimeout(30_000);

describe('EntityRunbooksContent', () => {
  it('reads the runbook named in the address, with its contents and alarms', async () => {
    const getRunbookDocument = jest.fn(async () => processingFailuresDocument);
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [
            opsApiRef,
            {
              getEntityRunbooks: async () => paymentRunbooks,
              getRunbookDocument,
            },
          ],
        ]}
      >
        <EntityProvider entity={paymentEntity}>
          <EntityRunbooksContent />
        </EntityProvider>
      </TestApiProvider>,
      {
        routeEntries: ['/?runbook=payment-processing-failures'],
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );

    expect(
      await screen.findByRole('heading', { name: 'Roll back' }),
    ).toBeInTheDocument();
    expect(getRunbookDocument).toHaveBeenCalledWith(
      'component:default/payment-service',
      'payment-processing-failures',
    );
    const nav = screen.getByRole('navigation', { name: 'Runbooks' });
    expect(
      within(nav).getByRole('link', {
        name: /Payment processing failures above 5 %/,
      }),
    ).toHaveAttribute('aria-current', 'page');
    const toc = screen.getByRole('navigation', { name: 'Table of contents' });
    expect(
      within(toc).getByRole('link', { name: 'Mitigation' }),
    ).toHaveAttribute('href', '#runbook-mitigation');
    expect(
      screen.getByRole('button', {
        name: 'Copy: kubectl -n default rollout undo deployment/payment-service',
      }),
    ).toBeInTheDocument();
    expect(screen.getByText(/^Covers:/)).toBeInTheDocument();
    // The full alarm list with reasons, the orphan flagged.
    const alarms = screen.getByRole('list', { name: 'Alarms' });
    expect(
      within(alarms).getByText(
        'Threshold Crossed: 3 datapoints were greater than 5.',
      ),
    ).toBeInTheDocument();
    expect(within(alarms).getByText('No runbook')).toBeInTheDocument();
  });

  it('opens the first markdown runbook when none is named', async () => {
    const getRunbookDocument = jest.fn(async () => ({
      ...processingFailuresDocument,
      runbook: paymentRunbooks.runbooks[0],
    }));
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [
            opsApiRef,
            {
              getEntityRunbooks: async () => paymentRunbooks,
              getRunbookDocument,
            },
          ],
        ]}
      >
        <EntityProvider entity={paymentEntity}>
          <EntityRunbooksContent />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    expect(await screen.findByText(/Stale: not updated/)).toBeInTheDocument();
    expect(getRunbookDocument).toHaveBeenCalledWith(
      'component:default/payment-service',
      'db-failover',
    );
  });
});
