import { MissBatcher } from './MissBatcher';

describe('MissBatcher', () => {
  it('loads keys asked for within the window together, each once', async () => {
    const loads: string[][] = [];
    const batcher = new MissBatcher<string>(async keys => {
      loads.push([...keys].sort());
      await new Promise(r => setTimeout(r, 30));
      return new Map(keys.map(k => [k, `value of ${k}`]));
    }, 10);

    const answers = await Promise.all([
      batcher.get('a'),
      batcher.get('b'),
      batcher.get('a'),
      batcher.get('c'),
    ]);

    expect(answers).toEqual([
      'value of a',
      'value of b',
      'value of a',
      'value of c',
    ]);
    expect(loads).toEqual([['a', 'b', 'c']]);
    expect(batcher.size).toBe(0);
  });

  it('shares a key in flight with later callers, and starts a new batch for new keys', async () => {
    const loads: string[][] = [];
    const batcher = new MissBatcher<string>(async keys => {
      loads.push(keys);
      await new Promise(r => setTimeout(r, 50));
      return new Map(keys.map(k => [k, k.toUpperCase()]));
    }, 5);

    const first = batcher.get('a');
    await new Promise(r => setTimeout(r, 20));
    // 'a' is being loaded: shared; 'b' opens the next batch.
    const [again, b] = await Promise.all([batcher.get('a'), batcher.get('b')]);

    expect(await first).toBe('A');
    expect(again).toBe('A');
    expect(b).toBe('B');
    expect(loads).toEqual([['a'], ['b']]);
  });

  it('hands a failed load to every caller of the batch', async () => {
    const batcher = new MissBatcher<string>(async () => {
      throw new Error('PagerDuty is down');
    }, 5);

    const results = await Promise.allSettled([
      batcher.get('a'),
      batcher.get('b'),
    ]);

    expect(results.map(r => r.status)).toEqual(['rejected', 'rejected']);
    expect(batcher.size).toBe(0);
  });
});

describe('MissBatcher and callers whose read raced a load', () => {
  it('does not load a key again for a caller that looked before the load finished', async () => {
    const loads: string[][] = [];
    const batcher = new MissBatcher<string>(async keys => {
      loads.push(keys);
      return new Map(keys.map(k => [k, `v${loads.length}`]));
    }, 1);

    // A second viewer looked (found nothing) while the first one's load ran,
    // and asks after it finished.
    const seen = batcher.stamp();
    expect(await batcher.get('a', seen)).toBe('v1');
    expect(await batcher.get('a', seen)).toBe('v1');
    expect(loads).toEqual([['a']]);

    // A caller that looked after the load finished loads again.
    expect(await batcher.get('a', batcher.stamp())).toBe('v2');
    expect(await batcher.get('a')).toBe('v3');
    expect(loads).toEqual([['a'], ['a'], ['a']]);
  });
});
