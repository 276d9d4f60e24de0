import { homeSloState, summarizeHomeSlos } from './types';

const objective = (
  id: string,
  sli: number | null,
  remaining: number | null,
  alert = 'ok',
) => ({
  id,
  name: id,
  category: 'availability' as const,
  target: 0.999,
  window: '30d',
  sli,
  remaining,
  remainingMinutes: null,
  alert: alert as any,
});

describe('homeSloState', () => {
  it('tells met, at risk, breached and no data apart', () => {
    expect(homeSloState(objective('a', 0.9995, 0.6))).toBe('met');
    expect(homeSloState(objective('a', 0.9995, 0.2))).toBe('at-risk');
    expect(homeSloState(objective('a', 0.9995, 0.6, 'ticket'))).toBe('at-risk');
    expect(homeSloState(objective('a', 0.998, 0))).toBe('breached');
    expect(homeSloState(objective('a', 0.998, -0.5, 'page'))).toBe('breached');
    expect(homeSloState(objective('a', null, null, 'no-data'))).toBe('no-data');
  });
});

describe('summarizeHomeSlos', () => {
  it('counts every SLO and lists the least budget first, without those lacking data', () => {
    const row = (entityRef: string, objectives: any[]) => ({
      entityRef,
      kind: 'component',
      title: entityRef.split('/')[1],
      objectives,
      lowestRemaining: null,
      alert: 'ok' as const,
      problems: 0,
      stale: false,
    });
    const summary = summarizeHomeSlos(
      [
        row('component:default/a', [
          objective('avail', 0.9995, 0.6),
          objective('latency', 0.998, -0.2),
        ]),
        row('component:default/b', [
          objective('avail', null, null, 'no-data'),
          objective('latency', 0.9992, 0.1),
        ]),
      ],
      2,
    );
    expect(summary.counts).toEqual({
      met: 1,
      'at-risk': 1,
      breached: 1,
      'no-data': 1,
    });
    expect(summary.entities).toBe(2);
    expect(
      summary.worst.map(w => `${w.title} ${w.sloName} ${w.state}`),
    ).toEqual(['a latency breached', 'b latency at-risk']);
  });
});
