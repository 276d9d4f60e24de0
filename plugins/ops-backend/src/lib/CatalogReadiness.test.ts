import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CatalogReadiness } from './CatalogReadiness';
import { afterCatalogRead } from './viewCaches';

/** A catalog whose entity count the test moves, as its processing would. */
function setup(options: { maxWaitSeconds?: number } = {}) {
  const state = { count: 0, failing: false };
  let clock = 0;
  const catalog = catalogServiceMock.mock({
    queryEntities: async () => {
      if (state.failing) throw new Error('connect ECONNREFUSED');
      return { items: [], totalItems: state.count, pageInfo: {} };
    },
  });
  const readiness = new CatalogReadiness({
    catalog,
    auth: mockServices.auth(),
    logger: mockServices.logger.mock(),
    settleSeconds: 15,
    maxWaitSeconds: options.maxWaitSeconds ?? 300,
    now: () => clock,
  });
  return {
    state,
    readiness,
    at: async (seconds: number) => {
      clock = seconds * 1000;
      return readiness.check();
    },
  };
}

describe('CatalogReadiness', () => {
  it('is not read while the catalog still adds entities', async () => {
    const { state, at } = setup();
    state.count = 3;
    expect(await at(0)).toBe(false);
    state.count = 12;
    expect(await at(10)).toBe(false);
    state.count = 29;
    expect(await at(20)).toBe(false);
    expect(await at(30)).toBe(false);
    // Unchanged for 15 s.
    expect(await at(35)).toBe(true);
  });

  it('is not read while the catalog is empty or does not answer', async () => {
    const { state, at } = setup();
    state.failing = true;
    expect(await at(0)).toBe(false);
    expect(await at(20)).toBe(false);
    state.failing = false;
    expect(await at(40)).toBe(false);
    expect(await at(60)).toBe(false);
  });

  it('lets refreshes run after maxWaitSeconds whatever the catalog does', async () => {
    const { at, readiness } = setup({ maxWaitSeconds: 60 });
    expect(await at(30)).toBe(false);
    expect(await at(60)).toBe(true);
    expect(readiness.isReady()).toBe(true);
  });

  it('holds refresh tasks until the catalog is read', async () => {
    const { state, at, readiness } = setup();
    const runs: string[] = [];
    const [task] = afterCatalogRead(
      [
        {
          id: 'ops-test-refresh',
          frequency: { minutes: 2 },
          timeout: { minutes: 1 },
          fn: async () => {
            runs.push(`refresh with ${state.count} entities`);
          },
        },
      ],
      readiness,
    );
    state.count = 5;
    await at(0);
    const running = task.fn(new AbortController().signal);
    state.count = 29;
    await at(5);
    await new Promise(r => setImmediate(r));
    expect(runs).toEqual([]);
    await at(20);
    await running;
    expect(runs).toEqual(['refresh with 29 entities']);
    // Once read, later runs start at once.
    await task.fn(new AbortController().signal);
    expect(runs).toHaveLength(2);
  });

  it('lets a waiting task go when the scheduler aborts it', async () => {
    const { readiness } = setup();
    const runs: string[] = [];
    const [task] = afterCatalogRead(
      [
        {
          id: 'ops-test-refresh',
          frequency: { minutes: 2 },
          timeout: { minutes: 1 },
          fn: async () => {
            runs.push('ran');
          },
        },
      ],
      readiness,
    );
    const abort = new AbortController();
    const running = task.fn(abort.signal);
    abort.abort();
    await running;
    expect(runs).toEqual([]);
  });
});
