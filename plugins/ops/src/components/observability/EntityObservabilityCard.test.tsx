import { screen, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { EntityObservabilityResponse } from '@opsportal/plugin-ops-common';
import { OpsApi, opsApiRef } from '../../api';
import { EntityObservabilityCard } from './index';

jest.setTimeout(30_000);

const orderService: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'order-service',
    namespace: 'default',
    annotations: {
      'opsportal.dev/log-groups': '/ecommerce/prod/order-service',
    },
  },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};

const longMessage = `Payment authorization failed for order ord-<n>: ${'upstream said no; '.repeat(
  12,
)}`;

const answer: EntityObservabilityResponse = {
  entityRef: 'component:default/order-service',
  logs: {
    logGroups: ['/ecommerce/prod/order-service', '/ecommerce/prod/worker'],
    region: 'us-east-1',
    counts: [
      { window: '1h', errors: 12, warnings: 0 },
      { window: '1d', errors: 1234, warnings: 310 },
    ],
    topErrors: [
      { message: longMessage, count: 800 },
      { message: '<img src=x onerror=alert(1)>\u202Eevil', count: 3 },
    ],
    retention: [
      {
        name: '/ecommerce/prod/order-service',
        exists: true,
        retentionDays: 30,
        verdict: 'ok',
      },
      {
        name: '/ecommerce/prod/worker',
        exists: true,
        retentionDays: 7,
        verdict: 'shorter',
        message: "Keeps 7 days, shorter than the policy's 30 days hot",
      },
    ],
    policy: { hotDays: 30, archiveDays: 365 },
    insightsUrl:
      'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:logs-insights$3FqueryDetail$3D',
    fetchedAt: new Date().toISOString(),
    stale: false,
  },
  traces: {
    services: ['order-service'],
    region: 'us-east-1',
    tracesUrl: 'https://console.aws.amazon.com/xray/traces',
    faultTracesUrl: 'https://console.aws.amazon.com/xray/traces?fault',
    serviceMapUrl: 'https://console.aws.amazon.com/xray/map',
    stats: [
      {
        name: 'order-service',
        requests: 1000,
        faultRate: 0.0123,
        errorRate: 0.01,
        latency: { p50: 0.05, p95: 0.31, p99: 0.9 },
      },
    ],
    statsWindow: '1h',
    stale: false,
  },
  dashboards: null,
};

async function render(api: Partial<OpsApi>, entity: Entity = orderService) {
  await renderInTestApp(
    <TestApiProvider apis={[[opsApiRef, api]]}>
      <EntityProvider entity={entity}>
        <EntityObservabilityCard />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('EntityObservabilityCard', () => {
  it('shows log counts with errors emphasised, top errors as plain text, retention findings and the Logs Insights link', async () => {
    const getEntityObservability = jest.fn().mockResolvedValue(answer);
    await render({ getEntityObservability });

    expect(getEntityObservability).toHaveBeenCalledWith(
      'component:default/order-service',
    );
    const counts = await screen.findByRole('table', {
      name: 'Errors and warnings in the logs',
    });
    const hour = within(counts).getByRole('row', { name: /Last hour/ });
    expect(within(hour).getByText('12').tagName).toBe('STRONG');
    expect(
      within(counts).getByRole('row', { name: 'Last day 1,234 310' }),
    ).toBeInTheDocument();

    const top = screen.getByRole('list', { name: 'Top error messages' });
    const [first, second] = within(top).getAllByRole('listitem');
    expect(first).toHaveTextContent(/^800× Payment authorization failed/);
    const cut = within(first).getByTitle(/^Payment authorization failed/);
    expect(cut.textContent!.length).toBe(160);
    expect(cut.textContent!.endsWith('…')).toBe(true);
    // Markup in a log message is text, and direction overrides are gone.
    expect(second).toHaveTextContent('<img src=x onerror=alert(1)> evil');
    expect(second.querySelector('img')).toBeNull();

    const findings = screen.getByRole('list', { name: 'Retention findings' });
    expect(findings).toHaveTextContent(
      "/ecommerce/prod/worker: Keeps 7 days, shorter than the policy's 30 days hot",
    );
    expect(findings).toHaveTextContent('1 other log group as the policy asks');

    const link = screen.getByRole('link', { name: /Open in Logs Insights/ });
    expect(link).toHaveAttribute('href', answer.logs!.insightsUrl);
    expect(link).toHaveAttribute('target', '_blank');
    expect(link).toHaveAttribute('rel', expect.stringContaining('noopener'));

    // Traces as X tells them; dashboards say which annotation to add.
    expect(
      screen.getByRole('link', { name: /Traces with errors or faults/ }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('row', {
        name: 'order-service 50 ms 310 ms 900 ms 1.23 %',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/No Grafana dashboards: add the/),
    ).toBeInTheDocument();
  });

  it('says which annotations to add when the entity has none, without asking the backend', async () => {
    const getEntityObservability = jest.fn();
    await render(
      { getEntityObservability },
      { ...orderService, metadata: { name: 'x', namespace: 'default' } },
    );
    expect(
      await screen.findByText(/No logs, traces or dashboards are linked/),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText('opsportal.dev/log-groups')[0],
    ).toBeInTheDocument();
    expect(getEntityObservability).not.toHaveBeenCalled();
  });

  it('shows a stale snapshot with its error, and logs not read yet', async () => {
    await render({
      getEntityObservability: jest.fn().mockResolvedValue({
        ...answer,
        logs: {
          ...answer.logs!,
          stale: true,
          error: 'CloudWatch Logs in us-east-1 throttled StartQuery',
        },
      }),
    });
    expect(await screen.findByText(/throttled StartQuery/)).toBeInTheDocument();
    expect(
      screen.getByRole('table', { name: /Errors and warnings/ }),
    ).toBeInTheDocument();
  });

  it('shows only the error when no refresh has succeeded yet', async () => {
    await render({
      getEntityObservability: jest.fn().mockResolvedValue({
        ...answer,
        logs: {
          ...answer.logs!,
          fetchedAt: undefined,
          counts: [],
          topErrors: [],
          retention: [],
          stale: false,
          error: 'CloudWatch Logs at http://x timed out after 10 s',
        },
      }),
    });
    expect(await screen.findByText(/timed out after 10 s/)).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: /Errors and warnings/ }),
    ).toBeNull();
    expect(screen.queryByText(/No errors in the last day/)).toBeNull();
  });

  it('says the logs are not read yet before the first refresh', async () => {
    await render({
      getEntityObservability: jest.fn().mockResolvedValue({
        ...answer,
        logs: {
          ...answer.logs!,
          fetchedAt: undefined,
          counts: [],
          topErrors: [],
          retention: [],
        },
      }),
    });
    expect(
      await screen.findByText(
        /have not been read yet; the next refresh reads them/,
      ),
    ).toBeInTheDocument();
  });

  it('shows an error with a retry', async () => {
    const getEntityObservability = jest
      .fn()
      .mockRejectedValueOnce(new Error('Backend down'))
      .mockResolvedValue(answer);
    await render({ getEntityObservability });
    expect((await screen.findAllByText(/Backend down/))[0]).toBeInTheDocument();
    screen.getByRole('button', { name: 'Retry' }).click();
    expect(
      await screen.findByRole('table', {
        name: 'Errors and warnings in the logs',
      }),
    ).toBeInTheDocument();
  });
});
