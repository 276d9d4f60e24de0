/*
 * The ops backend with this module and a real Prometheus: an entity whose
 * availability SLO reads Prometheus (the compact annotations) is answered
 * by the SLO API with the SLI, budget and burn rates computed directly from
 * the events written into Prometheus.
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// The test starts the plugin with this module, as a backend does (test only).
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import opsPlugin from '@opsportal/plugin-ops-backend';
import {
  DEFAULT_BURN_RATE_RULES,
  EntitySlosResponse,
  evaluateSlo,
  occurrencesSeries,
} from '@opsportal/plugin-ops-common';
import request from 'supertest';
import { opsModulePrometheus } from './module';
import {
  counter,
  CounterSeries,
  eventsPerPeriod,
  labelText,
} from './testing/dataset';
import {
  findPrometheus,
  PROMETHEUS_MISSING,
  RealPrometheus,
  startRealPrometheus,
} from './testing/realPrometheus';

const FIVE_MINUTES = 300_000;
const DAY = 86_400_000;
const USER = 'ops';
const PASSWORD = 'ops-test-password';
/** bcrypt (cost 4) of PASSWORD, as in realPrometheus.test.ts. */
const PASSWORD_HASH =
  '$2b$04$IPQZtRdpAG2nxgzriRMe0OWzoRiTwfFUxbt8LnA4IMgJaL0pJ44/O';

/**
 * 31 days of `http_requests_total{job="orders",code}` up to the last
 * five-minute boundary before now, a sample every five minutes on the
 * boundary (so that every bucket of the SLO plan has a sample at both
 * ends): errors spread thinly, a burst in the last half hour, restarts.
 */
function requests(now: number): CounterSeries[] {
  const end = Math.floor(now / FIVE_MINUTES) * FIVE_MINUTES;
  const count = (31 * DAY) / FIVE_MINUTES + 1;
  const times = Array.from(
    { length: count },
    (_, i) => end - (count - 1 - i) * FIVE_MINUTES,
  );
  const ok = times.map((_, i) => (i === 0 ? 0 : 500 + ((i * 37) % 200)));
  const errors = times.map((_, i) => {
    if (i === 0) return 0;
    if (count - 1 - i < 6) return 40 + (i % 5);
    return i % 41 === 0 ? 3 : 0;
  });
  return [
    counter(
      { job: 'orders', code: '200' },
      times,
      ok,
      9_000_000,
      new Set([2000, 7000]),
    ),
    counter(
      { job: 'orders', code: '500' },
      times,
      errors,
      800,
      new Set([4000]),
    ),
  ];
}

function openMetrics(series: CounterSeries[]): string {
  const lines = ['# TYPE http_requests counter'];
  for (const s of series) {
    s.times.forEach((t, i) =>
      lines.push(
        `http_requests_total${labelText(s.labels)} ${s.values[i]} ${t / 1000}`,
      ),
    );
  }
  return `${lines.join('\n')}\n# EOF\n`;
}

const orders: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'orders',
    namespace: 'default',
    annotations: {
      'prometheus.io/job': 'orders',
      'opsportal.dev/slo-availability': '99.5',
    },
  },
  spec: { type: 'service', owner: 'team-orders', lifecycle: 'production' },
};

const binaries = findPrometheus();
if (!binaries && !process.env.CI) {
  // eslint-disable-next-line no-console
  console.warn(
    `${PROMETHEUS_MISSING}: skipping the ops backend test against a real Prometheus`,
  );
}
const describeWithPrometheus =
  binaries || process.env.CI ? describe : describe.skip;

describeWithPrometheus('the ops backend with the Prometheus module', () => {
  let prometheus: RealPrometheus;
  let series: CounterSeries[];

  beforeAll(async () => {
    if (!binaries) throw new Error(PROMETHEUS_MISSING);
    series = requests(Date.now());
    prometheus = await startRealPrometheus({
      binaries,
      openMetrics: openMetrics(series),
      basicAuthUsers: { [USER]: PASSWORD_HASH },
    });
  }, 60_000);
  afterAll(() => prometheus?.stop());

  it('answers an SLO read from Prometheus with the SLI, budget and burn rates of the events themselves', async () => {
    const { server } = await startTestBackend({
      features: [
        opsPlugin,
        opsModulePrometheus,
        catalogServiceMock.factory({ entities: [orders] }),
        mockServices.rootConfig.factory({
          data: {
            ops: {
              prometheus: {
                baseUrl: prometheus.url,
                auth: { username: USER, password: PASSWORD },
              },
            },
          },
        }),
      ],
    });
    const res = await request(server)
      .get('/api/ops/slos/entity')
      .query({ entityRef: 'component:default/orders' })
      .set('Authorization', mockCredentials.user.header('user:default/guest'))
      .expect(200);
    const body = res.body as EntitySlosResponse;
    expect(body.objectives).toHaveLength(1);
    const [availability] = body.objectives;
    expect(availability.error).toBeUndefined();
    const status = availability.status!;

    // The same buckets, counted from the generated events: 30 days, and
    // five-minute buckets over the last six hours for the short windows.
    const end = Date.parse(status.evaluatedAt);
    const from = end - 30 * DAY;
    const bucket = (
      s: CounterSeries[],
      start: number,
      step: number,
      n: number,
    ) => eventsPerPeriod(s, start, step, n);
    const errors = series.filter(s => s.labels.code === '500');
    const daily = occurrencesSeries({
      start: from,
      step: DAY,
      total: bucket(series, from, DAY, 30),
      bad: bucket(errors, from, DAY, 30),
    });
    const fineFrom = end - 72 * FIVE_MINUTES;
    const fine = occurrencesSeries({
      start: fineFrom,
      step: FIVE_MINUTES,
      total: bucket(series, fineFrom, FIVE_MINUTES, 72),
      bad: bucket(errors, fineFrom, FIVE_MINUTES, 72),
    });
    const direct = evaluateSlo({
      target: 0.995,
      windowSeconds: 30 * 86_400,
      now: end,
      series: [daily, fine],
      rules: DEFAULT_BURN_RATE_RULES,
    });

    expect(status.total).toBe(direct.total);
    expect(status.good).toBe(direct.good);
    expect(status.sli).toBe(direct.sli);
    expect(status.budget).toEqual(direct.budget);
    expect(status.burnRates).toEqual(direct.burnRates);
    expect(status.burnDown).toEqual(direct.burnDown);
    // Not an empty equality: errors were counted, the last half hour burns fast.
    expect(direct.budget.consumed).toBeGreaterThan(0);
    expect(
      direct.burnRates.find(b => b.window === '5m')?.burnRate,
    ).toBeGreaterThan(10);
  });
});
