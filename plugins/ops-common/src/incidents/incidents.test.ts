import {
  assessIncident,
  DEFAULT_INCIDENT_POLICY,
  endOfNextBusinessDay,
  formatIncidentDuration,
  IncidentPolicy,
  IncidentRecord,
  responseDeadline,
  severityOf,
  summarizeIncidents,
} from '.';

const MIN = 60_000;

function incident(overrides: Partial<IncidentRecord>): IncidentRecord {
  return {
    id: 'Q1',
    title: 'Checkout errors',
    status: 'resolved',
    serviceId: 'PSVORDR',
    createdAt: '2026-03-02T10:00:00Z',
    assignees: [],
    ...overrides,
  };
}

describe('severityOf', () => {
  it('maps PagerDuty priority names to the seed severities, P5 as low', () => {
    expect(severityOf({ priority: 'P1' })).toBe('P1');
    expect(severityOf({ priority: 'p3' })).toBe('P3');
    expect(severityOf({ priority: 'P5' })).toBe('P4');
  });

  it('falls back to urgency when the priority is missing or unknown', () => {
    expect(severityOf({ urgency: 'high' })).toBe('P2');
    expect(severityOf({ urgency: 'low' })).toBe('P4');
    expect(severityOf({ priority: 'SEV-9', urgency: 'low' })).toBe('P4');
    expect(severityOf({})).toBe('P2');
  });

  it('follows a configured mapping', () => {
    const policy: IncidentPolicy = {
      ...DEFAULT_INCIDENT_POLICY,
      priorities: { 'SEV-1': 'P1', 'SEV-2': 'P2' },
    };
    expect(severityOf({ priority: 'sev-1' }, policy)).toBe('P1');
    expect(severityOf({ priority: 'P1', urgency: 'low' }, policy)).toBe('P4');
  });
});

describe('response deadlines', () => {
  const created = new Date('2026-03-06T15:00:00Z'); // a Friday

  it('gives P1 5 minutes, P2 15 minutes and P3 an hour', () => {
    expect(responseDeadline('P1', created).toISOString()).toBe(
      '2026-03-06T15:05:00.000Z',
    );
    expect(responseDeadline('P2', created).toISOString()).toBe(
      '2026-03-06T15:15:00.000Z',
    );
    expect(responseDeadline('P3', created).toISOString()).toBe(
      '2026-03-06T16:00:00.000Z',
    );
  });

  it('gives P4 until the end of the next business day, skipping the weekend', () => {
    expect(responseDeadline('P4', created).toISOString()).toBe(
      '2026-03-09T17:00:00.000Z',
    );
    // Raised on a Tuesday before business hours: due Wednesday.
    expect(
      endOfNextBusinessDay(new Date('2026-03-03T06:00:00Z')).toISOString(),
    ).toBe('2026-03-04T17:00:00.000Z');
  });

  it('reads business days in the configured time zone', () => {
    // 2026-03-06 23:30 in New York is already Saturday in UTC.
    const due = endOfNextBusinessDay(new Date('2026-03-07T04:30:00Z'), {
      timeZone: 'America/New_York',
      start: '09:00',
      end: '17:00',
      days: [1, 2, 3, 4, 5],
    });
    // Friday evening in New York -> Monday 17:00 New York (EDT from Mar 8).
    expect(due.toISOString()).toBe('2026-03-09T21:00:00.000Z');
  });
});

describe('assessIncident', () => {
  const now = new Date('2026-03-02T12:00:00Z');

  it('marks a P1 acknowledged in 3 minutes as met and one in 9 minutes as missed', () => {
    const fast = assessIncident(
      incident({
        priority: 'P1',
        acknowledgedAt: '2026-03-02T10:03:00Z',
        resolvedAt: '2026-03-02T10:40:00Z',
      }),
      now,
    );
    expect(fast.severity).toBe('P1');
    expect(fast.severityLabel).toBe('Critical');
    expect(fast.responseTarget).toBe('5 min');
    expect(fast.response).toBe('met');
    expect(fast.timeToAcknowledgeMs).toBe(3 * MIN);
    expect(fast.timeToResolveMs).toBe(40 * MIN);
    expect(fast.resolution).toBe('none');

    const slow = assessIncident(
      incident({ priority: 'P1', acknowledgedAt: '2026-03-02T10:09:00Z' }),
      now,
    );
    expect(slow.response).toBe('missed');
  });

  it('tells an open incident past its deadline from one still within it', () => {
    const overdue = assessIncident(
      incident({
        status: 'triggered',
        priority: 'P3',
        createdAt: '2026-03-02T10:30:00Z',
      }),
      now,
    );
    expect(overdue.response).toBe('overdue');
    expect(overdue.respondBy).toBe('2026-03-02T11:30:00.000Z');

    const pending = assessIncident(
      incident({
        status: 'triggered',
        priority: 'P1',
        createdAt: '2026-03-02T11:58:00Z',
      }),
      now,
    );
    expect(pending.response).toBe('pending');
  });

  it('counts a resolution without acknowledgement as the response', () => {
    const autoResolved = assessIncident(
      incident({ priority: 'P2', resolvedAt: '2026-03-02T10:10:00Z' }),
      now,
    );
    expect(autoResolved.response).toBe('met');
    expect(autoResolved.timeToAcknowledgeMs).toBeUndefined();
  });

  it('applies a configured resolution target', () => {
    const policy: IncidentPolicy = {
      ...DEFAULT_INCIDENT_POLICY,
      severities: {
        ...DEFAULT_INCIDENT_POLICY.severities,
        P1: {
          ...DEFAULT_INCIDENT_POLICY.severities.P1,
          resolveWithinMinutes: 60,
        },
      },
    };
    const late = assessIncident(
      incident({ priority: 'P1', resolvedAt: '2026-03-02T11:30:00Z' }),
      now,
      policy,
    );
    expect(late.resolution).toBe('missed');
    expect(late.resolveBy).toBe('2026-03-02T11:00:00.000Z');
  });
});

describe('summarizeIncidents', () => {
  const now = new Date('2026-03-31T00:00:00Z');
  const window = { since: new Date('2026-03-01T00:00:00Z'), until: now };

  it('computes MTTA and MTTR over incidents created in the window', () => {
    const assessed = [
      incident({
        id: 'A',
        priority: 'P1',
        createdAt: '2026-03-10T10:00:00Z',
        acknowledgedAt: '2026-03-10T10:04:00Z',
        resolvedAt: '2026-03-10T11:00:00Z',
      }),
      incident({
        id: 'B',
        priority: 'P2',
        createdAt: '2026-03-12T10:00:00Z',
        acknowledgedAt: '2026-03-12T10:20:00Z',
        resolvedAt: '2026-03-12T13:00:00Z',
      }),
      incident({
        id: 'C',
        priority: 'P1',
        status: 'triggered',
        createdAt: '2026-03-30T23:50:00Z',
      }),
      // Outside the window: not in MTTA/MTTR, but still open.
      incident({
        id: 'D',
        priority: 'P3',
        status: 'acknowledged',
        createdAt: '2026-02-20T10:00:00Z',
        acknowledgedAt: '2026-02-20T10:01:00Z',
      }),
    ].map(i => assessIncident(i, now));

    const summary = summarizeIncidents(assessed, window);

    expect(summary.count).toBe(3);
    expect(summary.open).toBe(2);
    expect(summary.mttaMs).toBe(12 * MIN);
    expect(summary.acknowledged).toBe(2);
    expect(summary.mttrMs).toBe(120 * MIN);
    // A met, B missed (20 > 15), C overdue (10 min > 5).
    expect(summary.responseMetRatio).toBeCloseTo(1 / 3);
    const p1 = summary.bySeverity.find(s => s.severity === 'P1')!;
    expect(p1).toMatchObject({
      count: 2,
      open: 1,
      responseMet: 1,
      responseMissed: 1,
      mttaMs: 4 * MIN,
    });
  });

  it('labels every severity and its target from the policy, with or without incidents', () => {
    const summary = summarizeIncidents([], window);
    expect(
      summary.bySeverity.map(s => [s.severity, s.label, s.responseTarget]),
    ).toEqual([
      ['P1', 'Critical', '5 min'],
      ['P2', 'High', '15 min'],
      ['P3', 'Medium', '1 h'],
      ['P4', 'Low', 'next business day'],
    ]);
  });

  it('has no means without incidents', () => {
    const summary = summarizeIncidents([], window);
    expect(summary.count).toBe(0);
    expect(summary.mttaMs).toBeUndefined();
    expect(summary.responseMetRatio).toBeUndefined();
  });
});

describe('formatIncidentDuration', () => {
  it('writes durations for people', () => {
    expect(formatIncidentDuration(4 * MIN)).toBe('4 min');
    expect(formatIncidentDuration(80 * MIN)).toBe('1 h 20 min');
    expect(formatIncidentDuration(51 * 60 * MIN)).toBe('2 d 3 h');
    expect(formatIncidentDuration(undefined)).toBe('–');
  });
});
