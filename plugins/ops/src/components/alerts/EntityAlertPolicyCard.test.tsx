import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { OpsApi, opsApiRef } from '../../api';
import { EntityAlertPolicyCard } from './index';
import {
  entityAlerts,
  FakeAlertsBackend,
  responseError,
} from './__fixtures__/alerts';

jest.setTimeout(60_000);

const paymentService: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payment-service',
    annotations: { 'opsportal.dev/alarm-prefix': 'payment-service-' },
  },
  spec: { type: 'service', owner: 'payments-team', lifecycle: 'production' },
};

async function renderCard(api: OpsApi, entity: Entity = paymentService) {
  const asked: string[] = [];
  const recording = {
    ...api,
    getEntityAlerts: (ref: string) => {
      asked.push(ref);
      return api.getEntityAlerts(ref);
    },
  } as OpsApi;
  await renderInTestApp(
    <TestApiProvider apis={[[opsApiRef, recording]]}>
      <EntityProvider entity={entity}>
        <EntityAlertPolicyCard />
      </EntityProvider>
    </TestApiProvider>,
    {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
  return asked;
}

describe('EntityAlertPolicyCard', () => {
  it('shows each policy alert by severity as present, looser or missing, with the counts', async () => {
    const asked = await renderCard(new FakeAlertsBackend().api());

    expect(
      await screen.findByText('1 present, 1 looser, 1 missing'),
    ).toBeVisible();
    expect(asked).toEqual(['component:default/payment-service']);

    const p1 = screen.getByRole('table', { name: 'P1 policy alerts' });
    const p1Rows = within(p1).getAllByRole('row').slice(1);
    expect(p1Rows[0]).toHaveTextContent(
      'PresentService downpayment-service-unhealthy-hosts covers itpayment-service-unhealthy-hosts',
    );
    expect(p1Rows[1]).toHaveTextContent(
      'MissingPayment failures > 5 %No alarm watches payment failures–',
    );
    const p2 = screen.getByRole('table', { name: 'P2 policy alerts' });
    expect(within(p2).getAllByRole('row')[1]).toHaveTextContent(
      'LooserMemory > 90 %payment-service-high-memory fires above 95, the policy asks for 90payment-service-high-memory (looser)',
    );
    expect(
      screen.queryByRole('table', { name: 'P3 policy alerts' }),
    ).not.toBeInTheDocument();
    expect(
      screen.getByRole('heading', { name: 'P2 (high)' }),
    ).toBeInTheDocument();
  });

  it('lists the flagged alarms only and reviews one from the card', async () => {
    const backend = new FakeAlertsBackend();
    await renderCard(backend.api());

    const list = await screen.findByRole('list', {
      name: 'Noisy and flagged alarms',
    });
    expect(list).toHaveTextContent('payment-service-5xx-rate');
    expect(list).toHaveTextContent('NoisyFlapping');
    expect(list).not.toHaveTextContent('quiet');
    expect(
      screen.getByRole('heading', { name: 'Noisy and flagged alarms (1)' }),
    ).toBeInTheDocument();

    await userEvent.click(
      within(list).getByRole('button', {
        name: 'Review payment-service-5xx-rate',
      }),
    );
    const dialog = screen.getByRole('dialog');
    await userEvent.click(
      within(dialog).getByRole('radio', { name: /Add runbook/ }),
    );
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /Note/ }),
      'Link the 5xx runbook',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Save review' }),
    );

    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(backend.reviews[0]).toMatchObject({
      outcome: 'add-runbook',
      note: 'Link the 5xx runbook',
    });
    expect(list).toHaveTextContent('Add runbook');
  });

  it('says when no policy rule applies', async () => {
    await renderCard(
      new FakeAlertsBackend({
        entity: entityAlerts({
          policy: {
            entityRef: 'component:default/payment-service',
            items: [],
            counts: { present: 0, looser: 0, missing: 0 },
          },
        }),
      }).api(),
    );

    expect(
      await screen.findByText(
        /No rule of the alerting policy applies to this entity/,
      ),
    ).toBeVisible();
  });

  it('tells how to add the alarm prefix where it is missing, without asking the backend', async () => {
    const asked = await renderCard(new FakeAlertsBackend().api(), {
      ...paymentService,
      metadata: { name: 'payment-service' },
    });

    expect(
      await screen.findByText('opsportal.dev/alarm-prefix', {
        selector: 'code',
      }),
    ).toBeVisible();
    expect(asked).toEqual([]);
  });

  it('shows the error when the coverage cannot be loaded', async () => {
    await renderCard(
      new FakeAlertsBackend().api({
        getEntityAlerts: async () => {
          throw await responseError(503, 'ServiceUnavailableError', 'later');
        },
      }),
    );
    expect((await screen.findAllByText(/later/)).length).toBeGreaterThan(0);
  });

  it('warns on a stale snapshot but still shows the coverage', async () => {
    await renderCard(
      new FakeAlertsBackend({
        entity: entityAlerts({
          freshness: {
            alarms: {
              fetchedAt: new Date(Date.now() - 2 * 3_600_000).toISOString(),
              stale: true,
              error: 'CloudWatch did not answer',
            },
            paging: { stale: false },
          },
        }),
      }).api(),
    );

    expect(await screen.findByRole('status')).toHaveTextContent(
      'Showing data from 2 hours ago. CloudWatch did not answer',
    );
    expect(
      screen.getByRole('table', { name: 'P1 policy alerts' }),
    ).toBeInTheDocument();
  });
});
