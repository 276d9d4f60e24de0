import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  FAKE_GRAFANA_TOKEN,
  FakeGrafana,
  startFakeGrafana,
} from '@internal/fake-upstreams';
import { createUpstreamTelemetry } from '@opsportal/plugin-ops-node';
import {
  GrafanaDashboardsProvider,
  GrafanaDashboardsProviderOptions,
} from './GrafanaDashboardsProvider';

describe('GrafanaDashboardsProvider against the fake Grafana', () => {
  let grafana: FakeGrafana;
  beforeAll(async () => {
    grafana = await startFakeGrafana({ port: 0 });
  });
  afterAll(() => grafana.close());
  beforeEach(() => {
    grafana.reset();
    grafana.faults.length = 0;
  });

  const provider = (options: Partial<GrafanaDashboardsProviderOptions> = {}) =>
    new GrafanaDashboardsProvider({
      baseUrl: grafana.url,
      token: FAKE_GRAFANA_TOKEN,
      requestTimeoutMs: 2000,
      defaultLimit: 100,
      logger: mockServices.logger.mock(),
      ...options,
    });

  it('searches dashboards by tags and text with the bearer token and answers absolute links', async () => {
    const found = await provider().searchDashboards({
      tags: ['order-service', 'slo'],
    });
    const request = grafana.requests[0];
    expect(request.headers.authorization).toBe(`Bearer ${FAKE_GRAFANA_TOKEN}`);
    const url = new URL(request.url, grafana.url);
    expect(url.pathname).toBe('/api/search');
    expect(url.searchParams.get('type')).toBe('dash-db');
    expect(url.searchParams.getAll('tag')).toEqual(['order-service', 'slo']);
    expect(url.searchParams.get('limit')).toBe('100');
    expect(found).toEqual([
      {
        uid: 'order-svc-slo',
        title: 'Order Service SLOs',
        url: `${grafana.url}/d/order-svc-slo/order-service-slos`,
        tags: ['order-service', 'slo'],
        folder: 'SLOs',
      },
    ]);
    // The link opens a page on the fake.
    const page = await fetch(found[0].url);
    expect(await page.text()).toContain('<h1>Order Service SLOs</h1>');

    const byText = await provider().searchDashboards({
      query: 'capacity',
      limit: 3,
    });
    expect(byText).toHaveLength(3);
    expect(byText.every(d => /capacity/i.test(d.title))).toBe(true);
    expect(
      new URL(grafana.requests[2].url, grafana.url).searchParams.get('limit'),
    ).toBe('3');
  });

  it('links through the public URL and keeps a sub path Grafana puts in its URLs', async () => {
    const sub = await startFakeGrafana({ port: 0, subPath: '/grafana' });
    try {
      const [hit] = await provider({
        baseUrl: `${sub.url}/grafana/`,
        publicUrl: 'https://grafana.example.com/grafana',
      }).searchDashboards({ tags: ['payment-service', 'capacity'] });
      expect(new URL(sub.requests[0].url, sub.url).pathname).toBe(
        '/grafana/api/search',
      );
      expect(hit.url).toBe(
        'https://grafana.example.com/grafana/d/payment-svc-capacity/payment-service-capacity',
      );
    } finally {
      await sub.close();
    }
  });

  it('says what to fix when Grafana refuses the token or there is none', async () => {
    await expect(
      provider({ token: 'wrong' }).searchDashboards({ tags: ['x'] }),
    ).rejects.toThrow(/refused the token \(401\): check ops\.grafana\.token/);
    await expect(
      provider({ token: undefined }).searchDashboards({ tags: ['x'] }),
    ).rejects.toThrow(/needs a token \(401\): set ops\.grafana\.token/);
    expect(grafana.requests[1].headers.authorization).toBeUndefined();
  });

  it('retries once after a 429 (honouring Retry-After) and reports failures in words', async () => {
    grafana.faults.push({ kind: 'rate-limit', retryAfterSeconds: 0 });
    const found = await provider().searchDashboards({
      tags: ['search-service'],
    });
    expect(found.map(d => d.uid).sort()).toEqual([
      'search-svc-capacity',
      'search-svc-overview',
      'search-svc-slo',
    ]);
    expect(grafana.requests).toHaveLength(2);

    grafana.faults.push({ kind: 'internal-error' });
    await expect(provider().searchDashboards({})).rejects.toThrow(
      /Grafana at http:\/\/127\.0\.0\.1:\d+ failed on the dashboard search \(500\)/,
    );

    grafana.faults.push({ kind: 'not-json' });
    await expect(provider().searchDashboards({})).rejects.toThrow(
      /something other than a list of dashboards/,
    );

    grafana.faults.push({ kind: 'delay', ms: 500 });
    await expect(
      provider({ requestTimeoutMs: 100 }).searchDashboards({}),
    ).rejects.toThrow(/did not answer the dashboard search within 0\.1 s/);
  });

  it('counts every search request with its outcome (opsportal.upstream.requests)', async () => {
    const counted: Record<string, number> = {};
    const telemetry = createUpstreamTelemetry(
      {
        createCounter: name => ({
          add(value, attributes = {}) {
            const key = `${name} ${attributes.outcome ?? attributes.source}`;
            counted[key] = (counted[key] ?? 0) + value;
          },
        }),
      },
      'grafana',
    );
    grafana.faults.push({ kind: 'rate-limit', retryAfterSeconds: 0 });
    await provider({ telemetry }).searchDashboards({ tags: ['slo'] });
    grafana.faults.push({ kind: 'delay', ms: 500 });
    await expect(
      provider({ telemetry, requestTimeoutMs: 100 }).searchDashboards({}),
    ).rejects.toThrow(/did not answer/);

    expect(counted).toEqual({
      'opsportal.upstream.requests throttled': 1,
      'opsportal.upstream.throttled upstream': 1,
      'opsportal.upstream.requests success': 1,
      'opsportal.upstream.requests timeout': 1,
    });
  });

  it('says when Grafana cannot be reached', async () => {
    const gone = await startFakeGrafana({ port: 0 });
    const url = gone.url;
    await gone.close();
    await expect(
      provider({ baseUrl: url }).searchDashboards({}),
    ).rejects.toThrow(`Grafana at ${url} could not be reached`);
  });
});

describe('GrafanaDashboardsProvider.fromConfig', () => {
  const logger = mockServices.logger.mock();

  it('is absent without ops.grafana.baseUrl and refuses a base URL that is not http(s)', () => {
    expect(
      GrafanaDashboardsProvider.fromConfig(new ConfigReader({}), { logger }),
    ).toBeUndefined();
    expect(() =>
      GrafanaDashboardsProvider.fromConfig(
        new ConfigReader({ ops: { grafana: { baseUrl: 'ftp://grafana' } } }),
        { logger },
      ),
    ).toThrow(
      "ops.grafana.baseUrl must be an http(s) URL, got 'ftp://grafana'",
    );
    const provider = GrafanaDashboardsProvider.fromConfig(
      new ConfigReader({
        ops: {
          grafana: { baseUrl: 'https://grafana.example.com/', token: 't' },
        },
      }),
      { logger },
    );
    expect(provider?.id).toBe('grafana');
    expect(provider?.baseUrl).toBe('https://grafana.example.com');
  });
});
