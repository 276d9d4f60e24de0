import { ConfigReader } from '@backstage/config';
import { readReviewsConfig } from './config';

const read = (reviews: object) =>
  readReviewsConfig(new ConfigReader({ ops: { reviews } }));

describe('readReviewsConfig', () => {
  it('is the seed policy without configuration', () => {
    expect(readReviewsConfig(new ConfigReader({}))).toEqual({
      requiredSeverities: ['P1', 'P2'],
      emergencyChanges: true,
      dueBusinessDays: 5,
      calendar: { timeZone: 'UTC', weekdays: [1, 2, 3, 4, 5], holidays: [] },
      createEveryMinutes: 10,
    });
  });

  it('reads a calendar with its working days and holidays', () => {
    expect(
      read({
        requiredSeverities: ['P1'],
        emergencyChanges: false,
        dueBusinessDays: 3,
        calendar: {
          timeZone: 'Asia/Jerusalem',
          weekdays: ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday'],
          holidays: ['2026-12-25', '2026-01-01', '2026-12-25'],
        },
      }),
    ).toEqual({
      requiredSeverities: ['P1'],
      emergencyChanges: false,
      dueBusinessDays: 3,
      calendar: {
        timeZone: 'Asia/Jerusalem',
        weekdays: [1, 2, 3, 4, 7],
        holidays: ['2026-01-01', '2026-12-25'],
      },
      createEveryMinutes: 10,
    });
    expect(read({ requiredSeverities: [] }).requiredSeverities).toEqual([]);
  });

  it('names the wrong key', () => {
    expect(() => read({ requiredSeverities: ['SEV1'] })).toThrow(
      /Invalid ops.reviews configuration: requiredSeverities/,
    );
    expect(() => read({ calendar: { timeZone: 'Mars/Olympus' } })).toThrow(
      /calendar.timeZone: must be an IANA time zone/,
    );
    expect(() => read({ calendar: { holidays: ['24.12.2026'] } })).toThrow(
      /calendar.holidays.0: must be a date as YYYY-MM-DD/,
    );
    expect(() => read({ calendar: { weekdays: [] } })).toThrow(
      /calendar.weekdays: must name at least one working day/,
    );
    expect(() => read({ dueBusinessDays: -1 })).toThrow(/dueBusinessDays/);
    expect(() => read({ dueInDays: 5 })).toThrow(/dueInDays/);
  });
});
