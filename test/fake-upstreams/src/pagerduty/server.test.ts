import { FakePagerDuty, startFakePagerDuty } from './server';
import { DAY, WEEK, weekStart } from './data';

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
});
