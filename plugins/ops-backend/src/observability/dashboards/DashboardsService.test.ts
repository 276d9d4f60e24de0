import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  FAKE_GRAFANA_TOKEN,
  FakeGrafana,
  startFakeGrafana,
} from '@internal/fake-upstreams';
import { GrafanaDashboardsProvider } from '@opsportal/plugin-ops-backend-module-grafana';
import { DashboardsService } from './DashboardsService';

const NOW = Date.UTC(2026, 11, 5, 15, 0);

function component(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'x', annotations },
    spec: {},
  };
}

describe('DashboardsService', () => {
  let grafana: FakeGrafana;
  let now = NOW;
  const clock = { now: () => new Date(now) };
  beforeAll(async () => {
    grafana = await startFakeGrafana({ port: 0 });
  });
  afterAll(() => grafana.close());
  beforeEach(() => {
    now = NOW;
    grafana.reset();
    grafana.faults.length = 0;
  });

  const service = (withProvider = true) =>
    new DashboardsService({
      provider: withProvider
        ? new GrafanaDashboardsProvider({
            baseUrl: grafana.url,
            token: FAKE_GRAFANA_TOKEN,
            requestTimeoutMs: 2000,
            defaultLimit: 100,
            logger: mockServices.logger.mock(),
          })
        : undefined,
      config: { cacheSeconds: 600, maxDashboards: 50 },
      logger: mockServices.logger.mock(),
      clock,
    });
  const searches = () =>
    grafana.requests.map(r =>
      new URL(r.url, grafana.url).searchParams.getAll('tag'),
    );

  it('is null without the annotations; without Grafana only the overview link, searchConfigured false', async () => {
    expect(await service().forEntity(component({}))).toBeNull();
    const answer = await service(false).forEntity(
      component({
        'grafana/dashboard-selector': "tags @> 'order-service'",
        'grafana/overview-dashboard':
          'https://grafana.example.com/d/abc/orders',
      }),
    );
    expect(answer).toEqual({
      selector: "tags @> 'order-service'",
      dashboards: [
        {
          title: 'Overview dashboard',
          url: 'https://grafana.example.com/d/abc/orders',
          source: 'annotation',
        },
      ],
      searchConfigured: false,
      stale: false,
    });
    expect(grafana.requests).toHaveLength(0);
  });

  it('lists the dashboards the selector matches, searched by the tags it requires, cached for cacheSeconds', async () => {
    const dashboards = service();
    const entity = component({
      'grafana/dashboard-selector':
        "tags @> 'payment-service' && (tags @> 'slo' || tags @> 'capacity')",
      'grafana/overview-dashboard':
        '/d/payment-svc-overview/payment-service-overview',
    });
    const answer = await dashboards.forEntity(entity);
    expect(searches()).toEqual([
      ['payment-service', 'slo'],
      ['payment-service', 'capacity'],
    ]);
    expect(answer).toMatchObject({
      searchConfigured: true,
      stale: false,
      fetchedAt: new Date(NOW).toISOString(),
    });
    expect(answer!.error).toBeUndefined();
    expect(answer!.dashboards).toEqual([
      {
        title: 'Overview dashboard',
        url: `${grafana.url}/d/payment-svc-overview/payment-service-overview`,
        source: 'annotation',
      },
      {
        title: 'Payment Service capacity',
        url: `${grafana.url}/d/payment-svc-capacity/payment-service-capacity`,
        source: 'search',
        tags: ['capacity', 'payment-service'],
        folder: 'Services',
      },
      {
        title: 'Payment Service SLOs',
        url: `${grafana.url}/d/payment-svc-slo/payment-service-slos`,
        source: 'search',
        tags: ['payment-service', 'slo'],
        folder: 'SLOs',
      },
    ]);
    now += 599_000;
    await dashboards.forEntity(entity);
    expect(grafana.requests).toHaveLength(2);
    now += 2_000;
    await dashboards.forEntity(entity);
    expect(grafana.requests).toHaveLength(4);
  });

  it('filters by the whole selector (negation, titles) after the tag search', async () => {
    const answer = await service().forEntity(
      component({
        'grafana/dashboard-selector':
          "tags @> 'capacity' && !(tags @> 'kubernetes') && title @> 'Order Service'",
      }),
    );
    expect(searches()).toEqual([['capacity']]);
    expect(answer!.dashboards.map(d => d.title)).toEqual([
      'Order Service capacity',
    ]);
    const none = await service().forEntity(
      component({ 'grafana/dashboard-selector': "tags @> 'no-such-service'" }),
    );
    expect(none!.dashboards).toEqual([]);
    expect(none!.error).toBeUndefined();
  });

  it('keeps the last good list when Grafana fails, and reports bad annotations', async () => {
    const dashboards = service();
    const entity = component({
      'grafana/dashboard-selector': 'search-service',
    });
    const first = await dashboards.forEntity(entity);
    expect(first!.dashboards).toHaveLength(3);
    now += 601_000;
    grafana.faults.push({ kind: 'internal-error' });
    const failed = await dashboards.forEntity(entity);
    expect(failed).toMatchObject({
      stale: true,
      error: expect.stringMatching(/failed on the dashboard search \(500\)/),
      fetchedAt: new Date(NOW).toISOString(),
    });
    expect(failed!.dashboards).toEqual(first!.dashboards);

    const bad = await service().forEntity(
      component({
        'grafana/dashboard-selector': "tags @> 'x",
        'grafana/overview-dashboard': 'ftp://grafana.example.com/d/x',
      }),
    );
    expect(bad!.dashboards).toEqual([]);
    expect(bad!.error).toBe(
      'grafana/overview-dashboard must be an http(s) URL or a path on the configured Grafana, got "ftp://grafana.example.com/d/x"; grafana/dashboard-selector does not parse: unclosed quote from character 9',
    );
  });
});
