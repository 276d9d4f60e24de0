import { ForecastResult } from './forecast';
import {
  bindingMetric,
  capacityReviewToCsv,
  rankCapacityReview,
} from './review';
import { CapacityReviewMetric, CapacityReviewRow } from './types';

function forecast(partial: Partial<ForecastResult>): ForecastResult {
  return {
    status: 'no-limit-in-sight',
    confidence: 'high',
    intervalLevel: 0.8,
    horizonDays: 180,
    ...partial,
  };
}

function metric(
  id: string,
  partial: Partial<CapacityReviewMetric>,
): CapacityReviewMetric {
  return {
    id,
    label: id,
    unit: 'percent',
    limit: 70,
    triggers30d: 0,
    forecast: forecast({}),
    ...partial,
  };
}

function row(
  name: string,
  metrics: CapacityReviewMetric[],
  triggers30d = 0,
): CapacityReviewRow {
  return {
    entityRef: `component:default/${name}`,
    title: name,
    metrics,
    binding: bindingMetric(metrics),
    triggers30d,
    stale: false,
  };
}

describe('the capacity review', () => {
  const soon = metric('cpu', {
    forecast: forecast({
      status: 'crossing',
      daysToLimit: 20,
      crossingAt: '2026-04-07T14:00:00.000Z',
      earliestAt: '2026-03-30T14:00:00.000Z',
      latestAt: '2026-04-15T14:00:00.000Z',
      confidence: 'medium',
    }),
    current: 61.234,
    currentPeriod: {
      start: '2026-03-18T09:00:00.000Z',
      end: '2026-03-18T10:00:00.000Z',
      label: 'last full hour',
      statistic: 'Average',
    },
    peak7d: 66.5,
    headroom: 3.5,
    growth: { perWeek: 1.5, percentPerWeek: 2.6 },
    triggers30d: 3,
  });
  const later = metric('memory', {
    limit: 80,
    forecast: forecast({ status: 'crossing', daysToLimit: 90 }),
  });
  const over = metric('queueDepth', {
    unit: 'messages',
    limit: 100,
    forecast: forecast({ status: 'already-over', daysToLimit: 0 }),
  });

  it('picks the metric that reaches its limit first as the binding one', () => {
    expect(bindingMetric([later, soon])?.id).toBe('cpu');
    expect(bindingMetric([later, soon, over])?.id).toBe('queueDepth');
  });

  it('prefers the smallest headroom when no limit is in sight', () => {
    const roomy = metric('a', { headroom: 30 });
    const tight = metric('b', { headroom: 5 });
    expect(bindingMetric([roomy, tight])?.id).toBe('b');
  });

  it('ranks services by days to limit, then triggers, then name', () => {
    const ranked = rankCapacityReview([
      row('flat', [metric('cpu', { headroom: 20 })], 5),
      row('later', [later]),
      row('soon', [soon], 3),
      row('no-data', []),
      row('also-flat', [metric('cpu', { headroom: 20 })], 9),
    ]);
    expect(ranked.map(r => r.title)).toEqual([
      'soon',
      'later',
      'also-flat',
      'flat',
      'no-data',
    ]);
  });

  it('exports CSV a spreadsheet opens: header, one line per service, quoted text', () => {
    const csv = capacityReviewToCsv([
      {
        ...row('search-service', [soon], 3),
        fetchedAt: '2026-03-18T10:00:00.000Z',
      },
      { ...row('=cmd|"calc"', [], 0), stale: true },
    ]);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(
      'Rank,Service,Entity,Binding metric,Unit,Current,Current covers,Typical peak (p95, 7 days),Limit,Headroom,Status,Days to limit,Limit reached on,Earliest,Latest,Confidence,Growth per week,Growth per week (%),Triggers (30 days),Data as of,Stale'.replace(
        'Typical peak (p95, 7 days)',
        '"Typical peak (p95, 7 days)"',
      ),
    );
    expect(lines[1]).toBe(
      '1,search-service,component:default/search-service,cpu,percent,61.23,last full hour (2026-03-18T09:00:00.000Z to 2026-03-18T10:00:00.000Z),66.5,70,3.5,crossing,20,2026-04-07,2026-03-30,2026-04-15,medium,1.5,2.6,3,2026-03-18T10:00:00.000Z,no',
    );
    // A formula-looking name is defused and quoted.
    expect(lines[2]).toMatch(/^2,"'=cmd\|""calc""",/);
    expect(lines[2].endsWith(',0,,yes')).toBe(true);
    expect(lines[3]).toBe('');
  });
});
