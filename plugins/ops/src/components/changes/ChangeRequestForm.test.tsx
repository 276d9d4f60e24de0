import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import {
  CreateChangeRequestInput,
  defaultChangePolicy,
} from '@opsportal/plugin-ops-common';
import { opsApiRef } from '../../api';
import { changesRouteRef } from '../../routes';
import { ChangeRequestForm } from './ChangeRequestForm';
import {
  decemberCalendar,
  detailOf,
  fakeOpsApi,
  paymentChange,
} from './__fixtures__/changes';

const catalogApi = catalogApiMock({
  entities: [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'payment-service', title: 'Payment Service' },
      spec: { type: 'service', owner: 'dev-team' },
    },
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'order-service', title: 'Order Service' },
      spec: { type: 'service', owner: 'dev-team' },
    },
  ],
});

async function renderForm(overrides: Parameters<typeof fakeOpsApi>[0] = {}) {
  const sent: CreateChangeRequestInput[] = [];
  const opsApi = fakeOpsApi({
    createChangeRequest: async body => {
      sent.push(body);
      return detailOf();
    },
    ...overrides,
  });
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [opsApiRef, opsApi],
        [catalogApiRef, catalogApi],
      ]}
    >
      <ChangeRequestForm mode="create" />
    </TestApiProvider>,
    {
      routeEntries: ['/?entity=component:default/payment-service'],
      mountedRoutes: {
        '/changes': changesRouteRef,
        '/catalog/:namespace/:kind/:name': entityRouteRef,
      },
    },
  );
  await screen.findByRole('form', { name: 'New change request' });
  return { sent };
}

function plan(start: string, end: string) {
  fireEvent.change(screen.getByLabelText(/Planned start/), {
    target: { value: start },
  });
  fireEvent.change(screen.getByLabelText(/Planned end/), {
    target: { value: end },
  });
}

async function fillPlans() {
  await userEvent.type(screen.getByLabelText(/Implementation plan/), 'Run it.');
  await userEvent.type(screen.getByLabelText(/Rollback plan/), 'Undo it.');
  await userEvent.type(screen.getByLabelText(/Test plan/), 'Smoke test.');
}

jest.setTimeout(60_000);

describe('ChangeRequestForm', () => {
  it('fills in the entity it was opened from and explains the categories', async () => {
    await renderForm();
    expect(
      await screen.findByRole('button', { name: /Payment Service/ }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('radio', {
        name: /Normal: Needs a change request and approval/,
      }),
    ).toBeChecked();
    expect(
      screen.getByText(/For example security patches, critical bug fixes/),
    ).toBeInTheDocument();
  });

  it('warns outside the window and wants a justification before submitting', async () => {
    const { sent } = await renderForm();
    await userEvent.type(screen.getByLabelText(/Title/), 'Add a refunds index');
    // A Wednesday: never the first-Sunday window.
    plan('2030-01-09T10:00', '2030-01-09T11:00');
    await fillPlans();

    const policy = screen.getByRole('region', { name: 'Policy check' });
    expect(
      within(policy).getByText(/outside the maintenance window/),
    ).toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: 'Submit for approval' }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The change cannot be submitted yet',
    );
    expect(screen.getByLabelText(/Justification/)).toHaveAccessibleDescription(
      /A justification is required/,
    );
    expect(sent).toEqual([]);

    await userEvent.type(
      screen.getByLabelText(/Justification/),
      'Customers wait.',
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Submit for approval' }),
    );
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toMatchObject({
      action: 'submit',
      category: 'normal',
      title: 'Add a refunds index',
      entityRefs: ['component:default/payment-service'],
      justification: 'Customers wait.',
      plannedStart: new Date('2030-01-09T10:00').toISOString(),
      plannedEnd: new Date('2030-01-09T11:00').toISOString(),
    });
  });

  it('offers the next maintenance window, which needs no justification', async () => {
    await renderForm();
    await userEvent.click(
      screen.getByRole('button', { name: 'Use this window' }),
    );
    const policy = screen.getByRole('region', { name: 'Policy check' });
    expect(
      within(policy).queryByText(/outside the maintenance window/),
    ).toBeNull();
    expect(screen.queryByLabelText(/Justification/)).toBeNull();
  });

  describe('in December, with the Holiday peak freeze configured', () => {
    beforeEach(() => {
      jest.useFakeTimers({
        now: new Date('2026-12-10T15:00:00Z'),
        advanceTimers: true,
      });
    });
    afterEach(() => jest.useRealTimers());

    it('suggests the first window with due notice after the freeze', async () => {
      await renderForm({
        getChangePolicy: async () => ({
          ...defaultChangePolicy,
          freezes: decemberCalendar.freezes, // 18 Dec to 3 Jan, New York
        }),
      });
      // Not Sunday 3 January: that one lies in the freeze.
      expect(screen.getByText(/Next one with due notice:/)).toHaveTextContent(
        'Next one with due notice: Sun 7 Feb 2027, 02:00–04:00 EST.',
      );
      await userEvent.click(
        screen.getByRole('button', { name: 'Use this window' }),
      );
      const policy = screen.getByRole('region', { name: 'Policy check' });
      expect(within(policy).queryByText(/change freeze/)).toBeNull();
      expect(
        within(policy).queryByText(/outside the maintenance window/),
      ).toBeNull();
      expect(screen.queryByLabelText(/Justification/)).toBeNull();
    });
  });

  it('names a control character in the title or the justification, as the API would', async () => {
    const { sent } = await renderForm();
    // A pasted BEL: user-event cannot type it, a paste can bring it in.
    const title = screen.getByLabelText(/Title/);
    fireEvent.change(title, { target: { value: 'Restart\u0007 the queue' } });
    fireEvent.blur(title);
    expect(title).toHaveAccessibleDescription(
      'Title contains a control character (U+0007) at position 8',
    );
    expect(title).toBeInvalid();

    // Outside the window, so the justification field is there.
    plan('2030-01-09T10:00', '2030-01-09T11:00');
    const justification = screen.getByLabelText(/Justification/);
    fireEvent.change(justification, {
      target: { value: 'Urgent \u001b[31mnow\u001b[0m' },
    });
    fireEvent.blur(justification);
    expect(justification).toHaveAccessibleDescription(
      'Justification contains a control character (U+001B) at position 8',
    );

    await userEvent.click(
      screen.getByRole('button', { name: 'Save as draft' }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Some fields need attention',
    );
    expect(sent).toEqual([]);

    fireEvent.change(title, { target: { value: 'Restart the queue' } });
    expect(title).toHaveAccessibleDescription('');
  });

  it('validates fields inline with the API schema', async () => {
    const { sent } = await renderForm();
    await userEvent.type(screen.getByLabelText(/Title/), 'ab');
    await userEvent.tab();
    expect(screen.getByLabelText(/Title/)).toHaveAccessibleDescription(
      'Title must be at least 3 characters',
    );
    plan('2030-01-09T11:00', '2030-01-09T10:00');
    await userEvent.click(
      screen.getByRole('button', { name: 'Save as draft' }),
    );
    expect(screen.getByLabelText(/Planned end/)).toHaveAccessibleDescription(
      'Planned end must be after the planned start',
    );
    expect(sent).toEqual([]);
  });

  it('asks standard changes for their type and flags overlapping changes', async () => {
    await renderForm({
      listChangeRequests: async query =>
        query.plannedFrom
          ? {
              items: [
                { ...paymentChange, id: 'CHG-1007', title: 'Rotate keys' },
              ],
            }
          : { items: [] },
    });
    await userEvent.click(screen.getByRole('radio', { name: /Standard/ }));
    expect(
      screen.getByRole('button', { name: /Standard change type/ }),
    ).toBeInTheDocument();
    plan('2030-01-09T10:30', '2030-01-09T11:30');
    const overlaps = await screen.findByRole(
      'list',
      { name: 'Overlapping changes' },
      { timeout: 3000 },
    );
    expect(overlaps).toHaveTextContent('CHG-1007 Rotate keys');
  });
});
