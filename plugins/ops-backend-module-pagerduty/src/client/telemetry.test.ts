import { mockServices } from '@backstage/backend-test-utils';
import { FakePagerDuty, startFakePagerDuty } from '@internal/fake-upstreams';
import { createUpstreamTelemetry } from '@opsportal/plugin-ops-node';
import {
  AggregationTemporality,
  DataPoint,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { OAuthClientCredentials, TokenAuth } from './auth';
import { PagerDutyClient } from './PagerDutyClient';

const NOW = Date.UTC(2026, 2, 4, 12, 0, 0);

describe('PagerDutyClient telemetry', () => {
  let fake: FakePagerDuty;
  let provider: MeterProvider;
  let reader: PeriodicExportingMetricReader;
  let exporter: InMemoryMetricExporter;

  beforeEach(async () => {
    fake = await startFakePagerDuty({ now: () => NOW });
    exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    reader = new PeriodicExportingMetricReader({
      exporter,
      exportIntervalMillis: 3_600_000,
    });
    provider = new MeterProvider({ readers: [reader] });
  });
  afterEach(async () => {
    await fake.close();
    await provider.shutdown();
  });

  function client(maxAttempts = 3) {
    return new PagerDutyClient({
      baseUrl: fake.url,
      auth: new TokenAuth('local-fake-token'),
      requestTimeoutMs: 2_000,
      maxAttempts,
      baseDelayMs: 10,
      maxDelayMs: 50,
      logger: mockServices.logger.mock(),
      telemetry: createUpstreamTelemetry(
        provider.getMeter('test'),
        'pagerduty',
      ),
    });
  }

  async function points(name: string) {
    exporter.reset();
    await reader.forceFlush();
    const found = exporter
      .getMetrics()
      .flatMap(r => r.scopeMetrics)
      .flatMap(s => s.metrics)
      .filter(m => m.descriptor.name === name)
      .flatMap(m => m.dataPoints as DataPoint<number>[]);
    return found.map(p => ({ ...p.attributes, value: p.value }));
  }

  it('counts every attempt with its outcome: a 429 and a 500 retried, then success', async () => {
    fake.faults.push(
      { kind: 'rate-limit', retryAfterSeconds: 0 },
      { kind: 'server-error' },
    );

    await client().get('/services/PSVORDR');

    expect(await points('opsportal.upstream.requests')).toEqual(
      expect.arrayContaining([
        {
          upstream: 'pagerduty',
          operation: 'GET /services/{id}',
          outcome: 'throttled',
          status_class: '4xx',
          value: 1,
        },
        {
          upstream: 'pagerduty',
          operation: 'GET /services/{id}',
          outcome: 'server_error',
          status_class: '5xx',
          value: 1,
        },
        {
          upstream: 'pagerduty',
          operation: 'GET /services/{id}',
          outcome: 'success',
          status_class: '2xx',
          value: 1,
        },
      ]),
    );
    expect(await points('opsportal.upstream.throttled')).toEqual([
      {
        upstream: 'pagerduty',
        operation: 'GET /services/{id}',
        source: 'upstream',
        value: 1,
      },
    ]);
  });

  it('counts the OAuth token requests, granted and refused', async () => {
    await fake.close();
    fake = await startFakePagerDuty({
      now: () => NOW,
      oauthClient: { clientId: 'ops-portal', clientSecret: 's3cret' },
    });
    const telemetry = createUpstreamTelemetry(
      provider.getMeter('test'),
      'pagerduty',
    );
    const oauth = (clientSecret: string) =>
      new OAuthClientCredentials({
        clientId: 'ops-portal',
        clientSecret,
        tokenUrl: `${fake.url}/oauth/token`,
        scope: 'as_account-us.ecommerce-platform services.read',
        requestTimeoutMs: 2_000,
        telemetry,
      });

    await oauth('s3cret').header();
    await expect(oauth('wrong').header()).rejects.toThrow(
      /refused the OAuth client credentials/,
    );

    expect(await points('opsportal.upstream.requests')).toEqual(
      expect.arrayContaining([
        {
          upstream: 'pagerduty',
          operation: 'POST /oauth/token',
          outcome: 'success',
          status_class: '2xx',
          value: 1,
        },
        expect.objectContaining({
          upstream: 'pagerduty',
          operation: 'POST /oauth/token',
          status_class: '4xx',
          value: 1,
        }),
      ]),
    );
  });

  it('counts the attempts of a request that keeps failing', async () => {
    fake.outage = { kind: 'server-error' };

    await expect(client(2).get('/incidents', { limit: 1 })).rejects.toThrow(
      /gave up after 2 attempts/,
    );

    expect(await points('opsportal.upstream.requests')).toEqual([
      {
        upstream: 'pagerduty',
        operation: 'GET /incidents',
        outcome: 'server_error',
        status_class: '5xx',
        value: 2,
      },
    ]);
  });
});
