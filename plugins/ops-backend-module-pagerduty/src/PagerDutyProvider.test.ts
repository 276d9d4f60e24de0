import { mockServices } from '@backstage/backend-test-utils';
import {
  createPlatformAccount,
  defaultSpecPath,
  FakePagerDuty,
  FakePagerDutyOptions,
  startFakePagerDuty,
} from '@internal/fake-upstreams';
import { ConfigReader } from '@backstage/config';
import {
  OAuthClientCredentials,
  TokenAuth,
  PagerDutyAuth,
} from './client/auth';
import { PagerDutyClient, PagerDutyError } from './client/PagerDutyClient';
import { PagerDutyProvider } from './PagerDutyProvider';

// A Wednesday noon: this week's rotation is unambiguous.
const NOW = Date.UTC(2026, 2, 4, 12, 0, 0);
const WEEK = 7 * 86_400_000;

function setup(
  fake: FakePagerDuty,
  options: {
    auth?: PagerDutyAuth;
    requestTimeoutMs?: number;
    maxAttempts?: number;
    maxDelayMs?: number;
  } = {},
) {
  const logger = mockServices.logger.mock();
  const client = new PagerDutyClient({
    baseUrl: fake.url,
    auth: options.auth ?? new TokenAuth('local-fake-token'),
    requestTimeoutMs: options.requestTimeoutMs ?? 2_000,
    maxAttempts: options.maxAttempts ?? 3,
    baseDelayMs: 10,
    maxDelayMs: options.maxDelayMs ?? 200,
    logger,
  });
  const provider = new PagerDutyProvider({
    client,
    logger,
    concurrency: 4,
    listThreshold: 10,
    eventsBaseUrl: 'http://127.0.0.1:9',
    requestTimeoutMs: 2_000,
  });
  return { client, provider };
}

describe('PagerDutyProvider against the fake PagerDuty', () => {
  let fake: FakePagerDuty;
  const start = async (options: FakePagerDutyOptions = {}) => {
    fake = await startFakePagerDuty({ now: () => NOW, ...options });
    return fake;
  };

  afterEach(async () => {
    // Every request the provider made must conform to PagerDuty's OpenAPI
    // description: a failing hook fails the test.
    const violations = fake.violations.map(
      v => `${v.method} ${v.url}: ${v.problems.join('; ')}`,
    );
    const checked = fake.contractChecked;
    await fake.close();
    if (!checked)
      throw new Error(
        `the fake did not load PagerDuty's OpenAPI description from ${defaultSpecPath()} (set PAGERDUTY_REST_SPEC to the file)`,
      );
    if (violations.length > 0) {
      throw new Error(`non-conforming requests:\n${violations.join('\n')}`);
    }
  });

  it('reads the escalation chain with all levels and who is on call for each', async () => {
    const { provider } = setup(await start());

    const [service] = await provider.getServices(['PSVORDR']);
    expect(service).toMatchObject({
      id: 'PSVORDR',
      name: 'Order Service',
      escalationPolicyId: 'PEPECOM',
    });
    const [policy] = await provider.getEscalationPolicies(['PEPECOM']);
    expect(
      policy.levels.map(l => l.targets.map(t => `${t.type}:${t.id}`)),
    ).toEqual([['schedule:PSCHSRE'], ['schedule:PSCHDVO'], ['user:PUMARIA']]);

    const shifts = await provider.listOnCalls({
      escalationPolicyIds: ['PEPECOM'],
    });
    expect(shifts.map(s => s.level).sort()).toEqual([1, 2, 3]);
    const manager = shifts.find(s => s.level === 3)!;
    expect(manager.user).toMatchObject({
      name: 'Maria Garcia',
      email: 'maria.garcia@ecommerce-platform.com',
    });
    expect(manager.start).toBeUndefined();
    const primary = shifts.find(s => s.level === 1)!;
    expect(primary.scheduleId).toBe('PSCHSRE');
    expect(Date.parse(primary.end!)).toBeGreaterThan(NOW);
    // One request for all policies' on-calls.
    expect(fake.stats.byEndpoint['GET /oncalls']).toBe(1);
  });

  it('renders four weeks of a schedule with its override', async () => {
    const { provider } = setup(await start());
    const since = new Date(NOW);
    const until = new Date(NOW + 4 * WEEK);

    const [rendering] = await provider.getSchedules(['PSCHSRE'], {
      since,
      until,
    });

    expect(rendering.source).toBe('v2');
    expect(rendering.name).toBe('SRE primary (weekly)');
    expect(rendering.overrides).toHaveLength(1);
    expect(rendering.entries[0].start).toBe(since.toISOString());
    expect(rendering.entries[rendering.entries.length - 1].end).toBe(
      until.toISOString(),
    );
    const people = new Set(rendering.entries.map(e => e.user.name));
    expect([...people].sort()).toEqual([
      'Alice Chen',
      'Bruno Silva',
      'Chloe Martin',
    ]);
  });

  it('falls back to the v3 schedule when the account uses shift-based schedules', async () => {
    const { provider } = setup(await start({ v3Schedules: ['PSCHDVO'] }));

    const renderings = await provider.getSchedules(['PSCHDVO', 'PUNKNWN'], {
      since: new Date(NOW),
      until: new Date(NOW + 4 * WEEK),
    });

    expect(renderings).toHaveLength(1);
    expect(renderings[0].source).toBe('v3');
    expect(renderings[0].entries.map(e => e.user.name)).toContain(
      'Emma Wilson',
    );
    expect(renderings[0].overrides).toHaveLength(1);
  });

  it('skips unknown ids and walks the service list past 100 when many are wanted', async () => {
    const { provider } = setup(await start({ extraServices: 150 }));

    const few = await provider.getServices(['PSVORDR', 'PNOSUCH']);
    expect(few.map(s => s.id)).toEqual(['PSVORDR']);

    const wanted = [
      'PSVX0150',
      'PSVX0120',
      'PSVORDR',
      ...Array.from({ length: 10 }, (_, i) => `PSVX00${10 + i}`),
    ];
    fake.reset();
    const many = await provider.getServices(wanted);
    expect(many.map(s => s.id).sort()).toEqual([...wanted].sort());
    // 156 services: two pages of 100, not 13 requests.
    expect(fake.stats.byEndpoint['GET /services']).toBe(2);
  });

  it('lists incidents for many services, past 100 of them, with priorities and acknowledgements', async () => {
    const account = createPlatformAccount(NOW);
    for (let i = 0; i < 130; i++) {
      account.incidents.push({
        id: `QLOAD${String(i).padStart(3, '0')}`,
        number: 5000 + i,
        title: `Load incident ${i}`,
        status: 'resolved',
        urgency: 'high',
        priority: 'P3',
        serviceId: 'PSVCUST',
        createdAt: NOW - (i + 1) * 3_600_000,
        acknowledgedAt: NOW - (i + 1) * 3_600_000 + 600_000,
        resolvedAt: NOW - (i + 1) * 3_600_000 + 1_800_000,
        responderId: 'PUALICE',
      });
    }
    const { provider } = setup(await start({ account }));

    const incidents = await provider.listIncidents({
      serviceIds: ['PSVORDR', 'PSVCUST'],
      since: new Date(NOW - 30 * 86_400_000),
      until: new Date(NOW),
    });

    expect(
      incidents.filter(i => i.serviceId === 'PSVCUST').length,
    ).toBeGreaterThan(130);
    expect(fake.stats.byEndpoint['GET /incidents']).toBe(2);
    const openP1 = incidents.find(
      i => i.priority === 'P1' && i.status !== 'resolved',
    )!;
    expect(openP1).toMatchObject({
      serviceId: 'PSVORDR',
      status: 'acknowledged',
    });
    expect(Date.parse(openP1.acknowledgedAt!)).toBeLessThan(NOW);
    expect(openP1.assignees[0].name).toBeDefined();

    const resolved = incidents.filter(i => i.status === 'resolved').slice(0, 3);
    const acks = await provider.getFirstAcknowledgements(
      resolved.map(i => i.id),
    );
    expect(acks.size).toBe(3);
    // The first acknowledgement is the one PagerDuty's log tells.
    expect(resolved.map(i => acks.get(i.id))).toEqual(
      resolved.map(i => {
        const known = fake.account.incidents.find(x => x.id === i.id)!;
        return known.acknowledgedAt !== undefined
          ? new Date(known.acknowledgedAt).toISOString()
          : null;
      }),
    );
  });

  it('authenticates with OAuth client credentials', async () => {
    await start({
      oauthClient: { clientId: 'ops-portal', clientSecret: 's3cret' },
    });
    const auth = new OAuthClientCredentials({
      clientId: 'ops-portal',
      clientSecret: 's3cret',
      tokenUrl: `${fake.url}/oauth/token`,
      scope: 'as_account-us.ecommerce-platform services.read',
      requestTimeoutMs: 1000,
    });
    const { provider } = setup(fake, { auth });

    const services = await provider.getServices(['PSVSRCH']);

    expect(services[0].name).toBe('Search Service');
    expect(
      fake.requests.some(r => r.headers.authorization?.startsWith('Bearer ')),
    ).toBe(true);
  });
});

describe('PagerDutyProvider.fromConfig', () => {
  const logger = mockServices.logger.mock();

  it('needs a token or an OAuth client', () => {
    expect(
      PagerDutyProvider.fromConfig(
        new ConfigReader({ ops: { pagerduty: {} } }),
        { logger },
      ),
    ).toBeUndefined();
    expect(
      PagerDutyProvider.fromConfig(
        new ConfigReader({ ops: { pagerduty: { token: 't' } } }),
        { logger },
      ),
    ).toBeInstanceOf(PagerDutyProvider);
    expect(
      PagerDutyProvider.fromConfig(
        new ConfigReader({
          ops: {
            pagerduty: {
              oauth: { clientId: 'c', clientSecret: 's', subdomain: 'acme' },
            },
          },
        }),
        { logger },
      ),
    ).toBeInstanceOf(PagerDutyProvider);
  });
});

describe('PagerDutyClient faults', () => {
  let fake: FakePagerDuty;
  beforeEach(async () => {
    fake = await startFakePagerDuty({ now: () => NOW });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('waits for Retry-After on a 429 and then succeeds', async () => {
    const { provider, client } = setup(fake, { maxDelayMs: 2_000 });
    fake.faults.push({ kind: 'rate-limit', retryAfterSeconds: 1 });
    const started = Date.now();

    const services = await provider.getServices(['PSVORDR']);

    expect(services).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(client.stats()).toMatchObject({ retries: 1, throttled: 1 });
  });

  it('backs off on a 429 without Retry-After, bounded by the longest delay', async () => {
    const { provider, client } = setup(fake, { maxDelayMs: 150 });
    fake.faults.push({ kind: 'rate-limit' }, { kind: 'rate-limit' });
    const started = Date.now();

    await provider.getServices(['PSVORDR']);

    // ratelimit-reset says up to a minute: the wait is capped at 150 ms per retry.
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(client.stats().retries).toBe(2);
  });

  it('gives up after the bounded attempts when PagerDuty keeps failing with 500', async () => {
    const { provider } = setup(fake, { maxAttempts: 3 });
    fake.outage = { kind: 'server-error' };

    await expect(provider.getServices(['PSVORDR'])).rejects.toThrow(
      /PagerDuty failed on \/services\/PSVORDR \(500.*gave up after 3 attempts/,
    );
    expect(fake.stats.requests).toBe(3);
  });

  it('recovers from one 500', async () => {
    const { provider } = setup(fake);
    fake.faults.push({ kind: 'server-error' });
    await expect(provider.getServices(['PSVORDR'])).resolves.toHaveLength(1);
  });

  it('times out a slow answer, retries, and says so when it stays slow', async () => {
    const { provider } = setup(fake, { requestTimeoutMs: 100, maxAttempts: 2 });
    fake.faults.push({ kind: 'delay', ms: 400 });
    await expect(provider.getServices(['PSVORDR'])).resolves.toHaveLength(1);

    fake.outage = { kind: 'delay', ms: 400 };
    await expect(provider.getServices(['PSVORDR'])).rejects.toThrow(
      /did not answer \/services\/PSVORDR within 100 ms/,
    );
  });

  it('reports malformed JSON without retrying', async () => {
    const { provider } = setup(fake);
    fake.faults.push({ kind: 'malformed-json' });
    await expect(
      provider.listOnCalls({ escalationPolicyIds: ['PEPECOM'] }),
    ).rejects.toThrow('PagerDuty answered /oncalls with malformed JSON');
    expect(fake.stats.requests).toBe(1);
  });

  it('does not retry a refused token (401) or a missing permission (403)', async () => {
    const bad = setup(fake, { auth: new TokenAuth('wrong') });
    await expect(bad.provider.getServices(['PSVORDR'])).rejects.toMatchObject({
      status: 401,
      message: expect.stringContaining('check ops.pagerduty.token'),
    });
    expect(fake.stats.requests).toBe(1);

    const { provider } = setup(fake);
    fake.faults.push({ kind: 'forbidden', path: '/schedules' });
    const error = await provider
      .getSchedules(['PSCHSRE'], {
        since: new Date(NOW),
        until: new Date(NOW + WEEK),
      })
      .catch(e => e);
    expect(error).toBeInstanceOf(PagerDutyError);
    expect(error.message).toContain(
      'lack permission to read /schedules/PSCHSRE (403',
    );
    expect(fake.stats.requests).toBe(2);
  });

  it('pauses when the rate-limit window is used up', async () => {
    let t = NOW;
    await fake.close();
    fake = await startFakePagerDuty({ now: () => t, rateLimitPerMinute: 2 });
    const { client } = setup(fake, { maxDelayMs: 300 });
    await client.get('/priorities');
    await client.get('/priorities');
    // ratelimit-remaining is now 0; the next request waits for the window.
    t += 61_000;
    const started = Date.now();
    await client.get('/priorities');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(client.stats().throttled).toBe(1);
  });

  it('fails a test when a request does not conform to the OpenAPI description', async () => {
    const { client } = setup(fake, { maxAttempts: 1 });
    await expect(
      client.get('/services', { 'service_ids[]': ['PSVORDR'] }),
    ).rejects.toThrow(
      /rejected \/services \(400: Invalid Input Provided: query parameter service_ids\[\] is not declared/,
    );
    expect(fake.violations).toHaveLength(1);
  });
});
