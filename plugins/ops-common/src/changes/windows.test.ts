import { defaultChangePolicy, MaintenanceWindowRule } from './policy';
import {
  findFreezes,
  isWithinMaintenanceWindow,
  maintenanceWindowsBetween,
  nextMaintenanceWindow,
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
});
