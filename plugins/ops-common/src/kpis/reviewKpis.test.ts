import {
  DEFAULT_KPI_TARGETS,
  evaluateKpis,
  formatKpiTarget,
  formatKpiValue,
  KpiActionItemRecord,
  kpiPeriodRanges,
  KpiReviewRecord,
  kpiStatus,
  kpiDefinition,
  measureKpis,
} from '.';

const now = new Date('2026-03-31T12:00:00Z');
const ranges = kpiPeriodRanges('30d', now);

/** A review due on `date` (UTC calendar). */
function review(
  id: string,
  date: string,
  completedAt?: string,
): KpiReviewRecord {
  const dueStart = `${date}T00:00:00.000Z`;
  const overdueFrom = new Date(Date.parse(dueStart) + 86_400_000).toISOString();
  return {
    id,
    entityRefs: ['component:default/order-service'],
    dueStart,
    overdueFrom,
    ...(completedAt
      ? { completedAt, completedOnTime: completedAt < overdueFrom }
      : {}),
  };
}

function item(
  id: string,
  createdAt: string,
  dueDate: string,
  doneAt?: string,
): KpiActionItemRecord {
  return {
    id,
    entityRefs: ['component:default/order-service'],
    createdAt,
    overdueFrom: new Date(
      Date.parse(`${dueDate}T00:00:00Z`) + 86_400_000,
    ).toISOString(),
    ...(doneAt ? { doneAt } : {}),
  };
}

describe('review KPIs', () => {
  it('counts reviews due in the period that were completed on time, leaving out those not yet due', () => {
    const m = measureKpis(
      {
        reviews: [
          review('PIR-1', '2026-03-10', '2026-03-09T15:00:00Z'), // on time
          review('PIR-2', '2026-03-12', '2026-03-12T23:00:00Z'), // on the day
          review('PIR-3', '2026-03-13', '2026-03-16T09:00:00Z'), // late
          review('PIR-4', '2026-03-20'), // open and overdue: late
          review('PIR-5', '2026-03-31'), // due today: not yet decided
          review('PIR-6', '2026-01-05', '2026-01-05T09:00:00Z'), // before the period
        ],
        actionItems: [],
      },
      ranges.current,
      { now },
    );
    expect(m.reviewsOnTime).toEqual({
      value: 0.5,
      sample: 4,
      basis: '2 of 4 reviews completed on time, 1 not yet due',
    });
    expect(
      kpiStatus(kpiDefinition('reviewsOnTime'), m.reviewsOnTime, 0.9),
    ).toBe('missed');
  });

  it('counts action items overdue at the end of each range', () => {
    const items = [
      item('AI-1', '2026-03-01T10:00:00Z', '2026-03-05'), // overdue since the 6th
      item(
        'AI-2',
        '2026-03-01T10:00:00Z',
        '2026-03-05',
        '2026-03-20T10:00:00Z',
      ), // done late
      item('AI-3', '2026-03-25T10:00:00Z', '2026-04-10'), // not due yet
    ];
    const now30 = measureKpis(
      { reviews: [], actionItems: items },
      ranges.current,
      {
        now,
      },
    );
    expect(now30.actionItemsOverdue).toEqual({
      value: 1,
      sample: 1,
      basis: '1 open action item past due now',
    });
    // At the end of the previous range (1 March), nothing was due yet;
    // on 15 March both the first two were overdue.
    expect(
      measureKpis({ reviews: [], actionItems: items }, ranges.previous, { now })
        .actionItemsOverdue.value,
    ).toBe(0);
    expect(
      measureKpis(
        { reviews: [], actionItems: items },
        { start: '2026-03-01T00:00:00Z', end: '2026-03-15T00:00:00Z' },
        { now },
      ).actionItemsOverdue,
    ).toMatchObject({
      value: 2,
      basis: '2 open action items past due on 2026-03-15',
    });
  });

  it('says when reviews are not installed, and meets a target of none overdue', () => {
    const [onTime, overdue] = evaluateKpis({}, ranges, { now }).filter(k =>
      ['reviewsOnTime', 'actionItemsOverdue'].includes(k.id),
    );
    expect(onTime).toMatchObject({
      status: 'no-data',
      basis: 'post-incident reviews are not installed',
      target: 0.9,
    });
    expect(overdue.status).toBe('no-data');
    const none = evaluateKpis({ reviews: [], actionItems: [] }, ranges, {
      now,
    }).find(k => k.id === 'actionItemsOverdue')!;
    expect(none).toMatchObject({ value: 0, status: 'met', target: 0 });
    expect(DEFAULT_KPI_TARGETS.actionItemsOverdue).toBe(0);
  });

  it('shows counts and targets as people read them', () => {
    expect(formatKpiValue('actionItemsOverdue', 3)).toBe('3');
    expect(formatKpiTarget('actionItemsOverdue', 0)).toBe('≤ 0');
    expect(formatKpiValue('reviewsOnTime', 0.875)).toBe('87.5 %');
    expect(formatKpiTarget('reviewsOnTime', 0.9)).toBe('≥ 90 %');
  });
});
