import fs from 'node:fs';
import path from 'node:path';
import {
  TestDatabases,
  mockCredentials,
  mockServices,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  FakeCloudWatch,
  createPlatformStore,
  startFakeCloudWatch,
} from '@internal/fake-upstreams';
import { CloudWatchProvider } from '@opsportal/plugin-ops-backend-module-cloudwatch';
import { MetricDataRequest, MetricsProvider } from '@opsportal/plugin-ops-node';
import { parse, parseAllDocuments } from 'yaml';
import { applyDatabaseMigrations } from '../database/migrations';
import { DatabaseSnapshotStore } from '../snapshots/SnapshotStore';
import { readSecurityConfig } from './config';
import { SecurityService } from './SecurityService';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const root = path.resolve(__dirname, '../../../..');
// The fake's anchor, minute-aligned like the real one.
const ANCHOR = Date.UTC(2026, 2, 18, 10, 7);
const user = mockCredentials.user();

/** `ops.security` of the demo app's config: the example is what is tested. */
function exampleSecurityConfig() {
  const appConfig = parse(
    fs.readFileSync(path.join(root, 'app-config.yaml'), 'utf8'),
  );
  return appConfig.ops.security;
}

function exampleServices(): Entity[] {
  const dir = path.join(root, 'examples/services');
  return fs
    .readdirSync(dir)
    .filter(f => f.endsWith('.yaml'))
    .flatMap(f =>
      parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map(d => ({
        ...(d.toJS() as Entity),
        metadata: { ...(d.toJS() as Entity).metadata, namespace: 'default' },
      })),
    );
}

describe('SecurityService', () => {
  let cloudwatch: FakeCloudWatch;

  beforeAll(async () => {
    cloudwatch = await startFakeCloudWatch({
      port: 0,
      store: createPlatformStore(ANCHOR),
      now: () => ANCHOR,
    });
  });
  afterAll(() => cloudwatch.close());

  async function setup(
    options: { security?: unknown; fail?: () => boolean } = {},
  ) {
    const knex = await databases.init('SQLITE_3');
    await applyDatabaseMigrations(knex);
    const clock = { now: () => new Date(ANCHOR) };
    const snapshots = new DatabaseSnapshotStore(knex, clock);
    const real = new CloudWatchProvider({
      region: 'us-east-1',
      endpoint: cloudwatch.url,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
      requestTimeoutMs: 30_000,
      concurrency: 1,
      logger: mockServices.logger.mock(),
    });
    const requests: MetricDataRequest[] = [];
    let alarmListings = 0;
    const metrics: MetricsProvider = {
      id: real.id,
      getMetricData: async request => {
        requests.push(request);
        if (options.fail?.())
          throw new Error('ThrottlingException: Rate exceeded');
        return real.getMetricData(request);
      },
    };
    const service = new SecurityService({
      config: readSecurityConfig(
        new ConfigReader({
          ops: { security: options.security ?? exampleSecurityConfig() },
        }),
      ),
      snapshots,
      catalog: catalogServiceMock({ entities: exampleServices() }),
      auth: mockServices.auth(),
      metrics,
      alarms: {
        id: real.id,
        listAlarms: filter => {
          alarmListings += 1;
          return real.listAlarms(filter);
        },
      },
      logger: mockServices.logger.mock(),
      clock,
    });
    return { service, requests, alarmListings: () => alarmListings };
  }

  it('raises "Multiple failed login attempts" from the burst of failed logins, with the contacts and the seed process', async () => {
    const { service, requests, alarmListings } = await setup();
    await service.refreshAll();

    // For the platform and every service together: one 24-hour request
    // (whose last periods are the 15m and 1h values), one for the 1d
    // values, and one alarm listing.
    expect(requests).toHaveLength(2);
    expect(requests.map(r => r.end.getTime() - r.start.getTime())).toEqual([
      86_400_000, 86_400_000,
    ]);
    // 6 metrics for the platform and each service, 3 of them daily.
    const scopes = requests[1].queries.length / 3;
    expect(scopes).toBeGreaterThanOrEqual(6);
    expect(requests.map(r => r.queries.length)).toEqual([
      6 * scopes,
      3 * scopes,
    ]);
    expect(alarmListings()).toBe(1);

    const overview = await service.getOverview();
    expect(overview.configured).toBe(true);
    expect(overview.stale).toBe(false);
    const byId = new Map(overview.signals.map(s => [s.id, s]));
    const failed = byId.get('failedLogins')!;
    expect(failed.state).toBe('alert');
    expect(failed.value).toBeGreaterThan(150);
    expect(failed.reason).toMatch(
      /in the last 15m, at or above the alert threshold of 100$/,
    );
    // 24 hours of 15-minute points, the burst at the end.
    expect(failed.series).toHaveLength(96);
    expect(failed.series[0].v).toBeLessThan(50);
    expect(failed.series[95].v).toBeGreaterThan(150);
    expect(overview.alerts).toEqual([
      expect.objectContaining({
        alert: 'multipleFailedLogins',
        title: 'Multiple failed login attempts',
        signalId: 'failedLogins',
      }),
    ]);
    expect(byId.get('unauthorized')!.state).toBe('ok');
    expect(byId.get('criticalFindings')).toMatchObject({
      value: 0,
      state: 'ok',
    });
    const patches = byId.get('patchCompliance')!;
    expect(patches.state).toBe('ok');
    expect(patches.value).toBeGreaterThan(95);
    expect(byId.get('privilegeEscalation')).toMatchObject({
      source: 'alarm',
      state: 'ok',
      alarms: [
        expect.objectContaining({
          name: 'security-iam-privilege-escalation',
          state: 'OK',
        }),
      ],
    });
    expect(overview.contacts.map(c => c.role)).toEqual([
      'Security Lead',
      'Incident Response',
      '24/7 Security Hotline',
    ]);
    expect(overview.process.map(p => p.title)).toEqual([
      'Detect the security incident',
      'Contain the threat',
      'Investigate scope and impact',
      'Eradicate the threat',
      'Restore systems',
      'Post-incident analysis',
    ]);
  });

  it('scopes the signals to a service through its dimension', async () => {
    const { service } = await setup();
    await service.refreshAll();

    const customers = await service.getEntity(
      'component:default/customer-service',
      user,
    );
    const failed = customers.signals.find(s => s.id === 'failedLogins')!;
    expect(failed.state).toBe('alert');
    expect(customers.alerts.map(a => a.alert)).toEqual([
      'multipleFailedLogins',
    ]);
    // Alarm signals without perEntity are platform-wide only, and say so.
    expect(customers.unscoped.map(u => u.id)).toEqual([
      'privilegeEscalation',
      'dataExfiltration',
      'malware',
    ]);
    expect(customers.unscoped[0].reason).toMatch(/no perEntity/);

    const payments = await service.getEntity(
      'component:default/payment-service',
      user,
    );
    const byId = new Map(payments.signals.map(s => [s.id, s]));
    expect(byId.get('failedLogins')!.state).toBe('ok');
    expect(byId.get('failedLogins')!.value).toBeLessThan(50);
    expect(byId.get('patchCompliance')!.state).toBe('warning');
    expect(payments.alerts).toEqual([]);
  });

  it('keeps the last signals, marked stale with the error, when CloudWatch fails', async () => {
    let failing = false;
    const { service } = await setup({ fail: () => failing });
    await service.refreshAll();
    failing = true;
    const security = exampleSecurityConfig();
    // Only metrics (no alarms) so that every signal of the refresh fails.
    const { service: metricsOnly } = await setup({
      fail: () => failing,
      security: {
        ...security,
        metrics: security.metrics.filter((m: any) => !m.alarm),
      },
    });
    await metricsOnly.refreshAll();
    const never = await metricsOnly.getOverview();
    expect(never.stale).toBe(true);
    expect(never.error).toBe('ThrottlingException: Rate exceeded');
    expect(never.signals).toEqual([]);

    // A refresh where the metrics fail but the alarms answer: stored, each
    // failed metric with its error and state unknown.
    await service.refreshAll();
    const partial = await service.getOverview();
    const failed = partial.signals.find(s => s.id === 'failedLogins')!;
    expect(failed).toMatchObject({
      state: 'unknown',
      value: null,
      error: 'ThrottlingException: Rate exceeded',
    });
    expect(partial.signals.find(s => s.id === 'malware')!.state).toBe('ok');
  });

  it('keeps the previous snapshot when nothing could be read', async () => {
    let failing = false;
    const security = exampleSecurityConfig();
    const { service } = await setup({
      fail: () => failing,
      security: {
        ...security,
        metrics: security.metrics.filter((m: any) => !m.alarm),
      },
    });
    await service.refreshAll();
    failing = true;
    await service.refreshAll();
    const overview = await service.getOverview();
    expect(overview.stale).toBe(true);
    expect(overview.error).toBe('ThrottlingException: Rate exceeded');
    expect(overview.signals.find(s => s.id === 'failedLogins')!.state).toBe(
      'alert',
    );
  });

  it('explains how to scope signals when none has perEntity', async () => {
    const { service } = await setup({
      security: {
        metrics: [
          {
            id: 'failedLogins',
            title: 'Failed authentication attempts',
            window: '15m',
            cloudwatch: {
              namespace: 'ECommerce/Security',
              metricName: 'FailedLoginAttempts',
            },
            thresholds: { alert: 100 },
          },
        ],
      },
    });
    const answer = await service.getEntity(
      'component:default/customer-service',
      user,
    );
    expect(answer.signals).toEqual([]);
    expect(answer.unscoped).toEqual([
      {
        id: 'failedLogins',
        title: 'Failed authentication attempts',
        reason:
          'Platform-wide only: its config has no perEntity (how to scope it to a service)',
      },
    ]);
    await expect(
      service.getEntity('component:default/nope', user),
    ).rejects.toThrow('No entity component:default/nope');
  });

  it('stops the backend at startup with the key that is wrong', () => {
    expect(() =>
      readSecurityConfig(
        new ConfigReader({
          ops: {
            security: {
              metrics: [
                {
                  id: 'x',
                  title: 'X',
                  window: '15m',
                  cloudwatch: { namespace: 'N', metricName: 'M' },
                  thresholds: { alert: 1 },
                  perEntity: { annotation: 'a' },
                },
              ],
            },
          },
        }),
      ),
    ).toThrow(
      'Invalid configuration: ops.security.metrics.0.perEntity.dimension: is required for a cloudwatch metric',
    );
  });
});
