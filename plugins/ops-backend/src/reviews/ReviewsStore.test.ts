import { TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { Knex } from 'knex';
import {
  applyDatabaseMigrations,
  rollbackDatabaseMigrations,
} from '../database/migrations';
import {
  DatabaseReviewsStore,
  isUniqueViolation,
  NewReview,
} from './ReviewsStore';

jest.setTimeout(120_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'MYSQL_8', 'SQLITE_3'],
});

const now = new Date('2026-12-04T10:00:00.000Z');
const later = new Date('2026-12-07T09:30:00.000Z');

let subjects = 0;
const newReview = (overrides: Partial<NewReview> = {}): NewReview => ({
  subjectKind: 'incident',
  subjectId: `Q${(subjects += 1)}ABC`,
  title: 'Checkout errors',
  severity: 'P1',
  entityRefs: ['component:default/order-service'],
  dueDate: '2026-12-11',
  createdBy: 'plugin:ops',
  now,
  ...overrides,
});

describe.each(databases.eachSupportedId())('DatabaseReviewsStore on %s', id => {
  let knex: Knex;
  let store: DatabaseReviewsStore;

  beforeAll(async () => {
    knex = await databases.init(id);
    await applyDatabaseMigrations(knex);
    store = new DatabaseReviewsStore(knex);
  });

  it('creates a review once per subject and reads it back', async () => {
    const input = newReview({
      entityRefs: [
        'component:default/order-service',
        'component:default/payment-service',
      ],
    });
    const first = await store.ensure(input);
    expect(first.created).toBe(true);
    expect(first.review).toEqual({
      dbId: expect.any(Number),
      subjectKind: 'incident',
      subjectId: input.subjectId,
      title: 'Checkout errors',
      severity: 'P1',
      entityRefs: [
        'component:default/order-service',
        'component:default/payment-service',
      ],
      dueDate: '2026-12-11',
      status: 'open',
      contributingFactors: '',
      createdAt: '2026-12-04T10:00:00.000Z',
      createdBy: 'plugin:ops',
      version: 1,
      actionItems: [],
    });
    const again = await store.ensure({ ...input, title: 'Something else' });
    expect(again).toEqual({ review: first.review, created: false });
    expect(await store.get(first.review.dbId)).toEqual(first.review);
    expect(await store.getBySubject('incident', input.subjectId)).toEqual(
      first.review,
    );
    // The same id of another kind is another subject.
    expect(await store.getBySubject('change', input.subjectId)).toBeUndefined();
  });

  it('keeps one review when replicas create it at the same time', async () => {
    const input = newReview();
    const stores = [store, new DatabaseReviewsStore(knex)];
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => stores[i % 2].ensure(input)),
    );
    expect(results.filter(r => r.created)).toHaveLength(1);
    expect(new Set(results.map(r => r.review.dbId)).size).toBe(1);
    const rows = await knex('ops_incident_reviews').where({
      subject_id: input.subjectId,
    });
    expect(rows).toHaveLength(1);
  });

  it("recognises this database's unique-key violation", async () => {
    const { review } = await store.ensure(newReview());
    const error = await knex('ops_incident_reviews')
      .insert({
        subject_kind: review.subjectKind,
        subject_id: review.subjectId,
        title: 'duplicate',
        entity_refs: '[]',
        due_date: '2026-12-11',
        status: 'open',
        contributing_factors: '',
        created_at: now,
        created_by: 'plugin:ops',
        version: 1,
      })
      .then(
        () => undefined,
        e => e,
      );
    expect(error).toBeDefined();
    expect(isUniqueViolation(error)).toBe(true);
    expect(isUniqueViolation(new Error('connection reset'))).toBe(false);
  });

  it('says which subjects have a review', async () => {
    const a = newReview();
    await store.ensure(a);
    expect(
      await store.subjectsWithReviews('incident', [a.subjectId, 'QNONE']),
    ).toEqual(new Set([a.subjectId]));
    expect(await store.subjectsWithReviews('incident', [])).toEqual(new Set());
  });

  it('edits only from the version the writer read', async () => {
    const { review } = await store.ensure(newReview());
    const edited = await store.update({
      dbId: review.dbId,
      expectedVersion: 1,
      patch: {
        owner: 'user:default/ana-silva',
        documentUrl: 'https://docs.example.com/pir/1',
        contributingFactors: 'A config change removed the connection limit.',
      },
      now: later,
    });
    expect(edited).toMatchObject({
      owner: 'user:default/ana-silva',
      documentUrl: 'https://docs.example.com/pir/1',
      contributingFactors: 'A config change removed the connection limit.',
      status: 'open',
      version: 2,
    });
    await expect(
      store.update({
        dbId: review.dbId,
        expectedVersion: 1,
        patch: { contributingFactors: 'lost update' },
        now: later,
      }),
    ).rejects.toThrow(ConflictError);
    expect((await store.get(review.dbId))?.contributingFactors).toBe(
      'A config change removed the connection limit.',
    );
    await expect(
      store.update({
        dbId: 999_999,
        expectedVersion: 1,
        patch: {},
        now: later,
      }),
    ).rejects.toThrow(NotFoundError);

    // Clearing the link.
    const cleared = await store.update({
      dbId: review.dbId,
      expectedVersion: 2,
      patch: { documentUrl: null },
      now: later,
    });
    expect(cleared.documentUrl).toBeUndefined();
  });

  it('lets one of two concurrent edits of the same version win', async () => {
    const { review } = await store.ensure(newReview());
    const results = await Promise.allSettled(
      ['first', 'second', 'third'].map(text =>
        store.update({
          dbId: review.dbId,
          expectedVersion: 1,
          patch: { contributingFactors: text },
          now: later,
        }),
      ),
    );
    expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1);
    const refusals = results.flatMap(r =>
      r.status === 'rejected' ? [r.reason] : [],
    );
    expect(refusals).toHaveLength(2);
    expect(refusals.every(e => e instanceof ConflictError)).toBe(true);
    expect((await store.get(review.dbId))?.version).toBe(2);
  });

  it('records completion and clears it when reopened', async () => {
    const { review } = await store.ensure(newReview());
    const done = await store.update({
      dbId: review.dbId,
      expectedVersion: 1,
      patch: { status: 'completed' },
      now: later,
    });
    expect(done).toMatchObject({
      status: 'completed',
      completedAt: '2026-12-07T09:30:00.000Z',
    });
    const reopened = await store.update({
      dbId: review.dbId,
      expectedVersion: 2,
      patch: { status: 'open' },
      now: later,
    });
    expect(reopened.status).toBe('open');
    expect(reopened.completedAt).toBeUndefined();
  });

  it('adds and edits action items with their own versions', async () => {
    const { review } = await store.ensure(newReview());
    const { item, review: withItem } = await store.addActionItem({
      reviewDbId: review.dbId,
      title: 'Alert on connection pool saturation',
      owner: 'user:default/ana-silva',
      dueDate: '2026-12-18',
      url: 'https://issues.example.com/OPS-12',
      now: later,
    });
    expect(item).toEqual({
      dbId: expect.any(Number),
      reviewDbId: review.dbId,
      title: 'Alert on connection pool saturation',
      owner: 'user:default/ana-silva',
      dueDate: '2026-12-18',
      status: 'open',
      url: 'https://issues.example.com/OPS-12',
      version: 1,
      createdAt: '2026-12-07T09:30:00.000Z',
    });
    expect(withItem.actionItems).toEqual([item]);
    const second = await store.addActionItem({
      reviewDbId: review.dbId,
      title: 'Document the limit',
      owner: 'user:default/ben-okafor',
      dueDate: '2026-12-10',
      now: later,
    });
    expect(second.review.actionItems.map(i => i.title)).toEqual([
      'Alert on connection pool saturation',
      'Document the limit',
    ]);

    const moved = await store.updateActionItem({
      reviewDbId: review.dbId,
      itemDbId: item.dbId,
      expectedVersion: 1,
      patch: { status: 'in-progress', url: null },
      now: later,
    });
    expect(moved.item).toMatchObject({ status: 'in-progress', version: 2 });
    expect(moved.item.url).toBeUndefined();
    await expect(
      store.updateActionItem({
        reviewDbId: review.dbId,
        itemDbId: item.dbId,
        expectedVersion: 1,
        patch: { status: 'done' },
        now: later,
      }),
    ).rejects.toThrow(ConflictError);
    // An item of another review is not found through this one.
    const { review: other } = await store.ensure(newReview());
    await expect(
      store.updateActionItem({
        reviewDbId: other.dbId,
        itemDbId: item.dbId,
        expectedVersion: 2,
        patch: { status: 'done' },
        now: later,
      }),
    ).rejects.toThrow(NotFoundError);
    await expect(
      store.addActionItem({
        reviewDbId: 999_999,
        title: 'Nothing',
        owner: 'user:default/ana-silva',
        dueDate: '2026-12-10',
        now: later,
      }),
    ).rejects.toThrow(NotFoundError);

    const open = await store.listOpenActionItems({
      dueOnOrBefore: '2026-12-10',
    });
    expect(open.map(i => i.dbId)).toContain(second.item.dbId);
    expect(open.map(i => i.dbId)).not.toContain(item.dbId);
  });

  it('remembers when an action item was done, for the KPIs', async () => {
    const { review } = await store.ensure(
      newReview({ entityRefs: ['component:default/search-service'] }),
    );
    const { item } = await store.addActionItem({
      reviewDbId: review.dbId,
      title: 'Tune the search cache',
      owner: 'user:default/ana-silva',
      dueDate: '2026-12-09',
      now,
    });
    const done = await store.updateActionItem({
      reviewDbId: review.dbId,
      itemDbId: item.dbId,
      expectedVersion: 1,
      patch: { status: 'done' },
      now: later,
    });
    expect(done.item.doneAt).toBe('2026-12-07T09:30:00.000Z');
    const since = (d: string) =>
      store
        .listActionItemsForKpis(new Date(d))
        .then(items => items.find(i => i.dbId === item.dbId));
    expect(await since('2026-12-01T00:00:00Z')).toMatchObject({
      doneAt: '2026-12-07T09:30:00.000Z',
      entityRefs: ['component:default/search-service'],
    });
    expect(await since('2026-12-08T00:00:00Z')).toBeUndefined();
    // Reopened: not done any more.
    const reopened = await store.updateActionItem({
      reviewDbId: review.dbId,
      itemDbId: item.dbId,
      expectedVersion: 2,
      patch: { status: 'open' },
      now: later,
    });
    expect(reopened.item.doneAt).toBeUndefined();
    expect(await since('2026-12-08T00:00:00Z')).toMatchObject({
      status: 'open',
    });
  });

  it('lists open reviews and recently completed ones, soonest due first', async () => {
    const fresh = await databases.init(id);
    await applyDatabaseMigrations(fresh);
    const s = new DatabaseReviewsStore(fresh);
    const late = await s.ensure(newReview({ dueDate: '2026-12-20' }));
    const soon = await s.ensure(newReview({ dueDate: '2026-12-08' }));
    const old = await s.ensure(newReview({ dueDate: '2026-10-01' }));
    const recent = await s.ensure(newReview({ dueDate: '2026-12-05' }));
    await s.update({
      dbId: old.review.dbId,
      expectedVersion: 1,
      patch: { status: 'completed' },
      now: new Date('2026-10-01T12:00:00Z'),
    });
    await s.update({
      dbId: recent.review.dbId,
      expectedVersion: 1,
      patch: { status: 'completed' },
      now: later,
    });
    expect((await s.list({})).map(r => r.dbId)).toEqual([
      soon.review.dbId,
      late.review.dbId,
    ]);
    expect(
      (await s.list({ completedSince: new Date('2026-11-01T00:00:00Z') })).map(
        r => r.dbId,
      ),
    ).toEqual([recent.review.dbId, soon.review.dbId, late.review.dbId]);
    expect(
      (await s.listDueBetween('2026-12-01', '2026-12-08')).map(r => r.dbId),
    ).toEqual([recent.review.dbId, soon.review.dbId]);
  });

  it('claims each reminder once and forgets it when the owner or date changes', async () => {
    const { review } = await store.ensure(
      newReview({ owner: 'user:default/ana-silva' }),
    );
    expect(await store.claimReminder(review.dbId, 'due', later)).toBe(true);
    expect(await store.claimReminder(review.dbId, 'due', later)).toBe(false);
    expect((await store.get(review.dbId))?.dueNotifiedAt).toBe(
      '2026-12-07T09:30:00.000Z',
    );
    await store.releaseReminder(review.dbId, 'due');
    expect(await store.claimReminder(review.dbId, 'due', later)).toBe(true);
    expect(await store.claimReminder(review.dbId, 'overdue', later)).toBe(true);

    const moved = await store.update({
      dbId: review.dbId,
      expectedVersion: 1,
      patch: { dueDate: '2026-12-15' },
      now: later,
    });
    expect(moved.dueNotifiedAt).toBeUndefined();
    expect(moved.overdueNotifiedAt).toBeUndefined();
    // Other edits keep what was sent.
    await store.claimReminder(review.dbId, 'due', later);
    const edited = await store.update({
      dbId: review.dbId,
      expectedVersion: 2,
      patch: { contributingFactors: 'x' },
      now: later,
    });
    expect(edited.dueNotifiedAt).toBe('2026-12-07T09:30:00.000Z');
  });

  it('migrates down cleanly', async () => {
    const fresh = await databases.init(id);
    await applyDatabaseMigrations(fresh);
    expect(await fresh.schema.hasTable('ops_incident_reviews')).toBe(true);
    expect(await fresh.schema.hasTable('ops_review_action_items')).toBe(true);
    expect(
      await fresh.schema.hasColumn('ops_review_action_items', 'done_at'),
    ).toBe(true);
    await rollbackDatabaseMigrations(fresh);
    expect(await fresh.schema.hasTable('ops_incident_reviews')).toBe(false);
    expect(await fresh.schema.hasTable('ops_review_action_items')).toBe(false);
    await applyDatabaseMigrations(fresh);
    expect(await fresh.schema.hasTable('ops_incident_reviews')).toBe(true);
  });
});
