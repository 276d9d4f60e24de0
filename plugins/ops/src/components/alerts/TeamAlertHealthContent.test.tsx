import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { OpsApi, opsApiRef } from '../../api';
import { TeamAlertHealthContent } from './index';
import {
  FakeAlertsBackend,
  groupHealth,
  responseError,
} from './__fixtures__/alerts';

jest.setTimeout(60_000);

const paymentsTeam: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'payments-team', title: 'Payments Team' },
  spec: { type: 'team', children: [] },
};

async function renderTab(api: OpsApi) {
  const asked: string[] = [];
  const recording = {
    ...api,
    getGroupAlertHealth: (ref: string) => {
      asked.push(ref);
      return api.getGroupAlertHealth(ref);
    },
  } as OpsApi;
  await renderInTestApp(
    <TestApiProvider apis={[[opsApiRef, recording]]}>
      <EntityProvider entity={paymentsTeam}>
        <TeamAlertHealthContent />
      </EntityProvider>
    </TestApiProvider>,
    {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
  return asked;
}

describe('TeamAlertHealthContent', () => {
  it("shows the team's entities, alarms, paging load and reviews", async () => {
    const asked = await renderTab(new FakeAlertsBackend().api());

    const entities = await screen.findByRole('table', {
      name: "Alert health of Payments Team's entities",
    });
    expect(asked).toEqual(['group:default/payments-team']);
    expect(within(entities).getAllByRole('row')[1]).toHaveTextContent(
      'Payment Service81261',
    );
    const alarms = screen.getByRole('table', {
      name: 'Alarms of Payments Team',
    });
    expect(within(alarms).queryByText('Owner')).not.toBeInTheDocument();
    expect(within(alarms).getAllByRole('row')[1]).toHaveTextContent(
      'payment-service-5xx-rate',
    );
    expect(
      screen.getByRole('table', {
        name: "Paging load of Payments Team's services",
      }),
    ).toHaveTextContent('High 5xx rate ×5');
    expect(
      screen.getByRole('table', { name: "Pages of Payments Team's people" }),
    ).toHaveTextContent('Bruno Silva');
    expect(
      screen.getByText(/No alarm was reviewed this month yet/),
    ).toBeVisible();
  });

  it('adds a review made on the tab to the month’s reviews', async () => {
    const backend = new FakeAlertsBackend();
    await renderTab(backend.api());
    const alarms = await screen.findByRole('table', {
      name: 'Alarms of Payments Team',
    });

    await userEvent.click(
      within(alarms).getByRole('button', {
        name: 'Review payment-service-5xx-rate',
      }),
    );
    await userEvent.click(
      within(screen.getByRole('dialog')).getByRole('button', {
        name: 'Save review',
      }),
    );

    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(backend.reviews[0].outcome).toBe('keep');
    expect(
      screen.getByRole('list', {
        name: 'Alarm reviews of Payments Team this month',
      }),
    ).toHaveTextContent('Keeppayment-service-5xx-rate');
  });

  it('says so when the team owns nothing with alarms', async () => {
    await renderTab(
      new FakeAlertsBackend({
        group: groupHealth({ entities: [], alarms: [] }),
      }).api(),
    );

    expect(
      await screen.findByText(/Payments Team owns no entity with CloudWatch/),
    ).toBeVisible();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('shows the error when the team cannot be loaded', async () => {
    await renderTab(
      new FakeAlertsBackend().api({
        getGroupAlertHealth: async () => {
          throw await responseError(500, 'Error', 'catalog unavailable');
        },
      }),
    );

    expect(
      (await screen.findAllByText(/catalog unavailable/)).length,
    ).toBeGreaterThan(0);
  });
});
