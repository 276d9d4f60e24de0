import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { OpsApi, opsApiRef } from '../../api';
import { AlertsPage } from './index';
import {
  FakeAlertsBackend,
  overview,
  responseError,
} from './__fixtures__/alerts';

jest.setTimeout(60_000);

async function renderPage(api: OpsApi) {
  await renderInTestApp(
    <TestApiProvider apis={[[opsApiRef, api]]}>
      <AlertsPage />
    </TestApiProvider>,
    {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

function bodyRows(table: HTMLElement) {
  return within(table).getAllByRole('row').slice(1);
}

describe('AlertsPage', () => {
  it('ranks the noisiest alarms with their counts, flags and reviews, and sums them up', async () => {
    await renderPage(new FakeAlertsBackend().api());

    expect(
      screen.getByRole('heading', { name: 'Alert health' }),
    ).toBeInTheDocument();
    const table = await screen.findByRole('table', { name: 'Noisiest alarms' });
    const rows = bodyRows(table);
    expect(rows.map(r => within(r).getByRole('rowheader').textContent)).toEqual(
      [
        'payment-service-5xx-rateeu-west-1',
        'order-service-queue-deptheu-west-1',
      ],
    );
    const noisy = rows[0];
    expect(
      within(noisy).getByRole('link', { name: 'Payment Service' }),
    ).toHaveAttribute('href', '/catalog/default/component/payment-service');
    expect(noisy).toHaveTextContent('payments-team');
    expect(within(noisy).getAllByRole('cell')[4]).toHaveTextContent('14');
    expect(within(noisy).getAllByRole('cell')[5]).toHaveTextContent(
      '41+3 in maintenance',
    );
    expect(noisy).toHaveTextContent('3 h 20 min');
    const flags = within(noisy).getByRole('list', { name: 'Flags' });
    expect(
      within(flags)
        .getAllByRole('listitem')
        .map(i => i.textContent),
    ).toEqual(['Noisy', 'Flapping']);
    expect(noisy).toHaveTextContent('Not reviewed');
    expect(rows[1]).toHaveTextContent('not in 90 days');
    expect(rows[1]).toHaveTextContent('Never firedNo runbook');

    expect(screen.getByRole('region', { name: 'Noisy: 1' })).toHaveTextContent(
      '5+ ALARMs in 7 days',
    );
    expect(
      screen.getByRole('region', { name: 'Reviewed this month: 1' }),
    ).toHaveTextContent('of 20 alarms');
    expect(
      screen.queryByText(/the CSV export has all/),
    ).not.toBeInTheDocument();
    expect(screen.getByRole('note')).toHaveTextContent(
      '2 maintenance windows left out',
    );

    const services = screen.getByRole('table', {
      name: 'Paging load by service',
    });
    expect(bodyRows(services)[0]).toHaveTextContent(
      'Payment Service1 in maintenancepayments-team122.86 (50 %)3 (25 %)4 (33 %)1.8High 5xx rate ×5',
    );
    const people = screen.getByRole('table', { name: 'Pages by person' });
    expect(bodyRows(people)[0]).toHaveTextContent('Bruno Silva');
    expect(
      screen.getByRole('list', { name: 'Alarm reviews this month' }),
    ).toHaveTextContent('cart-service-latency');
  });

  it('says when the backend sent only the top alarms', async () => {
    await renderPage(
      new FakeAlertsBackend({ overview: overview({ alarmsTotal: 250 }) }).api(),
    );
    expect(
      await screen.findByText(/The top 2 of 250; the CSV export has all\./),
    ).toBeVisible();
  });

  it('filters the ranking by flag', async () => {
    await renderPage(new FakeAlertsBackend().api());
    const table = await screen.findByRole('table', { name: 'Noisiest alarms' });

    await userEvent.selectOptions(
      screen.getByRole('combobox', { name: 'Show alarms' }),
      'never-fired',
    );

    expect(bodyRows(table)).toHaveLength(1);
    expect(bodyRows(table)[0]).toHaveTextContent('order-service-queue-depth');

    await userEvent.selectOptions(
      screen.getByRole('combobox', { name: 'Show alarms' }),
      'stuck',
    );
    expect(bodyRows(table)[0]).toHaveTextContent(
      'No alarm is flagged “Stuck in ALARM”.',
    );
  });

  it('asks for a note unless the outcome is keep, then saves the review and shows it in the row and the month’s list', async () => {
    const backend = new FakeAlertsBackend();
    await renderPage(backend.api());
    const table = await screen.findByRole('table', { name: 'Noisiest alarms' });

    await userEvent.click(
      within(table).getByRole('button', {
        name: 'Review payment-service-5xx-rate',
      }),
    );
    const dialog = screen.getByRole('dialog', {
      name: 'Review payment-service-5xx-rate',
    });
    await userEvent.click(
      within(dialog).getByRole('radio', { name: /Tune threshold/ }),
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Save review' }),
    );

    expect(dialog).toHaveTextContent(
      'A note is required unless the outcome is keep',
    );
    expect(backend.reviews).toEqual([]);

    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /Note/ }),
      'Raise to 20 per minute',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Save review' }),
    );

    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(backend.reviews).toEqual([
      expect.objectContaining({
        alarmName: 'payment-service-5xx-rate',
        region: 'eu-west-1',
        entityRef: 'component:default/payment-service',
        outcome: 'tune-threshold',
        note: 'Raise to 20 per minute',
      }),
    ]);
    expect(bodyRows(table)[0]).toHaveTextContent('Tune threshold');
    expect(bodyRows(table)[0]).toHaveTextContent('by guest');
    const month = screen.getByRole('list', {
      name: 'Alarm reviews this month',
    });
    expect(within(month).getAllByRole('listitem')[0]).toHaveTextContent(
      'Tune thresholdpayment-service-5xx-rate',
    );
    expect(
      screen.getByRole('region', { name: 'Reviewed this month: 2' }),
    ).toBeInTheDocument();
  });

  it('keeps the dialog open and says so when the user may not review alarms', async () => {
    const backend = new FakeAlertsBackend();
    backend.mayReview = false;
    await renderPage(backend.api());
    const table = await screen.findByRole('table', { name: 'Noisiest alarms' });

    await userEvent.click(
      within(table).getByRole('button', {
        name: 'Review order-service-queue-depth',
      }),
    );
    const dialog = screen.getByRole('dialog');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Save review' }),
    );

    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'you lack the permission to review alarms',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Cancel' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(bodyRows(table)[1]).toHaveTextContent('Not reviewed');
  });

  it('exports a table as a named CSV file through the API', async () => {
    const backend = new FakeAlertsBackend();
    const created: Blob[] = [];
    const clicked: string[] = [];
    const original = {
      create: URL.createObjectURL,
      revoke: URL.revokeObjectURL,
    };
    URL.createObjectURL = (blob: Blob) => {
      created.push(blob);
      return 'blob:csv';
    };
    URL.revokeObjectURL = () => {};
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function recordDownload(this: HTMLAnchorElement) {
        clicked.push(this.download);
      });
    try {
      await renderPage(backend.api());
      await screen.findByRole('table', { name: 'Pages by person' });

      await userEvent.click(
        screen.getByRole('button', { name: 'Export pages by person as CSV' }),
      );

      await waitFor(() => expect(clicked).toHaveLength(1));
      expect(backend.exports).toEqual(['people']);
      const today = new Date().toISOString().slice(0, 10);
      expect(clicked).toEqual([`alerts-pages-by-person-${today}.csv`]);
      expect(created[0].type).toBe('text/csv;charset=utf-8');
      expect(await created[0].text()).toBe('kind,rows\r\npeople,1\r\n');
    } finally {
      click.mockRestore();
      URL.createObjectURL = original.create;
      URL.revokeObjectURL = original.revoke;
    }
  });

  it('says when an export fails', async () => {
    const backend = new FakeAlertsBackend();
    await renderPage(
      backend.api({
        exportAlertsCsv: async () => {
          throw await responseError(503, 'ServiceUnavailableError', 'later');
        },
      }),
    );
    await screen.findByRole('table', { name: 'Noisiest alarms' });

    await userEvent.click(
      screen.getByRole('button', { name: 'Export noisiest alarms as CSV' }),
    );

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Export failed: later',
    );
  });

  it('shows a stale snapshot with its age and error, the empty ranking, and a failure', async () => {
    const stale = {
      fetchedAt: new Date(Date.now() - 3 * 3_600_000).toISOString(),
      stale: true,
      error: 'CloudWatch throttled the history requests',
    };
    await renderPage(
      new FakeAlertsBackend({
        overview: overview({
          alarms: [],
          freshness: { alarms: stale, paging: overview().freshness.paging },
        }),
      }).api(),
    );

    expect(
      (await screen.findAllByText(/CloudWatch throttled the history requests/))
        .length,
    ).toBeGreaterThan(0);
    expect(
      screen.getAllByText(/Showing data from 3 hours ago/)[0],
    ).toBeVisible();
    expect(screen.getByText('No alarm is noisy or flagged.')).toBeVisible();
    expect(
      screen.queryByRole('table', { name: 'Noisiest alarms' }),
    ).not.toBeInTheDocument();
  });

  it('shows the error when the overview cannot be loaded', async () => {
    await renderPage(
      new FakeAlertsBackend().api({
        getAlertsOverview: async () => {
          throw await responseError(500, 'Error', 'database is down');
        },
      }),
    );

    expect(
      (await screen.findAllByText(/database is down/)).length,
    ).toBeGreaterThan(0);
  });
});
