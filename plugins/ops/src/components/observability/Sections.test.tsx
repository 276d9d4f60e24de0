import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { DashboardsSection } from './DashboardsSection';
import { TracesSection } from './TracesSection';

describe('TracesSection', () => {
  it('links to X-Ray and shows percentiles and fault rates with units', async () => {
    await renderInTestApp(
      <TracesSection
        traces={{
          services: ['order-service'],
          region: 'us-east-1',
          tracesUrl:
            'https://console.aws.amazon.com/xray/home?region=us-east-1#/traces',
          faultTracesUrl:
            'https://console.aws.amazon.com/xray/home?region=us-east-1#/traces?f',
          serviceMapUrl:
            'https://console.aws.amazon.com/xray/home?region=us-east-1#/service-map',
          stats: [
            {
              name: 'order-service',
              requests: 4100,
              faultRate: 0.025,
              errorRate: 0.004,
              latency: { p50: 0.21, p95: 0.512, p99: 0.9 },
            },
          ],
          statsWindow: '1h',
          stale: false,
        }}
      />,
    );
    const link = screen.getByRole('link', {
      name: /Traces with errors or faults \(order-service\)/,
    });
    expect(link).toHaveAttribute('rel', 'noopener noreferrer');
    expect(
      screen.getByRole('link', { name: /Service map/ }),
    ).toBeInTheDocument();
    expect(screen.getByRole('cell', { name: '512 ms' })).toBeInTheDocument();
    expect(screen.getByRole('cell', { name: '2.50 %' })).toBeInTheDocument();
  });

  it('says when there are no traces, and when statistics need the provider', async () => {
    const base = {
      services: ['order-service'],
      region: 'us-east-1',
      tracesUrl: 'https://console.aws.amazon.com/xray/traces',
      faultTracesUrl: 'https://console.aws.amazon.com/xray/traces?f',
      serviceMapUrl: 'https://console.aws.amazon.com/xray/map',
      stale: false,
    };
    const { unmount } = await renderInTestApp(
      <TracesSection
        traces={{
          ...base,
          statsWindow: '1h',
          stats: [
            {
              name: 'order-service',
              requests: 0,
              faultRate: null,
              errorRate: null,
              latency: { p50: null, p95: null, p99: null },
            },
          ],
        }}
      />,
    );
    expect(
      screen.getByText('No traces of order-service in the last hour.'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).toBeNull();
    unmount();
    await renderInTestApp(<TracesSection traces={base} />);
    expect(
      screen.getByText(/need the X-Ray traces provider/),
    ).toBeInTheDocument();
  });

  it('asks for the annotation without traces', async () => {
    await renderInTestApp(<TracesSection traces={null} />);
    expect(screen.getByText('opsportal.dev/xray-service')).toBeInTheDocument();
  });
});

describe('DashboardsSection', () => {
  it('lists dashboards with folder and tags, and says when none match', async () => {
    await renderInTestApp(
      <DashboardsSection
        dashboards={{
          selector: "tags @> 'order-service'",
          searchConfigured: true,
          fetchedAt: '2026-12-05T15:00:00Z',
          stale: false,
          dashboards: [
            {
              title: 'Order Service SLOs',
              url: 'http://grafana/d/a/b',
              source: 'search',
              tags: ['order-service', 'slo'],
              folder: 'SLOs',
            },
          ],
        }}
      />,
    );
    expect(
      screen.getByRole('link', { name: /Order Service SLOs/ }),
    ).toHaveAttribute('href', 'http://grafana/d/a/b');
    expect(screen.getByText(/in SLOs/)).toBeInTheDocument();
  });

  it('says no dashboards match the selector, or that search is not configured', async () => {
    const { unmount } = await renderInTestApp(
      <DashboardsSection
        dashboards={{
          selector: "tags @> 'nope'",
          searchConfigured: true,
          fetchedAt: '2026-12-05T15:00:00Z',
          stale: false,
          dashboards: [],
        }}
      />,
    );
    expect(screen.getByText(/No dashboards match/)).toBeInTheDocument();
    unmount();
    await renderInTestApp(
      <DashboardsSection
        dashboards={{
          selector: "tags @> 'x'",
          searchConfigured: false,
          stale: false,
          dashboards: [],
        }}
      />,
    );
    expect(
      screen.getByText(/Grafana search is not configured/),
    ).toBeInTheDocument();
    expect(screen.queryByText(/No dashboards match/)).toBeNull();
  });
});
