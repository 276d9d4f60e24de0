import { TestDatabases } from '@backstage/backend-test-utils';
import { AlarmReview } from '@opsportal/plugin-ops-common';
import { Knex } from 'knex';
import { applyDatabaseMigrations } from '../database/migrations';
import { AlarmHistoryStore } from './AlarmHistoryStore';
import { alarmKey, AlarmReviewsStore } from './AlarmReviewsStore';

jest.setTimeout(120_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'MYSQL_8', 'SQLITE_3'],
});

const t = (iso: string) => new Date(iso);

describe.each(databases.eachSupportedId())('alert stores on %s', id => {
  let knex: Knex;
  let history: AlarmHistoryStore;
  let reviews: AlarmReviewsStore;

  beforeAll(async () => {
    knex = await databases.init(id);
    await applyDatabaseMigrations(knex);
    history = new AlarmHistoryStore(knex);
    reviews = new AlarmReviewsStore(knex);
  });

  beforeEach(async () => {
    await knex('ops_alarm_transitions').delete();
    await knex('ops_alarm_history_marks').delete();
    await knex('ops_alarm_reviews').delete();
  });

  it('stores each state change once, however often it is read', async () => {
    const changes = [
      {
        alarmName: 'pay-errors',
        at: '2026-12-01T10:00:00.123Z',
        from: 'OK' as const,
        to: 'ALARM' as const,
      },
      {
        alarmName: 'pay-errors',
        at: '2026-12-01T10:05:00.000Z',
        from: 'ALARM' as const,
        to: 'OK' as const,
      },
      {
        alarmName: 'pay-latency',
        at: '2026-12-02T08:00:00Z',
        to: 'ALARM' as const,
      },
    ];
    await history.insertTransitions('', changes);
    // An overlapping read (and a duplicate within one batch) adds nothing.
    await history.insertTransitions('', [...changes, changes[0]]);
    // Two replicas at once.
    await Promise.all([
      history.insertTransitions('', changes),
      new AlarmHistoryStore(knex).insertTransitions('', changes),
    ]);
    // The same change in another region is another change.
    await history.insertTransitions('eu-west-1', [changes[0]]);
    const [{ n }] = await knex('ops_alarm_transitions').count({ n: '*' });
    expect(Number(n)).toBe(4);

    const found = await history.transitions(
      '',
      ['pay-errors', 'pay-latency', 'unknown'],
      t('2026-11-01T00:00:00Z'),
      t('2026-12-05T00:00:00Z'),
    );
    expect(Object.fromEntries(found)).toEqual({
      'pay-errors': [
        { at: '2026-12-01T10:00:00.123Z', from: 'OK', to: 'ALARM' },
        { at: '2026-12-01T10:05:00.000Z', from: 'ALARM', to: 'OK' },
      ],
      'pay-latency': [{ at: '2026-12-02T08:00:00.000Z', to: 'ALARM' }],
    });
    // The range is [since, until).
    const window = await history.transitions(
      '',
      ['pay-errors'],
      t('2026-12-01T10:00:00.124Z'),
      t('2026-12-01T10:05:00.000Z'),
    );
    expect(window.size).toBe(0);
  });

  it('batches many changes into few statements, in any number', async () => {
    const changes = Array.from({ length: 1_234 }, (_, i) => ({
      alarmName: `svc-${i % 37}-alarm`,
      at: new Date(Date.UTC(2026, 10, 10) + i * 60_000).toISOString(),
      to: (i % 2 ? 'OK' : 'ALARM') as 'OK' | 'ALARM',
    }));
    await history.insertTransitions('us-east-1', changes);
    await history.insertTransitions('us-east-1', changes.slice(600));
    const names = Array.from({ length: 37 }, (_, i) => `svc-${i}-alarm`);
    const found = await history.transitions(
      'us-east-1',
      names,
      t('2026-01-01T00:00:00Z'),
      t('2027-01-01T00:00:00Z'),
    );
    expect([...found.values()].reduce((n, l) => n + l.length, 0)).toBe(1_234);
    const one = found.get('svc-0-alarm')!;
    expect(one.map(c => c.at)).toEqual([...one.map(c => c.at)].sort());
  });

  it('keeps a mark per region and trims changes older than the retention', async () => {
    expect(await history.getMark('')).toBeUndefined();
    await history.setMark('', {
      observedSince: t('2026-11-01T00:00:00Z'),
      readUntil: t('2026-12-01T00:00:00Z'),
      now: t('2026-12-01T00:00:01Z'),
    });
    await history.setMark('', {
      observedSince: t('2026-11-01T00:00:00Z'),
      readUntil: t('2026-12-02T00:00:00Z'),
      now: t('2026-12-02T00:00:01Z'),
    });
    await history.setMark('eu-west-1', {
      observedSince: t('2026-11-20T00:00:00Z'),
      readUntil: t('2026-12-02T00:00:00Z'),
      now: t('2026-12-02T00:00:01Z'),
    });
    expect(await history.getMark('')).toEqual({
      observedSince: '2026-11-01T00:00:00.000Z',
      readUntil: '2026-12-02T00:00:00.000Z',
      updatedAt: '2026-12-02T00:00:01.000Z',
    });
    expect([...(await history.listMarks()).keys()].sort()).toEqual([
      '',
      'eu-west-1',
    ]);

    await history.insertTransitions('', [
      { alarmName: 'a', at: '2026-11-02T00:00:00Z', to: 'ALARM' },
      { alarmName: 'a', at: '2026-11-15T00:00:00Z', to: 'OK' },
      { alarmName: 'a', at: '2026-11-25T00:00:00Z', to: 'ALARM' },
    ]);
    expect(await history.trim(t('2026-11-10T00:00:00Z'))).toBe(1);
    const left = await history.transitions(
      '',
      ['a'],
      t('2026-01-01T00:00:00Z'),
      t('2027-01-01T00:00:00Z'),
    );
    expect(left.get('a')!.map(c => c.at)).toEqual([
      '2026-11-15T00:00:00.000Z',
      '2026-11-25T00:00:00.000Z',
    ]);
    // What was trimmed is no longer observed; later marks stay.
    expect((await history.getMark(''))!.observedSince).toBe(
      '2026-11-10T00:00:00.000Z',
    );
    expect((await history.getMark('eu-west-1'))!.observedSince).toBe(
      '2026-11-20T00:00:00.000Z',
    );
  });

  it('stores reviews and answers the latest per alarm and those of a month', async () => {
    const review = (
      n: number,
      over: Partial<AlarmReview> = {},
    ): AlarmReview => ({
      id: `00000000-0000-4000-8000-00000000000${n}`,
      alarmName: 'pay-errors',
      entityRef: 'component:default/payment-service',
      outcome: 'tune-threshold',
      note: 'Fires on every deploy',
      reviewedBy: 'user:default/guest',
      reviewedAt: '2026-12-02T10:00:00.000Z',
      ...over,
    });
    expect(await reviews.create(review(1))).toEqual(review(1));
    await reviews.create(
      review(2, {
        outcome: 'keep',
        note: '',
        reviewedAt: '2026-12-03T10:00:00.000Z',
      }),
    );
    await reviews.create(
      review(3, {
        region: 'eu-west-1',
        reviewedAt: '2026-12-04T10:00:00.000Z',
      }),
    );
    await reviews.create(
      review(4, {
        alarmName: 'orders-latency',
        entityRef: 'component:default/order-service',
        outcome: 'add-runbook',
        reviewedAt: '2026-11-28T10:00:00.000Z',
      }),
    );

    const latest = await reviews.latestFor([
      { alarmName: 'pay-errors' },
      { alarmName: 'pay-errors', region: 'eu-west-1' },
      { alarmName: 'orders-latency', region: '' },
      { alarmName: 'never-reviewed' },
    ]);
    expect(latest.get(alarmKey({ alarmName: 'pay-errors' }))!.id).toBe(
      review(2).id,
    );
    expect(
      latest.get(alarmKey({ alarmName: 'pay-errors', region: 'eu-west-1' })),
    ).toEqual(
      review(3, {
        region: 'eu-west-1',
        reviewedAt: '2026-12-04T10:00:00.000Z',
      }),
    );
    expect(latest.get(alarmKey({ alarmName: 'orders-latency' }))!.outcome).toBe(
      'add-runbook',
    );
    expect(latest.size).toBe(3);

    const december = await reviews.list({
      since: t('2026-12-01T00:00:00Z'),
      until: t('2027-01-01T00:00:00Z'),
    });
    expect(december.map(r => r.id)).toEqual([
      review(3).id,
      review(2).id,
      review(1).id,
    ]);
    const orders = await reviews.list({
      since: t('2026-11-01T00:00:00Z'),
      entityRefs: ['component:default/order-service'],
    });
    expect(orders.map(r => r.id)).toEqual([review(4).id]);
  });
});
