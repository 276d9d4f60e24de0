import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { FakePagerDuty } from '@internal/fake-upstreams';
import { Knex } from 'knex';
import { readOnCallConfig } from '../oncall/config';
import { OnCallService } from '../oncall/OnCallService';
import {
  ANCHOR,
  DAY,
  examples,
  ORDER,
  PAYMENT,
  pagerDutyContext,
  SRE,
  untilQuiet,
  useFakePagerDuty,
  user,
} from '../oncall/__testUtils__/pagerDuty';
import { readIncidentsConfig } from './config';
import { IncidentsService } from './IncidentsService';

jest.setTimeout(120_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'MYSQL_8', 'SQLITE_3'],
});

describe.each(databases.eachSupportedId())('IncidentsService on %s', id => {
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
      deny?: boolean;
      /** Reuse the database of an earlier setup. */
      knex?: Knex;
      /** Read the last status update of open P1/P2 incidents (the page's provider). */
      response?: boolean;
    } = {},
  ) {
    const knex = options.knex ?? (await databases.init(id));
    const context = await pagerDutyContext(pagerduty, knex, options);
    // A team's services come from its on-call view.
    const oncall = new OnCallService({
      catalog: context.catalog,
      auth: context.auth,
      snapshots: context.snapshots,
      onCall: context.provider,
      config: readOnCallConfig(context.config),
      logger: context.logger,
      clock: context.clock,
    });
    const service = new IncidentsService({
      catalog: context.catalog,
      auth: context.auth,
      permissions: mockServices.permissions({
        result: options.deny ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
      }),
      snapshots: context.snapshots,
      oncall,
      incidents: context.provider,
      response: options.response ? context.provider : undefined,
      config: readIncidentsConfig(context.config),
      logger: context.logger,
      clock: context.clock,
    });
    return {
      service,
      oncall,
      provider: context.provider,
      snapshots: context.snapshots,
      knex,
      advance: context.advance,
    };
  }

  it('shows incidents with their severity targets, MTTA and MTTR over 30 days', async () => {
    const { service, oncall } = await setup();
    await oncall.refreshOnCall();
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

  it("does not call a team's incidents none before its on-call view tells its services", async () => {
    const { service, oncall } = await setup();
    // The incidents refresh comes first (as after a start, when the on-call
    // refresh is still paced by the request budget).
    await service.refreshIncidents();

    // The team is not read yet: a view says so (the home card says it is
    // still reading) rather than answering with no incidents.
    await expect(service.getEntityIncidents(SRE, user)).rejects.toThrow(
      /not available yet/,
    );
    // A service that names its PagerDuty service is read as before.
    const order = await service.getEntityIncidents(ORDER, user);
    expect(order.data.incidents.length).toBeGreaterThan(0);

    // Once the on-call refresh has read the team, its incidents are there.
    await oncall.refreshOnCall();
    await service.refreshIncidents();
    const team = await service.getEntityIncidents(SRE, user);
    expect(new Set(team.data.incidents.map(i => i.serviceId)).size).toBe(6);
  });

  it('asks a failing PagerDuty once per entity per back-off period, however many people view it', async () => {
    const { service, advance } = await setup();
    pagerduty.outage = { kind: 'server-error' };
    const views = () =>
      Promise.allSettled(
        Array.from({ length: 20 }, () =>
          service.getEntityIncidents(ORDER, user),
        ),
      );

    const first = await views();
    expect(first.every(r => r.status === 'rejected')).toBe(true);
    // A view's fetch is tried once: the two lists of incidents, no retries.
    await untilQuiet(pagerduty);
    expect(pagerduty.stats.requests).toBe(2);

    advance(30_000);
    await views();
    await untilQuiet(pagerduty);
    expect(pagerduty.stats.requests).toBe(2);

    advance(31_000);
    await views();
    await untilQuiet(pagerduty);
    expect(pagerduty.stats.requests).toBe(4);
    pagerduty.outage = undefined;
  });

  it('reads the first acknowledgement of a resolved incident once', async () => {
    const { service, oncall, advance } = await setup();
    await oncall.refreshOnCall();
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
    // order-service with a key of the test's; payment-service without one
    // (the examples give every service its fake integration key).
    const withKey = (e: Entity, value?: string): Entity => {
      const annotations = { ...e.metadata.annotations };
      if (value) annotations['pagerduty.com/integration-key'] = value;
      else delete annotations['pagerduty.com/integration-key'];
      return { ...e, metadata: { ...e.metadata, annotations } };
    };
    const entities = examples().map(e => {
      if (e.metadata.name === 'order-service') return withKey(e, key);
      if (e.metadata.name === 'payment-service') return withKey(e);
      return e;
    });
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

  it('tells other features how fresh the incidents of each entity are', async () => {
    const { service, oncall } = await setup();
    await oncall.refreshOnCall();
    await service.refreshIncidents();

    const freshness = await service.freshnessOf([
      ORDER,
      'component:default/not-in-pagerduty',
    ]);

    expect(freshness.get(ORDER)).toMatchObject({
      fetchedAt: new Date(ANCHOR).toISOString(),
      stale: false,
    });
    expect(freshness.has('component:default/not-in-pagerduty')).toBe(false);
    expect(service.windowDays).toBe(30);
  });

  it('keeps the last status update of the open P1 for its card: notes do not count, a failed read keeps it', async () => {
    const { service, oncall, provider, advance } = await setup({
      response: true,
    });
    await oncall.refreshOnCall();
    await service.refreshIncidents();
    const p1 = pagerduty.account.incidents.find(
      i => i.serviceId === 'PSVORDR' && i.status === 'acknowledged',
    )!;
    const due = async () =>
      (await service.getEntityIncidents(ORDER, user)).data.incidents.find(
        i => i.id === p1.id,
      )?.nextUpdateDue;
    const iso = (t: number) => new Date(t).toISOString();
    expect(await due()).toBe(iso(p1.createdAt + 15 * 60_000));

    // Only the open P1/P2 incidents' logs are read, not the resolved ones'.
    const logs = () =>
      pagerduty.stats.byEndpoint['GET /incidents/{id}/log_entries'] ?? 0;
    const before = logs();
    advance(60_000);
    await service.refreshIncidents();
    const open = pagerduty.account.incidents.filter(
      i =>
        i.status !== 'resolved' && (i.priority === 'P1' || i.priority === 'P2'),
    );
    expect(logs() - before).toBeLessThanOrEqual(open.length);

    const fromEmail = pagerduty.account.users[0].email;
    await provider.addNote(p1.id, {
      content: 'Looking at the connection pool.',
      fromEmail,
    });
    advance(60_000);
    await service.refreshIncidents([ORDER]);
    expect(await due()).toBe(iso(p1.createdAt + 15 * 60_000));

    const update = await provider.postStatusUpdate(p1.id, {
      message: 'Connection pool raised; errors falling.',
      fromEmail,
    });
    advance(60_000);
    await service.refreshIncidents([ORDER]);
    const expected = iso(Date.parse(update.at) + 15 * 60_000);
    expect(await due()).toBe(expected);

    // PagerDuty's log fails: the refresh keeps what it knew.
    pagerduty.outage = {
      kind: 'server-error',
      path: `/incidents/${p1.id}/log_entries`,
    };
    advance(60_000);
    await service.refreshIncidents([ORDER]);
    pagerduty.outage = undefined;
    expect(await due()).toBe(expected);
  });
});
