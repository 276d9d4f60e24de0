import { TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError, InputError } from '@backstage/errors';
import { Knex } from 'knex';
import {
  applyDatabaseMigrations,
  rollbackDatabaseMigrations,
} from '../database/migrations';
import {
  currentApprovals,
  DatabaseChangeRequestStore,
  StoredFields,
} from './ChangeRequestStore';

jest.setTimeout(120_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'MYSQL_8', 'SQLITE_3'],
});

const fields = (overrides: Partial<StoredFields> = {}): StoredFields => ({
  title: 'Add an index to the payments table',
  description: 'Speeds up refunds.',
  category: 'normal',
  risk: 'medium',
  entityRefs: ['component:default/payment-service'],
  plannedStart: '2026-12-06T07:00:00.000Z',
  plannedEnd: '2026-12-06T08:00:00.000Z',
  implementationPlan: 'Run the migration.',
  rollbackPlan: 'Drop the index.',
  testPlan: 'Refund smoke test.',
  ...overrides,
});

const now = new Date('2026-11-25T12:00:00.000Z');
const guest = 'user:default/guest';

describe.each(databases.eachSupportedId())(
  'DatabaseChangeRequestStore on %s',
  id => {
    let knex: Knex;
    let store: DatabaseChangeRequestStore;

    beforeAll(async () => {
      knex = await databases.init(id);
      await applyDatabaseMigrations(knex);
      store = new DatabaseChangeRequestStore(knex);
    });

    async function createDraft(overrides: Partial<StoredFields> = {}) {
      return store.create({
        fields: fields(overrides),
        requester: guest,
        now,
        steps: [
          { action: 'create', toStatus: 'draft', set: { status: 'draft' } },
        ],
      });
    }

    it('stores a change request with its entities and reads it back', async () => {
      const change = await store.create({
        fields: fields({
          entityRefs: [
            'component:default/payment-service',
            'component:default/order-service',
          ],
          justification: 'Refunds time out.',
        }),
        requester: guest,
        now,
        steps: [
          { action: 'create', toStatus: 'draft', set: { status: 'draft' } },
          {
            action: 'submit',
            fromStatus: 'draft',
            toStatus: 'submitted',
            set: { status: 'submitted', submittedAt: now },
          },
        ],
      });
      expect(change).toMatchObject({
        id: expect.stringMatching(/^CHG-\d{4,}$/),
        title: 'Add an index to the payments table',
        category: 'normal',
        status: 'submitted',
        version: 2,
        requester: guest,
        justification: 'Refunds time out.',
        entityRefs: [
          'component:default/order-service',
          'component:default/payment-service',
        ],
        plannedStart: '2026-12-06T07:00:00.000Z',
        plannedEnd: '2026-12-06T08:00:00.000Z',
        createdAt: '2026-11-25T12:00:00.000Z',
        submittedAt: '2026-11-25T12:00:00.000Z',
      });
      const dbId = Number(change.id.slice(4)) - 1000;
      // What create answers is what is stored.
      expect(await store.get(dbId)).toEqual(change);
      expect(await store.history(dbId)).toEqual([
        expect.objectContaining({
          version: 1,
          action: 'create',
          toStatus: 'draft',
        }),
        expect.objectContaining({
          version: 2,
          action: 'submit',
          fromStatus: 'draft',
          toStatus: 'submitted',
          actor: guest,
        }),
      ]);
    });

    it('moves a change only from the version the writer read', async () => {
      const draft = await createDraft();
      const dbId = Number(draft.id.slice(4)) - 1000;
      const later = new Date('2026-11-25T13:00:00.000Z');
      const moved = await store.transition({
        dbId,
        expectedVersion: 1,
        set: { status: 'submitted', submittedAt: later },
        step: { action: 'submit', fromStatus: 'draft', toStatus: 'submitted' },
        actor: guest,
        now: later,
      });
      expect(moved).toMatchObject({
        status: 'submitted',
        version: 2,
        updatedAt: '2026-11-25T13:00:00.000Z',
      });

      await expect(
        store.transition({
          dbId,
          expectedVersion: 1,
          set: { status: 'cancelled' },
          step: {
            action: 'cancel',
            fromStatus: 'draft',
            toStatus: 'cancelled',
          },
          actor: guest,
          now: later,
        }),
      ).rejects.toThrow(ConflictError);
      expect((await store.get(dbId))?.status).toBe('submitted');
      expect(await store.history(dbId)).toHaveLength(2);
      // The entity filter follows the new status.
      const byEntityAndStatus = (status: 'draft' | 'submitted') =>
        store.list({
          entityRef: ['component:default/payment-service'],
          status: [status],
          sort: 'createdAt',
          order: 'desc',
          limit: 200,
        });
      expect(
        (await byEntityAndStatus('submitted')).items.map(c => c.id),
      ).toContain(draft.id);
      expect(
        (await byEntityAndStatus('draft')).items.map(c => c.id),
      ).not.toContain(draft.id);
    });

    it('lets exactly one of many concurrent writers win, and keeps the history complete', async () => {
      const draft = await createDraft({ title: 'Concurrent target' });
      const dbId = Number(draft.id.slice(4)) - 1000;
      const actors = Array.from({ length: 8 }, (_, i) => `user:default/u${i}`);
      const results = await Promise.allSettled(
        actors.map(actor =>
          store.transition({
            dbId,
            expectedVersion: 1,
            set: { status: 'submitted', submittedAt: now },
            step: {
              action: 'submit',
              fromStatus: 'draft',
              toStatus: 'submitted',
            },
            actor,
            now,
          }),
        ),
      );
      const won = results.filter(r => r.status === 'fulfilled');
      const lost = results.filter(
        (r): r is PromiseRejectedResult => r.status === 'rejected',
      );
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(7);
      for (const r of lost) expect(r.reason).toBeInstanceOf(ConflictError);

      const history = await store.history(dbId);
      expect(history.map(h => h.version)).toEqual([1, 2]);
      expect((await store.get(dbId))?.version).toBe(2);
    });

    it('edits fields and entities of a draft and records the edit', async () => {
      const draft = await createDraft();
      const dbId = Number(draft.id.slice(4)) - 1000;
      const edited = await store.update({
        dbId,
        expectedVersion: 1,
        fields: {
          title: 'Add two indexes',
          entityRefs: ['component:default/order-service'],
          standardType: null,
        },
        actor: guest,
        comment: 'Edited title, entityRefs',
        now,
      });
      expect(edited).toMatchObject({
        title: 'Add two indexes',
        entityRefs: ['component:default/order-service'],
        version: 2,
        status: 'draft',
      });
      expect((await store.history(dbId))[1]).toMatchObject({
        action: 'edit',
        fromStatus: 'draft',
        toStatus: 'draft',
        comment: 'Edited title, entityRefs',
      });
    });

    it('lists with filters, sorting and cursor paging', async () => {
      const entity = `component:default/list-${id.toLowerCase()}`;
      for (let i = 0; i < 7; i++) {
        await store.create({
          fields: fields({
            title: `Change ${i}`,
            entityRefs: [entity],
            category: i % 2 ? 'standard' : 'normal',
            plannedStart: `2027-01-0${i + 1}T10:00:00.000Z`,
            plannedEnd: `2027-01-0${i + 1}T11:00:00.000Z`,
          }),
          requester: guest,
          now: new Date(now.getTime() + i * 1000),
          steps: [
            { action: 'create', toStatus: 'draft', set: { status: 'draft' } },
          ],
        });
      }
      const base = {
        entityRef: [entity],
        sort: 'plannedStart' as const,
        order: 'asc' as const,
        limit: 3,
      };
      const first = await store.list(base);
      expect(first.items.map(c => c.title)).toEqual([
        'Change 0',
        'Change 1',
        'Change 2',
      ]);
      const second = await store.list({ ...base, cursor: first.nextCursor });
      const third = await store.list({ ...base, cursor: second.nextCursor });
      expect(second.items.map(c => c.title)).toEqual([
        'Change 3',
        'Change 4',
        'Change 5',
      ]);
      expect(third.items.map(c => c.title)).toEqual(['Change 6']);
      expect(third.nextCursor).toBeUndefined();

      const newestNormal = await store.list({
        ...base,
        category: ['normal'],
        sort: 'createdAt',
        order: 'desc',
        limit: 50,
      });
      expect(newestNormal.items.map(c => c.title)).toEqual([
        'Change 6',
        'Change 4',
        'Change 2',
        'Change 0',
      ]);

      const inRange = await store.list({
        ...base,
        limit: 50,
        plannedFrom: '2027-01-02T10:30:00.000Z',
        plannedTo: '2027-01-04T10:00:00.000Z',
      });
      expect(inRange.items.map(c => c.title)).toEqual(['Change 1', 'Change 2']);

      await expect(store.list({ ...base, cursor: 'bm9wZQ' })).rejects.toThrow(
        InputError,
      );
    });

    it('applies permission filters in SQL', async () => {
      const entity = `component:default/perm-${id.toLowerCase()}`;
      const mine = await createDraft({ entityRefs: [entity], title: 'Mine' });
      await store.create({
        fields: fields({ entityRefs: [entity], title: 'Theirs' }),
        requester: 'user:default/alice-chen',
        now,
        steps: [
          { action: 'create', toStatus: 'draft', set: { status: 'draft' } },
        ],
      });
      const query = {
        entityRef: [entity],
        sort: 'createdAt' as const,
        order: 'asc' as const,
        limit: 50,
      };
      const onlyMine = await store.list(query, {
        property: 'requester',
        values: [guest],
      });
      expect(onlyMine.items.map(c => c.id)).toEqual([mine.id]);
      const notMine = await store.list(query, {
        not: { property: 'requester', values: [guest] },
      });
      expect(notMine.items.map(c => c.title)).toEqual(['Theirs']);
      const either = await store.list(query, {
        anyOf: [
          { property: 'requester', values: [guest] },
          { property: 'entityRef', values: ['component:default/nothing'] },
        ],
      });
      expect(either.items.map(c => c.title)).toEqual(['Mine']);
    });

    it('finds active changes that overlap on a shared entity', async () => {
      const entity = `component:default/overlap-${id.toLowerCase()}`;
      const make = async (
        start: string,
        end: string,
        status: 'submitted' | 'cancelled',
      ) =>
        store.create({
          fields: fields({
            entityRefs: [entity],
            plannedStart: start,
            plannedEnd: end,
          }),
          requester: guest,
          now,
          steps: [
            { action: 'create', toStatus: 'draft', set: { status: 'draft' } },
            {
              action: 'submit',
              fromStatus: 'draft',
              toStatus: status,
              set: { status },
            },
          ],
        });
      const a = await make(
        '2027-02-07T07:00:00Z',
        '2027-02-07T08:00:00Z',
        'submitted',
      );
      await make('2027-02-07T07:30:00Z', '2027-02-07T08:30:00Z', 'cancelled');
      await make('2027-02-07T08:00:00Z', '2027-02-07T09:00:00Z', 'submitted'); // touches, no overlap
      const found = await store.findOverlapping({
        entityRefs: [entity, 'component:default/other'],
        plannedStart: '2027-02-07T07:45:00Z',
        plannedEnd: '2027-02-07T08:00:00Z',
      });
      expect(found.map(c => c.id)).toEqual([a.id]);
    });

    it('lists implemented changes for the measures', async () => {
      const draft = await createDraft({ category: 'emergency' });
      const dbId = Number(draft.id.slice(4)) - 1000;
      const started = new Date('2030-01-01T10:00:00.000Z');
      await store.transition({
        dbId,
        expectedVersion: 1,
        set: {
          status: 'in-progress',
          startedAt: started,
          submittedAt: started,
        },
        step: { action: 'start', fromStatus: 'draft', toStatus: 'in-progress' },
        actor: guest,
        now: started,
      });
      const finished = new Date('2030-01-01T12:30:00.000Z');
      await store.transition({
        dbId,
        expectedVersion: 2,
        set: {
          status: 'review-pending',
          outcome: 'rolled-back',
          finishedAt: finished,
        },
        step: {
          action: 'roll-back',
          fromStatus: 'in-progress',
          toStatus: 'review-pending',
        },
        actor: guest,
        now: finished,
      });
      const records = await store.listImplemented(
        new Date('2030-01-01T00:00:00Z'),
        new Date('2030-01-02T00:00:00Z'),
      );
      expect(records).toEqual([
        {
          id: draft.id,
          category: 'emergency',
          outcome: 'rolled-back',
          entityRefs: ['component:default/payment-service'],
          submittedAt: '2030-01-01T10:00:00.000Z',
          finishedAt: '2030-01-01T12:30:00.000Z',
        },
      ]);
    });

    it('computes the current approval round from the history', () => {
      expect(
        currentApprovals([
          {
            version: 1,
            actor: guest,
            at: 'a',
            action: 'create',
            toStatus: 'draft',
          },
          {
            version: 2,
            actor: guest,
            at: 'b',
            action: 'submit',
            toStatus: 'submitted',
          },
          {
            version: 3,
            actor: 'user:default/alice-chen',
            at: 'c',
            action: 'approve',
            toStatus: 'submitted',
            comment: 'ok',
          },
        ]),
      ).toEqual([{ by: 'user:default/alice-chen', at: 'c', comment: 'ok' }]);
    });

    it('migrates down cleanly', async () => {
      const fresh = await databases.init(id);
      await applyDatabaseMigrations(fresh);
      await rollbackDatabaseMigrations(fresh);
      expect(await fresh.schema.hasTable('ops_change_requests')).toBe(false);
      expect(await fresh.schema.hasTable('ops_change_request_history')).toBe(
        false,
      );
      await applyDatabaseMigrations(fresh);
      expect(await fresh.schema.hasTable('ops_change_requests')).toBe(true);
    });
  },
);
