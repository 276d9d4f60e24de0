import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { FakePagerDuty, startFakePagerDuty } from '@internal/fake-upstreams';
import opsModulePagerDuty from '@opsportal/plugin-ops-backend-module-pagerduty';
import request from 'supertest';
import { opsPlugin } from '../../plugin';

jest.setTimeout(120_000);

const ALICE = 'user:default/alice-chen';
const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

/**
 * Found by the route fuzz (src/fuzz/routes.fuzz.test.ts): a role
 * assignment with a version beyond the 32-bit column (2147483648), or one
 * whose successor is (2147483647), failed with a 500 on PostgreSQL (out of
 * range). No such version was ever sent: it is refused with a 400, and
 * nothing is stored.
 */
describe.each(databases.eachSupportedId())(
  'role assignment inputs on %p',
  (databaseId: TestDatabaseId) => {
    let pagerduty: FakePagerDuty;
    beforeAll(async () => {
      pagerduty = await startFakePagerDuty({ rateLimitPerMinute: 100_000 });
    });
    afterAll(() => pagerduty.close());

    it('refuses a version beyond 32 bits with a 400 and stores nothing', async () => {
      const knex = await databases.init(databaseId);
      const catalog = catalogServiceMock({
        entities: [
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
        ],
      });
      const { server } = await startTestBackend({
        features: [
          opsPlugin,
          opsModulePagerDuty,
          createServiceFactory({
            service: catalogServiceRef,
            deps: {},
            factory: () => catalog,
          }),
          mockServices.database.factory({ knex }),
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
      const incident = pagerduty.account.incidents.find(
        i => i.status === 'acknowledged',
      )!;
      const put = (body: object) =>
        request(server)
          .put(`/api/ops/incidents/${incident.id}/roles/commander`)
          .set('Authorization', mockCredentials.user.header(ALICE))
          .send(body);

      for (const version of [2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53 - 1]) {
        const res = await put({ userRef: ALICE, version });
        expect(res.status).toBe(400);
        expect(res.body.error.message).toMatch(/version/);
      }
      const [{ n }] = await knex('ops_incident_roles').count({ n: '*' });
      expect(Number(n)).toBe(0);

      // The largest version a write can bump is only stale.
      const stale = await put({ userRef: ALICE, version: 2 ** 31 - 2 });
      expect(stale.status).toBe(409);
      const assigned = await put({ userRef: ALICE });
      expect(assigned.status).toBe(200);
      expect(assigned.body.version).toBe(1);
    });
  },
);
