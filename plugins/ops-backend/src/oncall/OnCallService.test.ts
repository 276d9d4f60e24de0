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
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { FakePagerDuty, startFakePagerDuty } from '@internal/fake-upstreams';
import { PagerDutyProvider } from '@opsportal/plugin-ops-backend-module-pagerduty';
import { Knex } from 'knex';
import { parseAllDocuments } from 'yaml';
import { applyDatabaseMigrations } from '../database/migrations';
import { DatabaseSnapshotStore } from '../snapshots/SnapshotStore';
import { readOnCallConfig } from './config';
import { OnCallService } from './OnCallService';

jest.setTimeout(120_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'MYSQL_8', 'SQLITE_3'],
});

/** The example platform as the catalog serves it: services, teams, people. */
function examples(): Entity[] {
  const root = path.resolve(__dirname, '../../../../examples');
  const files = [
    path.join(root, 'org.yaml'),
    ...fs
      .readdirSync(path.join(root, 'services'))
      .filter(f => f.endsWith('.yaml'))
      .map(f => path.join(root, 'services', f)),
  ];
  return files.flatMap(file =>
    parseAllDocuments(fs.readFileSync(file, 'utf8')).map(
      d => d.toJS() as Entity,
    ),
  );
}

// A Wednesday noon (UTC), minute-aligned like the fake's anchor.
const ANCHOR = Date.UTC(2026, 2, 18, 12, 0);
const DAY = 86_400_000;
const ORDER = 'component:default/order-service';
const PAYMENT = 'component:default/payment-service';
const SRE = 'group:default/sre-team';
const user = mockCredentials.user();

/** Resolves once the fake has seen no request for 100 ms (at most 2 s). */
async function untilQuiet(fake: FakePagerDuty) {
  const deadline = Date.now() + 2000;
  let seen = -1;
  while (fake.stats.requests !== seen && Date.now() < deadline) {
    seen = fake.stats.requests;
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

describe.each(databases.eachSupportedId())('OnCallService on %s', id => {
  let pagerduty: FakePagerDuty;

  beforeAll(async () => {
    pagerduty = await startFakePagerDuty({
      now: () => ANCHOR,
      rateLimitPerMinute: 1_000_000,
    });
  });
  afterAll(() => pagerduty.close());
  afterEach(async () => {
    // A failed read may leave requests of the same batch in flight (and
    // retrying): let them land before the next test counts requests.
    await untilQuiet(pagerduty);
    const violations = pagerduty.violations.map(v => v.url);
    pagerduty.reset();
    if (violations.length > 0) {
      throw new Error(`non-conforming PagerDuty requests: ${violations}`);
    }
  });

  async function setup(
    options: {
      entities?: Entity[];
      config?: object;
      token?: string;
      deny?: boolean;
      /** Reuse the database of an earlier setup. */
      knex?: Knex;
    } = {},
  ) {
    const knex = options.knex ?? (await databases.init(id));
    await applyDatabaseMigrations(knex);
    let now = ANCHOR;
    const clock = { now: () => new Date(now) };
    const snapshots = new DatabaseSnapshotStore(knex, clock);
    const logger = mockServices.logger.mock();
    const provider = PagerDutyProvider.fromConfig(
      new ConfigReader({
        ops: {
          pagerduty: {
            apiBaseUrl: pagerduty.url,
            eventsBaseUrl: pagerduty.url,
            token: options.token ?? 'local-fake-token',
            maxAttempts: 2,
            retryBaseDelayMs: 5,
            maxRetryDelayMs: 50,
          },
        },
      }),
      { logger },
    )!;
    const catalog = catalogServiceMock({
      entities: options.entities ?? examples(),
    });
    const service = new OnCallService({
      catalog,
      auth: mockServices.auth(),
      permissions: mockServices.permissions({
        result: options.deny ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
      }),
      snapshots,
      onCall: provider,
      incidents: provider,
      config: readOnCallConfig(new ConfigReader({ ops: options.config ?? {} })),
      logger,
      clock,
    });
    return {
      service,
      snapshots,
      knex,
      advance: (ms: number) => {
        now += ms;
      },
    };
  }

  it('shows order-service its primary, secondary and escalation with contacts and handoffs', async () => {
    const { service } = await setup();
    await service.refreshOnCall();

    const { data, stale, fetchedAt } = await service.getEntityOnCall(
      ORDER,
      user,
    );

    expect(stale).toBe(false);
    expect(fetchedAt).toBe(new Date(ANCHOR).toISOString());
    expect(data.services).toHaveLength(1);
    const levels = data.services[0].escalationPolicy!.levels;
    expect(levels.map(l => l.label)).toEqual([
      'Primary',
      'Secondary',
      'Escalation',
    ]);
    const [primary, secondary, escalation] = levels.map(l => l.onCall[0]);
    expect(['Alice Chen', 'Bruno Silva', 'Chloe Martin']).toContain(
      primary.person.name,
    );
    expect(primary.schedule?.name).toBe('SRE primary (weekly)');
    // Handoff: Monday 09:00 UTC, to the next SRE in line.
    expect(new Date(primary.end!).getUTCDay()).toBe(1);
    expect(primary.next!.person.name).not.toBe(primary.person.name);
    expect(primary.next!.start).toBe(primary.end);
    expect(['Dmitri Ivanov', 'Emma Wilson', 'Farid Haddad']).toContain(
      secondary.person.name,
    );
    expect(escalation.person).toMatchObject({
      name: 'Maria Garcia',
      email: 'maria.garcia@ecommerce-platform.com',
      userEntityRef: 'user:default/maria-garcia',
    });
    expect(escalation.end).toBeUndefined();
  });

  it('shows both PagerDuty services of payment-service', async () => {
    const { service } = await setup();
    await service.refreshOnCall();

    const { data } = await service.getEntityOnCall(PAYMENT, user);

    expect(data.services.map(s => `${s.id} ${s.name}`)).toEqual([
      'PSVPAYM Payment Service',
      'PSVPGWY Payment Service gateway',
    ]);
    expect(
      data.services.every(s => s.escalationPolicy?.levels.length === 3),
    ).toBe(true);
  });

  it('shows the SRE team its rotation for four weeks, with the override, and the services it answers for', async () => {
    const { service } = await setup();
    await service.refreshOnCall();

    const { data } = await service.getEntityOnCall(SRE, user);

    expect(data.rotations).toHaveLength(1);
    const rotation = data.rotations[0];
    expect(rotation.name).toBe('SRE primary (weekly)');
    expect(Date.parse(rotation.until) - Date.parse(rotation.since)).toBe(
      28 * DAY,
    );
    expect(new Set(rotation.shifts.map(s => s.person.name)).size).toBe(3);
    expect(rotation.overrides).toHaveLength(1);
    const override = rotation.shifts.find(s => s.override)!;
    expect(override.person.name).toBe(rotation.overrides[0].person.name);
    expect(data.escalationPolicies[0].levels).toHaveLength(3);
    expect(data.teamServices.map(s => s.entityRef)).toEqual(
      expect.arrayContaining([
        ORDER,
        PAYMENT,
        'component:default/search-service',
      ]),
    );
    expect(data.teamServices.every(s => s.primary.length === 1)).toBe(true);
  });

  it('lists who is on call for every service and team on the platform page', async () => {
    const { service } = await setup();
    await service.refreshOnCall();

    const { rows } = await service.getPlatformOnCall(user);

    const payment = rows.find(r => r.entityRef === PAYMENT)!;
    expect(payment.title).toBe('Payment Service');
    expect(payment.services.map(s => s.id)).toEqual(['PSVPAYM', 'PSVPGWY']);
    expect(payment.levels.map(l => [l.label, l.people.length])).toEqual([
      ['Primary', 1],
      ['Secondary', 1],
      ['Escalation', 1],
    ]);
    expect(rows.map(r => r.entityRef)).toContain(SRE);
  });

  it('serves the last good data with its age and the error when PagerDuty fails', async () => {
    const { service, advance } = await setup();
    await service.refreshOnCall();
    advance(10 * 60_000);
    pagerduty.reset();
    pagerduty.outage = { kind: 'server-error' };

    await service.refreshOnCall();
    const { data, stale, error, fetchedAt } = await service.getEntityOnCall(
      ORDER,
      user,
    );

    expect(stale).toBe(true);
    expect(error).toMatch(/PagerDuty failed on .* \(500/);
    expect(fetchedAt).toBe(new Date(ANCHOR).toISOString());
    expect(data.services[0].escalationPolicy!.levels).toHaveLength(3);
    // Bounded: the first requests fail twice each (4 in parallel), and
    // nothing more is asked; not a request per entity.
    expect(pagerduty.stats.requests).toBeLessThanOrEqual(8);
  });

  it('says what is wrong when there is no good data at all', async () => {
    const { service } = await setup({ token: 'revoked' });

    await expect(service.getEntityOnCall(ORDER, user)).rejects.toThrow(
      /PagerDuty could not be read: PagerDuty refused the credentials \(401/,
    );
  });

  it('fetches concurrent misses once for all callers', async () => {
    const { service } = await setup();
    const refs = [
      ORDER,
      PAYMENT,
      'component:default/search-service',
      'component:default/product-service',
    ];

    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        service.getEntityOnCall(refs[i % refs.length], user),
      ),
    );

    expect(answers.every(a => a.data.services.length > 0)).toBe(true);
    // Misses arriving together are read in one batch (two when the database
    // is slow): every PagerDuty service once, far fewer requests than views.
    for (const serviceId of [
      'PSVORDR',
      'PSVPAYM',
      'PSVPGWY',
      'PSVSRCH',
      'PSVPROD',
    ]) {
      expect(
        pagerduty.requests.filter(r =>
          r.url.startsWith(`/services/${serviceId}`),
        ),
      ).toHaveLength(1);
    }
    expect(pagerduty.stats.requests).toBeLessThanOrEqual(13);
    const before = pagerduty.stats.requests;
    await service.getEntityOnCall(ORDER, user);
    expect(pagerduty.stats.requests).toBe(before);
  });

  it('reads again when the entity names other PagerDuty ids', async () => {
    const entities = examples();
    const { service, knex } = await setup({ entities });
    await service.refreshOnCall();
    expect(
      (await service.getEntityOnCall(ORDER, user)).data.services,
    ).toHaveLength(1);
    const order = entities.find(e => e.metadata.name === 'order-service')!;
    const changed: Entity = {
      ...order,
      metadata: {
        ...order.metadata,
        annotations: {
          ...order.metadata.annotations,
          'pagerduty.com/service-id': 'PSVORDR,PSVCUST',
        },
      },
    };
    // The same snapshots; the catalog now says something else.
    const { service: fresh } = await setup({
      knex,
      entities: [...entities.filter(e => e !== order), changed],
    });

    const { data } = await fresh.getEntityOnCall(ORDER, user);

    expect(data.services.map(s => s.id)).toEqual(['PSVORDR', 'PSVCUST']);
  });

  it('reports unknown PagerDuty ids on the card instead of failing', async () => {
    const entities = examples().map(e =>
      e.metadata.name === 'customer-service'
        ? {
            ...e,
            metadata: {
              ...e.metadata,
              annotations: {
                ...e.metadata.annotations,
                'pagerduty.com/service-id': 'PSVCUST,PGONE42',
              },
            },
          }
        : e,
    );
    const { service } = await setup({ entities });

    const { data } = await service.getEntityOnCall(
      'component:default/customer-service',
      user,
    );

    expect(data.services[1]).toMatchObject({
      id: 'PGONE42',
      problem: expect.stringContaining('PagerDuty has no service PGONE42'),
    });
    expect(data.services[0].escalationPolicy!.levels).toHaveLength(3);
  });

  it('shows incidents with their severity targets, MTTA and MTTR over 30 days', async () => {
    const { service } = await setup();
    await service.refreshOnCall();
    await service.refreshIncidents();

    const { data } = await service.getEntityIncidents(ORDER, user);

    const open = data.incidents.filter(i => i.status !== 'resolved');
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      severity: 'P1',
      severityLabel: 'Critical',
      responseTarget: '5 min',
      response: 'met',
      timeToAcknowledgeMs: 3 * 60_000,
    });
    expect(open[0].htmlUrl).toMatch(/pagerduty.com\/incidents\//);
    const inWindow = pagerduty.account.incidents.filter(
      i => i.serviceId === 'PSVORDR' && i.createdAt >= ANCHOR - 30 * DAY,
    );
    expect(data.summary.count).toBe(inWindow.length);
    expect(data.summary.mttaMs).toBeGreaterThan(0);
    expect(data.summary.mttrMs).toBeGreaterThan(data.summary.mttaMs!);
    expect(data.services[0].htmlUrl).toMatch(/service-directory\/PSVORDR/);

    // The SRE team sees the incidents of every service it answers for.
    const team = await service.getEntityIncidents(SRE, user);
    expect(new Set(team.data.incidents.map(i => i.serviceId)).size).toBe(6);
  });

  it('reads the first acknowledgement of a resolved incident once', async () => {
    const { service, advance } = await setup();
    await service.refreshOnCall();
    await service.refreshIncidents();
    const first = pagerduty.stats.byEndpoint['GET /incidents/{id}/log_entries'];
    expect(first).toBeGreaterThan(10);

    advance(2 * 60_000);
    await service.refreshIncidents();

    expect(pagerduty.stats.byEndpoint['GET /incidents/{id}/log_entries']).toBe(
      first,
    );
    const reader = await service.listIncidents({
      entityRefs: [ORDER],
      since: new Date(ANCHOR - 30 * DAY),
      until: new Date(ANCHOR),
    });
    const resolved = reader.get(ORDER)!.filter(i => i.status === 'resolved');
    expect(resolved.filter(i => i.acknowledgedAt).length).toBeGreaterThan(5);
  });

  it('triggers an incident only when enabled, permitted and the entity has an integration key', async () => {
    const key = 'a'.repeat(32);
    const entities = examples().map(e =>
      e.metadata.name === 'order-service'
        ? {
            ...e,
            metadata: {
              ...e.metadata,
              annotations: {
                ...e.metadata.annotations,
                'pagerduty.com/integration-key': key,
              },
            },
          }
        : e,
    );
    const request = {
      entityRef: ORDER,
      summary: 'Checkout fails for every customer',
      severity: 'critical' as const,
    };

    const off = await setup({ entities });
    await expect(off.service.triggerIncident(request, user)).rejects.toThrow(
      /ops.incidents.trigger.enabled/,
    );

    const denied = await setup({
      entities,
      deny: true,
      config: { incidents: { trigger: { enabled: true } } },
    });
    await expect(denied.service.triggerIncident(request, user)).rejects.toThrow(
      'You may not trigger incidents',
    );

    const { service } = await setup({
      entities,
      config: { incidents: { trigger: { enabled: true } } },
    });
    await expect(
      service.triggerIncident({ ...request, entityRef: PAYMENT }, user),
    ).rejects.toThrow(/has no pagerduty.com\/integration-key/);
    const { dedupKey } = await service.triggerIncident(request, user);
    expect(dedupKey).toBeTruthy();
    expect(pagerduty.events[0]).toMatchObject({
      routing_key: key,
      event_action: 'trigger',
      payload: {
        summary: request.summary,
        severity: 'critical',
        source: ORDER,
      },
    });
  });
});
