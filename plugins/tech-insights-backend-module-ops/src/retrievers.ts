import { parseEntityRef } from '@backstage/catalog-model';
import { FactSchema } from '@backstage-community/plugin-tech-insights-common';
import {
  FactRetriever,
  TechInsightFact,
} from '@backstage-community/plugin-tech-insights-node';
import { EntityReadinessFacts } from '@opsportal/plugin-ops-common';
import { ReadinessFactsClient } from './client';

/** The ids of the ops fact retrievers (also their config keys under `techInsights.factRetrievers`). @public */
export const OPS_FACT_RETRIEVER_IDS = [
  'opsSloFacts',
  'opsOnCallFacts',
  'opsRunbookFacts',
  'opsCapacityFacts',
  'opsChangeFacts',
] as const;

/** One of {@link OPS_FACT_RETRIEVER_IDS}. @public */
export type OpsFactRetrieverId = (typeof OPS_FACT_RETRIEVER_IDS)[number];

type FactValue = number | boolean | null;

interface RetrieverDefinition {
  title: string;
  description: string;
  /** Which part of the readiness facts it is made from. */
  part: keyof Omit<EntityReadinessFacts, 'entityRef'>;
  schema: FactSchema;
  values(facts: EntityReadinessFacts): Record<string, FactValue>;
}

/** The facts each retriever stores: name, type and meaning. */
const DEFINITIONS: Record<OpsFactRetrieverId, RetrieverDefinition> = {
  opsSloFacts: {
    title: 'Ops: SLOs',
    description: 'SLOs defined and met, and the least error budget left.',
    part: 'slo',
    schema: {
      sloConfigured: {
        type: 'boolean',
        description: 'The entity defines SLOs (OpenSLO spec or annotation)',
      },
      slosDefined: { type: 'integer', description: 'SLOs defined' },
      slosEvaluated: {
        type: 'integer',
        description: 'SLOs with data over their window',
      },
      slosMet: {
        type: 'integer',
        description: 'SLOs whose SLI is at or above the target',
      },
      slosAllMet: {
        type: 'boolean',
        description: 'Every SLO is evaluated and met (false without SLOs)',
      },
      sloLowestErrorBudgetRemainingPercent: {
        type: 'float',
        description:
          'Least error budget left among the SLOs, percent (negative when overspent; null without data)',
      },
    },
    values: ({ slo }) => ({
      sloConfigured: slo.configured,
      slosDefined: slo.defined,
      slosEvaluated: slo.evaluated,
      slosMet: slo.met,
      slosAllMet: slo.allMet,
      sloLowestErrorBudgetRemainingPercent:
        slo.lowestErrorBudgetRemainingPercent,
    }),
  },
  opsOnCallFacts: {
    title: 'Ops: on-call',
    description: 'PagerDuty on-call set up, and how far a page escalates.',
    part: 'oncall',
    schema: {
      onCallConfigured: {
        type: 'boolean',
        description:
          'The entity names a PagerDuty service, escalation policy or schedule',
      },
      escalationPolicies: {
        type: 'integer',
        description: 'Escalation policies of the entity',
      },
      escalationLevels: {
        type: 'integer',
        description:
          'Levels of the shallowest escalation policy (0 without one)',
      },
    },
    values: ({ oncall }) => ({
      onCallConfigured: oncall.configured,
      escalationPolicies: oncall.escalationPolicies,
      escalationLevels: oncall.escalationLevels,
    }),
  },
  opsRunbookFacts: {
    title: 'Ops: runbooks and alarms',
    description:
      'Runbooks present and fresh, and alarms that link to a runbook.',
    part: 'runbooks',
    schema: {
      runbooksConfigured: {
        type: 'boolean',
        description: 'The entity has a runbook source or an alarm prefix',
      },
      runbooksCount: { type: 'integer', description: 'Runbooks present' },
      runbooksStale: {
        type: 'integer',
        description: 'Runbooks not updated within runbookStaleAfterDays',
      },
      runbooksAllFresh: {
        type: 'boolean',
        description: 'No runbook is stale',
      },
      runbookNewestAgeDays: {
        type: 'integer',
        description:
          'Days since the most recent runbook update (null when no runbook is dated)',
      },
      runbookOldestAgeDays: {
        type: 'integer',
        description:
          'Days since the least recent runbook update (null when no runbook is dated)',
      },
      runbookStaleAfterDays: {
        type: 'integer',
        description: 'The freshness threshold (ops.runbooks.staleAfterDays)',
      },
      alarmsTotal: {
        type: 'integer',
        description: 'CloudWatch alarms of the entity',
      },
      alarmsWithRunbook: {
        type: 'integer',
        description: 'Alarms linked to a runbook',
      },
      alarmsWithoutRunbook: {
        type: 'integer',
        description: 'Alarms without a runbook',
      },
    },
    values: ({ runbooks, alarms }) => ({
      runbooksConfigured: runbooks.configured,
      runbooksCount: runbooks.count,
      runbooksStale: runbooks.stale,
      runbooksAllFresh: runbooks.allFresh,
      runbookNewestAgeDays: runbooks.newestAgeDays,
      runbookOldestAgeDays: runbooks.oldestAgeDays,
      runbookStaleAfterDays: runbooks.staleAfterDays,
      alarmsTotal: alarms.total,
      alarmsWithRunbook: alarms.withRunbook,
      alarmsWithoutRunbook: alarms.withoutRunbook,
    }),
  },
  opsCapacityFacts: {
    title: 'Ops: capacity',
    description: 'Days until the first capacity limit, from the forecast.',
    part: 'capacity',
    schema: {
      capacityConfigured: {
        type: 'boolean',
        description: 'The entity has a source of capacity metrics',
      },
      capacityMetricsWithLimit: {
        type: 'integer',
        description: 'Capacity metrics with a limit',
      },
      capacityHeadroomDays: {
        type: 'float',
        description:
          'Days until the first metric is forecast to reach its limit (the forecast horizon when none does; null without a forecast)',
      },
      capacityLimitWithinHorizon: {
        type: 'boolean',
        description: 'A metric reaches its limit within the forecast horizon',
      },
      capacityHorizonDays: {
        type: 'integer',
        description: 'How far the forecast looks ahead, days',
      },
    },
    values: ({ capacity }) => ({
      capacityConfigured: capacity.configured,
      capacityMetricsWithLimit: capacity.metricsWithLimit,
      capacityHeadroomDays: capacity.headroomDays,
      capacityLimitWithinHorizon: capacity.limitWithinHorizon,
      capacityHorizonDays: capacity.horizonDays,
    }),
  },
  opsChangeFacts: {
    title: 'Ops: changes',
    description: 'Change success rate over the last 90 days.',
    part: 'changes',
    schema: {
      changesImplemented90d: {
        type: 'integer',
        description:
          'Change requests implemented in the last 90 days (completed, failed or rolled back)',
      },
      changesSuccessful90d: {
        type: 'integer',
        description: 'Of those, completed successfully',
      },
      changeSuccessRatePercent90d: {
        type: 'float',
        description:
          'Successful share in percent (null without implemented changes)',
      },
    },
    values: ({ changes }) => ({
      changesImplemented90d: changes.implemented,
      changesSuccessful90d: changes.successful,
      changeSuccessRatePercent90d: changes.successRatePercent,
    }),
  },
};

/** The entities the ops facts are about. */
export const OPS_FACTS_ENTITY_FILTER = [{ kind: ['component', 'resource'] }];

/**
 * The ops fact retrievers, reading through one shared client. A part the
 * ops backend could not read for an entity (its `error`) is left out of
 * that run, so that the entity keeps its last good facts.
 */
export function createOpsFactRetrievers(
  client: ReadinessFactsClient,
): Record<OpsFactRetrieverId, FactRetriever> {
  const entries = OPS_FACT_RETRIEVER_IDS.map(id => {
    const d = DEFINITIONS[id];
    const retriever: FactRetriever = {
      id,
      version: '0.1.0',
      title: d.title,
      description: d.description,
      entityFilter: OPS_FACTS_ENTITY_FILTER,
      schema: d.schema,
      async handler({ logger }) {
        const all = await client.all();
        const facts: TechInsightFact[] = [];
        for (const item of all) {
          const error = item[d.part].error;
          if (error) {
            logger.warn(
              `${id}: keeping the last facts of ${item.entityRef}: ${error}`,
            );
            continue;
          }
          const { kind, namespace, name } = parseEntityRef(item.entityRef);
          facts.push({
            entity: { kind, namespace, name },
            facts: d.values(item),
          });
        }
        return facts;
      },
    };
    return [id, retriever] as const;
  });
  return Object.fromEntries(entries) as Record<
    OpsFactRetrieverId,
    FactRetriever
  >;
}
