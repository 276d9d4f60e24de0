import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { Route, Routes } from 'react-router-dom';
import { ChangeTransitionInput } from '@opsportal/plugin-ops-common';
import { opsApiRef } from '../../api';
import { changesRouteRef } from '../../routes';
import { ChangeRequestDetailView } from './ChangeRequestDetailView';
import { detailOf, fakeOpsApi, paymentChange } from './__fixtures__/changes';

async function renderDetail(
  transition: (b: ChangeTransitionInput) => void,
  first: Parameters<typeof detailOf>[0] = {},
) {
  let current = detailOf(first);
  const opsApi = fakeOpsApi({
    getChangeRequest: async () => current,
    transitionChangeRequest: async (_id, body) => {
      transition(body);
      current = detailOf({
        change: { ...paymentChange, status: 'approved', version: 3 },
        approvals: [
          { by: 'user:default/alice-chen', at: '2029-12-21T09:00:00Z' },
        ],
        actions: [{ action: 'start', allowed: true, commentRequired: false }],
        history: [
          ...current.history,
          {
            version: 3,
            actor: 'user:default/alice-chen',
            at: '2029-12-21T09:00:00Z',
            action: 'approve',
            fromStatus: 'submitted',
            toStatus: 'approved',
            comment: body.comment,
          },
        ],
      });
      return current;
    },
  });
  await renderInTestApp(
    <TestApiProvider apis={[[opsApiRef, opsApi]]}>
      <Routes>
        <Route path="/changes/:id" element={<ChangeRequestDetailView />} />
      </Routes>
    </TestApiProvider>,
    {
      routeEntries: ['/changes/CHG-1042'],
      mountedRoutes: {
        '/changes': changesRouteRef,
        '/catalog/:namespace/:kind/:name': entityRouteRef,
      },
    },
  );
}

jest.setTimeout(60_000);

describe('ChangeRequestDetailView', () => {
  it('says who is asked to approve, and which approver group the catalog lacks', async () => {
    await renderDetail(() => {}, {
      approverGroups: [
        {
          entityRef: 'group:default/sre-team',
          title: 'SRE Team',
          inCatalog: true,
        },
        { entityRef: 'group:default/devops-team', inCatalog: false },
      ],
    });
    expect(await screen.findByText(/Asked to approve/)).toHaveTextContent(
      'Asked to approve: SRE Team',
    );
    expect(
      screen.getByText(/Not in the catalog, so not notified/),
    ).toHaveTextContent(
      'Not in the catalog, so not notified: group:default/devops-team. The groups are set in ops.changes.approverGroups.',
    );
  });

  it('warns when no approver group is in the catalog', async () => {
    await renderDetail(() => {}, {
      approverGroups: [
        { entityRef: 'group:default/sre-team', inCatalog: false },
      ],
    });
    expect(
      await screen.findByText(/nobody is notified about this change/),
    ).toBeInTheDocument();
  });

  it('shows the workflow, the caller’s actions and why others are not available', async () => {
    await renderDetail(() => {});
    expect(
      await screen.findByRole('heading', {
        name: 'CHG-1042: Add a refunds index to the payments table',
      }),
    ).toBeInTheDocument();
    expect(screen.getByText('Approvals: 0 of 1')).toBeInTheDocument();
    const actions = screen.getByRole('group', { name: 'Actions' });
    expect(
      within(actions)
        .getAllByRole('button')
        .map(b => b.textContent),
    ).toEqual(['Approve', 'Reject']);
    expect(
      screen.getByRole('list', { name: 'Actions not available to you' }),
    ).toHaveTextContent(
      'Cancel: You do not have permission to update change requests.',
    );
    expect(
      screen.getByText(/outside the maintenance window/),
    ).toBeInTheDocument();
    const history = screen.getByRole('list', { name: 'History' });
    expect(within(history).getAllByRole('listitem')).toHaveLength(2);
  });

  it('wants a reason to reject', async () => {
    const sent: ChangeTransitionInput[] = [];
    await renderDetail(b => sent.push(b));
    await userEvent.click(
      await screen.findByRole('button', { name: 'Reject' }),
    );
    const dialog = screen.getByRole('dialog');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Reject' }),
    );
    expect(
      within(dialog).getByText('A comment is required for this action.'),
    ).toBeInTheDocument();
    expect(sent).toEqual([]);
  });

  it('approves at the version read and shows the new state', async () => {
    const sent: ChangeTransitionInput[] = [];
    await renderDetail(b => sent.push(b));
    await userEvent.click(
      await screen.findByRole('button', { name: 'Approve' }),
    );
    const dialog = screen.getByRole('dialog');
    await userEvent.type(within(dialog).getByRole('textbox'), 'Go ahead.');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Approve' }),
    );
    await waitFor(() =>
      expect(sent).toEqual([
        { action: 'approve', comment: 'Go ahead.', version: 2 },
      ]),
    );
    expect(await screen.findByText(/Approvals: 1 of 1/)).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Start implementation' }),
    ).toBeInTheDocument();
    expect(screen.getByText('“Go ahead.”')).toBeInTheDocument();
  });
});
