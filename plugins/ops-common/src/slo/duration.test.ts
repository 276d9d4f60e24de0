import { formatDurationShorthand, parseDurationShorthand } from './duration';

describe('durations', () => {
  it('reads OpenSLO shorthands', () => {
    expect(parseDurationShorthand('5m')).toBe(300);
    expect(parseDurationShorthand('1h')).toBe(3600);
    expect(parseDurationShorthand('30d')).toBe(2_592_000);
    expect(parseDurationShorthand('4w')).toBe(28 * 86_400);
    expect(parseDurationShorthand('1M')).toBe(30 * 86_400);
    expect(parseDurationShorthand(5)).toBe(300);
    expect(parseDurationShorthand(5, 's')).toBe(5);
  });

  it('refuses what is not one', () => {
    for (const bad of [
      '',
      '0d',
      '1.5h',
      '30 d',
      'd',
      '-1h',
      '1x',
      null,
      {},
      0,
    ]) {
      expect(parseDurationShorthand(bad)).toBeUndefined();
    }
  });

  it('writes the shortest shorthand', () => {
    expect(formatDurationShorthand(2_592_000)).toBe('30d');
    expect(formatDurationShorthand(7200)).toBe('2h');
    expect(formatDurationShorthand(300)).toBe('5m');
    expect(formatDurationShorthand(90)).toBe('90s');
  });
});
