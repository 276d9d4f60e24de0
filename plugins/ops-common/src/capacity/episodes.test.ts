import {
  datapointsForDuration,
  findBreachEpisodes,
  findBreachEpisodesIn,
  scalingTriggers,
} from './episodes';

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
        periodSeconds: 300,
      },
      {
        start: new Date(T0 + 30 * MIN).toISOString(),
        end: new Date(T0 + 40 * MIN).toISOString(),
        durationMinutes: 10,
        peak: 90,
        sustained: false,
        periodSeconds: 300,
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

  it('needs 15 consecutive 1-minute points above 70 % for a 15-minute trigger; a 5-minute spike is a breach only', () => {
    const minutes = (values: number[], offset = 0) => ({
      timestamps: values.map((_, i) => T0 + (offset + i) * MIN),
      values,
    });
    const spike = [60, ...new Array(5).fill(95), 60];
    const fourteen = [60, ...new Array(14).fill(75), 60];
    const fifteen = [60, ...new Array(15).fill(75), 60];

    const [fromSpike] = findBreachEpisodes(minutes(spike), cpuRule, 60);
    expect(fromSpike).toEqual(
      expect.objectContaining({ durationMinutes: 5, sustained: false }),
    );
    expect(
      findBreachEpisodes(minutes(fourteen), cpuRule, 60).map(e => e.sustained),
    ).toEqual([false]);
    const [fromFifteen] = findBreachEpisodes(minutes(fifteen), cpuRule, 60);
    expect(fromFifteen).toEqual(
      expect.objectContaining({
        start: new Date(T0 + MIN).toISOString(),
        end: new Date(T0 + 16 * MIN).toISOString(),
        durationMinutes: 15,
        sustained: true,
        periodSeconds: 60,
      }),
    );
    expect(fromFifteen.approximate).toBeUndefined();
  });

  it('counts the datapoints a duration takes at each resolution', () => {
    expect(datapointsForDuration(15, 60)).toBe(15);
    expect(datapointsForDuration(15, 300)).toBe(3);
    expect(datapointsForDuration(15, 3600)).toBe(1);
    expect(datapointsForDuration(0, 60)).toBe(1);
  });

  it('marks a trigger found in hourly data as approximate: one hourly mean above 70 % is not 15 minutes above it', () => {
    const hourly = {
      timestamps: [T0, T0 + 60 * MIN, T0 + 120 * MIN],
      values: [50, 72, 50],
    };
    const [episode] = findBreachEpisodes(hourly, cpuRule, 3600);
    expect(episode).toEqual(
      expect.objectContaining({
        durationMinutes: 60,
        sustained: true,
        periodSeconds: 3600,
        approximate: true,
      }),
    );
    // At 5 minutes three datapoints are the rule, not an approximation.
    const [fine] = findBreachEpisodes(fiveMinute([75, 75, 75]), cpuRule, 300);
    expect(fine.approximate).toBeUndefined();
  });

  it('follows an episode from 5-minute into 1-minute data as one episode', () => {
    const boundary = T0 + 30 * MIN;
    const fivePart = {
      series: {
        timestamps: [boundary - 10 * MIN, boundary - 5 * MIN],
        values: [60, 80],
      },
      periodSeconds: 300,
    };
    const minutePart = {
      series: {
        timestamps: Array.from({ length: 12 }, (_, i) => boundary + i * MIN),
        values: [...new Array(11).fill(80), 60],
      },
      periodSeconds: 60,
    };
    const episodes = findBreachEpisodesIn([minutePart, fivePart], cpuRule);
    expect(episodes).toEqual([
      expect.objectContaining({
        start: new Date(boundary - 5 * MIN).toISOString(),
        end: new Date(boundary + 11 * MIN).toISOString(),
        durationMinutes: 16,
        sustained: true,
        periodSeconds: 300,
      }),
    ]);
  });

  it('finds nothing in an empty series', () => {
    expect(
      findBreachEpisodes({ timestamps: [], values: [] }, cpuRule, 60),
    ).toEqual([]);
  });
});
