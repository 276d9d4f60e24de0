import { ConfigReader } from '@backstage/config';
import { suggestedMaintenanceWindow } from '@opsportal/plugin-ops-common';
import { readChangesConfig } from './config';

/**
 * The window the form suggests, from the policy as the backend reads it out
 * of app-config: freeze dates are whole days in the window's time zone, the
 * end day included.
 */

const policyOf = (changes: object) =>
  readChangesConfig(new ConfigReader({ ops: { changes } })).policy;

describe('the suggested maintenance window under the configured policy', () => {
  it('skips the first Sunday of January inside the Holiday peak freeze', () => {
    // As in app-config.yaml.
    const policy = policyOf({
      maintenanceWindow: {
        timeZone: 'America/New_York',
        frequency: 'monthly',
        weekday: 'sunday',
        weekOfMonth: 1,
        startTime: '02:00',
        durationMinutes: 120,
      },
      noticeDays: 7,
      freezes: [
        { name: 'Holiday peak', start: '2026-12-18', end: '2027-01-03' },
      ],
    });
    expect(
      suggestedMaintenanceWindow(policy, new Date('2026-12-10T15:00:00Z')),
    ).toEqual({
      start: '2027-02-07T07:00:00.000Z', // Sunday 7 February, 02:00 EST
      end: '2027-02-07T09:00:00.000Z',
    });
  });

  it('counts the last day of a freeze to its end in the window time zone', () => {
    // Sundays 22:00-23:00 New York are 03:00-04:00 UTC on Monday: the
    // window on the freeze's last day is still in the freeze, the next
    // Sunday's is not.
    const policy = policyOf({
      maintenanceWindow: {
        frequency: 'weekly',
        weekday: 'sunday',
        startTime: '22:00',
        durationMinutes: 60,
      },
      noticeDays: 0,
      freezes: [
        { name: 'Holiday peak', start: '2026-12-18', end: '2027-01-03' },
      ],
    });
    expect(
      suggestedMaintenanceWindow(policy, new Date('2027-01-01T00:00:00Z')),
    ).toEqual({
      start: '2027-01-11T03:00:00.000Z', // Sunday 10 January, 22:00 EST
      end: '2027-01-11T04:00:00.000Z',
    });
  });
});
