import { screen, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { ReviewsReport } from '@opsportal/plugin-ops-common';
import { OpsApi, opsApiRef, ReviewsQuery } from '../../api';
import { incidentsRouteRef } from '../../routes';
import { OverviewReviewsSection, TeamReviewsContent } from './index';
import {
  inDays,
  orderReview,
  reportOf,
  responseError,
} from './__fixtures__/reviews';

jest.setTimeout(60_000);

const sreTeam: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'sre-team', title: 'SRE Team' },
  spec: { type: 'team', children: [] },
};

const dueSoon = orderReview({
  id: 'PIR-9',
  subject: {
    kind: 'incident',
    incidentId: 'QPAYP2',
    title: 'Payment retries piling up',
    severity: 'P2',
  },
  dueDate: inDays(3),
  actionItems: [],
});
const overdue = orderReview({
  id: 'PIR-4',
  subject: {
    kind: 'incident',
    incidentId: 'QCARTP1',
    title: 'Cart service down',
    severity: 'P1',
  },
  owner: 'user:default/chen-wei',
  ownerName: 'Chen Wei',
  dueDate: inDays(-2),
  overdue: true,
});
const completed = orderReview({
  id: 'PIR-2',
  status: 'completed',
  completedAt: new Date().toISOString(),
  completedOnTime: true,
  actionItems: [],
});

async function renderTeam(listReviews: OpsApi['listReviews']) {
  const asked: ReviewsQuery[] = [];
  const api = {
    listReviews: (q: ReviewsQuery) => {
      asked.push(q);
      return listReviews(q);
    },
  } as unknown as OpsApi;
  await renderInTestApp(
    <TestApiProvider apis={[[opsApiRef, api]]}>
      <EntityProvider entity={sreTeam}>
        <TeamReviewsContent />
      </EntityProvider>
    </TestApiProvider>,
    {
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        '/incidents': incidentsRouteRef,
      },
    },
  );
  return asked;
}

describe('TeamReviewsContent', () => {
  it("lists the team's open reviews overdue first, each linked to its incident page, and the overdue action items", async () => {
    // The backend sends them soonest due first; the overdue one goes first anyway.
    const report: ReviewsReport = {
      ...reportOf([dueSoon, overdue, completed]),
      open: [dueSoon, overdue],
    };
    const asked = await renderTeam(async () => report);

    const table = await screen.findByRole('table', {
      name: 'Open reviews of SRE Team',
    });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map(r => within(r).getByRole('rowheader').textContent)).toEqual(
      [
        'PIR-4 · P1 incident QCARTP1: Cart service down',
        'PIR-9 · P2 incident QPAYP2: Payment retries piling up',
      ],
    );
    expect(rows[0]).toHaveTextContent('Overdue');
    expect(rows[0]).toHaveTextContent('Chen Wei');
    expect(rows[0]).toHaveTextContent('1 open of 1, 1 overdue');
    expect(rows[1]).not.toHaveTextContent('Overdue');
    expect(
      within(rows[0]).getByRole('link', { name: /PIR-4/ }),
    ).toHaveAttribute('href', '/incidents/QCARTP1');

    const items = screen.getByRole('table', {
      name: 'Overdue action items of SRE Team',
    });
    const itemRows = within(items).getAllByRole('row').slice(1);
    expect(itemRows).toHaveLength(1);
    expect(itemRows[0]).toHaveTextContent('Size the connection pool');
    expect(itemRows[0]).toHaveTextContent('(overdue)');
    expect(
      within(itemRows[0]).getByRole('link', { name: /PIR-4/ }),
    ).toHaveAttribute('href', '/incidents/QCARTP1');

    expect(
      screen.getByText('2 open, 1 overdue · 1 action item overdue'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('table', {
        name: 'Reviews of SRE Team completed in the last 90 days',
      }),
    ).toHaveTextContent('PIR-2');
    expect(asked).toEqual([{ groupRef: 'group:default/sre-team' }]);
    // Read-only: reviews are edited on the incident page.
    expect(screen.queryByRole('button', { name: /Edit/ })).toBeNull();
  });

  it('says when the team has no reviews', async () => {
    await renderTeam(async () => reportOf([]));
    expect(
      await screen.findByText(/No post-incident reviews for SRE Team/),
    ).toBeInTheDocument();
  });

  it('says what went wrong when the reviews cannot be read', async () => {
    const error = await responseError(
      503,
      'ServiceUnavailableError',
      'The reviews store is not reachable',
    );
    await renderTeam(async () => {
      throw error;
    });
    expect(
      (await screen.findAllByText(/The reviews store is not reachable/)).length,
    ).toBeGreaterThan(0);
  });
});

describe('OverviewReviewsSection', () => {
  it('shows every open review and overdue action item', async () => {
    const asked: ReviewsQuery[] = [];
    const api = {
      listReviews: async (q: ReviewsQuery) => {
        asked.push(q);
        return reportOf([dueSoon, overdue]);
      },
    } as unknown as OpsApi;
    await renderInTestApp(
      <TestApiProvider apis={[[opsApiRef, api]]}>
        <OverviewReviewsSection />
      </TestApiProvider>,
      {
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    const table = await screen.findByRole('table', { name: 'Open reviews' });
    expect(within(table).getAllByRole('row')[1]).toHaveTextContent('PIR-4');
    // Without the incident pages mounted, reviews are named without a link.
    expect(within(table).queryByRole('link', { name: /PIR-4/ })).toBeNull();
    expect(
      screen.getByRole('table', { name: 'Overdue action items' }),
    ).toHaveTextContent('Size the connection pool');
    expect(asked).toEqual([{}]);
  });

  it('shows the ten most urgent open reviews and says how many there are', async () => {
    const many = Array.from({ length: 12 }, (_, i) =>
      orderReview({
        id: `PIR-${100 + i}`,
        dueDate: inDays(i - 3),
        overdue: i < 3,
        actionItems: [],
      }),
    );
    const api = {
      listReviews: async () => reportOf(many),
    } as unknown as OpsApi;
    await renderInTestApp(
      <TestApiProvider apis={[[opsApiRef, api]]}>
        <OverviewReviewsSection />
      </TestApiProvider>,
      {
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    const table = await screen.findByRole('table', { name: 'Open reviews' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(10);
    expect(rows[0]).toHaveTextContent('PIR-100');
    expect(rows[0]).toHaveTextContent('Overdue');
    expect(
      screen.getByText(/10 of 12 open reviews shown, the most urgent first/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('12 open, 3 overdue · 0 action items overdue'),
    ).toBeInTheDocument();
  });
});
