import { Check } from '@backstage-community/plugin-tech-insights-common';

/** A fact's condition in a JSON rules engine check. @public */
export interface OpsCheckCondition {
  fact: string;
  operator: string;
  value: number | boolean | string;
}

/**
 * A check for the JSON rules engine fact checker
 * (`@backstage-community/plugin-tech-insights-backend-module-jsonfc`), in
 * the shape it reads from `techInsights.factChecker.checks`. @public
 */
export interface OpsReadinessCheck extends Omit<Check, 'id'> {
  type: 'json-rules-engine';
  rule: {
    conditions: { all: OpsCheckCondition[] } | { any: OpsCheckCondition[] };
  };
}

/**
 * Example operational-readiness checks over the ops facts, with the
 * thresholds of the Operational Viewpoint (docs/tech-insights.md says why
 * each). Keyed by check id, as `techInsights.factChecker.checks` is; the
 * demo app-config.yaml holds the same checks.
 * @public
 */
export const opsReadinessChecks: Record<string, OpsReadinessCheck> = {
  opsSlosDefined: {
    type: 'json-rules-engine',
    name: 'SLOs defined',
    description:
      'The service defines at least one SLO (availability, latency or error rate).',
    factIds: ['opsSloFacts'],
    rule: {
      conditions: {
        all: [
          { fact: 'slosDefined', operator: 'greaterThanInclusive', value: 1 },
        ],
      },
    },
  },
  opsSlosMet: {
    type: 'json-rules-engine',
    name: 'SLOs met',
    description:
      'Every SLO is at or above its target over its window (e.g. 99.99 % availability over 30 days for payment-service).',
    factIds: ['opsSloFacts'],
    rule: {
      conditions: {
        all: [{ fact: 'slosAllMet', operator: 'equal', value: true }],
      },
    },
  },
  opsErrorBudgetLeft: {
    type: 'json-rules-engine',
    name: 'Error budget left',
    description: 'No SLO has spent its whole error budget for the window.',
    factIds: ['opsSloFacts'],
    rule: {
      conditions: {
        all: [
          {
            fact: 'sloLowestErrorBudgetRemainingPercent',
            operator: 'greaterThan',
            value: 0,
          },
        ],
      },
    },
  },
  opsOnCallEscalation: {
    type: 'json-rules-engine',
    name: 'On-call escalates three levels',
    description:
      'A page escalates primary on-call, secondary on-call and then the engineering manager.',
    factIds: ['opsOnCallFacts'],
    rule: {
      conditions: {
        all: [
          { fact: 'onCallConfigured', operator: 'equal', value: true },
          {
            fact: 'escalationLevels',
            operator: 'greaterThanInclusive',
            value: 3,
          },
        ],
      },
    },
  },
  opsRunbooksPresent: {
    type: 'json-rules-engine',
    name: 'Runbooks present',
    description: 'The service has at least one runbook.',
    factIds: ['opsRunbookFacts'],
    rule: {
      conditions: {
        all: [
          { fact: 'runbooksCount', operator: 'greaterThanInclusive', value: 1 },
        ],
      },
    },
  },
  opsRunbooksFresh: {
    type: 'json-rules-engine',
    name: 'Runbooks reviewed',
    description:
      'No runbook is older than the freshness threshold (ops.runbooks.staleAfterDays).',
    factIds: ['opsRunbookFacts'],
    rule: {
      conditions: {
        all: [
          { fact: 'runbooksCount', operator: 'greaterThanInclusive', value: 1 },
          { fact: 'runbooksStale', operator: 'equal', value: 0 },
        ],
      },
    },
  },
  opsAlarmsHaveRunbooks: {
    type: 'json-rules-engine',
    name: 'Alarms link a runbook',
    description: 'Every alarm of the service links to a runbook.',
    factIds: ['opsRunbookFacts'],
    rule: {
      conditions: {
        all: [{ fact: 'alarmsWithoutRunbook', operator: 'equal', value: 0 }],
      },
    },
  },
  opsCapacityHeadroom: {
    type: 'json-rules-engine',
    name: 'Capacity headroom of 30 days',
    description:
      'No capacity metric is forecast to reach its limit before the next monthly capacity review.',
    factIds: ['opsCapacityFacts'],
    rule: {
      conditions: {
        all: [
          {
            fact: 'capacityHeadroomDays',
            operator: 'greaterThanInclusive',
            value: 30,
          },
        ],
      },
    },
  },
  opsChangeSuccessRate: {
    type: 'json-rules-engine',
    name: 'Change success rate above 95 %',
    description:
      'More than 95 % of the change requests implemented in the last 90 days succeeded (no changes passes).',
    factIds: ['opsChangeFacts'],
    rule: {
      conditions: {
        any: [
          { fact: 'changesImplemented90d', operator: 'equal', value: 0 },
          {
            fact: 'changeSuccessRatePercent90d',
            operator: 'greaterThan',
            value: 95,
          },
        ],
      },
    },
  },
};
