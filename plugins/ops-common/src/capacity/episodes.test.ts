import { findBreachEpisodes, scalingTriggers } from './episodes';

const T0 = Date.UTC(2026, 2, 1, 12, 0, 0);
const MIN = 60_000;

/** A 5-minute series from values (null = missing datapoint). */
function fiveMinute(values: (number | null)[]) {
  const timestamps: number[] = [];
  const out: number[] = [];
  values.forEach((v, i) => {
    if (v === null) return;
    timestamps.push(T0 + i * 5 * MIN);
    out.push(v);
  });
  return { timestamps, values: out };
}

const cpuRule = { threshold: 70, sustainMinutes: 15 };

describe('breach episodes and scaling triggers', () => {
  it('counts CPU > 70 % for 15 minutes as a trigger, and 10 minutes as a breach only', () => {
    const series = fiveMinute([
      60,
      72,
      75,
      71,
      65, // 15 minutes above: a trigger
      60,
      80,
      90,
      60, // 10 minutes above: a breach, no trigger
      70,
      70,
      70, // exactly at the threshold: no breach
    ]);
    const episodes = findBreachEpisodes(series, cpuRule, 300);

    expect(episodes).toEqual([
      {
        start: new Date(T0 + 5 * MIN).toISOString(),
        end: new Date(T0 + 20 * MIN).toISOString(),
        durationMinutes: 15,
        peak: 75,
        sustained: true,
      },
      {
        start: new Date(T0 + 30 * MIN).toISOString(),
        end: new Date(T0 + 40 * MIN).toISOString(),
        durationMinutes: 10,
        peak: 90,
        sustained: false,
      },
    ]);
    expect(scalingTriggers(episodes)).toHaveLength(1);
  });

  it('does not bridge a gap: missing data ends an episode', () => {
    const series = fiveMinute([75, 76, null, 77, 78, 79, 80]);
    const episodes = findBreachEpisodes(series, cpuRule, 300);
    expect(episodes.map(e => e.durationMinutes)).toEqual([10, 20]);
    expect(episodes.map(e => e.sustained)).toEqual([false, true]);
  });

  it('counts every datapoint above a threshold without a duration (queue depth > 100)', () => {
    const series = fiveMinute([20, 150, 30, 101, 100]);
    const episodes = findBreachEpisodes(
      series,
      { threshold: 100, sustainMinutes: 0 },
      300,
    );
    expect(episodes).toHaveLength(2);
    expect(episodes.every(e => e.sustained)).toBe(true);
    expect(episodes[0].peak).toBe(150);
  });

  it('closes an episode still running at the end of the data', () => {
    const episodes = findBreachEpisodes(
      fiveMinute([50, 71, 72, 73, 74]),
      cpuRule,
      300,
    );
    expect(episodes).toHaveLength(1);
    expect(episodes[0].durationMinutes).toBe(20);
  });

  it('finds nothing in an empty series', () => {
    expect(
      findBreachEpisodes({ timestamps: [], values: [] }, cpuRule, 60),
    ).toEqual([]);
  });
});
