import { Entity } from '@backstage/catalog-model';
import {
  DEFAULT_BURN_RATE_RULES,
  EntitySlosResponse,
  evaluateSlo,
  occurrencesSeries,
  SloObjectiveInfo,
  SloObjectiveResult,
} from '@opsportal/plugin-ops-common';

export const NOW = Date.UTC(2026, 0, 31, 12, 0);
const DAY = 86_400_000;
const repeat = <T>(n: number, v: T) => Array.from({ length: n }, () => v);

export function entity(
  name: string,
  annotations: Record<string, string>,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service' },
  };
}

function info(overrides: Partial<SloObjectiveInfo>): SloObjectiveInfo {
  return {
    id: 'availability',
    name: 'Availability',
    category: 'availability',
    target: 0.999,
    window: '30d',
    windowSeconds: 30 * 86_400,
    budgetingMethod: 'Occurrences',
    missingData: 'ignore',
    indicator: 'Requests without a 5xx',
    objective: '99.9 % of requests answered without a server error (5xx)',
    burnRateRules: [...DEFAULT_BURN_RATE_RULES],
    source: {
      form: 'annotation',
      annotation: 'opsportal.dev/slo-availability',
    },
    ...overrides,
  };
}

/**
 * Payment: 1,000,000 requests a day, 40 failing: 99.996 % against 99.99 %,
 * so 40 % of the 4.32-minute budget is spent.
 */
export function paymentSlos(): EntitySlosResponse {
  const objective = info({
    id: 'payment-availability',
    target: 0.9999,
    objective: '99.99 % of events are good',
    source: {
      form: 'openslo',
      location: '../slo/payment-service.yaml',
      line: 61,
    },
  });
  const total = repeat(72, 3500);
  const status = evaluateSlo({
    target: 0.9999,
    windowSeconds: 30 * 86_400,
    now: NOW,
    series: [
      occurrencesSeries({
        start: NOW - 6 * 3600_000,
        step: 300_000,
        total,
        bad: repeat(72, 0),
      }),
      occurrencesSeries({
        start: NOW - 30 * DAY,
        step: DAY,
        total: repeat(30, 1_000_000),
        bad: repeat(30, 40),
      }),
    ],
  });
  const result: SloObjectiveResult = {
    objective,
    status,
    fetchedAt: new Date(NOW).toISOString(),
    stale: false,
  };
  return {
    entityRef: 'component:default/payment-service',
    objectives: [result],
    problems: [
      {
        severity: 'info',
        source: 'opsportal.dev/slo-availability',
        message:
          "opsportal.dev/slo-availability is not used: the OpenSLO spec ../slo/payment-service.yaml defines this entity's SLOs",
      },
    ],
    history: [
      {
        day: '2026-01-31',
        objectives: [
          {
            id: 'payment-availability',
            sli: status.sli,
            remaining: status.budget.remaining,
          },
        ],
      },
    ],
    fetchedAt: new Date(NOW).toISOString(),
    stale: false,
  };
}

/** Order: 2.5 % of requests failing for the last two hours, 25x a 0.1 % budget. */
export function orderSlos(): EntitySlosResponse {
  const total = repeat(72, 3000);
  const bad = total.map((t, i) => (i >= 48 ? t * 0.025 : t * 0.0001));
  const recentBad = bad.reduce((a, b) => a + b, 0);
  const status = evaluateSlo({
    target: 0.999,
    windowSeconds: 30 * 86_400,
    now: NOW,
    series: [
      occurrencesSeries({
        start: NOW - 6 * 3600_000,
        step: 300_000,
        total,
        bad,
      }),
      occurrencesSeries({
        start: NOW - 30 * DAY,
        step: DAY,
        total: repeat(30, 864_000),
        bad: [...repeat(29, 300), 300 + recentBad],
      }),
    ],
  });
  return {
    entityRef: 'component:default/order-service',
    objectives: [
      {
        objective: info({}),
        status,
        fetchedAt: new Date(NOW).toISOString(),
        stale: false,
      },
    ],
    problems: [],
    history: [],
    fetchedAt: new Date(NOW).toISOString(),
    stale: false,
  };
}

/**
 * Search: a 95 % latency objective (p95 within 250 ms) with 62 % of the
 * requests slower than that for the last hour: 12.4x, under the 14.4x page,
 * which needs 72 % of the requests slow at a 20x ceiling.
 */
export function latencySlos(
  rules = [...DEFAULT_BURN_RATE_RULES],
): EntitySlosResponse {
  const total = repeat(72, 1200);
  const slow = total.map((t, i) => (i >= 60 ? t * 0.62 : 0));
  const status = evaluateSlo({
    target: 0.95,
    windowSeconds: 30 * 86_400,
    now: NOW,
    rules,
    series: [
      occurrencesSeries({
        start: NOW - 6 * 3600_000,
        step: 300_000,
        total,
        bad: slow,
      }),
      occurrencesSeries({
        start: NOW - 30 * DAY,
        step: DAY,
        total: repeat(30, 345_600),
        bad: [...repeat(29, 0), slow.reduce((a, b) => a + b, 0)],
      }),
    ],
  });
  return {
    entityRef: 'component:default/search-service',
    objectives: [
      {
        objective: info({
          id: 'latency-p95',
          name: 'Latency p95',
          category: 'latency',
          target: 0.95,
          objective: '95 % of requests answered within 250 ms (p95 ≤ 250 ms)',
          burnRateRules: rules,
          source: {
            form: 'annotation',
            annotation: 'opsportal.dev/slo-latency-p95',
          },
        }),
        status,
        fetchedAt: new Date(NOW).toISOString(),
        stale: false,
      },
    ],
    problems: [],
    history: [],
    fetchedAt: new Date(NOW).toISOString(),
    stale: false,
  };
}
