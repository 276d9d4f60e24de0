import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { FakePagerDuty, startFakePagerDuty } from '@internal/fake-upstreams';
import {
  PagerDutyClient,
  PagerDutyProvider,
  TokenAuth,
} from '@opsportal/plugin-ops-backend-module-pagerduty';
import { RequestBudget } from '@opsportal/plugin-ops-node';
import { applyDatabaseMigrations } from '../database/migrations';
import { DatabaseSnapshotStore } from '../snapshots/SnapshotStore';
import { readOnCallConfig } from './config';
import { OnCallService } from './OnCallService';
import { ANCHOR, user } from './__testUtils__/pagerDuty';

/*
 * The upstream budget of the on-call feature against the fake PagerDuty
 * over HTTP: refresh requests keep to the share of the rate limit, on-calls
 * are asked for many policies per request, rotations are read on their own
 * interval and spread, and a failing PagerDuty is asked at most once per
 * entity per back-off period whatever the number of viewers. Time is
 * virtual: the budget's waits move the clock that the service, the budget
 * and the fake read, so nothing here depends on how fast the machine is.
 */

jest.setTimeout(120_000);

const MINUTE = 60_000;
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

function components(count: number): Entity[] {
  return Array.from({ length: count }, (_, i) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: `svc-${i + 1}`,
      annotations: {
        'pagerduty.com/service-id': `PSVX${String(i + 1).padStart(4, '0')}`,
      },
    },
    spec: { type: 'service', owner: 'group:default/dev-team' },
  }));
}

/** Release times (virtual) of every request the budget let out. */
class RecordingBudget extends RequestBudget {
  readonly released: number[] = [];
  constructor(
    perMinute: number,
    burst: number,
    private readonly t: () => number,
    sleep: (ms: number) => Promise<void>,
  ) {
    super({ perMinute, burst, clock: { now: t, sleep } });
  }
  async take(signal?: AbortSignal) {
    await super.take(signal);
    this.released.push(this.t());
  }
  spend() {
    super.spend();
    this.released.push(this.t());
  }
}

/** The most releases in any window of `ms`. */
function busiest(times: number[], ms: number): number {
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i] - times[j] >= ms) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe('On-call upstream budget', () => {
  let fake: FakePagerDuty;
  let now = ANCHOR;

  afterEach(async () => {
    const violations = fake.violations.map(v => v.url);
    await fake.close();
    if (violations.length > 0) {
      throw new Error(`non-conforming PagerDuty requests: ${violations}`);
    }
  });

  async function setup(options: {
    services: number;
    perMinute?: number;
    burst?: number;
    oncall?: object;
  }) {
    now = ANCHOR;
    fake = await startFakePagerDuty({
      now: () => now,
      extraServices: options.services,
      extraServicePolicies: true,
      rateLimitPerMinute: 1_000_000,
    });
    const knex = await databases.init('SQLITE_3');
    await applyDatabaseMigrations(knex);
    const clock = { now: () => new Date(now) };
    const budget = new RecordingBudget(
      options.perMinute ?? 600,
      options.burst ?? 100,
      () => now,
      async ms => {
        now += ms;
      },
    );
    const logger = mockServices.logger.mock();
    const client = new PagerDutyClient({
      baseUrl: fake.url,
      auth: new TokenAuth('local-fake-token'),
      requestTimeoutMs: 5_000,
      maxAttempts: 2,
      baseDelayMs: 5,
      maxDelayMs: 50,
      logger,
      budget,
    });
    const provider = new PagerDutyProvider({
      client,
      logger,
      concurrency: 4,
      listThreshold: 10,
      eventsBaseUrl: fake.url,
      requestTimeoutMs: 5_000,
    });
    const service = new OnCallService({
      catalog: catalogServiceMock({ entities: components(options.services) }),
      auth: mockServices.auth(),
      snapshots: new DatabaseSnapshotStore(knex, clock),
      onCall: provider,
      config: readOnCallConfig(
        new ConfigReader({ ops: { oncall: options.oncall ?? {} } }),
      ),
      logger,
      clock,
    });
    return { service, budget };
  }

  const count = (prefix: string) =>
    fake.requests.filter(r => r.url.startsWith(prefix)).length;

  it('keeps a full refresh of 300 services with 2 schedules each within the budget, spread out', async () => {
    const { service, budget } = await setup({
      services: 300,
      perMinute: 60,
      burst: 10,
    });

    const done = await service.refreshOnCall();

    expect(done.size).toBe(300);
    // Every request PagerDuty saw went through the budget...
    expect(budget.released).toHaveLength(fake.stats.requests);
    // ...and no minute had more than the budget plus one burst, no ten
    // seconds more than a burst plus ten seconds' worth.
    expect(busiest(budget.released, MINUTE)).toBeLessThanOrEqual(60 + 10);
    expect(busiest(budget.released, 10_000)).toBeLessThanOrEqual(10 + 10);
    expect(fake.stats.requests).toBeGreaterThan(100);
  });

  it('asks for who is on call now for 100 escalation policies per request, every page', async () => {
    const { service } = await setup({ services: 250 });

    await service.refreshOnCall();

    const oncalls = fake.requests
      .filter(r => r.url.startsWith('/oncalls'))
      .map(r => new URL(r.url, 'http://x').searchParams);
    const asked = oncalls.map(q => q.getAll('escalation_policy_ids[]'));
    expect(Math.max(...asked.map(ids => ids.length))).toBe(100);
    expect(new Set(asked.flat()).size).toBe(250);
    // 3 levels per policy: 300 on-calls per 100 policies (3 pages of 100),
    // 150 for the last 50: 3 + 3 + 2 requests.
    expect(oncalls).toHaveLength(8);
    const view = await service.getEntityOnCall(
      'component:default/svc-250',
      user,
    );
    const levels = view.data.services[0].escalationPolicy!.levels;
    expect(levels.map(l => l.onCall.length)).toEqual([1, 1, 1]);
  });

  it('reads rotations on their own interval, spread over refreshes, and on demand for a view', async () => {
    const { service } = await setup({
      services: 20,
      oncall: { rotationRefreshMinutes: 60, rotationFetchesPerRefresh: 10 },
    });

    // 40 schedules, at most 10 read per refresh: four refreshes to read all.
    await service.refreshOnCall();
    expect(count('/schedules/')).toBe(10);
    for (let i = 0; i < 3; i++) {
      now += 2 * MINUTE;
      await service.refreshOnCall();
    }
    expect(count('/schedules/')).toBe(40);
    expect(count('/oncalls')).toBe(4);

    // Within the rotation interval, refreshes only ask who is on call now.
    for (let i = 0; i < 5; i++) {
      now += 2 * MINUTE;
      await service.refreshOnCall();
    }
    expect(count('/schedules/')).toBe(40);
    expect(count('/oncalls')).toBe(9);

    // Once due, they are read again oldest first, as many a refresh as keep
    // the interval (40 schedules x 2 min / 60 min: 2), not all at once.
    now = ANCHOR + 61 * MINUTE;
    await service.refreshOnCall();
    expect(count('/schedules/')).toBe(42);
    const reread = fake.requests
      .filter(r => r.url.startsWith('/schedules/'))
      .slice(40)
      .map(r => r.url.split('?')[0]);
    const firstRead = fake.requests
      .filter(r => r.url.startsWith('/schedules/'))
      .slice(0, 10)
      .map(r => r.url.split('?')[0]);
    expect(firstRead).toEqual(expect.arrayContaining(reread));
    const view = await service.getEntityOnCall('component:default/svc-1', user);
    expect(
      view.data.services[0].escalationPolicy!.levels[0].onCall,
    ).toHaveLength(1);
  });

  it('reads the rotations a view needs at once when the refresh has not reached them', async () => {
    const { service } = await setup({
      services: 20,
      oncall: { rotationFetchesPerRefresh: 2 },
    });
    await service.refreshOnCall();
    expect(count('/schedules/')).toBe(2);

    const view = await service.getEntityOnCall(
      'component:default/svc-20',
      user,
    );

    const level = view.data.services[0].escalationPolicy!.levels[0];
    expect(level.onCall[0].next).toBeDefined();
    expect(count('/schedules/')).toBe(4);
    expect(JSON.stringify(view)).not.toContain('pendingSchedules');
    // Read once: the next view answers from the snapshots.
    await service.getEntityOnCall('component:default/svc-20', user);
    expect(count('/schedules/')).toBe(4);
  });

  it('asks a failing PagerDuty once per entity per minute, however many people view it', async () => {
    const { service } = await setup({ services: 3 });
    fake.outage = { kind: 'server-error' };
    const ref = 'component:default/svc-2';
    const views = () =>
      Promise.allSettled(
        Array.from({ length: 20 }, () => service.getEntityOnCall(ref, user)),
      );

    const first = await views();
    expect(first.every(r => r.status === 'rejected')).toBe(true);
    expect((first[0] as PromiseRejectedResult).reason.message).toMatch(
      /PagerDuty could not be read: PagerDuty failed on \/services\/PSVX0002 \(500/,
    );
    expect(fake.stats.requests).toBe(1);

    now += 30_000;
    await views();
    expect(fake.stats.requests).toBe(1);

    now += 31_000;
    await views();
    expect(fake.stats.requests).toBe(2);

    // PagerDuty is back: after the back-off the next view reads it.
    fake.outage = undefined;
    now += 61_000;
    const back = await service.getEntityOnCall(ref, user);
    expect(back.data.services[0].name).toBe('Generated service 2');
  });
});
