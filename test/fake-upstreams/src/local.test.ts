import { LocalFakes, startLocalFakes } from './local';

const PORTAL = 'ops-portal@ecommerce-platform.com';
const headers = {
  Authorization: 'Token token=local-fake-token',
  Accept: 'application/vnd.pagerduty+json;version=2',
  'Content-Type': 'application/json',
};

describe('startLocalFakes', () => {
  let fakes: LocalFakes;
  beforeAll(async () => {
    fakes = await startLocalFakes({
      pagerdutyPort: 0,
      cloudwatchPort: 0,
      prometheusPort: 0,
      grafanaPort: 0,
    });
  });
  afterAll(() => fakes.close());

  const pd = (path: string, init: RequestInit = {}) =>
    fetch(`${fakes.pagerduty.url}${path}`, {
      ...init,
      headers: { ...headers, ...(init.headers as Record<string, string>) },
    });

  /** Opens an hour's maintenance window as the portal does for a change. */
  const openWindow = (description: string, serviceId: string) =>
    pd('/maintenance_windows', {
      method: 'POST',
      headers: { From: PORTAL },
      body: JSON.stringify({
        maintenance_window: {
          type: 'maintenance_window',
          start_time: new Date().toISOString(),
          end_time: new Date(Date.now() + 3_600_000).toISOString(),
          description,
          services: [{ id: serviceId, type: 'service_reference' }],
        },
      }),
    });

  it("trims what was recorded for tests but keeps the portal's writes", async () => {
    // The portal opens a maintenance window for a change...
    const created = await openWindow(
      'CHG-9: restart the payment workers',
      'PSVPAYM',
    );
    expect(created.status).toBe(201);
    const { maintenance_window: window } = await created.json();
    expect(fakes.pagerduty.requests.length).toBeGreaterThan(0);

    // ...and the local fakes trim their memory a minute later.
    fakes.trim();

    expect(fakes.pagerduty.requests).toEqual([]);
    expect(fakes.pagerduty.stats.requests).toBe(0);
    const listed = await pd(
      '/maintenance_windows?filter=ongoing&service_ids[]=PSVPAYM',
    );
    const { maintenance_windows: windows } = await listed.json();
    expect(windows.map((w: { id: string }) => w.id)).toContain(window.id);

    // The next window is numbered after it, not given its id again.
    const next = await openWindow('CHG-10: rotate the gateway keys', 'PSVPGWY');
    expect((await next.json()).maintenance_window.id).not.toBe(window.id);
  });

  it('trims the requests the other fakes recorded', async () => {
    await fetch(`${fakes.prometheus.url}/api/v1/status/buildinfo`);
    await fetch(`${fakes.grafana.url}/api/health`);
    expect(fakes.prometheus.requests.length).toBeGreaterThan(0);
    expect(fakes.grafana.requests.length).toBeGreaterThan(0);
    fakes.trim();
    expect(fakes.prometheus.requests).toEqual([]);
    expect(fakes.grafana.requests).toEqual([]);
  });
});
