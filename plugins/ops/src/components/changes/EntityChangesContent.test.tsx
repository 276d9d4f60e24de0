import { screen } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { Entity } from '@backstage/catalog-model';
import { opsApiRef } from '../../api';
import { changesRouteRef } from '../../routes';
import { EntityChangesContent } from './EntityChangesContent';
import { fakeOpsApi, paymentChange } from './__fixtures__/changes';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payment-service', title: 'Payment Service' },
  spec: { type: 'service', owner: 'dev-team' },
};

async function renderTab(
  items: (typeof paymentChange)[],
  options: { withChangesPage?: boolean } = {},
) {
  const queries: unknown[] = [];
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [
          opsApiRef,
          fakeOpsApi({
            listChangeRequests: async q => {
              queries.push(q);
              return { items };
            },
          }),
        ],
      ]}
    >
      <EntityProvider entity={entity}>
        <EntityChangesContent />
      </EntityProvider>
    </TestApiProvider>,
    {
      mountedRoutes: {
        ...(options.withChangesPage === false
          ? {}
          : { '/changes': changesRouteRef }),
        '/catalog/:namespace/:kind/:name': entityRouteRef,
      },
    },
  );
  return queries;
}

jest.setTimeout(60_000);

describe('EntityChangesContent', () => {
  it('shows the changes without links, and says why, where the Changes page is not mounted', async () => {
    await renderTab([paymentChange], { withChangesPage: false });
    const table = await screen.findByRole('table', {
      name: 'Change requests for Payment Service',
    });
    expect(table).toHaveTextContent('CHG-1042');
    expect(
      screen.queryByRole('link', { name: 'CHG-1042' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('link', { name: /Request change/ }),
    ).not.toBeInTheDocument();
    expect(screen.getByRole('note')).toHaveTextContent(
      'Filing and opening change requests needs the Changes page',
    );
  });

  it('lists the entity’s change requests with a prefilled "Request change"', async () => {
    const queries = await renderTab([paymentChange]);
    const table = await screen.findByRole('table', {
      name: 'Change requests for Payment Service',
    });
    expect(table).toHaveTextContent('CHG-1042');
    expect(table).toHaveTextContent('Awaiting approval');
    expect(screen.getByRole('link', { name: 'CHG-1042' })).toHaveAttribute(
      'href',
      '/changes/CHG-1042',
    );
    expect(
      screen.getByRole('button', { name: 'Request change' }),
    ).toHaveAttribute(
      'href',
      '/changes/new?entity=component%3Adefault%2Fpayment-service',
    );
    expect(queries[0]).toMatchObject({
      entityRef: ['component:default/payment-service'],
    });
  });

  it('says how to start when there are none', async () => {
    await renderTab([]);
    expect(
      await screen.findByText(/No change requests affect Payment Service yet/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Request change' }),
    ).toBeInTheDocument();
  });
});
