import {
  ChangeMeasureRecord,
  changeMeasuresReport,
  computeChangeMeasures,
} from './measures';

const record = (
  id: string,
  overrides: Partial<ChangeMeasureRecord>,
): ChangeMeasureRecord => ({
  id,
  category: 'normal',
  outcome: 'successful',
  entityRefs: ['component:default/payment-service'],
  submittedAt: '2026-11-01T00:00:00.000Z',
  finishedAt: '2026-11-02T00:00:00.000Z',
  ...overrides,
});

describe('change measures', () => {
  it('computes success rate, rollback rate, emergency share and lead time', () => {
    const measures = computeChangeMeasures([
      record('CHG-1', {}),
      record('CHG-2', { finishedAt: '2026-11-03T00:00:00.000Z' }),
      record('CHG-3', { outcome: 'rolled-back', category: 'emergency' }),
      record('CHG-4', {
        outcome: 'failed',
        finishedAt: '2026-11-05T00:00:00.000Z',
      }),
    ]);
    expect(measures).toEqual({
      changes: 4,
      successful: 2,
      failed: 1,
      rolledBack: 1,
      emergency: 1,
      successRate: 0.5,
      rollbackRate: 0.25,
      emergencyShare: 0.25,
      leadTimeHours: { median: 36, p90: expect.any(Number), mean: 48 },
    });
    // Lead times 24, 24, 48, 96 hours: the 90th percentile lies 70% of the
    // way from 48 to 96.
    expect(measures.leadTimeHours.p90).toBeCloseTo(81.6, 6);
  });

  it('has no rates without changes', () => {
    expect(computeChangeMeasures([])).toMatchObject({
      changes: 0,
      successRate: undefined,
      leadTimeHours: { median: undefined },
    });
  });

  it('groups by service and by owning team, counting a change once per team', () => {
    const owners: Record<string, string[]> = {
      'component:default/payment-service': ['group:default/dev-team'],
      'component:default/order-service': ['group:default/dev-team'],
      'component:default/search-service': ['group:default/sre-team'],
    };
    const report = changeMeasuresReport(
      [
        record('CHG-1', {
          entityRefs: [
            'component:default/payment-service',
            'component:default/order-service',
          ],
        }),
        record('CHG-2', {
          entityRefs: ['component:default/search-service'],
          outcome: 'rolled-back',
        }),
      ],
      {
        from: '2026-11-01T00:00:00.000Z',
        to: '2026-12-01T00:00:00.000Z',
        ownersOf: ref => owners[ref] ?? [],
      },
    );
    expect(report.platform.changes).toBe(2);
    expect(report.services.map(s => [s.entityRef, s.changes])).toEqual([
      ['component:default/order-service', 1],
      ['component:default/payment-service', 1],
      ['component:default/search-service', 1],
    ]);
    expect(report.teams.map(t => [t.team, t.changes, t.rollbackRate])).toEqual([
      ['group:default/dev-team', 1, 0],
      ['group:default/sre-team', 1, 1],
    ]);
  });
});
