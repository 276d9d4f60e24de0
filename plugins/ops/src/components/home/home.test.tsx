import { screen, within } from '@testing-library/react';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  HomeApprovalsResponse,
  HomeIncidentsResponse,
  HomeShiftsResponse,
  HomeSloStatusResponse,
} from '@opsportal/plugin-ops-common';
import plugin from '../../alpha';
import { OpsApi, opsApiRef } from '../../api';
import { MyOnCallShiftsCard } from '../../plugin';
import { changesRouteRef, incidentsRouteRef, sloRouteRef } from '../../routes';
import {
  MyApprovalsContent,
  MyIncidentsContent,
  MyOnCallShiftsContent,
  SloStatusContent,
} from '.';

jest.setTimeout(30_000);

const HOUR = 3600_000;
const at = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();

const shifts: HomeShiftsResponse = {
  userEntityRef: 'user:default/alice-chen',
  matchedBy: ['pagerduty-id'],
  since: at(0),
  until: at(28 * 24),
  fetchedAt: at(-0.1),
  stale: false,
  shifts: [
    {
      schedule: {
        id: 'PSCHSRE',
        name: 'SRE primary (weekly)',
        htmlUrl: 'https://ecommerce-platform.pagerduty.com/schedules/PSCHSRE',
      },
      entities: [
        {
          entityRef: 'group:default/sre-team',
          title: 'SRE Team',
          kind: 'group',
        },
      ],
      levels: [
        {
          policyId: 'PEPECOM',
          policyName: 'E-commerce escalation',
          level: 1,
          label: 'Primary',
        },
      ],
      start: at(-10),
      end: at(38),
      override: false,
      now: true,
    },
    {
      schedule: { id: 'PSCHSRE', name: 'SRE primary (weekly)' },
      entities: [
        {
          entityRef: 'group:default/sre-team',
          title: 'SRE Team',
          kind: 'group',
        },
      ],
      levels: [],
      start: at(24 * 14),
      end: at(24 * 21),
      override: true,
      now: false,
    },
  ],
};

const approvals: HomeApprovalsResponse = {
  truncated: false,
  items: [
    {
      id: 'CHG-1001',
      title: 'Add an index to the payments table',
      category: 'normal',
      risk: 'medium',
      requester: 'user:default/jamal-reed',
      entityRefs: ['component:default/payment-service'],
      plannedStart: at(24 * 8),
      plannedEnd: at(24 * 8 + 1),
      submittedAt: at(-2),
      approvals: 1,
      requiredApprovals: 2,
    },
  ],
};

const incidents: HomeIncidentsResponse = {
  loading: false,
  stale: true,
  fetchedAt: at(-3),
  error: 'PagerDuty answered 503',
  incidents: [
    {
      id: 'QOPENP1',
      number: 42,
      title: 'Checkout errors above 5%',
      status: 'acknowledged',
      severity: 'P1',
      severityLabel: 'Critical',
      serviceName: 'Payment API',
      createdAt: at(-1),
      htmlUrl: 'https://ecommerce-platform.pagerduty.com/incidents/QOPENP1',
      entityRefs: ['component:default/payment-service'],
      reasons: ['assigned', 'team'],
    },
  ],
  overdueReviews: [
    {
      id: 'PIR-3',
      title: 'Search outage',
      incidentId: 'QOLDP2',
      dueDate: '2026-11-20',
      entityRefs: ['component:default/search-service'],
    },
  ],
};

const slos: HomeSloStatusResponse = {
  stale: false,
  fetchedAt: at(-0.2),
  entities: 6,
  counts: { met: 9, 'at-risk': 2, breached: 1, 'no-data': 3 },
  worst: [
    {
      entityRef: 'component:default/search-service',
      title: 'search-service',
      kind: 'component',
      sloId: 'latency',
      sloName: 'Search latency',
      target: 0.99,
      sli: 0.985,
      remaining: -0.5,
      state: 'breached',
    },
  ],
};

async function render(ui: JSX.Element, api: Partial<OpsApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[opsApiRef, api]]}>{ui}</TestApiProvider>,
    {
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        '/changes': changesRouteRef,
        '/incidents': incidentsRouteRef,
        '/slos': sloRouteRef,
      },
    },
  );
}

const failing = async () => {
  throw new Error('The ops backend is down');
};

describe('My on-call shifts', () => {
  it('lists the shift on now first, with its level, team and schedule link', async () => {
    await render(<MyOnCallShiftsContent />, {
      getHomeShifts: async () => shifts,
    });
    const list = await screen.findByRole('list', { name: 'My on-call shifts' });
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveAccessibleName('On call now: SRE primary (weekly)');
    expect(items[0]).toHaveTextContent('Primary on E-commerce escalation');
    expect(items[0]).toHaveTextContent(/ends in 1 day|ends in 2 days/);
    expect(
      within(items[0]).getByRole('link', { name: /SRE primary \(weekly\)/ }),
    ).toHaveAttribute(
      'href',
      'https://ecommerce-platform.pagerduty.com/schedules/PSCHSRE',
    );
    expect(
      within(items[0]).getByRole('link', { name: 'SRE Team' }),
    ).toHaveAttribute('href', '/catalog/default/group/sre-team');
    expect(items[1]).toHaveTextContent('Override');
    expect(items[1]).toHaveTextContent(
      /starts in 1[34] days|starts in 2 weeks/,
    );
  });

  it('says how shifts are found when there are none', async () => {
    await render(<MyOnCallShiftsContent />, {
      getHomeShifts: async () => ({ ...shifts, shifts: [], matchedBy: [] }),
    });
    expect(
      await screen.findByText(/no on-call shifts in the next 28 days/),
    ).toBeInTheDocument();
    expect(screen.getByText('pagerduty.com/user-id')).toBeInTheDocument();
  });

  it('shows the error when the backend fails', async () => {
    await render(<MyOnCallShiftsContent />, { getHomeShifts: failing });
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The ops backend is down',
    );
  });

  it('is a legacy home card with its title', async () => {
    await render(<MyOnCallShiftsCard />, {
      getHomeShifts: async () => shifts,
    });
    expect(await screen.findByText('My on-call shifts')).toBeInTheDocument();
    expect(
      await screen.findByRole('list', { name: 'My on-call shifts' }),
    ).toBeInTheDocument();
  });
});

describe('Changes waiting for my approval', () => {
  it('links each change request to its page', async () => {
    await render(<MyApprovalsContent />, {
      getHomeApprovals: async () => approvals,
    });
    const list = await screen.findByRole('list', {
      name: 'Changes waiting for my approval',
    });
    const item = within(list).getByRole('listitem');
    expect(
      within(item).getByRole('link', {
        name: 'CHG-1001: Add an index to the payments table',
      }),
    ).toHaveAttribute('href', '/changes/CHG-1001');
    expect(item).toHaveTextContent('medium risk');
    expect(item).toHaveTextContent('1 of 2 approvals');
    expect(
      within(item).getByRole('link', { name: 'jamal-reed' }),
    ).toHaveAttribute('href', '/catalog/default/user/jamal-reed');
  });

  it('says when nothing waits', async () => {
    await render(<MyApprovalsContent />, {
      getHomeApprovals: async () => ({ items: [], truncated: false }),
    });
    expect(
      await screen.findByText(
        'No change requests are waiting for your approval.',
      ),
    ).toBeInTheDocument();
  });

  it('shows the error when the backend fails', async () => {
    await render(<MyApprovalsContent />, { getHomeApprovals: failing });
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The ops backend is down',
    );
  });
});

describe('My open incidents and overdue reviews', () => {
  it('lists incidents with why they are mine, overdue reviews, and warns of stale data', async () => {
    await render(<MyIncidentsContent />, {
      getHomeIncidents: async () => incidents,
    });
    const open = await screen.findByRole('list', {
      name: 'Open incidents (1)',
    });
    const incident = within(open).getByRole('listitem');
    expect(incident).toHaveTextContent('P1 Critical');
    expect(incident).toHaveTextContent(
      'assigned to you, your team answers for it',
    );
    expect(
      within(incident).getByRole('link', { name: 'Checkout errors above 5%' }),
    ).toHaveAttribute('href', '/incidents/QOPENP1');
    const reviews = screen.getByRole('list', { name: 'Overdue reviews (1)' });
    expect(
      within(reviews).getByRole('link', { name: 'PIR-3: Search outage' }),
    ).toHaveAttribute('href', '/incidents/QOLDP2');
    expect(within(reviews).getByRole('listitem')).toHaveTextContent(
      'Due 2026-11-20 (overdue)',
    );
    expect(screen.getByRole('status')).toHaveTextContent(
      'PagerDuty answered 503',
    );
  });

  it('says when there is nothing', async () => {
    await render(<MyIncidentsContent />, {
      getHomeIncidents: async () => ({
        loading: false,
        stale: false,
        incidents: [],
        overdueReviews: [],
      }),
    });
    expect(
      await screen.findByText(
        'No open incidents on your services and no overdue reviews.',
      ),
    ).toBeInTheDocument();
  });

  it('says it is still reading, not that there is nothing, and asks again until the backend has read them', async () => {
    const answers: HomeIncidentsResponse[] = [
      { loading: true, stale: false, incidents: [], overdueReviews: [] },
      { ...incidents, loading: false, stale: false, error: undefined },
    ];
    let calls = 0;
    let release = () => {};
    const released = new Promise<void>(resolve => {
      release = resolve;
    });
    await render(<MyIncidentsContent pollIntervalMs={20} />, {
      getHomeIncidents: async () => {
        calls += 1;
        if (calls === 1) return answers[0];
        await released;
        return answers[1];
      },
    });
    expect(await screen.findByRole('status')).toHaveTextContent(
      'Still reading incidents from PagerDuty',
    );
    expect(
      screen.queryByText(
        'No open incidents on your services and no overdue reviews.',
      ),
    ).not.toBeInTheDocument();
    expect(screen.getByText('None found yet.')).toBeInTheDocument();
    // The next answer has the incident: the card shows it and stops asking.
    release();
    expect(
      await screen.findByRole('list', { name: 'Open incidents (1)' }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
    await new Promise(resolve => setTimeout(resolve, 100));
    expect(calls).toBe(2);
  });

  it('shows the error when the backend fails', async () => {
    await render(<MyIncidentsContent />, { getHomeIncidents: failing });
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The ops backend is down',
    );
  });
});

describe('Platform SLO status', () => {
  it('counts SLOs by state and lists the least budget left', async () => {
    await render(<SloStatusContent />, {
      getHomeSloStatus: async () => slos,
    });
    const counts = await screen.findByRole('list', { name: 'SLOs by state' });
    expect(
      within(counts)
        .getAllByRole('listitem')
        .map(li => li.getAttribute('aria-label')),
    ).toEqual(['Met: 9', 'At risk: 2', 'Breached: 1', 'No data: 3']);
    const worst = screen.getByRole('list', { name: 'Least error budget left' });
    expect(within(worst).getByRole('listitem')).toHaveTextContent(
      'search-service Search latency: -50.0% of the budget left · Breached',
    );
    expect(screen.getByRole('link', { name: 'All SLOs' })).toHaveAttribute(
      'href',
      '/slos',
    );
  });

  it('says when no entity has SLOs', async () => {
    await render(<SloStatusContent />, {
      getHomeSloStatus: async () => ({
        ...slos,
        entities: 0,
        worst: [],
        counts: { met: 0, 'at-risk': 0, breached: 0, 'no-data': 0 },
      }),
    });
    expect(
      await screen.findByText(/No entity you can see has SLOs yet/),
    ).toBeInTheDocument();
  });

  it('shows the error when the backend fails', async () => {
    await render(<SloStatusContent />, { getHomeSloStatus: failing });
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The ops backend is down',
    );
  });
});

describe('home widgets (new frontend system)', () => {
  it('offers the four cards to the home page with their titles', () => {
    const titles = [
      'home-page-widget:ops/my-on-call-shifts',
      'home-page-widget:ops/my-approvals',
      'home-page-widget:ops/my-incidents',
      'home-page-widget:ops/slo-status',
    ].map(id => {
      const tester = createExtensionTester(plugin.getExtension(id as any));
      const widget = tester.get(HomePageWidgetBlueprint.dataRefs.widget) as {
        title?: string;
      };
      return widget.title;
    });
    expect(titles).toEqual([
      'My on-call shifts',
      'Changes waiting for my approval',
      'My open incidents and overdue reviews',
      'Platform SLO status',
    ]);
  });
});
