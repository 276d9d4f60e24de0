/**
 * One bucket of an X-Ray response-time histogram: `count` requests took
 * `value` seconds (X-Ray's `HistogramEntry`, values rounded by X-Ray).
 */
export interface HistogramBucket {
  value: number;
  count: number;
}

/**
 * Adds histograms bucket by bucket (equal values are one bucket), keeping
 * only finite values and positive counts; answers the buckets in value order.
 */
export function mergeHistograms(
  ...histograms: HistogramBucket[][]
): HistogramBucket[] {
  const byValue = new Map<number, number>();
  for (const histogram of histograms) {
    for (const { value, count } of histogram) {
      if (!Number.isFinite(value) || !(count > 0)) continue;
      byValue.set(value, (byValue.get(value) ?? 0) + count);
    }
  }
  return [...byValue.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([value, count]) => ({ value, count }));
}

/**
 * The `q` quantile (0 < q ≤ 1) of a histogram by nearest rank: the smallest
 * value at or below which at least ⌈q × total⌉ requests lie. No
 * interpolation: X-Ray's buckets are observed durations, so the answer is
 * always one of them. Null for an empty histogram.
 */
export function histogramQuantile(
  histogram: HistogramBucket[],
  q: number,
): number | null {
  if (!(q > 0 && q <= 1)) {
    throw new RangeError(`A quantile lies in (0, 1], not ${q}`);
  }
  const buckets = mergeHistograms(histogram);
  const total = buckets.reduce((n, b) => n + b.count, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total - 1e-9));
  let seen = 0;
  for (const bucket of buckets) {
    seen += bucket.count;
    if (seen >= rank) return bucket.value;
  }
  return buckets[buckets.length - 1].value;
}
