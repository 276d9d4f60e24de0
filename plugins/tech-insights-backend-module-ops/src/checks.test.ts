import { mockServices } from '@backstage/backend-test-utils';
import { JsonRulesEngineFactChecker } from '@backstage-community/plugin-tech-insights-backend-module-jsonfc';
import { ReadinessFactsClient } from './client';
import { opsReadinessChecks } from './checks';
import { createOpsFactRetrievers } from './retrievers';

const retrievers = createOpsFactRetrievers(
  new ReadinessFactsClient({
    discovery: mockServices.discovery(),
    auth: mockServices.auth(),
    logger: mockServices.logger.mock(),
  }),
);

/** The latest facts of one entity, as the Tech Insights store hands them to the checker. */
function checkerWith(facts: Record<string, Record<string, unknown>>) {
  const entity = { kind: 'component', namespace: 'default', name: 'svc' };
  return new JsonRulesEngineFactChecker({
    checks: Object.entries(opsReadinessChecks).map(([id, check]) => ({
      id,
      ...check,
    })),
    logger: mockServices.logger.mock(),
    repository: {
      getLatestSchemas: async () =>
        Object.values(retrievers).map(r => r.schema) as any,
      getLatestFactsByIds: async () =>
        Object.fromEntries(
          Object.entries(facts).map(([id, values]) => [
            id,
            { id, entity, timestamp: undefined, facts: values },
          ]),
        ) as any,
    } as any,
  });
}

const ready = {
  opsSloFacts: {
    sloConfigured: true,
    slosDefined: 3,
    slosEvaluated: 3,
    slosMet: 3,
    slosAllMet: true,
    sloLowestErrorBudgetRemainingPercent: 62.5,
  },
  opsOnCallFacts: {
    onCallConfigured: true,
    escalationPolicies: 1,
    escalationLevels: 3,
  },
  opsRunbookFacts: {
    runbooksConfigured: true,
    runbooksCount: 4,
    runbooksStale: 0,
    runbooksAllFresh: true,
    runbookNewestAgeDays: 3,
    runbookOldestAgeDays: 40,
    runbookStaleAfterDays: 90,
    alarmsTotal: 6,
    alarmsWithRunbook: 6,
    alarmsWithoutRunbook: 0,
  },
  opsCapacityFacts: {
    capacityConfigured: true,
    capacityMetricsWithLimit: 3,
    capacityHeadroomDays: 180,
    capacityLimitWithinHorizon: false,
    capacityHorizonDays: 180,
  },
  opsChangeFacts: {
    changesImplemented90d: 40,
    changesSuccessful90d: 39,
    changeSuccessRatePercent90d: 97.5,
  },
};

async function results(facts: typeof ready) {
  const answers = await checkerWith(facts).runChecks('component:default/svc');
  return Object.fromEntries(answers.map(a => [a.check.id, a.result]));
}

describe('opsReadinessChecks', () => {
  it('passes a service that meets every target of the seed', async () => {
    const all = await results(ready);
    expect(Object.keys(all).sort()).toEqual(
      Object.keys(opsReadinessChecks).sort(),
    );
    expect(Object.values(all).every(Boolean)).toBe(true);
  });

  it('fails each check on the fact that misses its target', async () => {
    const missed = await results({
      opsSloFacts: {
        ...ready.opsSloFacts,
        slosMet: 2,
        slosAllMet: false,
        sloLowestErrorBudgetRemainingPercent: -12,
      },
      opsOnCallFacts: { ...ready.opsOnCallFacts, escalationLevels: 2 },
      opsRunbookFacts: {
        ...ready.opsRunbookFacts,
        runbooksStale: 1,
        alarmsWithoutRunbook: 2,
      },
      opsCapacityFacts: {
        ...ready.opsCapacityFacts,
        capacityHeadroomDays: 12.5,
        capacityLimitWithinHorizon: true,
      },
      opsChangeFacts: {
        changesImplemented90d: 20,
        changesSuccessful90d: 19,
        changeSuccessRatePercent90d: 95,
      },
    });
    expect(missed).toEqual({
      opsSlosDefined: true,
      opsSlosMet: false,
      opsErrorBudgetLeft: false,
      opsOnCallEscalation: false,
      opsRunbooksPresent: true,
      opsRunbooksFresh: false,
      opsAlarmsHaveRunbooks: false,
      opsCapacityHeadroom: false,
      opsChangeSuccessRate: false,
    });
  });

  it('fails what a service has not set up, and passes no changes at all', async () => {
    const bare = await results({
      opsSloFacts: {
        sloConfigured: false,
        slosDefined: 0,
        slosEvaluated: 0,
        slosMet: 0,
        slosAllMet: false,
        sloLowestErrorBudgetRemainingPercent: null as any,
      },
      opsOnCallFacts: {
        onCallConfigured: false,
        escalationPolicies: 0,
        escalationLevels: 0,
      },
      opsRunbookFacts: {
        ...ready.opsRunbookFacts,
        runbooksCount: 0,
        runbookNewestAgeDays: null as any,
        runbookOldestAgeDays: null as any,
        alarmsTotal: 0,
        alarmsWithRunbook: 0,
      },
      opsCapacityFacts: {
        capacityConfigured: false,
        capacityMetricsWithLimit: 0,
        capacityHeadroomDays: null as any,
        capacityLimitWithinHorizon: false,
        capacityHorizonDays: null as any,
      },
      opsChangeFacts: {
        changesImplemented90d: 0,
        changesSuccessful90d: 0,
        changeSuccessRatePercent90d: null as any,
      },
    });
    expect(bare).toEqual({
      opsSlosDefined: false,
      opsSlosMet: false,
      opsErrorBudgetLeft: false,
      opsOnCallEscalation: false,
      opsRunbooksPresent: false,
      opsRunbooksFresh: false,
      // No alarms: nothing lacks a runbook.
      opsAlarmsHaveRunbooks: true,
      opsCapacityHeadroom: false,
      opsChangeSuccessRate: true,
    });
  });
});
