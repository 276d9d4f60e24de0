import {
  addBusinessDays,
  calendarDate,
  dueDateSpan,
  formatActionItemId,
  formatReviewId,
  isActionItemOverdue,
  isBusinessDay,
  isReviewOverdue,
  parseActionItemId,
  parseReviewId,
  previousBusinessDay,
  reviewCompletedOnTime,
} from './reviews';

// 2026-12-04 is a Friday.
describe('addBusinessDays', () => {
  it('counts Monday to Friday from the day after', () => {
    expect(addBusinessDays('2026-12-01', 5)).toBe('2026-12-08'); // Tue -> Tue
    expect(addBusinessDays('2026-12-04', 1)).toBe('2026-12-07'); // Fri -> Mon
    expect(addBusinessDays('2026-12-04', 5)).toBe('2026-12-11'); // Fri -> Fri
    expect(addBusinessDays('2026-12-05', 1)).toBe('2026-12-07'); // Sat -> Mon
    expect(addBusinessDays('2026-12-06', 5)).toBe('2026-12-11'); // Sun -> Fri
  });

  it('skips holidays', () => {
    const calendar = { holidays: ['2026-12-24', '2026-12-25', '2026-12-28'] };
    // Wed 23rd + 1: Thu 24 and Fri 25 are holidays, Mon 28 too -> Tue 29.
    expect(addBusinessDays('2026-12-23', 1, calendar)).toBe('2026-12-29');
    expect(addBusinessDays('2026-12-22', 5, calendar)).toBe('2027-01-01');
  });

  it('reads the start in the calendar time zone', () => {
    // 23:30 UTC on Friday is already Saturday in Berlin, still Friday in New York.
    const at = new Date('2026-12-04T23:30:00Z');
    expect(addBusinessDays(at, 1, { timeZone: 'Europe/Berlin' })).toBe(
      '2026-12-07',
    );
    expect(addBusinessDays(at, 1, { timeZone: 'America/New_York' })).toBe(
      '2026-12-07',
    );
    // 01:00 UTC on Tuesday is Monday evening in New York.
    const tuesday = new Date('2026-12-08T01:00:00Z');
    expect(addBusinessDays(tuesday, 1)).toBe('2026-12-09');
    expect(addBusinessDays(tuesday, 1, { timeZone: 'America/New_York' })).toBe(
      '2026-12-08',
    );
  });

  it('follows other working weeks (Sunday to Thursday)', () => {
    const calendar = { weekdays: [7, 1, 2, 3, 4] };
    expect(addBusinessDays('2026-12-03', 1, calendar)).toBe('2026-12-06'); // Thu -> Sun
    expect(isBusinessDay('2026-12-04', calendar)).toBe(false);
    expect(isBusinessDay('2026-12-06', calendar)).toBe(true);
  });

  it('answers the day itself or the next working day for 0', () => {
    expect(addBusinessDays('2026-12-04', 0)).toBe('2026-12-04');
    expect(addBusinessDays('2026-12-05', 0)).toBe('2026-12-07');
  });

  it('refuses negative or fractional counts and empty weeks', () => {
    expect(() => addBusinessDays('2026-12-04', -1)).toThrow(/whole number/);
    expect(() => addBusinessDays('2026-12-04', 1.5)).toThrow(/whole number/);
    expect(() => addBusinessDays('2026-12-04', 1, { weekdays: [] })).toThrow(
      /at least one/,
    );
  });
});

describe('previousBusinessDay', () => {
  it('is the working day before, over weekends and holidays', () => {
    expect(previousBusinessDay('2026-12-08')).toBe('2026-12-07');
    expect(previousBusinessDay('2026-12-07')).toBe('2026-12-04');
    expect(
      previousBusinessDay('2026-12-29', { holidays: ['2026-12-28'] }),
    ).toBe('2026-12-25');
  });
});

describe('overdue and on time', () => {
  it('is due by the end of its due date in the zone', () => {
    const review = { status: 'open', dueDate: '2026-12-07' };
    expect(isReviewOverdue(review, new Date('2026-12-07T23:59:00Z'))).toBe(
      false,
    );
    expect(isReviewOverdue(review, new Date('2026-12-08T00:00:00Z'))).toBe(
      true,
    );
    // Still the 7th in New York.
    expect(
      isReviewOverdue(
        review,
        new Date('2026-12-08T03:00:00Z'),
        'America/New_York',
      ),
    ).toBe(false);
    expect(
      isReviewOverdue(
        { ...review, status: 'completed' },
        new Date('2027-01-01T00:00:00Z'),
      ),
    ).toBe(false);
  });

  it('says whether a completed review was on time', () => {
    const review = { status: 'completed', dueDate: '2026-12-07' };
    expect(
      reviewCompletedOnTime({ ...review, completedAt: '2026-12-07T22:00:00Z' }),
    ).toBe(true);
    expect(
      reviewCompletedOnTime({ ...review, completedAt: '2026-12-08T09:00:00Z' }),
    ).toBe(false);
    expect(
      reviewCompletedOnTime(
        { ...review, completedAt: '2026-12-08T02:00:00Z' },
        'America/New_York',
      ),
    ).toBe(true);
    expect(
      reviewCompletedOnTime({ status: 'open', dueDate: '2026-12-07' }),
    ).toBeUndefined();
  });

  it('counts action items overdue until done', () => {
    const now = new Date('2026-12-10T12:00:00Z');
    expect(
      isActionItemOverdue(
        { status: 'in-progress', dueDate: '2026-12-09' },
        now,
      ),
    ).toBe(true);
    expect(
      isActionItemOverdue({ status: 'done', dueDate: '2026-12-09' }, now),
    ).toBe(false);
    expect(
      isActionItemOverdue({ status: 'open', dueDate: '2026-12-10' }, now),
    ).toBe(false);
  });

  it('spans a due date in its zone, over a daylight saving change', () => {
    expect(dueDateSpan('2026-12-07')).toEqual({
      start: new Date('2026-12-07T00:00:00Z'),
      end: new Date('2026-12-08T00:00:00Z'),
    });
    // Berlin moves to summer time on 2026-03-29: a 23-hour day.
    expect(dueDateSpan('2026-03-29', 'Europe/Berlin')).toEqual({
      start: new Date('2026-03-28T23:00:00Z'),
      end: new Date('2026-03-29T22:00:00Z'),
    });
  });

  it('reads instants as calendar dates', () => {
    expect(calendarDate('2026-12-08T01:00:00Z', 'America/New_York')).toBe(
      '2026-12-07',
    );
    expect(calendarDate(new Date('2026-12-08T01:00:00Z'))).toBe('2026-12-08');
  });
});

describe('ids', () => {
  it('formats and parses review and action item ids', () => {
    expect(formatReviewId(12)).toBe('PIR-12');
    expect(parseReviewId('PIR-12')).toBe(12);
    expect(parseReviewId('pir-12')).toBe(12);
    expect(parseReviewId('PIR-0')).toBeUndefined();
    expect(parseReviewId('PIR-12x')).toBeUndefined();
    expect(parseReviewId('AI-12')).toBeUndefined();
    expect(parseReviewId('PIR-99999999999')).toBeUndefined();
    expect(formatActionItemId(3)).toBe('AI-3');
    expect(parseActionItemId('AI-3')).toBe(3);
    expect(parseActionItemId('PIR-3')).toBeUndefined();
  });
});
