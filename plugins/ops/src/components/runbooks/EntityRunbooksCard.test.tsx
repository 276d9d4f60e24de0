import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { EntityRunbooks } from '@opsportal/plugin-ops-common';
import { opsApiRef } from '../../api';
import { EntityRunbooksCard } from './EntityRunbooksCard';
import {
  bareEntity,
  paymentEntity,
  paymentRunbooks,
} from './__fixtures__/payment';
import { Entity } from '@backstage/catalog-model';

// The machine running the tests is shared; rendering MUI can be slow.
jest.setTimeout(30_000);

async function renderCard(
  entity: Entity,
  getEntityRunbooks: () => Promise<EntityRunbooks>,
) {
  return renderInTestApp(
    <TestApiProvider apis={[[opsApiRef, { getEntityRunbooks }]]}>
      <EntityProvider entity={entity}>
        <EntityRunbooksCard />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('EntityRunbooksCard', () => {
  it('lists the runbooks and the alarms, flagging the alarm without a runbook', async () => {
    await renderCard(paymentEntity, async () => paymentRunbooks);

    expect(
      await screen.findByText(
        '3 runbooks · 1 stale · 3 alarms · 1 firing · 1 without a runbook',
      ),
    ).toBeInTheDocument();
    const runbooks = screen.getByRole('list', { name: 'Runbooks' });
    expect(
      within(runbooks).getByRole('link', {
        name: 'Payment processing failures above 5 %',
      }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/payment-service/runbooks?runbook=payment-processing-failures',
    );
    expect(
      within(runbooks).getByRole('link', {
        name: 'Runbook: payment gateway timeouts, Opens in a new window',
      }),
    ).toHaveAttribute(
      'href',
      'https://runbooks.ecommerce-platform.example/payment-service/gateway-timeouts',
    );
    expect(within(runbooks).getByText('stale')).toBeInTheDocument();

    const alarms = screen.getByRole('list', { name: 'Alarms' });
    const orphan = within(alarms).getByRole('listitem', {
      name: /payment-service-events-queue-backlog, OK, P3, no runbook/,
    });
    expect(within(orphan).getByText('No runbook')).toBeInTheDocument();
    const firing = within(alarms).getByRole('listitem', {
      name: /payment-service-processing-failures, ALARM, P1$/,
    });
    expect(
      within(firing).getByRole('link', {
        name: 'Payment processing failures above 5 %',
      }),
    ).toBeInTheDocument();
    expect(
      within(firing).getByLabelText('Severity P1 (critical)'),
    ).toBeInTheDocument();
    // A link runbook opens where it lives; the description's link too.
    const gateway = within(alarms).getByRole('listitem', {
      name: /^payment-service-gateway-timeouts/,
    });
    expect(
      within(gateway).getByRole('link', {
        name: 'payment gateway timeouts, Opens in a new window',
      }),
    ).toHaveAttribute(
      'href',
      'https://runbooks.ecommerce-platform.example/payment-service/gateway-timeouts',
    );
    expect(
      within(gateway).getByRole('link', {
        name: 'wiki.example/runbooks/gateway, Opens in a new window',
      }),
    ).toHaveAttribute('href', 'https://wiki.example/runbooks/gateway');
    expect(
      screen.getByRole('heading', { name: /^Alarms \(3\)/ }),
    ).toHaveTextContent('Alarms (3) · 1 without a runbook');
  });

  it('filters runbooks and alarms by what is typed', async () => {
    await renderCard(paymentEntity, async () => paymentRunbooks);
    await userEvent.type(
      await screen.findByLabelText('Search runbooks and alarms'),
      'replica',
    );

    const runbooks = screen.getByRole('list', { name: 'Runbooks' });
    expect(within(runbooks).getAllByRole('listitem')).toHaveLength(1);
    expect(
      within(runbooks).getByText('Payments database failover (orders-db)'),
    ).toBeInTheDocument();
    expect(screen.getByText('Alarms (0)')).toBeInTheDocument();
  });

  it('shows how to add a runbook when the entity has none', async () => {
    const getEntityRunbooks = jest.fn();
    await renderCard(bareEntity, getEntityRunbooks);

    expect(screen.getByText('opsportal.dev/runbooks')).toBeInTheDocument();
    expect(screen.getByText(/Or link a runbook/)).toBeInTheDocument();
    expect(getEntityRunbooks).not.toHaveBeenCalled();
  });

  it('says when the alarms are old because CloudWatch failed, and lists problems', async () => {
    await renderCard(paymentEntity, async () => ({
      ...paymentRunbooks,
      problems: [
        {
          location: 'huge.md',
          message: 'huge.md is 900000 bytes, over the 262144-byte limit',
        },
      ],
      freshness: {
        runbooks: paymentRunbooks.freshness.runbooks,
        alarms: {
          fetchedAt: '2026-11-25T11:00:00.000Z',
          stale: true,
          error: 'AccessDeniedException: not authorized',
        },
      },
    }));

    expect(
      await screen.findByText(/Alarms: AccessDeniedException: not authorized/),
    ).toBeInTheDocument();
    expect(
      within(screen.getByRole('list', { name: 'Runbook problems' })).getByText(
        /over the 262144-byte limit/,
      ),
    ).toBeInTheDocument();
    // The last good alarms are still shown.
    expect(screen.getByRole('list', { name: 'Alarms' })).toBeInTheDocument();
  });

  it('shows the error when the backend cannot answer', async () => {
    await renderCard(paymentEntity, async () => {
      throw new Error('ops backend unreachable');
    });
    expect(
      (await screen.findAllByText(/ops backend unreachable/))[0],
    ).toBeInTheDocument();
    expect(screen.queryByRole('list', { name: 'Runbooks' })).toBeNull();
  });
});
