import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
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
import { ResponseError } from '@backstage/errors';
import { OpsApi, opsApiRef } from '../../api';
import { EntityOnCallCard } from './EntityOnCallCard';
import { OnCallContent } from './OnCallPage';
import { TeamOnCallContent } from './TeamOnCallContent';
import { isOnCallAvailable, isTeamOnCallAvailable } from './helpers';
import { orderIncidents } from '../incidents/__fixtures__/incidents';
import {
  orderEntity,
  orderOnCall,
  platform,
  sreOnCall,
  sreTeam,
  storefrontEntity,
} from './__fixtures__/oncall';

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
  it('tell which entities have on-call and team on-call', () => {
    expect(isOnCallAvailable(orderEntity)).toBe(true);
    expect(isOnCallAvailable(storefrontEntity)).toBe(false);
    expect(isTeamOnCallAvailable(sreTeam)).toBe(true);
    expect(isTeamOnCallAvailable(orderEntity)).toBe(false);
  });
});

describe('EntityOnCallCard', () => {
  it('shows every escalation level with names, contacts, shift end, handoff and override', async () => {
    await render(
      <EntityOnCallCard />,
      { getEntityOnCall: async () => orderOnCall },
      orderEntity,
    );

    const levels = await screen.findByRole('list', {
      name: 'Escalation levels of E-Commerce Platform',
    });
    const primary = within(levels).getByRole('listitem', {
      name: 'Primary: Alice Chen',
    });
    expect(
      within(primary).getByRole('link', { name: 'Alice Chen' }),
    ).toHaveAttribute('href', '/catalog/default/user/alice-chen');
    expect(
      within(primary).getByRole('link', { name: 'Email Alice Chen' }),
    ).toHaveAttribute('href', 'mailto:alice.chen@ecommerce-platform.com');
    expect(within(primary).getByText(/on call until/)).toBeInTheDocument();
    expect(within(primary).getByText('Bruno Silva')).toBeInTheDocument();
    expect(
      within(primary).getByText('escalates after 10 min'),
    ).toBeInTheDocument();

    const secondary = within(levels).getByRole('listitem', {
      name: 'Secondary: Emma Wilson',
    });
    expect(within(secondary).getByText('Override')).toBeInTheDocument();
    const escalation = within(levels).getByRole('listitem', {
      name: 'Escalation: Maria Garcia',
    });
    expect(
      within(escalation).getByText('Always paged at this level'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', {
        name: 'Order Service, Opens in a new window',
      }),
    ).toHaveAttribute(
      'href',
      'https://ecommerce-platform.pagerduty.com/service-directory/PSVORDR',
    );
  });

  it('shows the annotation to add when the entity names no PagerDuty service', async () => {
    const getEntityOnCall = jest.fn();
    await render(<EntityOnCallCard />, { getEntityOnCall }, storefrontEntity);

    expect(
      screen.getByText('pagerduty.com/service-id', { selector: 'code' }),
    ).toBeInTheDocument();
    expect(getEntityOnCall).not.toHaveBeenCalled();
  });

  it('keeps showing the last good data with its age when PagerDuty fails', async () => {
    await render(
      <EntityOnCallCard />,
      {
        getEntityOnCall: async () => ({
          ...orderOnCall,
          fetchedAt: new Date(Date.now() - 2 * 3_600_000).toISOString(),
          stale: true,
          error: 'PagerDuty rate limit reached on /oncalls (429)',
        }),
      },
      orderEntity,
    );

    const notice = await screen.findByRole('status');
    expect(notice).toHaveTextContent(
      'Showing data from 2 hours ago. PagerDuty rate limit reached on /oncalls (429)',
    );
    expect(
      screen.getByRole('listitem', { name: 'Primary: Alice Chen' }),
    ).toBeInTheDocument();
  });

  it('says what is wrong when there is no data at all', async () => {
    const response = new Response(
      JSON.stringify({
        error: {
          name: 'ServiceUnavailableError',
          message:
            'PagerDuty could not be read: PagerDuty refused the credentials (401 Unauthorized): check ops.pagerduty.token or the OAuth client',
        },
        request: { method: 'GET', url: '/api/ops/oncall/entity' },
        response: { statusCode: 503 },
      }),
      { status: 503, headers: { 'Content-Type': 'application/json' } },
    );
    const error = await ResponseError.fromResponse(response as any);
    await render(
      <EntityOnCallCard />,
      {
        getEntityOnCall: async () => {
          throw error;
        },
      },
      orderEntity,
    );

    expect(
      (await screen.findAllByText(/PagerDuty refused the credentials \(401/))
        .length,
    ).toBeGreaterThan(0);
  });
});

describe('TeamOnCallContent', () => {
  it('shows the escalation chain, four weeks of rotation with the override, and the team services', async () => {
    await render(
      <TeamOnCallContent />,
      {
        getEntityOnCall: async () => sreOnCall,
        getEntityIncidents: async () => ({
          ...orderIncidents,
          data: { ...orderIncidents.data, entityRef: 'group:default/sre-team' },
        }),
      },
      sreTeam,
    );

    expect(
      await screen.findByRole('listitem', { name: 'Primary: Alice Chen' }),
    ).toBeInTheDocument();
    const rotation = screen.getByRole('region', {
      name: 'Rotation of SRE primary (weekly)',
    });
    expect(within(rotation).getByText(/next 4 weeks/)).toBeInTheDocument();
    const shifts = within(rotation).getByRole('table', {
      name: 'Shifts of SRE primary (weekly)',
    });
    const rows = within(shifts).getAllByRole('row').slice(1);
    expect(rows.map(r => r.textContent?.split(/[A-Z][a-z]{2}, /)[0])).toEqual([
      'Alice Chen',
      'Bruno Silva',
      'Chloe Martin',
      'Bruno Silva',
      'Chloe Martin',
      'Alice Chen',
      'Bruno Silva',
    ]);
    expect(within(rows[2]).getByText('Override')).toBeInTheDocument();

    const services = screen.getByRole('table', {
      name: 'Services the team answers for',
    });
    expect(
      within(services).getByRole('link', { name: 'Payment Service' }),
    ).toHaveAttribute('href', '/catalog/default/component/payment-service');
  });
});

describe('OnCallContent', () => {
  it('finds who is on call for payment-service, and says when data is stale', async () => {
    await render(<OnCallContent />, {
      getPlatformOnCall: async () => platform,
    });

    const search = await screen.findByRole('textbox', {
      name: 'Search on-call',
    });
    expect(screen.getByRole('status')).toHaveTextContent(
      '3 of 3 services and teams',
    );
    await userEvent.type(search, 'payment');

    expect(screen.getByRole('status')).toHaveTextContent(
      '1 of 3 services and teams',
    );
    const table = screen.getByRole('table', {
      name: 'On-call by service and team',
    });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(2);
    expect(rows[1]).toHaveTextContent('Payment Service');
    expect(rows[1]).toHaveTextContent('Alice Chen');
    expect(rows[1]).toHaveTextContent('Emma Wilson');
    expect(rows[1]).toHaveTextContent('Maria Garcia');
    expect(rows[1]).toHaveTextContent('PagerDuty failed on /oncalls (500)');

    await userEvent.clear(search);
    await userEvent.type(search, 'bruno');
    expect(within(table).getAllByRole('row')[1]).toHaveTextContent('SRE Team');
  });
});
