import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  MockPermissionApi,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import {
  catalogApiRef,
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { Route, Routes } from 'react-router-dom';
import { IncidentDetail } from '@opsportal/plugin-ops-common';
import { OpsApi, opsApiRef } from '../../api';
import { changesRouteRef, incidentsRouteRef } from '../../routes';
import { orderEntity } from '../oncall/__fixtures__/oncall';
import { EntityIncidentsCard } from './EntityIncidentsCard';
import { IncidentPage } from './IncidentPage';
import { orderP1Detail } from './__fixtures__/incidentDetail';
import { orderIncidents } from './__fixtures__/incidents';

// Rendering the whole page is slow on a busy machine.
jest.setTimeout(60_000);

beforeAll(() => {
  (global as any).ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
});

const user = (name: string, displayName: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name },
  spec: { profile: { displayName } },
});

const catalogApi = catalogApiMock({
  entities: [
    user('alice-chen', 'Alice Chen'),
    user('bruno-silva', 'Bruno Silva'),
    user('chloe-martin', 'Chloe Martin'),
  ],
});

/** A conflict as OpsClient throws it (a ResponseError with statusCode 409). */
function conflict() {
  return Object.assign(new Error('Request failed with 409 Conflict'), {
    statusCode: 409,
    body: { error: { message: 'The role changed since version 2' } },
  });
}

const mounted = {
  '/incidents': incidentsRouteRef,
  '/changes': changesRouteRef,
  '/catalog/:namespace/:kind/:name': entityRouteRef,
};

async function renderPage(api: Partial<OpsApi>) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [opsApiRef, api],
        [catalogApiRef, catalogApi],
        [permissionApiRef, new MockPermissionApi()],
      ]}
    >
      <Routes>
        <Route path="/incidents/:id" element={<IncidentPage />} />
      </Routes>
    </TestApiProvider>,
    { routeEntries: ['/incidents/QOPENP1'], mountedRoutes: mounted },
  );
  await screen.findByRole('list', { name: 'Timeline' });
}

/** A fake API whose getIncident answers `detail` (replaceable) and counts calls. */
function fakeApi(first: IncidentDetail, more: Partial<OpsApi> = {}) {
  const state = { detail: first, loads: 0 };
  const api: Partial<OpsApi> = {
    getIncident: jest.fn(async (id: string) => {
      expect(id).toBe('QOPENP1');
      state.loads += 1;
      return state.detail;
    }),
    ...more,
  };
  return { api, state };
}

describe('IncidentPage', () => {
  it('shows the incident: header, stages, roles, timeline oldest first, links and what changed', async () => {
    const { api } = fakeApi(orderP1Detail());
    await renderPage(api);

    expect(
      screen.getByRole('heading', {
        level: 1,
        name: /Order API error budget burning/,
      }),
    ).toBeInTheDocument();
    expect(screen.getAllByText('P1 Critical').length).toBeGreaterThan(0);
    expect(screen.getByText(/respond within 5 min/)).toBeInTheDocument();
    expect(
      screen.getByText(/acknowledged after 3 min: target met/),
    ).toBeInTheDocument();

    const stages = screen.getByRole('list', { name: 'Incident stages' });
    const steps = within(stages).getAllByRole('listitem');
    expect(steps).toHaveLength(6);
    expect(steps[1]).toHaveAttribute('aria-current', 'step');
    expect(steps[1]).toHaveTextContent('Triage');
    expect(steps[1]).toHaveTextContent('acknowledged by Alice Chen');
    expect(steps[2]).toHaveTextContent('Investigationnot reached');

    const timeline = within(
      screen.getByRole('list', { name: 'Timeline' }),
    ).getAllByRole('listitem');
    expect(timeline.map(li => li.textContent)).toEqual([
      expect.stringContaining('Triggered: Triggered through the API'),
      expect.stringContaining('Acknowledged by Alice Chen'),
      expect.stringContaining('Checkout fails for 5% of orders.'),
      expect.stringContaining('Bruno Silva is Technical Lead'),
    ]);

    const roles = screen.getByRole('table', { name: 'Incident roles' });
    const commander = within(roles).getByRole('row', {
      name: /Incident Commander/,
    });
    expect(commander).toHaveTextContent(
      'unassigned (proposed: Alice Chen, on call)',
    );
    const lead = within(roles).getByRole('row', { name: /Technical Lead/ });
    expect(
      within(lead).getByRole('link', { name: 'Bruno Silva' }),
    ).toBeVisible();
    expect(lead).toHaveTextContent('by Alice Chen');

    expect(screen.getByRole('link', { name: /#inc-1042/ })).toHaveAttribute(
      'href',
      'https://chat.example.com/inc-1042',
    );

    const changes = within(
      screen.getByRole('list', { name: 'Changes before the incident' }),
    ).getAllByRole('listitem');
    // Newest first: the change request an hour before, then the deploy.
    expect(
      within(changes[0]).getByRole('link', {
        name: 'CHG-42: Raise the order database pool size',
      }),
    ).toHaveAttribute('href', '/changes/CHG-42');
    expect(
      within(changes[1]).getByRole('link', {
        name: /Deploy order-service v2.3.1/,
      }),
    ).toHaveAttribute(
      'href',
      'https://ecommerce-platform.pagerduty.com/change_events/PCE1',
    );

    const cadence = screen.getByRole('status', { name: '' });
    expect(cadence).toHaveTextContent(/Next update due in 1\d min/);
    expect(
      screen.getByText(/A post-incident review is required for P1 incidents/),
    ).toBeInTheDocument();
  });

  it('proposes the on-call primary as Incident Commander and assigns the role', async () => {
    const assign = jest.fn<ReturnType<OpsApi['assignIncidentRole']>, any>(
      async (_id, role, body) => ({
        role,
        userRef: body.userRef,
        displayName: 'Alice Chen',
        assignedBy: 'Alice Chen',
        assignedAt: new Date().toISOString(),
        version: 1,
      }),
    );
    const { api, state } = fakeApi(orderP1Detail(), {
      assignIncidentRole: assign,
    });
    await renderPage(api);

    await userEvent.click(
      screen.getByRole('button', { name: 'Assign Incident Commander' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Assign Incident Commander',
    });
    const picker = within(dialog).getByRole('textbox', {
      name: /Incident Commander/,
    });
    expect(picker).toHaveValue('Alice Chen');
    await waitFor(() => expect(picker).toHaveFocus());
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Assign' }),
    );

    await waitFor(() =>
      expect(assign).toHaveBeenCalledWith('QOPENP1', 'commander', {
        userRef: 'user:default/alice-chen',
        version: null,
      }),
    );
    await waitFor(() => expect(state.loads).toBe(2));
  });

  it('sends the version it saw when it reassigns a role, and says so on a conflict (409)', async () => {
    const assign = jest.fn(async () => {
      throw conflict();
    });
    const { api, state } = fakeApi(orderP1Detail(), {
      assignIncidentRole: assign,
    });
    await renderPage(api);

    await userEvent.click(
      screen.getByRole('button', { name: 'Reassign Technical Lead' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Assign Technical Lead',
    });
    const picker = within(dialog).getByRole('textbox', {
      name: /Technical Lead/,
    });
    expect(picker).toHaveValue('Bruno Silva');
    await userEvent.clear(picker);
    await userEvent.type(picker, 'Chloe');
    await userEvent.click(
      await screen.findByRole('option', { name: 'Chloe Martin' }),
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Assign' }),
    );

    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'Someone assigned the Technical Lead role since this page loaded',
    );
    expect(assign).toHaveBeenCalledWith('QOPENP1', 'technical-lead', {
      userRef: 'user:default/chloe-martin',
      version: 2,
    });
    // Closing after the conflict reloads the incident, to show the holder.
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Cancel' }),
    );
    await waitFor(() => expect(state.loads).toBe(2));
  });

  it('posts a status update with "mitigation in place" and shows what the API refused', async () => {
    const post = jest
      .fn<ReturnType<OpsApi['postStatusUpdate']>, any>()
      .mockRejectedValueOnce(
        Object.assign(new Error('Request failed with 400 Bad Request'), {
          statusCode: 400,
          body: {
            error: { message: 'message: must not contain control characters' },
          },
        }),
      )
      .mockResolvedValueOnce({ id: 'SU1', at: new Date().toISOString() });
    const { api, state } = fakeApi(orderP1Detail(), { postStatusUpdate: post });
    await renderPage(api);

    const form = screen.getByRole('form', { name: 'Post a status update' });
    const text = within(form).getByRole('textbox', { name: 'Status update' });
    const button = within(form).getByRole('button', { name: 'Post update' });
    expect(button).toBeDisabled();
    await userEvent.type(text, 'Rolled back; error rate back to normal.');
    expect(within(form).getByText('39 / 4000 characters')).toBeInTheDocument();
    await userEvent.click(
      within(form).getByRole('checkbox', { name: 'Mitigation in place' }),
    );

    await userEvent.click(button);
    expect(await within(form).findByRole('alert')).toHaveTextContent(
      'message: must not contain control characters',
    );
    expect(state.loads).toBe(1);

    await userEvent.click(button);
    await waitFor(() => expect(state.loads).toBe(2));
    expect(post).toHaveBeenLastCalledWith('QOPENP1', {
      message: 'Rolled back; error rate back to normal.',
      mitigated: true,
    });
    expect(text).toHaveValue('');
  });

  it('adds a note to the timeline, and keeps the page when the reload fails', async () => {
    const note = jest.fn(async () => ({
      id: 'NT1',
      at: new Date().toISOString(),
    }));
    const { api, state } = fakeApi(orderP1Detail(), { addIncidentNote: note });
    const load = api.getIncident as jest.Mock;
    await renderPage(api);
    load.mockImplementationOnce(async () => {
      state.loads += 1;
      throw new Error('PagerDuty did not answer');
    });

    const form = screen.getByRole('form', { name: 'Add a note' });
    await userEvent.type(
      within(form).getByRole('textbox', { name: 'Note' }),
      'Pool exhausted at 14:02',
    );
    await userEvent.click(
      within(form).getByRole('button', { name: 'Add note' }),
    );

    await waitFor(() => expect(state.loads).toBe(2));
    expect(note).toHaveBeenCalledWith('QOPENP1', {
      content: 'Pool exhausted at 14:02',
    });
    expect(
      await screen.findByText(/The incident could not be reloaded/),
    ).toHaveTextContent('PagerDuty did not answer');
    expect(screen.getByRole('list', { name: 'Timeline' })).toBeInTheDocument();
  });

  it('turns the cadence red when the update is overdue', async () => {
    const detail = orderP1Detail();
    const { api } = fakeApi({
      ...detail,
      cadence: {
        intervalMinutes: 15,
        lastUpdateAt: new Date(Date.now() - 20 * 60_000).toISOString(),
        nextUpdateDue: new Date(Date.now() - 5 * 60_000).toISOString(),
        overdue: true,
      },
    });
    await renderPage(api);
    const banner = screen
      .getByText(/Update overdue by 5 min/)
      .closest('[role="status"]');
    expect(banner).toHaveAttribute('aria-live', 'polite');
    expect(banner?.className).toMatch(/Error/);
  });

  it('disables the respond actions, with the reason, for users who may not respond', async () => {
    const { api } = fakeApi(orderP1Detail({ canRespond: false }));
    await renderPage(api);
    expect(
      screen.getByRole('button', { name: 'Assign Incident Commander' }),
    ).toBeDisabled();
    expect(
      screen.getByRole('button', { name: 'Request responder' }),
    ).toBeDisabled();
    expect(
      screen.queryByRole('form', { name: 'Post a status update' }),
    ).not.toBeInTheDocument();
    expect(
      screen.getAllByText(/You need the incident respond permission/).length,
    ).toBeGreaterThan(0);
  });

  it('says so when PagerDuty knows no such incident', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [
            opsApiRef,
            {
              getIncident: async () => {
                throw Object.assign(new Error('Request failed with 404'), {
                  statusCode: 404,
                });
              },
            },
          ],
          [catalogApiRef, catalogApi],
        ]}
      >
        <Routes>
          <Route path="/incidents/:id" element={<IncidentPage />} />
        </Routes>
      </TestApiProvider>,
      { routeEntries: ['/incidents/QNOPE'], mountedRoutes: mounted },
    );
    expect(await screen.findByText(/No incident QNOPE/)).toBeInTheDocument();
  });

  it('requests a responder through PagerDuty', async () => {
    const request = jest.fn(async () => {});
    const { api } = fakeApi(orderP1Detail(), { requestResponders: request });
    await renderPage(api);
    await userEvent.click(
      screen.getByRole('button', { name: 'Request responder' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Request responders',
    });
    const people = within(dialog).getByRole('textbox', { name: /People/ });
    await waitFor(() => expect(people).toHaveFocus());
    await userEvent.type(people, 'Chloe');
    await userEvent.click(
      await screen.findByRole('option', { name: 'Chloe Martin' }),
    );
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /Why you need them/ }),
      'Database expertise needed',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Request' }),
    );
    await waitFor(() =>
      expect(request).toHaveBeenCalledWith('QOPENP1', {
        userRefs: ['user:default/chloe-martin'],
        message: 'Database expertise needed',
      }),
    );
  });
});

describe('incident rows', () => {
  it('link to the incident page and say when the P1 update is overdue', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [opsApiRef, { getEntityIncidents: async () => orderIncidents }],
          [permissionApiRef, new MockPermissionApi()],
        ]}
      >
        <EntityProvider entity={orderEntity}>
          <EntityIncidentsCard />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: mounted },
    );
    const open = await screen.findByRole('list', { name: 'Open incidents' });
    const p1 = within(open).getByRole('listitem');
    expect(
      within(p1).getByRole('link', {
        name: 'Order API error budget burning: 5xx rate above 5%',
      }),
    ).toHaveAttribute('href', '/incidents/QOPENP1');
    expect(
      within(p1).getByRole('link', { name: /in PagerDuty/ }),
    ).toHaveAttribute(
      'href',
      'https://ecommerce-platform.pagerduty.com/incidents/QOPENP1',
    );
    // The fixture's P1 started months ago and has no nextUpdateDue: the
    // first update (15 min after the start) is long overdue.
    const due = within(p1).getByText(/update overdue by/);
    expect(due.className).toMatch(/missed/);

    const recent = screen.getByRole('table', { name: 'Recent incidents' });
    expect(
      within(recent).getByRole('link', {
        name: 'Order placement latency p95 above 500 ms',
      }),
    ).toHaveAttribute('href', '/incidents/QOLDP2');
  });
});
