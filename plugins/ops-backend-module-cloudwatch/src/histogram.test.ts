import { histogramQuantile, mergeHistograms } from './histogram';

describe('histogramQuantile', () => {
  // 100 requests: 50 at 100 ms, 45 at 200 ms, 4 at 1 s, 1 at 3 s.
  const histogram = [
    { value: 0.2, count: 45 },
    { value: 0.1, count: 50 },
    { value: 3, count: 1 },
    { value: 1, count: 4 },
  ];

  it('answers the smallest value holding the nearest rank, whatever the order of the buckets', () => {
    expect(histogramQuantile(histogram, 0.5)).toBe(0.1); // rank 50: the 50th request is at 100 ms
    expect(histogramQuantile(histogram, 0.51)).toBe(0.2); // rank 51
    expect(histogramQuantile(histogram, 0.95)).toBe(0.2); // rank 95: exactly the last at 200 ms
    expect(histogramQuantile(histogram, 0.96)).toBe(1); // rank 96
    expect(histogramQuantile(histogram, 0.99)).toBe(1); // rank 99
    expect(histogramQuantile(histogram, 1)).toBe(3); // the slowest
  });

  it('rounds the rank up for counts that do not divide evenly', () => {
    // 7 requests: p50 is the 4th (⌈3.5⌉), p95 the 7th (⌈6.65⌉).
    const seven = [
      { value: 0.01, count: 3 },
      { value: 0.02, count: 1 },
      { value: 0.5, count: 3 },
    ];
    expect(histogramQuantile(seven, 0.5)).toBe(0.02);
    expect(histogramQuantile(seven, 0.95)).toBe(0.5);
  });

  it('is null without requests and ignores empty or broken buckets', () => {
    expect(histogramQuantile([], 0.5)).toBeNull();
    expect(histogramQuantile([{ value: 0.3, count: 0 }], 0.5)).toBeNull();
    expect(
      histogramQuantile(
        [
          { value: NaN, count: 10 },
          { value: 0.3, count: 2 },
        ],
        0.99,
      ),
    ).toBe(0.3);
  });

  it('refuses a quantile outside (0, 1]', () => {
    expect(() => histogramQuantile(histogram, 0)).toThrow(RangeError);
    expect(() => histogramQuantile(histogram, 95)).toThrow(RangeError);
  });
});

describe('mergeHistograms', () => {
  it('adds equal values and sorts', () => {
    expect(
      mergeHistograms(
        [
          { value: 0.2, count: 1 },
          { value: 0.1, count: 2 },
        ],
        [{ value: 0.2, count: 3 }],
      ),
    ).toEqual([
      { value: 0.1, count: 2 },
      { value: 0.2, count: 4 },
    ]);
  });
});
