import { formatDuration, parseDuration } from './duration';

describe('durations', () => {
  it('reads OpenSLO shorthands', () => {
    expect(parseDuration('5m')).toBe(300);
    expect(parseDuration('1h')).toBe(3600);
    expect(parseDuration('30d')).toBe(2_592_000);
    expect(parseDuration('4w')).toBe(28 * 86_400);
    expect(parseDuration('1M')).toBe(30 * 86_400);
    expect(parseDuration(5)).toBe(300);
    expect(parseDuration(5, 's')).toBe(5);
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
      expect(parseDuration(bad)).toBeUndefined();
    }
  });

  it('writes the shortest shorthand', () => {
    expect(formatDuration(2_592_000)).toBe('30d');
    expect(formatDuration(7200)).toBe('2h');
    expect(formatDuration(300)).toBe('5m');
    expect(formatDuration(90)).toBe('90s');
  });
});
