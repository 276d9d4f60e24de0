import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AlarmNoise,
  AlertsOverview,
  GroupAlertHealth,
} from '@opsportal/plugin-ops-common';
import { Knex } from 'knex';
import request from 'supertest';
import { opsPlugin } from '../plugin';
import { DatabaseSnapshotStore } from '../snapshots/SnapshotStore';
import { AlarmReviewsStore } from './AlarmReviewsStore';
import {
  ALERTS_ALL_KEY,
  ALERTS_ENTITY_KIND,
  ALERTS_OVERVIEW_KIND,
  buildAggregate,
  EntityAlertsSnapshot,
} from './AlertsService';

/*
 * The overview, the team tab and the alarms export read the aggregate
 * (`alerts.overview`) through the real backend: the top `limit` alarms with
 * `alarmsTotal`, and only the entities the catalog lets the caller see. The
 * catalog here hides one entity from one user, as a permission policy
 * would (the catalog applies the policy to every read with the user's
 * credentials).
 */

jest.setTimeout(180_000);

const GUEST = 'user:default/guest';
const VIEWER = 'user:default/victor-viewer';
const PAYMENT = 'component:default/payment-service';
const SECRET = 'component:default/secret-service';
const GROUP = 'group:default/dev-team';

const component = (name: string, prefix: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: { 'opsportal.dev/alarm-prefix': prefix },
  },
  spec: { type: 'service', lifecycle: 'production', owner: GROUP },
  relations: [{ type: 'ownedBy', targetRef: GROUP }],
});
const entities: Entity[] = [
  component('payment-service', 'payment-'),
  component('secret-service', 'secret-'),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'dev-team', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
];

const stats = (alarmCount: number, days: number) => ({
  days,
  alarmCount,
  minutesInAlarm: alarmCount * 10,
  flappingDays: 0,
  maxRoundTripsPerDay: 0,
  alarmsInMaintenance: 0,
});

const row = (
  entityRef: string,
  name: string,
  noiseScore: number,
  flags: AlarmNoise['flags'],
): AlarmNoise => ({
  alarmName: name,
  entityRef,
  owner: GROUP,
  state: 'OK',
  severity: 'P3',
  hasActions: true,
  week: stats(noiseScore, 7),
  month: stats(noiseScore, 30),
  observedDays: 30,
  flags,
  noiseScore,
});

const snapshot = (
  entityRef: string,
  alarms: AlarmNoise[],
): EntityAlertsSnapshot => ({
  prefixes: [],
  serviceIds: [],
  observedSince: '2026-11-05T00:00:00.000Z',
  policy: {
    entityRef,
    items: [],
    counts: { present: 0, looser: 0, missing: 0 },
  },
  alarms,
});

// Payment: 5 listed alarms (scores 50..10) and a quiet one; the secret
// service's alarm is the noisiest of all.
const paymentAlarms = [50, 40, 30, 20, 10].map(score =>
  row(PAYMENT, `payment-noisy-${score}`, score, ['noisy']),
);
const quiet = row(PAYMENT, 'payment-quiet', 0, []);
const secretAlarm = row(SECRET, 'secret-flapping', 99, ['noisy', 'flapping']);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('alerts views from the aggregate', () => {
  let server: Parameters<typeof request>[0];
  let knex: Knex;
  const catalogReads: string[] = [];

  beforeAll(async () => {
    knex = await databases.init('SQLITE_3');
    const base = catalogServiceMock({ entities });
    const hidden = (options: { credentials: { principal: unknown } }) =>
      (options.credentials.principal as { userEntityRef?: string })
        .userEntityRef === VIEWER;
    // The catalog as the permission policy makes it: VIEWER may not read
    // secret-service, through any read.
    const catalog = new Proxy(base, {
      get(target, key) {
        const value = Reflect.get(target, key, target);
        if (typeof value !== 'function') return value;
        return async (...args: any[]) => {
          catalogReads.push(String(key));
          const result = await value.apply(target, args);
          const options = args[args.length - 1];
          if (!hidden(options)) return result;
          if (key === 'getEntitiesByRefs') {
            const refs: string[] = args[0].entityRefs;
            return {
              items: result.items.map((item: Entity | null, i: number) =>
                refs[i].toLocaleLowerCase('en-US') === SECRET ? null : item,
              ),
            };
          }
          if (key === 'getEntities') {
            return {
              ...result,
              items: result.items.filter(
                (e: Entity) => stringifyEntityRef(e) !== SECRET,
              ),
            };
          }
          if (key === 'getEntityByRef') {
            return result && stringifyEntityRef(result) === SECRET
              ? undefined
              : result;
          }
          return result;
        };
      },
    });
    ({ server } = await startTestBackend({
      features: [
        opsPlugin,
        createServiceFactory({
          service: catalogServiceRef,
          deps: {},
          factory: () => catalog,
        }),
        mockServices.database.factory({ knex }),
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
      ],
    }));
    // What an alarm refresh would have stored: the entity snapshots, then
    // the aggregate made from them.
    const snapshots = new DatabaseSnapshotStore(knex);
    await snapshots.put(
      ALERTS_ENTITY_KIND,
      PAYMENT,
      snapshot(PAYMENT, [...paymentAlarms, quiet]),
    );
    await snapshots.put(
      ALERTS_ENTITY_KIND,
      SECRET,
      snapshot(SECRET, [secretAlarm]),
    );
    await snapshots.put(
      ALERTS_OVERVIEW_KIND,
      ALERTS_ALL_KEY,
      buildAggregate(await snapshots.list(ALERTS_ENTITY_KIND)),
    );
    const now = new Date().toISOString();
    const reviews = new AlarmReviewsStore(knex);
    for (const [id, alarmName, entityRef] of [
      ['00000000-0000-4000-8000-000000000001', 'secret-flapping', SECRET],
      ['00000000-0000-4000-8000-000000000002', 'payment-noisy-10', PAYMENT],
    ]) {
      await reviews.create({
        id,
        alarmName,
        entityRef,
        outcome: 'keep',
        note: '',
        reviewedBy: GUEST,
        reviewedAt: now,
      });
    }
  });

  const get = (who: string, path: string) =>
    request(server)
      .get(`/api/ops${path}`)
      .set('Authorization', mockCredentials.user.header(who));

  it('validates limit on the overview and the team tab', async () => {
    for (const bad of ['0', '1001', 'abc', '1.5', '-1', '']) {
      for (const path of [
        '/alerts/overview',
        `/alerts/group?entityRef=${GROUP}&`,
      ]) {
        const url = `${path}${path.includes('?') ? '' : '?'}limit=${bad}`;
        const res = await get(GUEST, url);
        expect([url, res.status, res.body.error?.message]).toEqual([
          url,
          400,
          'Invalid query: limit: must be a whole number from 1 to 1000',
        ]);
      }
    }
    const twice = await get(GUEST, '/alerts/overview?limit=1&limit=2');
    expect(twice.status).toBe(400);
    const max = await get(GUEST, '/alerts/overview?limit=1000');
    expect(max.status).toBe(200);
  });

  it('answers the top limit alarms with how many there are, counting all of them', async () => {
    const overview: AlertsOverview = (
      await get(GUEST, '/alerts/overview?limit=2')
    ).body;
    expect(overview.alarms.map(a => a.alarmName)).toEqual([
      'secret-flapping',
      'payment-noisy-50',
    ]);
    expect(overview.alarmsTotal).toBe(6);
    expect(overview.counts).toMatchObject({
      alarms: 7,
      noisy: 6,
      flapping: 1,
      reviewedThisMonth: 2,
    });

    // Default 100: all six listed (the quiet one is not).
    const all: AlertsOverview = (await get(GUEST, '/alerts/overview')).body;
    expect(all.alarms).toHaveLength(6);
    expect(all.alarmsTotal).toBe(6);
    // The latest review is attached to the answered alarms.
    expect(
      all.alarms.find(a => a.alarmName === 'payment-noisy-10')?.review,
    ).toMatchObject({ outcome: 'keep' });

    const group: GroupAlertHealth = (
      await get(GUEST, `/alerts/group?entityRef=${GROUP}&limit=3`)
    ).body;
    expect(group.alarms.map(a => a.alarmName)).toEqual([
      'secret-flapping',
      'payment-noisy-50',
      'payment-noisy-40',
    ]);
    // The team tab lists every alarm of its entities, quiet ones too.
    expect(group.alarmsTotal).toBe(7);
    expect(group.entities.map(e => [e.entityRef, e.alarms, e.flagged])).toEqual(
      [
        [PAYMENT, 6, 5],
        [SECRET, 1, 1],
      ],
    );
  });

  it('leaves out what the caller may not see: overview, export and team tab', async () => {
    // The guest (who sees everything) read first: nothing kept for the
    // guest may reach the viewer.
    expect((await get(GUEST, '/alerts/overview')).body.alarmsTotal).toBe(6);

    const overview: AlertsOverview = (await get(VIEWER, '/alerts/overview'))
      .body;
    expect(overview.alarms.map(a => a.alarmName)).not.toContain(
      'secret-flapping',
    );
    expect(overview.alarms.map(a => a.entityRef)).toEqual(
      Array(5).fill(PAYMENT),
    );
    expect(overview.alarmsTotal).toBe(5);
    expect(overview.counts).toMatchObject({
      alarms: 6,
      noisy: 5,
      flapping: 0,
      reviewedThisMonth: 1,
    });
    expect(overview.reviewsThisMonth.map(r => r.entityRef)).toEqual([PAYMENT]);

    const csv = await get(VIEWER, '/alerts/export?kind=alarms');
    expect(csv.status).toBe(200);
    const names = csv.text
      .trim()
      .split('\r\n')
      .slice(1)
      .map(l => l.split(',')[0]);
    expect(names).toEqual([
      'payment-noisy-50',
      'payment-noisy-40',
      'payment-noisy-30',
      'payment-noisy-20',
      'payment-noisy-10',
    ]);
    const guestCsv = await get(GUEST, '/alerts/export?kind=alarms');
    expect(guestCsv.text).toMatch(/secret-flapping/);

    const group: GroupAlertHealth = (
      await get(VIEWER, `/alerts/group?entityRef=${GROUP}`)
    ).body;
    expect(group.entities.map(e => e.entityRef)).toEqual([PAYMENT]);
    expect(group.alarms.map(a => a.entityRef)).not.toContain(SECRET);
    expect(group.alarmsTotal).toBe(6);
  });

  it('answers the services and people exports without reading the alarms', async () => {
    catalogReads.length = 0;
    const services = await get(GUEST, '/alerts/export?kind=services');
    expect(services.status).toBe(200);
    expect(services.text.trim().split('\r\n')).toHaveLength(1);
    const people = await get(GUEST, '/alerts/export?kind=people');
    expect(people.status).toBe(200);
    expect(catalogReads).toEqual([]);
  });
});
