import { mockServices } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import {
  defaultSpecPath,
  FakePagerDuty,
  startFakePagerDuty,
} from '@internal/fake-upstreams';
import { TokenAuth } from './client/auth';
import { PagerDutyClient } from './client/PagerDutyClient';
import { PagerDutyProvider } from './PagerDutyProvider';

/*
 * Alert hygiene against the fake PagerDuty over HTTP: pages sent to people
 * (the account's log), alerts grouped per incident, and maintenance windows
 * opened, listed and ended. The fake checks every request against
 * PagerDuty's published REST API description; a request that broke it is
 * answered 400 and fails the test in `afterEach`.
 */

// A Wednesday noon.
const NOW = Date.UTC(2026, 2, 4, 12, 0, 0);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const PORTAL = 'ops-portal@ecommerce-platform.com';

describe('PagerDutyProvider alert hygiene', () => {
  let fake: FakePagerDuty;
  let t = NOW;
  let client: PagerDutyClient;
  let provider: PagerDutyProvider;

  beforeEach(async () => {
    t = NOW;
    fake = await startFakePagerDuty({ now: () => t });
    const logger = mockServices.logger.mock();
    client = new PagerDutyClient({
      baseUrl: fake.url,
      auth: new TokenAuth('local-fake-token'),
      requestTimeoutMs: 2_000,
      maxAttempts: 3,
      baseDelayMs: 10,
      maxDelayMs: 200,
      logger,
    });
    provider = new PagerDutyProvider({
      client,
      logger,
      concurrency: 4,
      listThreshold: 10,
      eventsBaseUrl: fake.url,
      requestTimeoutMs: 2_000,
    });
  });

  afterEach(async () => {
    const violations = fake.violations.map(
      v => `${v.method} ${v.url}: ${v.problems.join('; ')}`,
    );
    const checked = fake.contractChecked;
    await fake.close();
    if (!checked) {
      throw new Error(
        `the fake did not load PagerDuty's OpenAPI description from ${defaultSpecPath()}`,
      );
    }
    if (violations.length > 0) {
      throw new Error(`non-conforming requests:\n${violations.join('\n')}`);
    }
  });

  /** The pages the fake sent about a service's incidents in a range, oldest first. */
  const pagesOf = (serviceIds: string[], since: number, until: number) =>
    fake.account.incidents
      .filter(i => serviceIds.includes(i.serviceId))
      .flatMap(i => (i.notifications ?? []).map(n => ({ ...n, incident: i })))
      .filter(n => n.at >= since && n.at < until && n.at <= t)
      .sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));

  it('reads the pages of the asked services from the account log, every page of it, oldest first', async () => {
    const since = NOW - 30 * DAY;
    const notifications = await provider.listNotifications({
      serviceIds: ['PSVPAYM', 'PSVPGWY'],
      since: new Date(since),
      until: new Date(NOW),
    });

    const expected = pagesOf(['PSVPAYM', 'PSVPGWY'], since, NOW);
    expect(expected.length).toBeGreaterThan(50);
    expect(notifications.map(n => n.id)).toEqual(expected.map(n => n.id));
    const first = notifications[0];
    const known = expected[0];
    expect(first).toEqual({
      id: known.id,
      incidentId: known.incident.id,
      serviceId: known.incident.serviceId,
      at: new Date(known.at).toISOString(),
      user: expect.objectContaining({
        id: known.userId,
        name: expect.any(String),
      }),
      channel: known.channel.replace(/_notification$/, ''),
    });
    // Pushes, SMS and phone calls, to more than one person; no other service.
    const channels = notifications.map(n => n.channel);
    expect(new Set(channels)).toEqual(
      new Set(expected.map(n => n.channel.replace(/_notification$/, ''))),
    );
    expect(channels).toEqual(expect.arrayContaining(['push', 'sms', 'phone']));
    expect(new Set(notifications.map(n => n.user.id)).size).toBeGreaterThan(2);
    expect(
      notifications.every(n => ['PSVPAYM', 'PSVPGWY'].includes(n.serviceId)),
    ).toBe(true);

    // The log is read a week at a time, 100 entries a page, with the
    // incidents included (their service), in UTC.
    const reads = fake.requests
      .filter(r => r.url.startsWith('/log_entries?'))
      .map(r => new URL(r.url, fake.url).searchParams);
    expect(reads.every(q => q.get('limit') === '100')).toBe(true);
    expect(reads.every(q => q.getAll('include[]').includes('incidents'))).toBe(
      true,
    );
    expect(reads.every(q => q.get('time_zone') === 'UTC')).toBe(true);
    expect(reads.some(q => q.get('offset') === '100')).toBe(true);
    const slices = new Set(reads.map(q => q.get('since')));
    expect(slices.size).toBe(5);
    expect(reads[0].get('since')).toBe(new Date(since).toISOString());
  });

  it('answers nothing for services without pages, and asks nothing for no services', async () => {
    const range = {
      since: new Date(NOW - 7 * DAY),
      until: new Date(NOW),
    };
    await expect(
      provider.listNotifications({ serviceIds: [], ...range }),
    ).resolves.toEqual([]);
    expect(fake.requests).toHaveLength(0);
    await expect(
      provider.listNotifications({ serviceIds: ['PSVNONE'], ...range }),
    ).resolves.toEqual([]);
  });

  it('retries the log after a 429', async () => {
    fake.faults.push({ kind: 'rate-limit', path: '/log_entries' });
    const notifications = await provider.listNotifications({
      serviceIds: ['PSVORDR'],
      since: new Date(NOW - 2 * DAY),
      until: new Date(NOW),
    });
    expect(notifications.map(n => n.id)).toEqual(
      pagesOf(['PSVORDR'], NOW - 2 * DAY, NOW).map(n => n.id),
    );
    expect(notifications.length).toBeGreaterThan(0);
    expect(client.stats()).toMatchObject({ retries: 1, throttled: 1 });
  });

  it('tells how many alerts each incident grouped', async () => {
    const incidents = await provider.listIncidents({
      serviceIds: ['PSVPGWY', 'PSVSRCH'],
      since: new Date(NOW - 30 * DAY),
      until: new Date(NOW),
    });
    expect(incidents.length).toBeGreaterThan(5);
    for (const incident of incidents) {
      const known = fake.account.incidents.find(i => i.id === incident.id)!;
      expect(incident.alertCount).toBe(known.alerts ?? 1);
    }
    expect(Math.max(...incidents.map(i => i.alertCount!))).toBeGreaterThan(2);
  });

  describe('maintenance windows', () => {
    it('opens one as the From user, lists it in an overlapping range, and ends it', async () => {
      const created = await provider.createMaintenanceWindow({
        serviceIds: ['PSVORDR', 'PSVPAYM'],
        start: new Date(NOW - MINUTE),
        end: new Date(NOW + 2 * HOUR),
        description: 'CHG-42: order database upgrade',
        fromEmail: PORTAL,
      });

      expect(created).toMatchObject({
        id: expect.stringMatching(/^P/),
        description: 'CHG-42: order database upgrade',
        serviceIds: ['PSVORDR', 'PSVPAYM'],
        end: new Date(NOW + 2 * HOUR).toISOString(),
        htmlUrl: expect.stringContaining('pagerduty.com/maintenance_windows'),
      });
      // A start in the past becomes now.
      expect(created.start).toBe(new Date(NOW).toISOString());
      const post = fake.requests.find(r => r.method === 'POST')!;
      expect(post.headers.from).toBe(PORTAL);
      expect(JSON.parse(post.body)).toEqual({
        maintenance_window: {
          type: 'maintenance_window',
          start_time: new Date(NOW - MINUTE).toISOString(),
          end_time: new Date(NOW + 2 * HOUR).toISOString(),
          description: 'CHG-42: order database upgrade',
          services: [
            { id: 'PSVORDR', type: 'service_reference' },
            { id: 'PSVPAYM', type: 'service_reference' },
          ],
        },
      });

      const listed = await provider.listMaintenanceWindows({
        serviceIds: ['PSVPAYM'],
        since: new Date(NOW - DAY),
        until: new Date(NOW + DAY),
      });
      expect(listed).toEqual([created]);

      // Ending a running window ends it now.
      t = NOW + 30 * MINUTE;
      await provider.endMaintenanceWindow(created.id, { fromEmail: PORTAL });
      const del = fake.requests.find(r => r.method === 'DELETE')!;
      expect(del.url).toBe(`/maintenance_windows/${created.id}`);
      const [ended] = await provider.listMaintenanceWindows({
        serviceIds: ['PSVORDR'],
        since: new Date(NOW),
        until: new Date(NOW + DAY),
      });
      expect(ended).toMatchObject({
        id: created.id,
        end: new Date(NOW + 30 * MINUTE).toISOString(),
      });
    });

    it('takes a window that already ended, or that PagerDuty does not know, as ended', async () => {
      const created = await provider.createMaintenanceWindow({
        serviceIds: ['PSVSRCH'],
        start: new Date(NOW),
        end: new Date(NOW + HOUR),
        description: 'Reindex',
        fromEmail: PORTAL,
      });
      t = NOW + 2 * HOUR;
      await expect(
        provider.endMaintenanceWindow(created.id, { fromEmail: PORTAL }),
      ).resolves.toBeUndefined();
      await expect(
        provider.endMaintenanceWindow('PMWNOSUCH', { fromEmail: PORTAL }),
      ).resolves.toBeUndefined();
      const answers = fake.requests
        .filter(r => r.method === 'DELETE')
        .map(r => r.url);
      expect(answers).toEqual([
        `/maintenance_windows/${created.id}`,
        '/maintenance_windows/PMWNOSUCH',
      ]);
      // The window kept its end.
      expect(fake.maintenanceWindows.find(w => w.id === created.id)?.end).toBe(
        NOW + HOUR,
      );
    });

    it('removes a future window when it is ended', async () => {
      const created = await provider.createMaintenanceWindow({
        serviceIds: ['PSVCUST'],
        start: new Date(NOW + DAY),
        end: new Date(NOW + DAY + HOUR),
        description: 'Next week',
        fromEmail: PORTAL,
      });
      await provider.endMaintenanceWindow(created.id, { fromEmail: PORTAL });
      await expect(
        provider.listMaintenanceWindows({
          serviceIds: ['PSVCUST'],
          since: new Date(NOW),
          until: new Date(NOW + 2 * DAY),
        }),
      ).resolves.toEqual([]);
    });

    it('lists the windows that overlap the range only, many services a request', async () => {
      const seeded = fake.maintenanceWindows[0];
      const month = await provider.listMaintenanceWindows({
        serviceIds: ['PSVORDR', 'PSVCUST'],
        since: new Date(NOW - 30 * DAY),
        until: new Date(NOW),
      });
      expect(month).toEqual([
        {
          id: seeded.id,
          start: new Date(seeded.start).toISOString(),
          end: new Date(seeded.end).toISOString(),
          description: 'Order database failover drill',
          serviceIds: ['PSVORDR'],
          htmlUrl: expect.any(String),
        },
      ]);
      const lists = fake.requests.filter(r =>
        r.url.startsWith('/maintenance_windows?'),
      );
      expect(lists).toHaveLength(1);
      const query = new URL(lists[0].url, fake.url).searchParams;
      expect(query.getAll('service_ids[]')).toEqual(['PSVORDR', 'PSVCUST']);
      expect(query.get('limit')).toBe('100');

      await expect(
        provider.listMaintenanceWindows({
          serviceIds: ['PSVORDR'],
          since: new Date(seeded.end),
          until: new Date(NOW),
        }),
      ).resolves.toEqual([]);
    });

    it('refuses an unknown email, no service or an end before the start, sending nothing', async () => {
      const window = {
        serviceIds: ['PSVORDR'],
        start: new Date(NOW),
        end: new Date(NOW + HOUR),
        description: 'x',
        fromEmail: PORTAL,
      };
      await expect(
        provider.createMaintenanceWindow({
          ...window,
          fromEmail: 'nobody@example.com',
        }),
      ).rejects.toThrow(
        new InputError(
          'nobody@example.com is not the email of a user of the PagerDuty account',
        ),
      );
      await expect(
        provider.createMaintenanceWindow({ ...window, serviceIds: [] }),
      ).rejects.toBeInstanceOf(InputError);
      await expect(
        provider.createMaintenanceWindow({
          ...window,
          end: new Date(NOW - HOUR),
        }),
      ).rejects.toBeInstanceOf(InputError);
      expect(fake.requests.filter(r => r.method !== 'GET')).toHaveLength(0);
    });

    it('retries the write after a 429, and not after a 500', async () => {
      const window = {
        serviceIds: ['PSVORDR'],
        start: new Date(NOW),
        end: new Date(NOW + HOUR),
        description: 'Retry',
        fromEmail: PORTAL,
      };
      fake.faults.push({ kind: 'rate-limit', path: '/maintenance_windows' });
      await provider.createMaintenanceWindow(window);
      expect(
        fake.requests.filter(r => r.method === 'POST').map(r => r.url),
      ).toEqual(['/maintenance_windows', '/maintenance_windows']);
      expect(fake.maintenanceWindows).toHaveLength(2);

      fake.faults.push({ kind: 'server-error', path: '/maintenance_windows' });
      await expect(provider.createMaintenanceWindow(window)).rejects.toThrow(
        /PagerDuty failed on \/maintenance_windows \(500/,
      );
      expect(fake.requests.filter(r => r.method === 'POST')).toHaveLength(3);

      // Ending is safe to repeat: a 500 is retried.
      const [, opened] = fake.maintenanceWindows;
      fake.faults.push({ kind: 'server-error', path: '/maintenance_windows' });
      await provider.endMaintenanceWindow(opened.id, { fromEmail: PORTAL });
      expect(fake.requests.filter(r => r.method === 'DELETE')).toHaveLength(2);
      expect(opened.end).toBe(NOW);
    });

    it('says a read-only token cannot open maintenance windows (403)', async () => {
      fake.faults.push({ kind: 'forbidden', path: '/maintenance_windows' });
      await expect(
        provider.createMaintenanceWindow({
          serviceIds: ['PSVORDR'],
          start: new Date(NOW),
          end: new Date(NOW + HOUR),
          description: 'x',
          fromEmail: PORTAL,
        }),
      ).rejects.toThrow(/without services\.write cannot open or end/);
    });
  });
});
