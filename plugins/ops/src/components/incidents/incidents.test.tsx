import { screen, within } from '@testing-library/react';
import { Entity } from '@backstage/catalog-model';
import {
  MockPermissionApi,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { OpsApi, opsApiRef } from '../../api';
import { EntityIncidentsCard } from './EntityIncidentsCard';
import { isIncidentsAvailable } from './helpers';
import {
  orderEntity,
  sreTeam,
  storefrontEntity,
} from '../oncall/__fixtures__/oncall';
import { orderIncidents } from './__fixtures__/incidents';

// Rendering the whole card tree is slow on a busy machine.
jest.setTimeout(60_000);

beforeAll(() => {
  // jsdom has no layout: recharts' ResponsiveContainer needs the observer to
  // exist (the charts are aria-hidden; their numbers are in tables).
  (global as any).ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
});

async function render(ui: JSX.Element, api: Partial<OpsApi>, entity?: Entity) {
  const permissionApi = new MockPermissionApi();
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [opsApiRef, api],
        [permissionApiRef, permissionApi],
      ]}
    >
      {entity ? <EntityProvider entity={entity}>{ui}</EntityProvider> : ui}
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('helpers', () => {
  it('tell which entities have incidents', () => {
    expect(isIncidentsAvailable(sreTeam)).toBe(true);
    expect(isIncidentsAvailable(storefrontEntity)).toBe(false);
  });
});

describe('EntityIncidentsCard', () => {
  it('shows the open P1 with its response target, and MTTA and MTTR over 30 days', async () => {
    await render(
      <EntityIncidentsCard />,
      { getEntityIncidents: async () => orderIncidents },
      orderEntity,
    );

    const open = await screen.findByRole('list', { name: 'Open incidents' });
    const p1 = within(open).getByRole('listitem');
    expect(within(p1).getByText('P1 Critical')).toBeInTheDocument();
    expect(
      within(p1).getByRole('link', {
        name: 'Order API error budget burning: 5xx rate above 5%, Opens in a new window',
      }),
    ).toHaveAttribute(
      'href',
      'https://ecommerce-platform.pagerduty.com/incidents/QOPENP1',
    );
    expect(p1).toHaveTextContent('Respond within 5 min');
    expect(p1).toHaveTextContent('acknowledged after 3 min: target met');

    const figures = screen.getByLabelText('Incident figures');
    // (3 + 20 + 20) / 3 min and (120 + 60) / 2 min.
    expect(figures).toHaveTextContent('MTTA (30 d)14 min');
    expect(figures).toHaveTextContent('MTTR (30 d)1 h 30 min');
    expect(figures).toHaveTextContent('Response target met67% (2 of 3)');

    const bySeverity = screen.getByRole('table', {
      name: 'Incidents by severity',
    });
    const p2 = within(bySeverity).getByRole('row', { name: /P2 High/ });
    expect(p2).toHaveTextContent('P2 High15 min101');
  });
});
