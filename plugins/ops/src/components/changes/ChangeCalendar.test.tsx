import { screen, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { opsApiRef } from '../../api';
import { changesRouteRef } from '../../routes';
import { ChangeCalendar } from './ChangeCalendar';
import { fakeOpsApi } from './__fixtures__/changes';

jest.setTimeout(60_000);

describe('ChangeCalendar', () => {
  beforeEach(() => {
    jest.useFakeTimers({
      now: new Date('2026-12-02T15:00:00Z'),
      advanceTimers: true,
    });
  });
  afterEach(() => jest.useRealTimers());

  it('shows the maintenance windows and freezes of the month even without changes', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[opsApiRef, fakeOpsApi()]]}>
        <ChangeCalendar />
      </TestApiProvider>,
      { mountedRoutes: { '/changes': changesRouteRef } },
    );
    expect(
      await screen.findByRole('table', {
        name: 'Change calendar, December 2026',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('list', { name: 'Maintenance windows this month' }),
    ).toHaveTextContent('Sun 6 Dec, 02:00–04:00 (America/New_York)');
    expect(
      screen.getByRole('list', { name: 'Change freezes' }),
    ).toHaveTextContent('Holiday peak: Fri 18 Dec 00:00 to Mon 4 Jan 00:00');
    expect(
      within(
        screen.getByRole('list', { name: 'Planned changes this month' }),
      ).getByText('No changes planned this month.'),
    ).toBeInTheDocument();
    expect(screen.getByText('Maintenance 02:00–04:00')).toBeInTheDocument();
  });
});
