import { act, screen, waitFor } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { ChangeMaintenanceWindow } from '@opsportal/plugin-ops-common';
import { OpsApi, opsApiRef } from '../../api';
import { ChangeMaintenanceWindowLine } from './index';
import { responseError } from './__fixtures__/alerts';
import { formatTime } from './helpers';

jest.setTimeout(30_000);

const end = '2026-12-05T18:00:00Z';

async function renderLine(
  answer: () => Promise<{ items: ChangeMaintenanceWindow[] }>,
) {
  const asked: string[] = [];
  const api = {
    getChangeMaintenanceWindows: (id: string) => {
      asked.push(id);
      return answer();
    },
  } as unknown as OpsApi;
  const { container } = await renderInTestApp(
    <TestApiProvider apis={[[opsApiRef, api]]}>
      <ChangeMaintenanceWindowLine changeRequestId="CR-7" />
    </TestApiProvider>,
  );
  return { asked, container };
}

describe('ChangeMaintenanceWindowLine', () => {
  it('says until when the window is open, with its PagerDuty link', async () => {
    const { asked } = await renderLine(async () => ({
      items: [
        {
          changeRequestId: 'CR-7',
          windowId: 'PMW1',
          serviceIds: ['PPAY'],
          start: '2026-12-05T16:00:00Z',
          end,
          status: 'open',
          htmlUrl: 'https://example.pagerduty.com/maintenance_windows/PMW1',
        },
      ],
    }));

    expect(
      await screen.findByText(
        `PagerDuty maintenance window: open until ${formatTime(end)}`,
        { exact: false },
      ),
    ).toBeVisible();
    expect(
      screen.getByRole('link', { name: /open in PagerDuty/ }),
    ).toHaveAttribute(
      'href',
      'https://example.pagerduty.com/maintenance_windows/PMW1',
    );
    expect(asked).toEqual(['CR-7']);
  });

  it('shows why a window could not be opened', async () => {
    await renderLine(async () => ({
      items: [
        {
          changeRequestId: 'CR-7',
          serviceIds: ['PPAY'],
          start: '2026-12-05T16:00:00Z',
          end,
          status: 'failed',
          error: 'PagerDuty refused the token (403)',
        },
      ],
    }));

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'PagerDuty maintenance window: could not be opened: PagerDuty refused the token (403)',
    );
  });

  it('says when the windows cannot be read, but shows nothing when the change has none', async () => {
    await renderLine(async () => {
      throw await responseError(500, 'Error', 'snapshot unreadable');
    });
    expect(
      await screen.findByText(
        'PagerDuty maintenance window: unknown (snapshot unreadable)',
      ),
    ).toBeVisible();

    const notFound = await renderLine(async () => {
      throw await responseError(404, 'NotFoundError', 'no window');
    });
    await waitFor(() => expect(notFound.asked).toEqual(['CR-7']));
    await act(async () => {});
    expect(notFound.container).not.toHaveTextContent(/maintenance window/i);

    const none = await renderLine(async () => ({ items: [] }));
    await waitFor(() => expect(none.asked).toEqual(['CR-7']));
    await act(async () => {});
    expect(none.container).not.toHaveTextContent(/maintenance window/i);
  });
});
