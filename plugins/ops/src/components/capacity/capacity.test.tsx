import { screen, within, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { CapacityRange } from '@opsportal/plugin-ops-common';
import { OpsApi, opsApiRef } from '../../api';
import { EntityCapacityCard } from './EntityCapacityCard';
import { EntityCapacityContent } from './EntityCapacityContent';
import { CapacityReviewPage } from './CapacityReviewPage';
import { formatDay } from './helpers';
import {
  MINUTE_DATA_FROM,
  analyses,
  bareEntity,
  entityCapacity,
  review,
  searchEntity,
} from './__fixtures__/capacity';

// recharts sizes its charts with ResizeObserver, which jsdom lacks; the
// charts then draw nothing, and the tests read the text and tables.
(globalThis as any).ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};

jest.setTimeout(30_000);

const routes = {
  mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
};

function renderWithEntity(
  element: JSX.Element,
  api: Partial<OpsApi>,
  entity = searchEntity,
) {
  return renderInTestApp(
    <TestApiProvider apis={[[opsApiRef, api]]}>
      <EntityProvider entity={entity}>{element}</EntityProvider>
    </TestApiProvider>,
    routes,
  );
}

const cpuForecast = analyses[0].forecast;

describe('Capacity tab', () => {
  it('shows the CPU crossing date, the trigger episodes and the autoscaling bounds', async () => {
    const getEntityCapacity = jest.fn(async (_: string, range: CapacityRange) =>
      entityCapacity(range),
    );
    await renderWithEntity(<EntityCapacityContent />, { getEntityCapacity });

    const cpu = await screen.findByRole(
      'region',
      { name: 'CPU utilisation' },
      { timeout: 10_000 },
    );
    expect(cpuForecast.status).toBe('crossing');
    expect(cpu).toHaveTextContent(
      `around ${formatDay(cpuForecast.crossingAt)}`,
    );
    expect(cpu).toHaveTextContent(/80 % interval .* confidence/);
    expect(cpu).toHaveTextContent('First to reach its limit');
    expect(cpu).toHaveTextContent('3 trigger episodes');
    expect(cpu).toHaveTextContent('trigger above 70.0 % for 15 minutes');
    const episodes = within(cpu).getByRole('list', {
      name: 'CPU utilisation breach episodes',
    });
    const items = within(episodes).getAllByRole('listitem');
    expect(items).toHaveLength(4);
    expect(items[0]).toHaveTextContent(
      /for 35 min, peak 78.0 % — scaling trigger/,
    );
    expect(items[3]).toHaveTextContent(/for 10 min.*shorter than 15 minutes/);
    // Which data each episode was found in.
    expect(items[0]).toHaveTextContent(/scaling trigger \(1-min data\)$/);
    expect(items[3]).toHaveTextContent(/\(5-min data\)$/);
    // The numbers behind the chart, as a table on demand.
    await userEvent.click(
      within(cpu).getByRole('button', {
        name: 'Show the numbers behind the cpu utilisation chart',
      }),
    );
    const numbers = within(cpu).getByRole('table', {
      name: 'CPU utilisation data',
    });
    expect(within(numbers).getAllByRole('row').length).toBeGreaterThan(300);

    const autoscaling = screen.getByRole('region', {
      name: 'Autoscaling bounds',
    });
    expect(autoscaling).toHaveTextContent(
      'Pods: 2–10 replicas, target CPU 70 %, target memory 80 %',
    );
    expect(autoscaling).toHaveTextContent('Node group: 3–20 nodes');

    const memory = screen.getByRole('region', { name: 'Memory utilisation' });
    expect(memory).toHaveTextContent('No limit in sight');
    expect(getEntityCapacity).toHaveBeenLastCalledWith(
      'component:default/search-service',
      '30d',
    );
  });

  it('says which period each current value covers, and what the triggers count on which data', async () => {
    await renderWithEntity(<EntityCapacityContent />, {
      getEntityCapacity: async (_, range) => entityCapacity(range),
    });
    const cpu = await screen.findByRole(
      'region',
      { name: 'CPU utilisation' },
      { timeout: 10_000 },
    );
    // The fixture's last full hour is 09:00–10:00 UTC; shown in local time.
    const hour = (h: number) =>
      new Date(Date.UTC(2026, 2, 18, h)).toTimeString().slice(0, 5);
    const cpuNow = analyses[0].current!;
    expect(cpu).toHaveTextContent(
      `Current${cpuNow.toFixed(1)} % · last full hour, ${hour(9)}–${hour(
        10,
      )}, average`,
    );
    expect(cpu).toHaveTextContent(
      '3 trigger episodes (> 70.0 % for ≥ 15 min), 110 breaching minutes; 1 shorter breach (10 min), not counted',
    );
    expect(cpu).toHaveTextContent(
      `Evaluated on 1-min data (15 consecutive points) since ${formatDay(
        new Date(MINUTE_DATA_FROM).toISOString(),
      )}, 5-min data (3 consecutive points) before.`,
    );

    const requests = screen.getByRole('region', { name: 'Request rate' });
    expect(requests).toHaveTextContent(
      `Current17.2 req/s · last full hour, ${hour(9)}–${hour(
        10,
      )}, sum ÷ seconds`,
    );
  });

  it('switches between 7, 30 and 90 days', async () => {
    const getEntityCapacity = jest.fn(async (_: string, range: CapacityRange) =>
      entityCapacity(range),
    );
    await renderWithEntity(<EntityCapacityContent />, { getEntityCapacity });
    await screen.findByRole(
      'region',
      { name: 'CPU utilisation' },
      { timeout: 10_000 },
    );

    await userEvent.click(screen.getByRole('button', { name: '7 days' }));

    await waitFor(() =>
      expect(screen.getByRole('button', { name: '7 days' })).toHaveAttribute(
        'aria-pressed',
        'true',
      ),
    );
    expect(getEntityCapacity).toHaveBeenLastCalledWith(
      'component:default/search-service',
      '7d',
    );
    // Only the last week's trigger is in the 7-day range.
    const cpu = await screen.findByRole('region', { name: 'CPU utilisation' });
    await waitFor(() =>
      expect(
        within(
          within(cpu).getByRole('list', {
            name: 'CPU utilisation breach episodes',
          }),
        ).getAllByRole('listitem'),
      ).toHaveLength(1),
    );
  });

  it('shows the last good data with its age when the refresh failed', async () => {
    await renderWithEntity(<EntityCapacityContent />, {
      getEntityCapacity: async (_, range) =>
        entityCapacity(range, {
          stale: true,
          error: 'ThrottlingException: Rate exceeded',
        }),
    });
    expect(await screen.findByRole('status')).toHaveTextContent(
      /Showing data from .* ThrottlingException: Rate exceeded/,
    );
    expect(
      screen.getByRole('region', { name: 'CPU utilisation' }),
    ).toBeInTheDocument();
  });

  it('says what went wrong when no data was ever fetched', async () => {
    await renderWithEntity(<EntityCapacityContent />, {
      getEntityCapacity: async () => ({
        data: undefined,
        stale: true,
        error: 'No metrics provider is installed',
      }),
    });
    expect(
      await screen.findAllByText(
        /No capacity data could be fetched yet. No metrics provider is installed/,
      ),
    ).not.toHaveLength(0);
  });

  it('shows the annotation to add, without asking the backend, when there is none', async () => {
    const getEntityCapacity = jest.fn();
    await renderWithEntity(
      <EntityCapacityContent />,
      { getEntityCapacity },
      bareEntity,
    );
    expect(
      await screen.findByText(/No capacity metrics for this entity yet/),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText('opsportal.dev/container-service').length,
    ).toBeGreaterThan(0);
    expect(getEntityCapacity).not.toHaveBeenCalled();
  });
});

describe('Capacity card', () => {
  it('lists each metric’s time to limit and triggers, and links to the tab', async () => {
    await renderWithEntity(<EntityCapacityCard />, {
      getEntityCapacity: async (_, range) => entityCapacity(range),
    });
    const table = await screen.findByRole('table', {
      name: 'Time to limit per metric',
    });
    const cpu = within(table).getByRole('row', { name: /CPU utilisation/ });
    expect(cpu).toHaveTextContent(formatDay(cpuForecast.crossingAt));
    // Current, typical peak, limit, time to limit, triggers.
    const cells = within(cpu).getAllByRole('cell').slice(-5);
    // The current value says which period it covers.
    const current = cells[0];
    expect(current).toHaveTextContent(
      `${analyses[0].current!.toFixed(1)} %last full hour`,
    );
    // The trigger episodes, and exactly what they are, how long they
    // lasted and which data they were found in.
    expect(cells[4]).toHaveTextContent(/^3$/);
    expect(cpu).toHaveTextContent(
      `CPU utilisationTrigger: > 70.0 % for ≥ 15 min; 110 breaching minutes in the 3 episodes; evaluated on 1-min data, 5-min data before ${formatDay(
        new Date(MINUTE_DATA_FROM).toISOString(),
      )}`,
    );
    const memory = within(table).getByRole('row', {
      name: /Memory utilisation/,
    });
    expect(memory).toHaveTextContent(
      'Trigger: > 80.0 % for ≥ 15 min; evaluated on hourly data; approximate',
    );
    expect(memory).toHaveTextContent('not in sight');
    expect(screen.getByRole('link', { name: /Open capacity/ })).toHaveAttribute(
      'href',
      '/catalog/default/component/search-service/capacity',
    );
  });
});

describe('Capacity review page', () => {
  it('ranks the services, flags stale data and exports CSV', async () => {
    const saved: Blob[] = [];
    const createObjectURL = jest.fn((blob: Blob) => {
      saved.push(blob);
      return 'blob:capacity';
    });
    Object.assign(URL, { createObjectURL, revokeObjectURL: jest.fn() });

    await renderInTestApp(
      <TestApiProvider
        apis={[[opsApiRef, { getCapacityReview: async () => review() }]]}
      >
        <CapacityReviewPage />
      </TestApiProvider>,
      routes,
    );

    const table = await screen.findByRole('table', {
      name: 'Services ranked by days to limit',
    });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows[0]).toHaveTextContent(/^1Search Service/);
    expect(rows[0]).toHaveTextContent('CPU utilisation');
    expect(rows[0]).toHaveTextContent(formatDay(cpuForecast.crossingAt));
    expect(rows[0]).toHaveTextContent(/\+1\.\d\d pts\/week/);
    expect(rows[1]).toHaveTextContent(/^2Order Service/);
    expect(rows[1]).toHaveTextContent(/stale: AccessDeniedException/);
    expect(screen.getByRole('status')).toHaveTextContent(
      '2 services; 1 reach a limit within 90 days; 7 scaling triggers in the last 30 days.',
    );

    await userEvent.click(screen.getByRole('button', { name: /Export CSV/ }));

    expect(saved).toHaveLength(1);
    const csv = await saved[0].text();
    const lines = csv.split('\r\n');
    expect(lines[0]).toMatch(/^Rank,Service,Entity,Binding metric/);
    expect(lines[1]).toMatch(
      /^1,Search Service,component:default\/search-service,CPU utilisation,percent,/,
    );
    expect(lines[2]).toMatch(/^2,Order Service,.*,4,.*,yes$/);
  });
});
