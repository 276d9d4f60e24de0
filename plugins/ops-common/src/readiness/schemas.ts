import { z } from 'zod';

/** Most entities one page of `GET /readiness/facts` answers. @public */
export const READINESS_FACTS_MAX_LIMIT = 100;
/** Entities per page when `limit` is not given. @public */
export const READINESS_FACTS_DEFAULT_LIMIT = 25;

const error = z.string().optional();
const count = z.number().int().min(0);

/** Schema of {@link ReadinessFactsResponse}, for clients that check what they read. @public */
export const readinessFactsResponseSchema = z.object({
  generatedAt: z.string(),
  items: z.array(
    z.object({
      entityRef: z.string().min(1),
      slo: z.object({
        configured: z.boolean(),
        defined: count,
        evaluated: count,
        met: count,
        allMet: z.boolean(),
        lowestErrorBudgetRemainingPercent: z.number().nullable(),
        error,
      }),
      oncall: z.object({
        configured: z.boolean(),
        escalationPolicies: count,
        escalationLevels: count,
        error,
      }),
      runbooks: z.object({
        configured: z.boolean(),
        count,
        stale: count,
        allFresh: z.boolean(),
        newestAgeDays: z.number().nullable(),
        oldestAgeDays: z.number().nullable(),
        staleAfterDays: z.number(),
        error,
      }),
      alarms: z.object({
        total: count,
        withRunbook: count,
        withoutRunbook: count,
        error,
      }),
      capacity: z.object({
        configured: z.boolean(),
        metricsWithLimit: count,
        headroomDays: z.number().nullable(),
        limitWithinHorizon: z.boolean(),
        bindingMetric: z.string().optional(),
        horizonDays: z.number().nullable(),
        error,
      }),
      changes: z.object({
        periodDays: z.number(),
        implemented: count,
        successful: count,
        successRatePercent: z.number().nullable(),
        error,
      }),
    }),
  ),
  notFound: z.array(z.string()),
  nextCursor: z.string().optional(),
});
