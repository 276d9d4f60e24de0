import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Knex } from 'knex';
import request from 'supertest';
import { opsPlugin } from '../plugin';
import { DatabaseReviewsStore } from './ReviewsStore';

jest.setTimeout(120_000);

const GUEST = 'user:default/guest';
const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

/**
 * Inputs the route fuzz (src/fuzz/routes.fuzz.test.ts) found mishandled:
 * due dates no calendar has (2031-02-30: `Date.parse` rolls them over into
 * the next month), stored as sent; and links with a NUL (`new URL` escapes
 * it in its own href, but the string as sent was stored), which PostgreSQL
 * refuses, so the request failed with a 500. Versions beyond the 32-bit
 * columns are refused too (PostgreSQL refuses to compare with them). All
 * must be refused with a 400 and change no row.
 */
describe.each(databases.eachSupportedId())(
  'review inputs on %p',
  (databaseId: TestDatabaseId) => {
    async function start() {
      const knex: Knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          opsPlugin,
          catalogServiceMock.factory({
            entities: [
              {
                apiVersion: 'backstage.io/v1alpha1',
                kind: 'User',
                metadata: { name: 'guest', namespace: 'default' },
                spec: { memberOf: [] },
              },
            ],
          }),
          mockServices.database.factory({ knex }),
        ],
      });
      const { review } = await new DatabaseReviewsStore(knex).ensure({
        subjectKind: 'incident',
        subjectId: 'QINPUTS1',
        title: 'Checkout errors',
        severity: 'P1',
        entityRefs: [],
        dueDate: '2031-01-06',
        createdBy: GUEST,
        now: new Date(),
      });
      const id = `PIR-${review.dbId}`;
      const auth = mockCredentials.user.header(GUEST);
      const send = (method: 'post' | 'patch', path: string, body: object) =>
        request(server)
          [method](`/api/ops${path}`)
          .set('Authorization', auth)
          .send(body);
      const created = await send('post', `/reviews/${id}/action-items`, {
        title: 'Add a canary stage',
        owner: GUEST,
        dueDate: '2031-01-10',
      });
      expect(created.status).toBe(201);
      const item = created.body.actionItems[0];
      const rows = async () =>
        JSON.stringify([
          await knex('ops_incident_reviews').select(
            'due_date',
            'document_url',
            'version',
          ),
          await knex('ops_review_action_items').select(
            'due_date',
            'url',
            'version',
          ),
        ]);
      return { id, item, send, rows };
    }

    it('refuses days a month does not have, and stores nothing', async () => {
      const { id, item, send, rows } = await start();
      const before = await rows();
      for (const dueDate of ['2031-02-30', '2031-04-31', '2031-02-29']) {
        const patched = await send('patch', `/reviews/${id}`, {
          version: 1,
          dueDate,
        });
        expect(patched.status).toBe(400);
        expect(patched.body.error.message).toMatch(/dueDate: is not a date/);
        const added = await send('post', `/reviews/${id}/action-items`, {
          title: 'Alert on the error rate',
          owner: GUEST,
          dueDate,
        });
        expect(added.status).toBe(400);
        const itemPatched = await send(
          'patch',
          `/reviews/${id}/action-items/${item.id}`,
          { version: item.version, dueDate },
        );
        expect(itemPatched.status).toBe(400);
      }
      expect(await rows()).toBe(before);

      // A leap day is a day.
      const leap = await send('patch', `/reviews/${id}`, {
        version: 1,
        dueDate: '2032-02-29',
      });
      expect(leap.status).toBe(200);
      expect(leap.body.dueDate).toBe('2032-02-29');
    });

    it('refuses links with a NUL or another control character, and stores nothing', async () => {
      const { id, item, send, rows } = await start();
      const before = await rows();
      for (const link of [
        'https://tracker.example.test/\u0000',
        'https://tracker.example.test/OPS-1\u0007',
      ]) {
        const patched = await send('patch', `/reviews/${id}`, {
          version: 1,
          documentUrl: link,
        });
        expect(patched.status).toBe(400);
        expect(patched.body.error.message).toMatch(/control character/);
        const added = await send('post', `/reviews/${id}/action-items`, {
          title: 'Alert on the error rate',
          owner: GUEST,
          dueDate: '2031-01-10',
          url: link,
        });
        expect(added.status).toBe(400);
        const itemPatched = await send(
          'patch',
          `/reviews/${id}/action-items/${item.id}`,
          { version: item.version, url: link },
        );
        expect(itemPatched.status).toBe(400);
      }
      expect(await rows()).toBe(before);
    });

    it('refuses versions beyond 32 bits with a 400, and stores nothing', async () => {
      const { id, item, send, rows } = await start();
      const before = await rows();
      for (const version of [2 ** 31 - 1, 2 ** 31, 2 ** 53 - 1]) {
        const patched = await send('patch', `/reviews/${id}`, {
          version,
          contributingFactors: 'No canary stage.',
        });
        expect(patched.status).toBe(400);
        const itemPatched = await send(
          'patch',
          `/reviews/${id}/action-items/${item.id}`,
          { version, status: 'done' },
        );
        expect(itemPatched.status).toBe(400);
      }
      expect(await rows()).toBe(before);
    });
  },
);
