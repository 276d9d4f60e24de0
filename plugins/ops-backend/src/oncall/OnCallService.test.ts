import { TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { FakePagerDuty } from '@internal/fake-upstreams';
import { Knex } from 'knex';
import { readOnCallConfig } from './config';
import { OnCallService } from './OnCallService';
import {
  ANCHOR,
  DAY,
  examples,
  ORDER,
  PAYMENT,
  pagerDutyContext,
  SRE,
  useFakePagerDuty,
  user,
} from './__testUtils__/pagerDuty';

jest.setTimeout(120_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'MYSQL_8', 'SQLITE_3'],
});

describe.each(databases.eachSupportedId())('OnCallService on %s', id => {
  const fake = useFakePagerDuty();
  let pagerduty: FakePagerDuty;
  beforeAll(() => {
    pagerduty = fake();
  });

  async function setup(
    options: {
      entities?: Entity[];
      config?: object;
      token?: string;
      /** Reuse the database of an earlier setup. */
      knex?: Knex;
    } = {},
  ) {
    const knex = options.knex ?? (await databases.init(id));
    const context = await pagerDutyContext(pagerduty, knex, options);
    const service = new OnCallService({
      catalog: context.catalog,
      auth: context.auth,
      snapshots: context.snapshots,
      onCall: context.provider,
      config: readOnCallConfig(context.config),
      logger: context.logger,
      clock: context.clock,
    });
    return {
      service,
      snapshots: context.snapshots,
      knex,
      advance: context.advance,
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

  it('tells the incidents feature the PagerDuty services an entity answers for', async () => {
    const { service } = await setup();
    await service.refreshOnCall();

    const known = await service.pagerDutyServicesOf([
      PAYMENT,
      SRE,
      'component:default/never-refreshed',
    ]);

    expect(known.get(PAYMENT)!.services).toEqual([
      expect.objectContaining({ id: 'PSVPAYM', name: 'Payment Service' }),
      expect.objectContaining({
        id: 'PSVPGWY',
        name: 'Payment Service gateway',
      }),
    ]);
    expect(known.get(SRE)!.teamServices.map(s => s.id)).toEqual(
      expect.arrayContaining(['PSVORDR', 'PSVPAYM', 'PSVSRCH']),
    );
    expect(known.has('component:default/never-refreshed')).toBe(false);
  });
});
