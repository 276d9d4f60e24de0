import { RequestBudget } from './budget';

/** A budget on a virtual clock: waiting moves the clock. */
function virtual(perMinute: number, burst: number) {
  let t = 0;
  const budget = new RequestBudget({
    perMinute,
    burst,
    clock: {
      now: () => t,
      sleep: async ms => {
        t += ms;
      },
    },
  });
  return { budget, now: () => t };
}

describe('RequestBudget', () => {
  it('lets a burst out at once, then one request per share of a minute, in arrival order', async () => {
    const { budget, now } = virtual(60, 3);
    const order: [number, number][] = [];
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        budget.take().then(() => order.push([i, now()])),
      ),
    );
    expect(order.map(([i]) => i)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(order.map(([, t]) => t)).toEqual([0, 0, 0, 1000, 2000, 3000]);
  });

  it('counts requests that must not wait, which later requests then wait for', async () => {
    const { budget, now } = virtual(60, 2);
    budget.spend();
    budget.spend();
    budget.spend();
    expect(now()).toBe(0);
    await budget.take();
    // One request of debt and one for this one: two seconds at one a second.
    expect(now()).toBe(2000);
  });

  it('keeps any minute within a per-minute limit, burst included', async () => {
    let t = 0;
    const released: number[] = [];
    const budget = RequestBudget.perMinuteAtMost(96, {
      now: () => t,
      sleep: async ms => {
        t += ms;
      },
    });
    for (let i = 0; i < 500; i++) {
      await budget.take();
      released.push(t);
    }
    for (const at of released) {
      expect(
        released.filter(x => x >= at && x < at + 60_000).length,
      ).toBeLessThanOrEqual(96);
    }
    expect(budget.burst).toBe(16);
  });

  it('stops waiting when the caller gives up', async () => {
    const budget = new RequestBudget({ perMinute: 1, burst: 1 });
    await budget.take();
    const controller = new AbortController();
    const waiting = budget.take(controller.signal);
    controller.abort(new Error('refresh cancelled'));
    await expect(waiting).rejects.toThrow('refresh cancelled');
  });
});
