import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  IncidentDetail,
  PostIncidentReview,
} from '@opsportal/plugin-ops-common';
import { useState } from 'react';
import { opsApiRef } from '../../api';
import { IncidentReviewPanel } from './index';
import {
  catalogApi,
  detailOf,
  FakeReviewsBackend,
  inDays,
  orderReview,
} from './__fixtures__/reviews';

jest.setTimeout(60_000);

/** The incident page's part: holds `detail`, reloads it on onChange. */
function Page(props: { backend: FakeReviewsBackend; initial: IncidentDetail }) {
  const [detail, setDetail] = useState(props.initial);
  const api = props.backend.api();
  return (
    <IncidentReviewPanel
      incidentId="QOPENP1"
      detail={detail}
      onChange={() => api.getIncident('QOPENP1').then(setDetail)}
    />
  );
}

async function renderPanel(
  review: PostIncidentReview | undefined,
  overrides: Partial<IncidentDetail> = {},
) {
  const backend = new FakeReviewsBackend(review);
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [opsApiRef, backend.api()],
        [catalogApiRef, catalogApi],
      ]}
    >
      <Page backend={backend} initial={detailOf(review, overrides)} />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
  return backend;
}

const term = (name: string) =>
  screen.getByText(name, { selector: 'dt' }).nextElementSibling as HTMLElement;

describe('IncidentReviewPanel', () => {
  it('shows the review: owner, due date, status, document, factors and action items with the overdue one marked', async () => {
    await renderPanel(orderReview());

    expect(term('Owner')).toHaveTextContent('Ana Silva');
    expect(term('Status')).toHaveTextContent('Open');
    expect(term('Due')).not.toHaveTextContent('overdue');
    expect(
      within(term('Document')).getByRole('link', { name: /Review document/ }),
    ).toHaveAttribute('href', 'https://docs.example.test/pir-7');
    expect(term('Contributing factors')).toHaveTextContent(
      'A connection pool too small for the peak.',
    );

    const table = screen.getByRole('table', { name: 'Action items of PIR-7' });
    const row = within(table).getByRole('row', {
      name: /Size the connection pool/,
    });
    expect(row).toHaveTextContent('Ben Okafor');
    expect(row).toHaveTextContent('(overdue)');
    expect(within(row).getByRole('link', { name: /^Issue/ })).toHaveAttribute(
      'href',
      'https://issues.example.test/OPS-12',
    );
  });

  it('marks an overdue review', async () => {
    await renderPanel(orderReview({ overdue: true, dueDate: inDays(-1) }));
    expect(term('Status')).toHaveTextContent('Overdue');
    expect(term('Due')).toHaveTextContent('(overdue)');
  });

  it('is read-only without the permission to update reviews', async () => {
    await renderPanel(orderReview(), { canReview: false });
    expect(term('Owner')).toHaveTextContent('Ana Silva');
    expect(
      screen.queryByRole('button', { name: 'Edit review' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Add action item' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /Edit action item/ }),
    ).not.toBeInTheDocument();
    expect(
      screen.getByText(/needs the permission to update reviews/),
    ).toBeInTheDocument();
  });

  it('edits and saves the review with the version it loaded, then shows the saved review', async () => {
    const backend = await renderPanel(orderReview());
    await userEvent.click(screen.getByRole('button', { name: 'Edit review' }));

    const factors = screen.getByRole('textbox', {
      name: 'Contributing factors',
    });
    await userEvent.clear(factors);
    await userEvent.type(factors, 'Pool too small; no alarm on waits.');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));

    await waitFor(() =>
      expect(term('Contributing factors')).toHaveTextContent(
        'Pool too small; no alarm on waits.',
      ),
    );
    expect(backend.requests).toEqual([
      {
        method: 'updateReview',
        body: {
          version: 3,
          contributingFactors: 'Pool too small; no alarm on waits.',
        },
      },
    ]);
    expect(backend.review?.version).toBe(4);
  });

  it('moves focus into the form and back to the Edit button', async () => {
    await renderPanel(orderReview());
    await userEvent.click(screen.getByRole('button', { name: 'Edit review' }));
    expect(screen.getByRole('textbox', { name: 'Owner' })).toHaveFocus();
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.getByRole('button', { name: 'Edit review' })).toHaveFocus();
  });

  it('marks the review completed', async () => {
    const backend = await renderPanel(orderReview());
    await userEvent.click(screen.getByRole('button', { name: 'Edit review' }));
    await userEvent.click(
      screen.getByRole('button', { name: 'Mark completed' }),
    );
    await waitFor(() => expect(term('Status')).toHaveTextContent('Completed'));
    expect(backend.requests[0].body).toEqual({
      version: 3,
      status: 'completed',
    });
  });

  it('says someone changed the review on a 409, keeps the input, and saves it after a reload', async () => {
    const backend = await renderPanel(orderReview());
    await userEvent.click(screen.getByRole('button', { name: 'Edit review' }));
    const factors = screen.getByRole('textbox', {
      name: 'Contributing factors',
    });
    await userEvent.clear(factors);
    await userEvent.type(factors, 'My analysis.');

    backend.changeBehindTheUsersBack({
      documentUrl: 'https://docs.example.test/pir-7-v2',
    });
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Someone changed this review; reload');
    expect(factors).toHaveValue('My analysis.');

    await userEvent.click(
      within(alert).getByRole('button', { name: 'Reload' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('alert')).not.toBeInTheDocument(),
    );
    // The form shows the other person's document link and keeps the user's text.
    await waitFor(() =>
      expect(
        screen.getByRole('textbox', { name: 'Review document URL' }),
      ).toHaveValue('https://docs.example.test/pir-7-v2'),
    );
    expect(
      screen.getByRole('textbox', { name: 'Contributing factors' }),
    ).toHaveValue('My analysis.');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(term('Contributing factors')).toHaveTextContent('My analysis.'),
    );
    expect(backend.requests.map(r => (r.body as any).version)).toEqual([3, 4]);
    expect(backend.review?.documentUrl).toBe(
      'https://docs.example.test/pir-7-v2',
    );
  });

  it('counts contributing factors against the 4000-character limit and will not save more', async () => {
    const backend = await renderPanel(
      orderReview({ contributingFactors: 'x'.repeat(3999) }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Edit review' }));
    expect(screen.getByText('3999 / 4000 characters')).toBeInTheDocument();

    const factors = screen.getByRole('textbox', {
      name: 'Contributing factors',
    });
    await userEvent.type(factors, 'yz');
    expect(
      screen.getByText('4001 / 4000 characters: 1 too many'),
    ).toBeInTheDocument();
    expect(factors).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByRole('button', { name: 'Save' })).toBeDisabled();
    expect(backend.requests).toEqual([]);
  });

  it("shows the server's 400 message next to the form", async () => {
    const backend = await renderPanel(orderReview());
    await userEvent.click(screen.getByRole('button', { name: 'Edit review' }));
    const url = screen.getByRole('textbox', { name: 'Review document URL' });
    await userEvent.clear(url);
    await userEvent.type(url, 'ftp://docs');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Not saved: documentUrl must be an http or https URL',
    );
    expect(url).toHaveValue('ftp://docs');
    expect(backend.review?.version).toBe(3);
  });

  it('adds an action item with an owner from the catalog', async () => {
    const backend = await renderPanel(orderReview());
    await userEvent.click(
      screen.getByRole('button', { name: 'Add action item' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Add action item' });
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /What to do/ }),
      'Alarm on connection pool waits',
    );
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /Owner/ }),
      'Chen',
    );
    await userEvent.click(
      await screen.findByRole('option', { name: 'Chen Wei' }),
    );
    const due = within(dialog).getByLabelText(/Due date/);
    await userEvent.type(due, inDays(10));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Add' }));

    const table = await screen.findByRole('table', {
      name: 'Action items of PIR-7',
    });
    const row = await within(table).findByRole('row', {
      name: /Alarm on connection pool waits/,
    });
    expect(row).toHaveTextContent('Chen Wei');
    expect(row).toHaveTextContent('Open');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(backend.requests).toEqual([
      {
        method: 'addActionItem',
        body: {
          title: 'Alarm on connection pool waits',
          owner: 'user:default/chen-wei',
          dueDate: inDays(10),
          url: undefined,
        },
      },
    ]);
  });

  it('says what is missing before adding an action item', async () => {
    const backend = await renderPanel(orderReview());
    await userEvent.click(
      screen.getByRole('button', { name: 'Add action item' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Add action item' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Add' }));
    expect(
      within(dialog).getByText('Say what to do (3 characters at least)'),
    ).toBeInTheDocument();
    expect(within(dialog).getByText('Pick who owns it')).toBeInTheDocument();
    expect(within(dialog).getByText('Pick a due date')).toBeInTheDocument();
    expect(backend.requests).toEqual([]);
  });

  it('marks an action item done with its version', async () => {
    const backend = await renderPanel(orderReview());
    await userEvent.click(
      screen.getByRole('button', {
        name: 'Edit action item: Size the connection pool for the peak',
      }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Edit action item' });
    await userEvent.click(
      within(dialog).getByRole('button', { name: /Status/ }),
    );
    await userEvent.click(screen.getByRole('option', { name: 'Done' }));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));

    const row = await screen.findByRole('row', {
      name: /Size the connection pool/,
    });
    await waitFor(() => expect(row).toHaveTextContent('Done'));
    expect(row).not.toHaveTextContent('(overdue)');
    expect(backend.requests).toEqual([
      { method: 'updateActionItem', body: { version: 1, status: 'done' } },
    ]);
  });

  it('will not move the due date into the past', async () => {
    const backend = await renderPanel(orderReview());
    await userEvent.click(screen.getByRole('button', { name: 'Edit review' }));
    const due = screen.getByLabelText('Due date');
    await userEvent.clear(due);
    await userEvent.type(due, inDays(-1));
    expect(
      screen.getByText('Due date must be today or later'),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Save' })).toBeDisabled();
    expect(backend.requests).toEqual([]);
  });

  it('keeps the action item dialog open with the input on a 409, and saves after a reload', async () => {
    const backend = await renderPanel(orderReview());
    await userEvent.click(
      screen.getByRole('button', {
        name: 'Edit action item: Size the connection pool for the peak',
      }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Edit action item' });
    const url = within(dialog).getByRole('textbox', { name: 'Issue URL' });
    await userEvent.clear(url);
    await userEvent.type(url, 'https://issues.example.test/OPS-99');

    // Someone else marks it in progress meanwhile.
    const items = backend.review!.actionItems;
    backend.changeBehindTheUsersBack({
      actionItems: [{ ...items[0], status: 'in-progress', version: 2 }],
    });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('Someone changed this review; reload');
    expect(url).toHaveValue('https://issues.example.test/OPS-99');

    await userEvent.click(
      within(alert).getByRole('button', { name: 'Reload' }),
    );
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    const row = screen.getByRole('row', { name: /Size the connection pool/ });
    expect(row).toHaveTextContent('In progress');
    expect(within(row).getByRole('link', { name: /^Issue/ })).toHaveAttribute(
      'href',
      'https://issues.example.test/OPS-99',
    );
    expect(backend.requests.map(r => r.body)).toEqual([
      { version: 1, url: 'https://issues.example.test/OPS-99' },
      { version: 2, url: 'https://issues.example.test/OPS-99' },
    ]);
  });

  it('starts a review when there is none', async () => {
    const backend = await renderPanel(undefined);
    expect(
      screen.getByText(/A post-incident review is required for P1 incidents/),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Start review' }));
    expect(await screen.findByText('PIR-7')).toBeInTheDocument();
    expect(term('Owner')).toHaveTextContent('Nobody yet');
    expect(backend.requests.map(r => r.method)).toEqual([
      'startIncidentReview',
    ]);
  });

  it('offers no start without the permission to respond', async () => {
    await renderPanel(undefined, { canRespond: false, reviewRequired: false });
    expect(
      screen.getByText(/One is not required for P1 incidents/),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Start review' }),
    ).not.toBeInTheDocument();
  });
});
