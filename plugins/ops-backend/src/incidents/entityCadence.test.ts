import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { FakePagerDuty, startFakePagerDuty } from '@internal/fake-upstreams';
import opsModulePagerDuty from '@opsportal/plugin-ops-backend-module-pagerduty';
import {
  AssessedIncident,
  EntityIncidentsResponse,
  IncidentDetail,
} from '@opsportal/plugin-ops-common';
import request from 'supertest';
import { opsPlugin } from '../plugin';

jest.setTimeout(120_000);

const ALICE = 'user:default/alice-chen';
const ORDER = 'component:default/order-service';
const MINUTE = 60_000;

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'order-service',
      namespace: 'default',
      annotations: { 'pagerduty.com/service-id': 'PSVORDR' },
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/dev-team',
    },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'alice-chen', namespace: 'default' },
    spec: {
      profile: {
        displayName: 'Alice Chen',
        email: 'alice.chen@ecommerce-platform.com',
      },
      memberOf: [],
    },
  },
];

/*
 * The entity incident card's "next update due" (issue 15, update cadence),
 * through the whole backend against the fake PagerDuty: the refresh stores
 * the last status update, views only read the snapshot, and an update
 * posted from the incident page shows on the card at once.
 */
describe('next status update due on the entity incident card', () => {
  let pagerduty: FakePagerDuty;
  beforeAll(async () => {
    pagerduty = await startFakePagerDuty({ rateLimitPerMinute: 100_000 });
  });
  afterAll(() => pagerduty.close());

  async function startBackend() {
    const catalog = catalogServiceMock({ entities });
    const { server } = await startTestBackend({
      features: [
        opsPlugin,
        opsModulePagerDuty,
        createServiceFactory({
          service: catalogServiceRef,
          deps: {},
          factory: () => catalog,
        }),
        mockServices.rootLogger.factory({ level: 'error' }),
        mockServices.rootConfig.factory({
          data: {
            ops: {
              pagerduty: {
                apiBaseUrl: pagerduty.url,
                eventsBaseUrl: pagerduty.url,
                token: 'local-fake-token',
                maxAttempts: 1,
              },
            },
          },
        }),
      ],
    });
    const get = (path: string) =>
      request(server)
        .get(`/api/ops${path}`)
        .set('Authorization', mockCredentials.user.header(ALICE));
    const post = (path: string, body: object) =>
      request(server)
        .post(`/api/ops${path}`)
        .set('Authorization', mockCredentials.user.header(ALICE))
        .send(body);
    const card = async (): Promise<AssessedIncident[]> => {
      const res = await get(
        `/incidents/entity?entityRef=${encodeURIComponent(ORDER)}`,
      );
      expect(res.status).toBe(200);
      return (res.body as EntityIncidentsResponse).data.incidents;
    };
    return { get, post, card };
  }

  /** The fake's open, acknowledged P1 on order-service (`open:order`). */
  function orderP1() {
    const incident = pagerduty.account.incidents.find(
      i => i.serviceId === 'PSVORDR' && i.status === 'acknowledged',
    )!;
    expect(incident.priority).toBe('P1');
    return incident;
  }

  it('counts from the start, then from the update posted through the portal, reading PagerDuty only on refreshes', async () => {
    const { get, post, card } = await startBackend();
    const p1 = orderP1();
    const dueOf = (incidents: AssessedIncident[]) =>
      incidents.find(i => i.id === p1.id)?.nextUpdateDue;

    // First view: a miss, fetched at once (the lists and the P1's log).
    const first = await card();
    expect(dueOf(first)).toBe(
      new Date(p1.createdAt + 15 * MINUTE).toISOString(),
    );
    // Only open incidents that owe updates get one.
    expect(
      first
        .filter(i => i.status === 'resolved' || i.severity === 'P3')
        .every(i => i.nextUpdateDue === undefined),
    ).toBe(true);

    // Repeated views answer from the snapshot: no upstream request.
    const before = pagerduty.stats.requests;
    for (let n = 0; n < 3; n++) {
      expect(dueOf(await card())).toBe(dueOf(first));
    }
    expect(pagerduty.stats.requests).toBe(before);

    // A status update posted from the incident page moves the card's due time.
    const update = await post(`/incidents/${p1.id}/status-updates`, {
      message: 'Payments provider answers again; watching error rates.',
    });
    expect(update.status).toBe(201);
    const expected = new Date(
      Date.parse(update.body.at) + 15 * MINUTE,
    ).toISOString();
    const after = await card();
    expect(dueOf(after)).toBe(expected);

    const settled = pagerduty.stats.requests;
    for (let n = 0; n < 3; n++) {
      expect(dueOf(await card())).toBe(expected);
    }
    expect(pagerduty.stats.requests).toBe(settled);

    // The incident page says the same (one cadence for page and card).
    const page = await get(`/incidents/${p1.id}`);
    expect(page.status).toBe(200);
    expect((page.body as IncidentDetail).incident.nextUpdateDue).toBe(expected);
  });
});
