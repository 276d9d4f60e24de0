import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  changeTransitionSchema,
  createChangeRequestSchema,
  updateChangeRequestSchema,
} from '@opsportal/plugin-ops-common';
import fc from 'fast-check';
import { Knex } from 'knex';
import request from 'supertest';
import { z } from 'zod';
import { opsPlugin } from '../plugin';

/**
 * Throws malformed bodies and queries at every change-request route: the
 * answer is never a server error, a malformed write is always a 400, and no
 * malformed write leaves a row behind.
 */

jest.setTimeout(600_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'MYSQL_8', 'SQLITE_3'],
});

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payment-service', namespace: 'default' },
    spec: { type: 'service', owner: 'group:default/dev-team' },
  },
];

const USER = 'user:default/guest';
const valid = {
  title: 'Add an index to the payments table',
  description: 'Refund lookups scan the table.',
  category: 'normal',
  risk: 'medium',
  entityRefs: ['component:default/payment-service'],
  plannedStart: '2031-01-05T07:00:00.000Z',
  plannedEnd: '2031-01-05T08:00:00.000Z',
  implementationPlan: 'Run migration 42.',
  rollbackPlan: 'Run the down migration.',
  testPlan: 'Refund smoke test.',
};

/** JSON values, including the awkward ones. */
const nasty = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(
    null,
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    '💥'.repeat(300),
    'x'.repeat(30_000),
    -1,
    0,
    1.5,
    2 ** 53,
    -(2 ** 31),
    1e308,
    true,
    [],
    {},
    ['component:'],
    ['user:default/guest'],
    'component:default/does-not-exist',
    '0000-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
    '2031-01-05T07:00:00',
    '2031-02-30T07:00:00Z',
    'CHG-1001',
    { __proto__: { polluted: true } },
    { constructor: { prototype: { polluted: true } } },
  ),
);

/** A valid body with one field broken, dropped or an unknown one added. */
function mutated(base: Record<string, unknown>) {
  const keys = Object.keys(base);
  return fc.oneof(
    fc
      .tuple(fc.constantFrom(...keys), nasty)
      .map(([key, value]) => ({ ...base, [key]: value })),
    fc
      .constantFrom(...keys)
      .map(key =>
        Object.fromEntries(Object.entries(base).filter(([k]) => k !== key)),
      ),
    fc
      .tuple(fc.string({ minLength: 1, maxLength: 20 }), nasty)
      .filter(([key]) => !keys.includes(key))
      .map(([key, value]) => ({ ...base, [key]: value })),
    nasty,
  );
}

/** Bodies the API contract rejects. */
function malformed(schema: z.ZodType, base: Record<string, unknown>) {
  return mutated(base).filter(body => !schema.safeParse(body).success);
}

async function counts(knex: Knex) {
  const [changes, history, links] = await Promise.all(
    [
      'ops_change_requests',
      'ops_change_request_history',
      'ops_change_request_entities',
    ].map(async table => {
      const [row] = await knex(table).count({ n: '*' });
      return Number(row.n);
    }),
  );
  return { changes, history, links };
}

describe.each(databases.eachSupportedId())('malformed input on %s', id => {
  const runs = id === 'SQLITE_3' ? 1000 : 150;

  it('never answers 5xx and never writes a row', async () => {
    const knex = await databases.init(id);
    const { server } = await startTestBackend({
      features: [
        opsPlugin,
        catalogServiceMock.factory({ entities }),
        mockServices.database.factory({ knex }),
      ],
    });
    const auth = mockCredentials.user.header(USER);
    const send = (method: 'post' | 'patch', path: string, body: unknown) =>
      request(server)
        [method](`/api/ops${path}`)
        .set('Authorization', auth)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(body));

    const draft = (await send('post', '/change-requests', valid)).body.change;
    const submitted = (
      await send('post', '/change-requests', {
        ...valid,
        justification: 'Needed.',
        action: 'submit',
      })
    ).body.change;
    expect(draft.version).toBe(1);
    expect(submitted.status).toBe('submitted');
    const before = await counts(knex);

    const check = async (res: request.Response, what: unknown) => {
      if (res.status !== 400) {
        throw new Error(
          `Expected 400 for ${JSON.stringify(what)?.slice(0, 300)}, got ${
            res.status
          }: ${JSON.stringify(res.body).slice(0, 300)}`,
        );
      }
    };

    await fc.assert(
      fc.asyncProperty(
        malformed(createChangeRequestSchema, { ...valid, action: 'submit' }),
        async body => check(await send('post', '/change-requests', body), body),
      ),
      { numRuns: runs },
    );
    await fc.assert(
      fc.asyncProperty(
        malformed(updateChangeRequestSchema, {
          title: 'New title',
          version: 1,
        }),
        async body =>
          check(
            await send('patch', `/change-requests/${draft.id}`, body),
            body,
          ),
      ),
      { numRuns: runs },
    );
    await fc.assert(
      fc.asyncProperty(
        malformed(changeTransitionSchema, {
          action: 'cancel',
          comment: 'Not needed',
          version: 2,
        }),
        async body =>
          check(
            await send(
              'post',
              `/change-requests/${submitted.id}/transitions`,
              body,
            ),
            body,
          ),
      ),
      { numRuns: runs },
    );

    // Bodies that are not JSON at all.
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string(), fc.constantFrom('{', '{"title":', '[1,', 'null')),
        async text => {
          const res = await request(server)
            .post('/api/ops/change-requests')
            .set('Authorization', auth)
            .set('Content-Type', 'application/json')
            .send(text);
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: Math.round(runs / 4) },
    );

    // Ids and queries.
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 40 }),
        fc.dictionary(
          fc.constantFrom(
            'entityRef',
            'status',
            'category',
            'requester',
            'plannedFrom',
            'plannedTo',
            'sort',
            'order',
            'limit',
            'cursor',
            'from',
            'to',
            'other',
          ),
          fc.oneof(
            fc.string({ maxLength: 60 }),
            fc.array(fc.string(), { maxLength: 3 }),
          ),
        ),
        async (changeId, query) => {
          for (const path of [
            '/change-requests',
            `/change-requests/${encodeURIComponent(changeId)}`,
            '/maintenance-windows',
            '/change-measures',
          ]) {
            const res = await request(server)
              .get(`/api/ops${path}`)
              .query(query)
              .set('Authorization', auth);
            if (res.status >= 500) {
              throw new Error(
                `${path}?${JSON.stringify(query)} answered ${
                  res.status
                }: ${JSON.stringify(res.body).slice(0, 300)}`,
              );
            }
          }
        },
      ),
      { numRuns: Math.round(runs / 2) },
    );

    expect(await counts(knex)).toEqual(before);
    const unchanged = await request(server)
      .get(`/api/ops/change-requests/${submitted.id}`)
      .set('Authorization', auth);
    expect(unchanged.body.change).toMatchObject({
      status: 'submitted',
      version: 2,
    });
  });
});
