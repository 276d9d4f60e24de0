import {
  AlarmNoiseInput,
  alarmNoiseScore,
  analyzeAlarmNoise,
  rankAlarms,
} from './noise';
import { AlarmTransition, DEFAULT_NOISE_THRESHOLDS } from './types';

const NOW = new Date('2026-03-31T12:00:00Z');
const DAY = 86_400_000;

/** ISO time `days` days and `hours` hours before NOW. */
function ago(days: number, hours = 0, minutes = 0): string {
  return new Date(
    NOW.getTime() - days * DAY - hours * 3_600_000 - minutes * 60_000,
  ).toISOString();
}

function input(extra: Partial<AlarmNoiseInput> = {}): AlarmNoiseInput {
  return {
    transitions: [],
    state: 'OK',
    since: ago(200),
    observedSince: ago(120),
    maintenance: [],
    hasActions: true,
    hasRunbook: true,
    thresholds: DEFAULT_NOISE_THRESHOLDS,
    now: NOW,
    ...extra,
  };
}

/** An ALARM episode: into ALARM at `at`, back to OK `minutes` later. */
function episode(at: string, minutes: number): AlarmTransition[] {
  const back = new Date(Date.parse(at) + minutes * 60_000).toISOString();
  return [
    { at, from: 'OK', to: 'ALARM' },
    { at: back, from: 'ALARM', to: 'OK' },
  ];
}

describe('analyzeAlarmNoise', () => {
  it('gives a quiet, recently fired alarm no flags and a zero score', () => {
    const result = analyzeAlarmNoise(
      input({ transitions: episode(ago(40), 30), since: ago(40, 0, -30) }),
    );
    expect(result.flags).toEqual([]);
    expect(result.noiseScore).toBe(0);
    expect(result.week.alarmCount).toBe(0);
    expect(result.month.alarmCount).toBe(0);
    expect(result.lastFiredAt).toBe(ago(40));
    expect(result.observedDays).toBe(90);
  });

  it('counts ALARM entries and minutes in ALARM per window', () => {
    const transitions = [
      ...episode(ago(2), 30),
      ...episode(ago(10), 60),
      ...episode(ago(40), 600),
    ];
    const result = analyzeAlarmNoise(
      input({ transitions, since: ago(2, 0, -30) }),
    );
    expect(result.week).toMatchObject({
      days: 7,
      alarmCount: 1,
      minutesInAlarm: 30,
    });
    expect(result.month).toMatchObject({
      days: 30,
      alarmCount: 2,
      minutesInAlarm: 90,
    });
    expect(result.lastFiredAt).toBe(ago(2));
  });

  it('clips time in ALARM to the window and counts an alarm in ALARM now until now', () => {
    // Into ALARM 7 days and 2 hours ago, back 6 days and 22 hours ago: 2 h
    // of its 4 h fall into the week.
    const transitions = [
      { at: ago(7, 2), from: 'OK' as const, to: 'ALARM' as const },
      { at: ago(6, 22), from: 'ALARM' as const, to: 'OK' as const },
      { at: ago(0, 3), from: 'OK' as const, to: 'ALARM' as const },
    ];
    const result = analyzeAlarmNoise(
      input({ transitions, state: 'ALARM', since: ago(0, 3) }),
    );
    expect(result.week.minutesInAlarm).toBe(120 + 180);
    expect(result.month.minutesInAlarm).toBe(240 + 180);
    expect(result.week.alarmCount).toBe(1);
    expect(result.month.alarmCount).toBe(2);
    expect(result.lastFiredAt).toBe(ago(0, 3));
    expect(result.flags).not.toContain('stuck');
  });

  it('counts an entry exactly at the window start and none after now', () => {
    const transitions = [
      { at: ago(7), from: 'OK' as const, to: 'ALARM' as const },
      { at: ago(7, 0, -10), from: 'ALARM' as const, to: 'OK' as const },
      { at: ago(7, 0, 2), from: 'OK' as const, to: 'ALARM' as const },
      { at: ago(7, 0, 1), from: 'ALARM' as const, to: 'OK' as const },
      // In the future: ignored.
      { at: ago(-1), from: 'OK' as const, to: 'ALARM' as const },
    ];
    const sorted = [...transitions].sort((a, b) => (a.at < b.at ? -1 : 1));
    const result = analyzeAlarmNoise(
      input({ transitions: sorted, since: ago(7, 0, -10) }),
    );
    expect(result.week.alarmCount).toBe(1);
    expect(result.month.alarmCount).toBe(2);
    expect(result.week.minutesInAlarm).toBe(10);
    expect(result.lastFiredAt).toBe(ago(7));
  });

  it('gives the same answer for unsorted and duplicated transitions', () => {
    const transitions = [
      ...episode(ago(1), 5),
      ...episode(ago(1, 2), 5),
      ...episode(ago(3), 50),
    ];
    const sorted = analyzeAlarmNoise(
      input({ transitions, since: ago(1, 0, -5) }),
    );
    const shuffled = analyzeAlarmNoise(
      input({
        transitions: [...transitions].reverse().concat(transitions.slice(0, 3)),
        since: ago(1, 0, -5),
      }),
    );
    expect(shuffled).toEqual(sorted);
    expect(sorted.week.alarmCount).toBe(3);
    expect(sorted.week.minutesInAlarm).toBe(60);
  });

  it('ignores transitions with invalid times', () => {
    const result = analyzeAlarmNoise(
      input({
        transitions: [{ at: 'yesterday', to: 'ALARM' }, ...episode(ago(1), 10)],
        since: ago(1, 0, -10),
      }),
    );
    expect(result.week.alarmCount).toBe(1);
  });

  it('flags noisy at the configured number of ALARMs per week', () => {
    const four = [1, 2, 3, 4].flatMap(d => episode(ago(d), 10));
    expect(
      analyzeAlarmNoise(input({ transitions: four, since: ago(1, 0, -10) }))
        .flags,
    ).not.toContain('noisy');
    const five = [1, 2, 3, 4, 5].flatMap(d => episode(ago(d), 10));
    const result = analyzeAlarmNoise(
      input({ transitions: five, since: ago(1, 0, -10) }),
    );
    expect(result.flags).toContain('noisy');
    expect(result.week.alarmCount).toBe(5);
    // 5 over 30 days + 2 * 5 over 7 days.
    expect(result.noiseScore).toBe(15);
  });

  it('counts round trips per UTC day of the return and flags flapping days', () => {
    // Three round trips on 2026-03-20 (UTC), two on 2026-03-21.
    const transitions = [
      ...episode('2026-03-20T01:00:00Z', 5),
      ...episode('2026-03-20T10:00:00Z', 5),
      // Back to OK through INSUFFICIENT_DATA: still a round trip.
      { at: '2026-03-20T23:50:00Z', from: 'OK' as const, to: 'ALARM' as const },
      {
        at: '2026-03-20T23:55:00Z',
        from: 'ALARM' as const,
        to: 'INSUFFICIENT_DATA' as const,
      },
      {
        at: '2026-03-20T23:58:00Z',
        from: 'INSUFFICIENT_DATA' as const,
        to: 'OK' as const,
      },
      // Into ALARM on the 20th, back on the 21st: counts for the 21st.
      { at: '2026-03-20T23:59:00Z', from: 'OK' as const, to: 'ALARM' as const },
      { at: '2026-03-21T00:01:00Z', from: 'ALARM' as const, to: 'OK' as const },
      ...episode('2026-03-21T12:00:00Z', 5),
    ];
    const result = analyzeAlarmNoise(
      input({ transitions, since: '2026-03-21T12:05:00Z' }),
    );
    expect(result.month.flappingDays).toBe(1);
    expect(result.month.maxRoundTripsPerDay).toBe(3);
    expect(result.week.flappingDays).toBe(0);
    expect(result.week.maxRoundTripsPerDay).toBe(0);
    expect(result.flags).toContain('flapping');
    // 5 ALARMs over 30 days, none over 7, one flapping day.
    expect(result.noiseScore).toBe(5 + 5);
  });

  it('does not count a return to OK without an entry into ALARM before it', () => {
    // History starting in ALARM: the first ALARM→OK completes no round trip.
    const transitions = [
      { at: '2026-03-20T01:00:00Z', from: 'ALARM' as const, to: 'OK' as const },
      ...episode('2026-03-20T02:00:00Z', 5),
      ...episode('2026-03-20T03:00:00Z', 5),
      // INSUFFICIENT_DATA → OK without ALARM in between: no round trip.
      {
        at: '2026-03-20T04:00:00Z',
        from: 'OK' as const,
        to: 'INSUFFICIENT_DATA' as const,
      },
      {
        at: '2026-03-20T04:05:00Z',
        from: 'INSUFFICIENT_DATA' as const,
        to: 'OK' as const,
      },
    ];
    const result = analyzeAlarmNoise(
      input({ transitions, since: '2026-03-20T04:05:00Z' }),
    );
    expect(result.month.maxRoundTripsPerDay).toBe(2);
    expect(result.month.flappingDays).toBe(0);
    expect(result.month.alarmCount).toBe(2);
    // The time in ALARM before the first recorded change counts from the
    // start of the observation (120 days ago) — outside the month here, so
    // only the clipped part, from 30 days ago to 2026-03-20T01:00Z.
    const fromMonthStart =
      (Date.parse('2026-03-20T01:00:00Z') - (NOW.getTime() - 30 * DAY)) /
      60_000;
    expect(result.month.minutesInAlarm).toBe(fromMonthStart + 10);
  });

  it('flags an alarm in ALARM for longer than the stuck hours', () => {
    const stuck = analyzeAlarmNoise(
      input({
        transitions: [{ at: ago(2), from: 'OK', to: 'ALARM' }],
        state: 'ALARM',
        since: ago(2),
      }),
    );
    expect(stuck.flags).toContain('stuck');
    expect(stuck.week.minutesInAlarm).toBe(2 * 24 * 60);
    // 1 + 2 * 1 + 10 for stuck.
    expect(stuck.noiseScore).toBe(13);
    const notYet = analyzeAlarmNoise(
      input({ transitions: [], state: 'ALARM', since: ago(0, 23) }),
    );
    expect(notYet.flags).not.toContain('stuck');
    expect(notYet.lastFiredAt).toBe(ago(0, 23));
    // No history at all but `since`: the entry is known from the state.
    expect(notYet.week.alarmCount).toBe(1);
    expect(notYet.week.minutesInAlarm).toBe(23 * 60);
  });

  it('takes the current state as authoritative when the history does not end in it', () => {
    const result = analyzeAlarmNoise(
      input({
        transitions: episode(ago(3), 10),
        state: 'ALARM',
        since: ago(1),
      }),
    );
    expect(result.week.alarmCount).toBe(2);
    expect(result.week.minutesInAlarm).toBe(10 + 24 * 60);
    expect(result.lastFiredAt).toBe(ago(1));
  });

  it('flags never-fired only after a full observation or an old current state', () => {
    const thresholds = DEFAULT_NOISE_THRESHOLDS;
    // Observed for 120 days, OK since 200 days.
    expect(analyzeAlarmNoise(input()).flags).toEqual(['never-fired']);
    // Observed for 30 days only, but OK for 200 days: never fired.
    expect(analyzeAlarmNoise(input({ observedSince: ago(30) })).flags).toEqual([
      'never-fired',
    ]);
    // Observed for 30 days and OK since 30 days: unknown, not flagged.
    const young = analyzeAlarmNoise(
      input({ observedSince: ago(30), since: ago(30) }),
    );
    expect(young.flags).toEqual([]);
    expect(young.observedDays).toBe(30);
    // Fired 89 days ago: not flagged; 91 days ago: flagged.
    expect(
      analyzeAlarmNoise(
        input({ transitions: episode(ago(89), 5), since: ago(89, 0, -5) }),
      ).flags,
    ).toEqual([]);
    expect(
      analyzeAlarmNoise(
        input({ transitions: episode(ago(91), 5), since: ago(91, 0, -5) }),
      ).flags,
    ).toEqual(['never-fired']);
    // In ALARM now: never never-fired.
    expect(
      analyzeAlarmNoise(input({ state: 'ALARM', since: ago(200) })).flags,
    ).toEqual(['stuck']);
    // Configurable days.
    expect(
      analyzeAlarmNoise(
        input({
          observedSince: ago(30),
          since: ago(30),
          thresholds: { ...thresholds, neverFiredDays: 30 },
        }),
      ).flags,
    ).toEqual(['never-fired']);
  });

  it('flags alarms without actions or runbook', () => {
    const result = analyzeAlarmNoise(
      input({
        transitions: episode(ago(3), 5),
        since: ago(3, 0, -5),
        hasActions: false,
        hasRunbook: false,
      }),
    );
    expect(result.flags).toEqual(['no-actions', 'no-runbook']);
    expect(result.noiseScore).toBe(3);
  });

  it('leaves ALARMs and round trips inside maintenance out when configured', () => {
    const transitions = [
      ...episode('2026-03-28T10:00:00Z', 5),
      ...episode('2026-03-28T10:10:00Z', 5),
      ...episode('2026-03-28T10:20:00Z', 5),
      ...episode('2026-03-29T10:00:00Z', 5),
    ];
    const maintenance = [
      {
        start: '2026-03-28T09:00:00Z',
        end: '2026-03-28T11:00:00Z',
        serviceIds: [],
      },
    ];
    const excluded = analyzeAlarmNoise(
      input({ transitions, maintenance, since: '2026-03-29T10:05:00Z' }),
    );
    expect(excluded.week).toMatchObject({
      alarmCount: 1,
      alarmsInMaintenance: 3,
      flappingDays: 0,
      maxRoundTripsPerDay: 1,
      // Time in ALARM is the alarm's, maintenance or not.
      minutesInAlarm: 20,
    });
    expect(excluded.flags).toEqual([]);
    const included = analyzeAlarmNoise(
      input({
        transitions,
        maintenance,
        since: '2026-03-29T10:05:00Z',
        thresholds: { ...DEFAULT_NOISE_THRESHOLDS, excludeMaintenance: false },
      }),
    );
    expect(included.week).toMatchObject({
      alarmCount: 4,
      alarmsInMaintenance: 3,
      flappingDays: 1,
      maxRoundTripsPerDay: 3,
    });
    expect(included.flags).toEqual(['flapping']);
    // A window's end is exclusive: an ALARM at its end is outside.
    const atEnd = analyzeAlarmNoise(
      input({
        transitions: episode('2026-03-28T11:00:00Z', 5),
        maintenance,
        since: '2026-03-28T11:05:00Z',
      }),
    );
    expect(atEnd.week).toMatchObject({ alarmCount: 1, alarmsInMaintenance: 0 });
  });

  it('handles an alarm without history or state time', () => {
    const result = analyzeAlarmNoise(
      input({ since: undefined, observedSince: ago(2) }),
    );
    expect(result).toEqual({
      week: {
        days: 7,
        alarmCount: 0,
        minutesInAlarm: 0,
        flappingDays: 0,
        maxRoundTripsPerDay: 0,
        alarmsInMaintenance: 0,
      },
      month: {
        days: 30,
        alarmCount: 0,
        minutesInAlarm: 0,
        flappingDays: 0,
        maxRoundTripsPerDay: 0,
        alarmsInMaintenance: 0,
      },
      lastFiredAt: undefined,
      observedDays: 2,
      flags: [],
      noiseScore: 0,
    });
  });
});

describe('alarmNoiseScore', () => {
  it('adds 30-day ALARMs, twice the 7-day ones, 5 per flapping day and 10 when stuck', () => {
    const stats = (alarmCount: number, flappingDays = 0) => ({
      days: 7,
      alarmCount,
      minutesInAlarm: 0,
      flappingDays,
      maxRoundTripsPerDay: 0,
      alarmsInMaintenance: 0,
    });
    expect(
      alarmNoiseScore({
        week: stats(3),
        month: stats(10, 2),
        flags: ['stuck', 'no-runbook'],
      }),
    ).toBe(10 + 6 + 10 + 10);
  });
});

describe('rankAlarms', () => {
  it('sorts by noise score, then minutes in ALARM over 30 days, then name', () => {
    const alarm = (alarmName: string, noiseScore: number, minutes: number) => ({
      alarmName,
      noiseScore,
      month: {
        days: 30,
        alarmCount: 0,
        minutesInAlarm: minutes,
        flappingDays: 0,
        maxRoundTripsPerDay: 0,
        alarmsInMaintenance: 0,
      },
    });
    const alarms = [
      alarm('c', 5, 10),
      alarm('b', 5, 10),
      alarm('a', 1, 500),
      alarm('d', 5, 60),
      alarm('e', 20, 0),
    ];
    expect(rankAlarms(alarms).map(a => a.alarmName)).toEqual([
      'e',
      'd',
      'b',
      'c',
      'a',
    ]);
    // The input is left as it was.
    expect(alarms.map(a => a.alarmName)).toEqual(['c', 'b', 'a', 'd', 'e']);
    expect(rankAlarms([])).toEqual([]);
  });
});
