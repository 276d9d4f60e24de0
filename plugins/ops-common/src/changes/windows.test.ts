import { MaintenanceWindowRule } from './model';
import { checkChangePolicy, defaultChangePolicy } from './policy';
import {
  findFreezes,
  isWithinMaintenanceWindow,
  maintenanceWindowsBetween,
  nextMaintenanceWindow,
  nextOpenMaintenanceWindow,
  suggestedMaintenanceWindow,
} from './windows';

const rule = defaultChangePolicy.maintenanceWindow;

describe('maintenance windows', () => {
  it('falls on the first Sunday of each month, 02:00-04:00 New York time, following DST', () => {
    const windows = maintenanceWindowsBetween(
      rule,
      new Date('2026-01-01T00:00:00Z'),
      new Date('2027-01-01T00:00:00Z'),
    );
    expect(windows).toHaveLength(12);
    // Winter (EST, UTC-5): 07:00-09:00 UTC.
    expect(windows[0]).toEqual({
      start: '2026-01-04T07:00:00.000Z',
      end: '2026-01-04T09:00:00.000Z',
    });
    // Summer (EDT, UTC-4): 06:00-08:00 UTC.
    expect(windows[6]).toEqual({
      start: '2026-07-05T06:00:00.000Z',
      end: '2026-07-05T08:00:00.000Z',
    });
    // 1 November 2026 is the night clocks go back at 02:00: the window
    // starts at 02:00 EST and still lasts two hours.
    expect(windows[10]).toEqual({
      start: '2026-11-01T07:00:00.000Z',
      end: '2026-11-01T09:00:00.000Z',
    });
    expect(windows[11].start).toBe('2026-12-06T07:00:00.000Z');
    for (const w of windows) {
      expect(Date.parse(w.end) - Date.parse(w.start)).toBe(2 * 3600_000);
    }
  });

  it('starts after the gap when the local start time is skipped by DST', () => {
    // Second Sunday of March 2027 (14 March): 02:00 does not exist in New York.
    const second: MaintenanceWindowRule = { ...rule, weekOfMonth: 2 };
    const [march] = maintenanceWindowsBetween(
      second,
      new Date('2027-03-01T00:00:00Z'),
      new Date('2027-03-31T00:00:00Z'),
    );
    expect(march).toEqual({
      start: '2027-03-14T07:00:00.000Z', // 03:00 EDT
      end: '2027-03-14T09:00:00.000Z',
    });
  });

  it('supports the last weekday of the month and weekly windows', () => {
    const last: MaintenanceWindowRule = { ...rule, weekOfMonth: -1 };
    expect(
      maintenanceWindowsBetween(
        last,
        new Date('2026-05-01T00:00:00Z'),
        new Date('2026-06-01T00:00:00Z'),
      ).map(w => w.start),
    ).toEqual(['2026-05-31T06:00:00.000Z']);

    const weekly: MaintenanceWindowRule = {
      ...rule,
      frequency: 'weekly',
      weekday: 3,
      startTime: '22:30',
      durationMinutes: 60,
      timeZone: 'Europe/Berlin',
    };
    expect(
      maintenanceWindowsBetween(
        weekly,
        new Date('2026-03-20T00:00:00Z'),
        new Date('2026-04-05T00:00:00Z'),
      ),
    ).toEqual([
      { start: '2026-03-25T21:30:00.000Z', end: '2026-03-25T22:30:00.000Z' },
      { start: '2026-04-01T20:30:00.000Z', end: '2026-04-01T21:30:00.000Z' },
    ]);
  });

  it('includes a window that is already running at the start of the range', () => {
    expect(
      maintenanceWindowsBetween(
        rule,
        new Date('2026-12-06T08:00:00Z'),
        new Date('2026-12-07T00:00:00Z'),
      ),
    ).toEqual([
      { start: '2026-12-06T07:00:00.000Z', end: '2026-12-06T09:00:00.000Z' },
    ]);
  });

  it('knows whether a planned period lies inside one window', () => {
    const inside = (s: string, e: string) =>
      isWithinMaintenanceWindow(rule, new Date(s), new Date(e));
    expect(inside('2026-12-06T07:00:00Z', '2026-12-06T09:00:00Z')).toBe(true);
    expect(inside('2026-12-06T07:30:00Z', '2026-12-06T08:00:00Z')).toBe(true);
    expect(inside('2026-12-06T06:59:00Z', '2026-12-06T08:00:00Z')).toBe(false);
    expect(inside('2026-12-06T08:00:00Z', '2026-12-06T09:01:00Z')).toBe(false);
    expect(inside('2026-12-13T07:00:00Z', '2026-12-13T08:00:00Z')).toBe(false);
    // 02:00-04:00 New York in July is 06:00-08:00 UTC, not 07:00-09:00.
    expect(inside('2026-07-05T07:00:00Z', '2026-07-05T09:00:00Z')).toBe(false);
  });

  it('finds the next window', () => {
    expect(
      nextMaintenanceWindow(rule, new Date('2026-11-25T22:00:00Z')),
    ).toEqual({
      start: '2026-12-06T07:00:00.000Z',
      end: '2026-12-06T09:00:00.000Z',
    });
  });

  it('finds freezes that overlap a period', () => {
    const freezes = [
      {
        name: 'Holiday peak',
        start: '2026-12-18T05:00:00.000Z',
        end: '2027-01-04T05:00:00.000Z',
      },
    ];
    expect(
      findFreezes(
        freezes,
        new Date('2026-12-17T00:00:00Z'),
        new Date('2026-12-18T05:00:00Z'),
      ),
    ).toEqual([]);
    expect(
      findFreezes(
        freezes,
        new Date('2026-12-17T00:00:00Z'),
        new Date('2026-12-18T05:00:01Z'),
      ),
    ).toHaveLength(1);
  });

  describe('the suggested window', () => {
    // app-config's "Holiday peak", 18 December to 3 January: whole days in
    // New York time with the end day included, as the backend reads it.
    const holidayPeak = {
      name: 'Holiday peak',
      start: '2026-12-18T05:00:00.000Z', // 18 Dec 00:00 EST
      end: '2027-01-04T05:00:00.000Z', // 4 Jan 00:00 EST: all of 3 Jan
    };
    const policy = { ...defaultChangePolicy, freezes: [holidayPeak] };

    it('skips the January window that lies in the holiday freeze', () => {
      // 10 December 2026: due notice runs to the 17th, past the December
      // window; the next first Sunday, 3 January 02:00-04:00 New York, is
      // still in the freeze.
      const now = new Date('2026-12-10T15:00:00Z');
      expect(
        nextMaintenanceWindow(
          policy.maintenanceWindow,
          new Date(now.getTime() + 7 * 24 * 3600_000),
        )?.start,
      ).toBe('2027-01-03T07:00:00.000Z');

      const suggestion = suggestedMaintenanceWindow(policy, now);
      // Sunday 7 February 2027, 02:00-04:00 EST.
      expect(suggestion).toEqual({
        start: '2027-02-07T07:00:00.000Z',
        end: '2027-02-07T09:00:00.000Z',
      });
      // Planned in it, a normal change meets the whole policy.
      expect(
        checkChangePolicy(
          {
            category: 'normal',
            plannedStart: suggestion!.start,
            plannedEnd: suggestion!.end,
            implementationPlan: 'Run it.',
            rollbackPlan: 'Undo it.',
            testPlan: 'Smoke test.',
          },
          policy,
          now,
        ),
      ).toEqual([]);
    });

    it('is the next window with due notice when no freeze is in the way', () => {
      expect(
        suggestedMaintenanceWindow(policy, new Date('2026-11-20T12:00:00Z')),
      ).toEqual({
        start: '2026-12-06T07:00:00.000Z',
        end: '2026-12-06T09:00:00.000Z',
      });
      expect(
        suggestedMaintenanceWindow(
          defaultChangePolicy,
          new Date('2026-12-10T15:00:00Z'),
        )?.start,
      ).toBe('2027-01-03T07:00:00.000Z');
    });

    it('takes a window that only touches a freeze, and skips one that overlaps by a moment', () => {
      const after = new Date('2027-01-10T00:00:00Z');
      const endingAt = (end: string) => [
        { name: 'Migration', start: '2027-01-20T00:00:00.000Z', end },
      ];
      // Ends as the 7 February window starts (02:00 EST): the window is open.
      expect(
        nextOpenMaintenanceWindow(
          rule,
          endingAt('2027-02-07T07:00:00.000Z'),
          after,
        )?.start,
      ).toBe('2027-02-07T07:00:00.000Z');
      expect(
        nextOpenMaintenanceWindow(
          rule,
          endingAt('2027-02-07T07:00:00.001Z'),
          after,
        )?.start,
      ).toBe('2027-03-07T07:00:00.000Z');
      // Starts as the window ends (04:00 EST): the window is open.
      expect(
        nextOpenMaintenanceWindow(
          rule,
          [
            {
              name: 'Launch',
              start: '2027-02-07T09:00:00.000Z',
              end: '2027-02-20T00:00:00.000Z',
            },
          ],
          after,
        )?.start,
      ).toBe('2027-02-07T07:00:00.000Z');
    });

    it('steps over back-to-back and overlapping freezes, in any order', () => {
      const weekly: MaintenanceWindowRule = { ...rule, frequency: 'weekly' };
      const freezes = [
        // Listed out of order; the year-end close starts inside the holiday
        // peak, and the audit starts as the close ends.
        {
          name: 'Year-end close',
          start: '2027-01-02T00:00:00.000Z',
          end: '2027-01-18T00:00:00.000Z',
        },
        holidayPeak,
        {
          name: 'Audit',
          start: '2027-01-18T00:00:00.000Z',
          end: '2027-01-25T00:00:00.000Z',
        },
      ];
      // Every Sunday from 20 December to 24 January is frozen.
      expect(
        nextOpenMaintenanceWindow(
          weekly,
          freezes,
          new Date('2026-12-20T00:00:00Z'),
        )?.start,
      ).toBe('2027-01-31T07:00:00.000Z');
    });

    it('reads the freeze end in the window time zone, across daylight saving time', () => {
      // Weekly, Sundays 22:00-23:00 New York: 03:00-04:00 UTC on Monday.
      const late: MaintenanceWindowRule = {
        ...rule,
        frequency: 'weekly',
        startTime: '22:00',
        durationMinutes: 60,
      };
      // A freeze through Sunday 3 January (New York) ends at 05:00 UTC on
      // Monday, so that Sunday's late window is still in it.
      expect(
        nextOpenMaintenanceWindow(
          late,
          [holidayPeak],
          new Date('2026-12-20T00:00:00Z'),
        ),
      ).toEqual({
        start: '2027-01-11T03:00:00.000Z', // Sunday 10 Jan, 22:00 EST
        end: '2027-01-11T04:00:00.000Z',
      });
      // A freeze through Saturday 13 March 2027 (00:00 EST on the 14th);
      // the next day the clocks go forward and 22:00 is EDT.
      const spring = [
        {
          name: 'Quarter close',
          start: '2027-03-01T05:00:00.000Z',
          end: '2027-03-14T05:00:00.000Z',
        },
      ];
      expect(
        nextOpenMaintenanceWindow(
          late,
          spring,
          new Date('2027-03-02T00:00:00Z'),
        ),
      ).toEqual({
        start: '2027-03-15T02:00:00.000Z', // Sunday 14 Mar, 22:00 EDT
        end: '2027-03-15T03:00:00.000Z',
      });
    });
  });
});
