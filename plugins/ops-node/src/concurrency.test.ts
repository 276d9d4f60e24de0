import { mapWithConcurrency } from './concurrency';

describe('mapWithConcurrency', () => {
  it('keeps at most `limit` calls in flight and answers in order', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapWithConcurrency(
      [5, 1, 4, 2, 3, 0, 6],
      3,
      async (ms, i) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise(resolve => setImmediate(resolve));
        for (let n = 0; n < ms; n++) await Promise.resolve();
        inFlight--;
        return `${i}:${ms}`;
      },
    );
    expect(most).toBe(3);
    expect(results).toEqual(['0:5', '1:1', '2:4', '3:2', '4:3', '5:0', '6:6']);
  });

  it('starts nothing new after a failure and fails with it', async () => {
    const started: number[] = [];
    await expect(
      mapWithConcurrency([1, 2, 3, 4, 5, 6], 2, async n => {
        started.push(n);
        if (n === 2) throw new Error('upstream said no');
        await new Promise(resolve => setImmediate(resolve));
        return n;
      }),
    ).rejects.toThrow('upstream said no');
    expect(started).toEqual([1, 2]);
  });

  it('answers an empty list without calling', async () => {
    expect(await mapWithConcurrency([], 4, async () => 1)).toEqual([]);
  });
});
