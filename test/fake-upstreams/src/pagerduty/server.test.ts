import { FakePagerDuty, startFakePagerDuty } from './server';
import { DAY, integrationKeyOf, MINUTE, WEEK, weekStart } from './data';

const HEADERS = {
  Accept: 'application/vnd.pagerduty+json;version=2',
  Authorization: 'Token token=local-fake-token',
};
// A Wednesday noon, so that "this week" is unambiguous.
const NOW = Date.UTC(2026, 2, 4, 12, 0, 0);

describe('fake PagerDuty', () => {
  let fake: FakePagerDuty;
  const get = async (
    path: string,
    headers: Record<string, string> = HEADERS,
  ) => {
    const res = await fetch(`${fake.url}${path}`, { headers });
    return { status: res.status, headers: res.headers, body: await res.json() };
  };

  beforeAll(async () => {
    fake = await startFakePagerDuty({ now: () => NOW });
  });
  afterAll(() => fake.close());
  afterEach(() => fake.reset());

  it('checks requests against the published OpenAPI description', async () => {
    expect(fake.contractChecked).toBe(true);
    const bad = await get('/services?service_ids[]=PSVORDR');
    expect(bad.status).toBe(400);
    expect(bad.body.error.errors.join()).toContain('service_ids[]');
    const wrongAccept = await get('/priorities', {
      ...HEADERS,
      Accept: 'application/json',
    });
    expect(wrongAccept.status).toBe(400);
    expect(fake.violations).toHaveLength(2);
  });

  it('pages the escalation chain: SRE primary, DevOps secondary, the manager', async () => {
    const { body, headers } = await get(
      '/oncalls?escalation_policy_ids[]=PEPECOM&include[]=users&limit=100',
    );
    const levels = body.oncalls.map((o: any) => [
      o.escalation_level,
      o.user.name,
      o.schedule?.id ?? null,
    ]);
    expect(levels).toHaveLength(3);
    expect(levels[0][2]).toBe('PSCHSRE');
    expect(['Alice Chen', 'Bruno Silva', 'Chloe Martin']).toContain(
      levels[0][1],
    );
    expect(levels[1][2]).toBe('PSCHDVO');
    expect(['Dmitri Ivanov', 'Emma Wilson', 'Farid Haddad']).toContain(
      levels[1][1],
    );
    expect(levels[2]).toEqual([3, 'Maria Garcia', null]);
    expect(body.oncalls[0].user.email).toMatch(/@ecommerce-platform.com$/);
    expect(headers.get('ratelimit-limit')).toBe('960');
    expect(Number(headers.get('ratelimit-remaining'))).toBeLessThan(960);
  });

  it('rotates the primary weekly among the three SRE people, with an override next week', async () => {
    const since = new Date(weekStart(NOW)).toISOString();
    const until = new Date(weekStart(NOW) + 4 * WEEK).toISOString();
    const { body } = await get(
      `/schedules/PSCHSRE?since=${since}&until=${until}&time_zone=UTC`,
    );
    const layer = body.schedule.schedule_layers[0].rendered_schedule_entries;
    expect(layer).toHaveLength(4);
    const weekly = layer.map((e: any) => e.user.summary);
    expect(new Set(weekly.slice(0, 3)).size).toBe(3);
    expect(weekly[3]).toBe(weekly[0]);
    const overrides =
      body.schedule.overrides_subschedule.rendered_schedule_entries;
    expect(overrides).toHaveLength(1);
    expect(Date.parse(overrides[0].start)).toBe(
      weekStart(NOW) + WEEK + 2 * DAY,
    );
    // The final schedule splits next week's shift around the override.
    expect(body.schedule.final_schedule.rendered_schedule_entries).toHaveLength(
      6,
    );
  });

  it('pages incidents with limit, offset and more', async () => {
    const first = await get('/incidents?limit=10&offset=0&total=true');
    expect(first.body.incidents).toHaveLength(10);
    expect(first.body.more).toBe(true);
    const total = first.body.total;
    expect(total).toBeGreaterThan(20);
    const last = await get(`/incidents?limit=10&offset=${total - 5}`);
    expect(last.body.incidents).toHaveLength(5);
    expect(last.body.more).toBe(false);
    const open = await get(
      '/incidents?statuses[]=triggered&statuses[]=acknowledged&date_range=all',
    );
    const p1 = open.body.incidents.find((i: any) => i.priority?.name === 'P1');
    expect(p1.service.id).toBe('PSVORDR');
    expect(p1.status).toBe('acknowledged');
    expect(p1.acknowledgements[0].at).toBeDefined();
  });

  it('answers queued faults: 429 with and without Retry-After, 500, 403', async () => {
    fake.faults.push(
      { kind: 'rate-limit', retryAfterSeconds: 2 },
      { kind: 'rate-limit' },
      { kind: 'server-error' },
      { kind: 'forbidden' },
    );
    const a = await get('/priorities');
    expect(a.status).toBe(429);
    expect(a.body.error.code).toBe(2020);
    expect(a.headers.get('retry-after')).toBe('2');
    const b = await get('/priorities');
    expect(b.status).toBe(429);
    expect(b.headers.get('retry-after')).toBeNull();
    expect((await get('/priorities')).status).toBe(500);
    expect((await get('/priorities')).status).toBe(403);
    expect((await get('/priorities')).status).toBe(200);
  });

  it('serves v3 schedules under /v3 only', async () => {
    const v3 = await startFakePagerDuty({
      now: () => NOW,
      v3Schedules: ['PSCHDVO'],
    });
    try {
      const res = await fetch(`${v3.url}/schedules/PSCHDVO`, {
        headers: HEADERS,
      });
      expect(res.status).toBe(404);
      const since = new Date(NOW).toISOString();
      const until = new Date(NOW + WEEK).toISOString();
      const ok = await fetch(
        `${v3.url}/v3/schedules/PSCHDVO?since=${since}&until=${until}&include[]=final_schedule`,
        { headers: HEADERS },
      );
      const body = await ok.json();
      expect(body.schedule.type).toBe('schedule_v3');
      expect(
        body.schedule.final_schedule.computed_shift_assignments.length,
      ).toBeGreaterThan(0);
    } finally {
      await v3.close();
    }
  });

  it('opens an incident on the service of a trigger event, once per dedup key, and forgets it on reset', async () => {
    const send = (dedupKey: string) =>
      fetch(`${fake.url}/v2/enqueue`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          routing_key: integrationKeyOf('PSVORDR'),
          event_action: 'trigger',
          dedup_key: dedupKey,
          payload: {
            summary: 'Order API down',
            source: 'order-api',
            severity: 'critical',
          },
        }),
      });
    expect((await send('outage-1')).status).toBe(202);
    expect((await send('outage-1')).status).toBe(202);
    const open = await get(
      '/incidents?service_ids[]=PSVORDR&statuses[]=triggered&limit=100',
    );
    const mine = open.body.incidents.filter(
      (i: any) => i.title === 'Order API down',
    );
    expect(mine).toHaveLength(1);
    expect(mine[0].priority.summary).toBe('P1');
    expect(Date.parse(mine[0].created_at)).toBe(NOW);
    expect(['Alice Chen', 'Bruno Silva', 'Chloe Martin']).toContain(
      mine[0].assignments[0].assignee.summary,
    );
    fake.reset();
    expect((await get(`/incidents/${mine[0].id}`)).status).toBe(404);
  });

  describe('incident response', () => {
    const ALICE = 'alice.chen@ecommerce-platform.com';
    const openP1 = () =>
      fake.account.incidents.find(
        i => i.priority === 'P1' && i.resolvedAt === undefined,
      )!;
    const post = async (
      path: string,
      body: unknown,
      headers: Record<string, string> = {},
    ) => {
      const res = await fetch(`${fake.url}${path}`, {
        method: 'POST',
        headers: {
          ...HEADERS,
          'Content-Type': 'application/json',
          ...headers,
        },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    };

    it('keeps notes per incident, as the From user, and logs them as annotations', async () => {
      const id = openP1().id;
      const created = await post(
        `/incidents/${id}/notes`,
        { note: { content: 'Rolling back order-api to 2.13.4' } },
        { From: ALICE },
      );
      expect(created.status).toBe(200);
      expect(created.body.note).toMatchObject({
        content: 'Rolling back order-api to 2.13.4',
        user: { id: 'PUALICE', type: 'user_reference' },
        created_at: new Date(NOW).toISOString().replace('.000Z', 'Z'),
      });

      const { body: notes } = await get(`/incidents/${id}/notes`);
      expect(notes.notes.map((n: any) => n.content)).toEqual([
        'Rolling back order-api to 2.13.4',
      ]);
      const { body: log } = await get(
        `/incidents/${id}/log_entries?is_overview=false&limit=100`,
      );
      // Newest first: the note is the latest entry.
      expect(log.log_entries[0]).toMatchObject({
        type: 'annotate_log_entry',
        agent: { id: 'PUALICE' },
        channel: { summary: 'Rolling back order-api to 2.13.4' },
      });
      expect(fake.writes).toEqual([
        expect.objectContaining({ kind: 'note', incidentId: id, from: ALICE }),
      ]);
      // Other incidents have no notes.
      const other = fake.account.incidents.find(i => i.id !== id)!;
      expect((await get(`/incidents/${other.id}/notes`)).body.notes).toEqual(
        [],
      );
      expect(fake.violations).toEqual([]);
    });

    it('refuses writes without a From user of the account, or with a body the spec refuses', async () => {
      const id = openP1().id;
      const noFrom = await post(`/incidents/${id}/notes`, {
        note: { content: 'x' },
      });
      expect(noFrom.status).toBe(400);
      expect(noFrom.body.error.errors).toContain('header From is required');

      const stranger = await post(
        `/incidents/${id}/status_updates`,
        { message: 'x' },
        { From: 'someone@elsewhere.example' },
      );
      expect(stranger.status).toBe(400);
      expect(stranger.body.error.errors[0]).toContain(
        'someone@elsewhere.example',
      );

      const noContent = await post(
        `/incidents/${id}/notes`,
        { note: { text: 'x' } },
        { From: ALICE },
      );
      expect(noContent.status).toBe(400);
      expect(noContent.body.error.errors).toContain(
        'body/note must have required property content',
      );
      const noTargets = await post(
        `/incidents/${id}/responder_requests`,
        { requester_id: 'PUALICE', message: 'help' },
        { From: ALICE },
      );
      expect(noTargets.status).toBe(400);
      expect(noTargets.body.error.errors).toContain(
        'body must have required property responder_request_targets',
      );
      expect(fake.writes).toEqual([]);
      expect(fake.violations).toHaveLength(3);
      const missing = await post(
        '/incidents/QNOSUCH1/notes',
        { note: { content: 'x' } },
        { From: ALICE },
      );
      expect(missing.status).toBe(404);
    });

    it('logs status updates and shows responder requests on the incident', async () => {
      const id = openP1().id;
      const update = await post(
        `/incidents/${id}/status_updates`,
        { message: 'Mitigated: error rate back under 1%' },
        { From: ALICE },
      );
      expect(update.status).toBe(200);
      expect(update.body.status_update).toMatchObject({
        message: 'Mitigated: error rate back under 1%',
        sender: { id: 'PUALICE' },
      });
      const request = await post(
        `/incidents/${id}/responder_requests`,
        {
          requester_id: 'PUALICE',
          message: 'Please join the bridge',
          responder_request_targets: [
            {
              responder_request_target: {
                id: 'PUMARIA',
                type: 'user_reference',
              },
            },
          ],
        },
        { From: ALICE },
      );
      expect(request.status).toBe(200);
      expect(
        request.body.responder_request.responder_request_targets[0]
          .responder_request_target,
      ).toMatchObject({ id: 'PUMARIA', summary: 'Maria Garcia' });

      const { body } = await get(`/incidents/${id}`);
      expect(body.incident.responder_requests).toHaveLength(1);
      expect(body.incident.incidents_responders[0]).toMatchObject({
        state: 'pending',
        user: { id: 'PUMARIA' },
        requester: { id: 'PUALICE' },
      });
      const { body: log } = await get(
        `/incidents/${id}/log_entries?is_overview=false&limit=100`,
      );
      expect(
        log.log_entries
          .filter((e: any) => e.type === 'annotate_log_entry')
          .map((e: any) => e.channel.summary),
      ).toEqual(['Mitigated: error rate back under 1%']);

      const unknown = await post(
        `/incidents/${id}/responder_requests`,
        {
          requester_id: 'PUALICE',
          message: 'x',
          responder_request_targets: [
            { responder_request_target: { id: 'PNOBODY', type: 'user' } },
          ],
        },
        { From: ALICE },
      );
      expect(unknown.status).toBe(400);
      expect(fake.violations).toEqual([]);
    });

    it('relates change events of the service in the 24 hours before the incident', async () => {
      const incident = openP1();
      const seeded = await get(
        `/incidents/${incident.id}/related_change_events?limit=100`,
      );
      expect(seeded.body.change_events).toHaveLength(1);
      expect(seeded.body.change_events[0]).toMatchObject({
        summary: 'Deploy order-api 2.14.0',
        services: [{ id: 'PSVORDR' }],
        correlation_reason: { reason: 'most_recent' },
      });
      expect(Date.parse(seeded.body.change_events[0].timestamp)).toBe(
        incident.createdAt - 40 * MINUTE,
      );

      const send = (body: unknown) =>
        fetch(`${fake.url}/v2/change/enqueue`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        });
      const key = integrationKeyOf('PSVORDR');
      const at = (t: number) => new Date(t).toISOString();
      const accepted = await send({
        routing_key: key,
        payload: {
          summary: 'Feature flag checkout-v2 enabled',
          timestamp: at(incident.createdAt - 5 * MINUTE),
          source: 'flags',
        },
      });
      expect(accepted.status).toBe(202);
      expect(await accepted.json()).toMatchObject({ status: 'success' });
      // Too early, and another service: not related.
      await send({
        routing_key: key,
        payload: {
          summary: 'Old deploy',
          timestamp: at(incident.createdAt - 2 * DAY),
          source: 'ci',
        },
      });
      await send({
        routing_key: integrationKeyOf('PSVPAYM'),
        payload: {
          summary: 'Payment deploy',
          timestamp: at(incident.createdAt - MINUTE),
          source: 'ci',
        },
      });
      const refused = await send({
        routing_key: key,
        payload: { source: 'ci' },
      });
      expect(refused.status).toBe(400);
      expect((await refused.json()).errors).toContain(
        'body/payload must have required property summary',
      );
      expect(fake.violations).toHaveLength(1);
      expect(fake.changeEvents).toHaveLength(3);

      const related = await get(
        `/incidents/${incident.id}/related_change_events`,
      );
      expect(related.body.change_events.map((e: any) => e.summary)).toEqual([
        'Feature flag checkout-v2 enabled',
        'Deploy order-api 2.14.0',
      ]);
      const since = at(NOW - 3 * DAY);
      const ofService = await get(
        `/services/PSVORDR/change_events?since=${since}&limit=100`,
      );
      expect(ofService.body.change_events).toHaveLength(3);
      const all = await get(`/change_events?since=${since}&limit=100`);
      expect(all.body.change_events).toHaveLength(4);
      expect(fake.violations).toHaveLength(1);
    });
  });

  describe('alert hygiene', () => {
    const PORTAL = 'ops-portal@ecommerce-platform.com';
    const HOUR = 60 * MINUTE;
    const at = (t: number) => new Date(t).toISOString();
    const send = async (
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ) => {
      const res = await fetch(`${fake.url}${path}`, {
        method,
        headers: {
          ...HEADERS,
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
          ...headers,
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    };
    const window = (over: Record<string, unknown> = {}) => ({
      maintenance_window: {
        type: 'maintenance_window',
        start_time: at(NOW),
        end_time: at(NOW + 2 * HOUR),
        description: 'CHG-7: payment gateway upgrade',
        services: [{ id: 'PSVPAYM', type: 'service_reference' }],
        ...over,
      },
    });

    it('holds a month of paging worth a look: busy services, nights, noise, repeats', () => {
      const month = fake.account.incidents.filter(
        i => i.createdAt >= NOW - 30 * DAY && i.createdAt < NOW,
      );
      const per = (serviceId: string) =>
        month.filter(i => i.serviceId === serviceId);
      // Several incidents a week on payment- and order-service; product-service quiet.
      expect(per('PSVPAYM').length / (30 / 7)).toBeGreaterThan(4);
      expect(per('PSVORDR').length / (30 / 7)).toBeGreaterThan(4);
      expect(per('PSVPROD').length).toBeLessThan(5);
      const hour = (i: { createdAt: number }) =>
        new Date(i.createdAt).getUTCHours();
      const night = per('PSVPAYM').filter(i => hour(i) >= 22 || hour(i) < 7);
      expect(night.length).toBeGreaterThan(per('PSVPAYM').length / 2);
      const weekend = per('PSVORDR').filter(i =>
        [0, 6].includes(new Date(i.createdAt).getUTCDay()),
      );
      expect(weekend.length).toBeGreaterThanOrEqual(10);
      // Resolved by the monitoring tool within 5 minutes, nobody acknowledging.
      const noise = month.filter(
        i =>
          i.resolvedAt !== undefined && i.resolvedAt - i.createdAt < 5 * MINUTE,
      );
      expect(noise.length).toBeGreaterThanOrEqual(10);
      expect(noise.every(i => i.acknowledgedAt === undefined)).toBe(true);
      const repeats = per('PSVPAYM').filter(
        i => i.title === 'Payment gateway timeouts',
      );
      expect(repeats.length).toBeGreaterThanOrEqual(15);
      expect(month.some(i => (i.alerts ?? 1) >= 5)).toBe(true);
      // Every incident paged someone of the example schedules first.
      const people = new Set(
        month.flatMap(i => (i.notifications ?? []).map(n => n.userId)),
      );
      for (const id of people) {
        expect([
          'PUALICE',
          'PUBRUNO',
          'PUCHLOE',
          'PUDMITR',
          'PUEMMAW',
          'PUFARID',
        ]).toContain(id);
      }
      expect(
        month.every(i => i.notifications?.[0]?.userId === i.responderId),
      ).toBe(true);
    });

    it('counts the alerts grouped into each incident', async () => {
      const { body } = await get(
        '/incidents?service_ids[]=PSVPGWY&limit=100&date_range=all',
      );
      const counts = body.incidents.map((i: any) => i.alert_counts);
      expect(counts.length).toBeGreaterThan(3);
      for (const [index, c] of counts.entries()) {
        const known = fake.account.incidents.find(
          i => i.id === body.incidents[index].id,
        )!;
        expect(c).toEqual({
          all: known.alerts ?? 1,
          triggered: 0,
          resolved: known.alerts ?? 1,
        });
      }
      expect(Math.max(...counts.map((c: any) => c.all))).toBeGreaterThan(2);
    });

    it('serves the account log with a notify entry per page, in a range, newest first, paged', async () => {
      const since = at(NOW - 7 * DAY);
      const until = at(NOW);
      const first = await get(
        `/log_entries?since=${since}&until=${until}&limit=50&total=true&include[]=incidents`,
      );
      expect(first.status).toBe(200);
      expect(first.body.more).toBe(true);
      const total = first.body.total;
      const all = [...first.body.log_entries];
      for (let offset = 50; offset < total; offset += 50) {
        all.push(
          ...(
            await get(
              `/log_entries?since=${since}&until=${until}&limit=50&offset=${offset}`,
            )
          ).body.log_entries,
        );
      }
      expect(all).toHaveLength(total);
      const times = all.map(e => Date.parse(e.created_at));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      expect(Math.min(...times)).toBeGreaterThanOrEqual(NOW - 7 * DAY);
      expect(Math.max(...times)).toBeLessThan(NOW);

      const notify = first.body.log_entries.filter(
        (e: any) => e.type === 'notify_log_entry',
      );
      expect(notify.length).toBeGreaterThan(10);
      expect(notify[0]).toMatchObject({
        user: { type: 'user_reference', id: expect.stringMatching(/^PU/) },
        channel: {
          type: expect.stringMatching(/^(push_notification|sms|phone|email)$/),
        },
        service: { type: 'service_reference' },
        // With include[]=incidents, the incident itself.
        incident: { type: 'incident', service: { id: notify[0].service.id } },
      });
      const pages = fake.account.incidents.flatMap(i =>
        (i.notifications ?? []).filter(
          n => n.at >= NOW - 7 * DAY && n.at < NOW,
        ),
      );
      expect(all.filter(e => e.type === 'notify_log_entry')).toHaveLength(
        pages.length,
      );
      // Without include[], references.
      const plain = await get(`/log_entries?since=${since}&limit=1`);
      expect(plain.body.log_entries[0].incident.type).toBe(
        'incident_reference',
      );
      expect(fake.violations).toEqual([]);
    });

    it('opens a maintenance window as the From user, lists it by service and state, and ends it', async () => {
      const created = await send('POST', '/maintenance_windows', window(), {
        From: PORTAL,
      });
      expect(created.status).toBe(201);
      const mw = created.body.maintenance_window;
      expect(mw).toMatchObject({
        id: expect.stringMatching(/^PMW/),
        type: 'maintenance_window',
        summary: 'CHG-7: payment gateway upgrade',
        self: `${fake.url}/maintenance_windows/${mw.id}`,
        html_url: expect.stringContaining(
          'ecommerce-platform.pagerduty.com/maintenance_windows',
        ),
        start_time: at(NOW).replace('.000Z', 'Z'),
        end_time: at(NOW + 2 * HOUR).replace('.000Z', 'Z'),
        created_by: { id: 'PUOPSPT', type: 'user_reference' },
        services: [
          {
            id: 'PSVPAYM',
            type: 'service_reference',
            summary: expect.any(String),
          },
        ],
      });

      const ids = async (query: string) =>
        (
          await get(`/maintenance_windows?${query}`)
        ).body.maintenance_windows.map((w: any) => w.id);
      expect(await ids('service_ids[]=PSVPAYM&filter=ongoing')).toEqual([
        mw.id,
      ]);
      expect(await ids('service_ids[]=PSVPAYM&filter=future')).toEqual([]);
      expect(await ids('service_ids[]=PSVSRCH')).toEqual([]);
      // The seeded drill on order-service is in the past.
      expect(await ids('filter=past')).toEqual(['PMWSEED1']);
      expect(await ids('filter=all')).toEqual([mw.id, 'PMWSEED1']);
      expect((await get(`/maintenance_windows/${mw.id}`)).body).toEqual({
        maintenance_window: mw,
      });

      // A trigger event on a service in maintenance opens no incident.
      const event = await fetch(`${fake.url}/v2/enqueue`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          routing_key: integrationKeyOf('PSVPAYM'),
          event_action: 'trigger',
          payload: {
            summary: 'During maintenance',
            source: 'x',
            severity: 'error',
          },
        }),
      });
      expect(event.status).toBe(202);
      expect(
        fake.account.incidents.some(i => i.title === 'During maintenance'),
      ).toBe(false);

      // Ending a running window ends it now; once ended, PagerDuty refuses.
      const ended = await send('DELETE', `/maintenance_windows/${mw.id}`);
      expect(ended).toEqual({ status: 204, body: undefined });
      expect(await ids('filter=past')).toEqual([mw.id, 'PMWSEED1']);
      const again = await send('DELETE', `/maintenance_windows/${mw.id}`);
      expect(again.status).toBe(405);
      expect(again.body.error.message).toMatch(/already ended/);
      expect(
        (await send('DELETE', '/maintenance_windows/PMWNONE')).status,
      ).toBe(404);
      expect(fake.violations).toEqual([]);

      fake.reset();
      expect(await ids('filter=all')).toEqual(['PMWSEED1']);
    });

    it('deletes a future window', async () => {
      const created = await send(
        'POST',
        '/maintenance_windows',
        window({ start_time: at(NOW + DAY), end_time: at(NOW + DAY + HOUR) }),
        { From: PORTAL },
      );
      const id = created.body.maintenance_window.id;
      const future = await get('/maintenance_windows?filter=future');
      expect(future.body.maintenance_windows.map((w: any) => w.id)).toEqual([
        id,
      ]);
      expect((await send('DELETE', `/maintenance_windows/${id}`)).status).toBe(
        204,
      );
      expect((await get(`/maintenance_windows/${id}`)).status).toBe(404);
    });

    it('refuses a window without From, with a malformed body, unknown services, or an end before its start', async () => {
      const noFrom = await send('POST', '/maintenance_windows', window());
      expect(noFrom.status).toBe(400);
      expect(noFrom.body.error.errors).toContain('header From is required');

      const malformed = await send(
        'POST',
        '/maintenance_windows',
        {
          maintenance_window: {
            type: 'maintenance_window',
            start_time: 'tomorrow',
            services: 'PSVPAYM',
          },
        },
        { From: PORTAL },
      );
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.errors).toEqual(
        expect.arrayContaining([
          'body/maintenance_window must have required property end_time',
          'body/maintenance_window/start_time must match format "date-time"',
          'body/maintenance_window/services must be array',
        ]),
      );
      const noType = await send(
        'POST',
        '/maintenance_windows',
        window({ services: [{ id: 'PSVPAYM' }] }),
        { From: PORTAL },
      );
      expect(noType.status).toBe(400);
      expect(fake.violations).toHaveLength(3);

      const backwards = await send(
        'POST',
        '/maintenance_windows',
        window({ end_time: at(NOW - HOUR) }),
        { From: PORTAL },
      );
      expect(backwards.status).toBe(400);
      expect(backwards.body.error.errors).toEqual([
        'end_time must be after start_time',
      ]);
      const unknown = await send(
        'POST',
        '/maintenance_windows',
        window({ services: [{ id: 'PSVNONE', type: 'service_reference' }] }),
        { From: PORTAL },
      );
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.errors[0]).toContain('PSVNONE');
      const stranger = await send('POST', '/maintenance_windows', window(), {
        From: 'someone@elsewhere.example',
      });
      expect(stranger.status).toBe(400);
      expect(fake.maintenanceWindows.map(w => w.id)).toEqual(['PMWSEED1']);
    });
  });
});
