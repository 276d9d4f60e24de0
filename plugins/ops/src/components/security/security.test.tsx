import { screen, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  DEFAULT_SECURITY_PROCESS,
  EntitySecurityResponse,
  SecurityOverviewResponse,
  SecuritySignal,
} from '@opsportal/plugin-ops-common';
import { OpsApi, opsApiRef } from '../../api';
import { EntitySecurityCard, SecurityCard } from './index';

jest.setTimeout(30_000);

const HOUR = 3_600_000;
const now = Date.now();

const failedLogins: SecuritySignal = {
  id: 'failedLogins',
  title: 'Failed authentication attempts',
  unit: 'count',
  source: 'cloudwatch',
  window: '15m',
  value: 228,
  thresholds: { warning: 50, alert: 100, direction: 'above' },
  state: 'alert',
  raises: 'multipleFailedLogins',
  reason: '228 in the last 15m, at or above the alert threshold of 100',
  series: [
    { t: now - 2 * HOUR, v: 14 },
    { t: now - HOUR, v: 230 },
    { t: now, v: 228 },
  ],
  seriesPeriod: 900,
};

const patches: SecuritySignal = {
  id: 'patchCompliance',
  title: 'Security patch compliance',
  unit: 'percent',
  source: 'cloudwatch',
  window: '1d',
  value: 93.4,
  thresholds: { warning: 95, alert: 90, direction: 'below' },
  state: 'warning',
  reason: '93.4 % in the last 1d, at or below the warning threshold of 95 %',
  series: [],
};

const privilege: SecuritySignal = {
  id: 'privilegeEscalation',
  title: 'Privilege escalation attempts',
  unit: 'count',
  source: 'alarm',
  window: 'alarm',
  value: null,
  state: 'ok',
  raises: 'privilegeEscalation',
  reason: 'Alarm security-iam-privilege-escalation is OK',
  series: [],
  alarms: [{ name: 'security-iam-privilege-escalation', state: 'OK' }],
};

const guidance = {
  contacts: [
    { role: 'Security Lead', email: 'security@ecommerce-platform.com' },
    { role: '24/7 Security Hotline', phone: '+1-XXX-XXX-XXXX' },
    { role: 'Wiki', url: ['javascript', 'alert(1)'].join(':') },
  ],
  process: DEFAULT_SECURITY_PROCESS,
};

const overview: SecurityOverviewResponse = {
  configured: true,
  computedAt: new Date(now).toISOString(),
  fetchedAt: new Date(now).toISOString(),
  stale: false,
  signals: [failedLogins, patches, privilege],
  alerts: [
    {
      alert: 'multipleFailedLogins',
      title: 'Multiple failed login attempts',
      signalId: 'failedLogins',
      reason: failedLogins.reason,
    },
  ],
  ...guidance,
};

function api(partial: Partial<OpsApi>): OpsApi {
  return partial as OpsApi;
}

describe('SecurityCard', () => {
  it('shows each signal against its thresholds, the alert it raises in words, the contacts and the process', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[[opsApiRef, api({ getSecurityOverview: async () => overview })]]}
      >
        <SecurityCard />
      </TestApiProvider>,
    );

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('1 security alert is raised:');
    expect(alert).toHaveTextContent(
      'Multiple failed login attempts: 228 in the last 15m, at or above the alert threshold of 100',
    );

    const table = screen.getByRole('table', {
      name: 'Platform security signals',
    });
    const row = within(table).getByRole('row', {
      name: /Failed authentication attempts/,
    });
    expect(within(row).getByText('228')).toBeInTheDocument();
    expect(within(row).getByText('warning ≥ 50, alert ≥ 100')).toBeVisible();
    const state = within(row).getByText(
      'Alert: Multiple failed login attempts',
    );
    expect(state).toHaveAttribute('data-state', 'alert');
    // The chart's numbers as text.
    expect(
      within(row).getByRole('img', {
        name: 'Last 24 hours, 3 points: lowest 14, highest 230, latest 228',
      }),
    ).toBeInTheDocument();

    const compliance = within(table).getByRole('row', {
      name: /Security patch compliance/,
    });
    expect(within(compliance).getByText('93.4 %')).toBeVisible();
    expect(
      within(compliance).getByText('warning ≤ 95 %, alert ≤ 90 %'),
    ).toBeVisible();
    expect(within(compliance).getByText('Warning')).toBeVisible();
    const alarmRow = within(table).getByRole('row', {
      name: /Privilege escalation attempts/,
    });
    expect(
      within(alarmRow).getByText('security-iam-privilege-escalation: OK'),
    ).toBeVisible();

    const contacts = screen.getByRole('list', { name: 'Security contacts' });
    expect(
      within(contacts).getByRole('link', {
        name: 'security@ecommerce-platform.com',
      }),
    ).toHaveAttribute('href', 'mailto:security@ecommerce-platform.com');
    // A placeholder number and a script URL stay text.
    expect(within(contacts).getByText(/\+1-XXX-XXX-XXXX/)).toBeVisible();
    expect(within(contacts).getAllByRole('link')).toHaveLength(1);

    const steps = within(
      screen.getByRole('list', { name: 'Security incident process' }),
    ).getAllByRole('listitem');
    expect(steps.map(s => s.textContent)).toEqual([
      'Detect the security incident',
      'Contain the threat',
      'Investigate scope and impact',
      'Eradicate the threat',
      'Restore systems',
      'Post-incident analysis',
    ]);
  });

  it('says how to configure signals when none is', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [
            opsApiRef,
            api({
              getSecurityOverview: async () => ({
                ...overview,
                configured: false,
                signals: [],
                alerts: [],
              }),
            }),
          ],
        ]}
      >
        <SecurityCard />
      </TestApiProvider>,
    );
    expect(
      await screen.findByText(/No security signals are configured/),
    ).toBeVisible();
  });

  it('shows a stale snapshot with the refresh error', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [
            opsApiRef,
            api({
              getSecurityOverview: async () => ({
                ...overview,
                stale: true,
                error: 'ThrottlingException: Rate exceeded',
                fetchedAt: new Date(now - 2 * HOUR).toISOString(),
              }),
            }),
          ],
        ]}
      >
        <SecurityCard />
      </TestApiProvider>,
    );
    expect(
      await screen.findByText(/Showing data from 2 hours ago/),
    ).toHaveTextContent('ThrottlingException: Rate exceeded');
  });

  it('shows the error when the overview cannot be loaded', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [
            opsApiRef,
            api({
              getSecurityOverview: async () => {
                throw new Error('Service unavailable');
              },
            }),
          ],
        ]}
      >
        <SecurityCard />
      </TestApiProvider>,
    );
    expect(
      (await screen.findAllByText(/Service unavailable/)).length,
    ).toBeGreaterThan(0);
  });
});

describe('EntitySecurityCard', () => {
  const entity: Entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'customer-service', namespace: 'default' },
    spec: { type: 'service', owner: 'dev-team', lifecycle: 'production' },
  };

  async function renderCard(answer: EntitySecurityResponse) {
    const asked: string[] = [];
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [
            opsApiRef,
            api({
              getEntitySecurity: async ref => {
                asked.push(ref);
                return answer;
              },
            }),
          ],
        ]}
      >
        <EntityProvider entity={entity}>
          <EntitySecurityCard />
        </EntityProvider>
      </TestApiProvider>,
    );
    return asked;
  }

  it("shows the service's signals and the alert they raise", async () => {
    const asked = await renderCard({
      entityRef: 'component:default/customer-service',
      stale: false,
      fetchedAt: new Date(now).toISOString(),
      signals: [
        failedLogins,
        {
          ...patches,
          value: null,
          state: 'unknown',
          reason: 'Could not be read in the last refresh',
          error: 'ThrottlingException: Rate exceeded',
        },
      ],
      alerts: overview.alerts,
      unscoped: [
        {
          id: 'privilegeEscalation',
          title: 'Privilege escalation attempts',
          reason: 'Platform-wide only: its config has no perEntity',
        },
      ],
      ...guidance,
    });
    expect(asked).toEqual(['component:default/customer-service']);
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Multiple failed login attempts',
    );
    expect(
      screen.getByRole('table', { name: 'Security signals of this service' }),
    ).toHaveTextContent('Alert: Multiple failed login attempts');
    const unread = screen.getByRole('row', {
      name: /Security patch compliance/,
    });
    expect(unread).toHaveTextContent('Not read');
    expect(unread).toHaveTextContent(
      'Could not be read in the last refreshThrottlingException: Rate exceeded',
    );
    expect(
      screen.getByRole('list', { name: 'Signals not scoped to this service' }),
    ).toHaveTextContent('Privilege escalation attempts');
  });

  it('explains perEntity when no signal is scoped to the service', async () => {
    await renderCard({
      entityRef: 'component:default/customer-service',
      stale: false,
      signals: [],
      alerts: [],
      unscoped: [
        {
          id: 'failedLogins',
          title: 'Failed authentication attempts',
          reason: 'Platform-wide only: its config has no perEntity',
        },
      ],
      ...guidance,
    });
    expect(
      await screen.findByText(/No security signal is scoped to this service/),
    ).toHaveTextContent('perEntity');
    expect(
      screen.getByRole('list', { name: 'Signals not scoped to this service' }),
    ).toHaveTextContent(
      'Failed authentication attempts: Platform-wide only: its config has no perEntity',
    );
  });
});
