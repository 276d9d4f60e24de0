import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  CapacityMetricView,
  CapacityReviewMetric,
  compareBySoonestLimit,
  EntityCapacity,
  ruleLimit,
  Snapshot,
} from '@opsportal/plugin-ops-common';
import { z as z4 } from 'zod';
import { entityRefParam, parseRequest } from '../lib/validate';
import { CapacityService } from '../capacity/CapacityService';
import {
  asClient,
  entityRefInput,
  freshnessShape,
  sig,
  userCredentials,
  Zod,
} from './common';

const entityInput = z4.object({ entityRef: entityRefParam() });

const metricShape = (z: Zod) =>
  z.object({
    id: z.string(),
    label: z.string(),
    unit: z.string().describe('percent, count, seconds, bytesPerSecond...'),
    current: z.number().optional(),
    peak7d: z
      .number()
      .optional()
      .describe('Typical peak: 95th percentile of the last 7 days'),
    limit: z.number().optional(),
    headroom: z.number().optional().describe('Limit minus the typical peak'),
    headroomPercent: z.number().optional(),
    growthPerWeek: z.number().optional().describe('Trend, in the unit'),
    forecast: z.object({
      status: z
        .enum([
          'already-over',
          'crossing',
          'no-limit-in-sight',
          'no-limit',
          'insufficient-data',
        ])
        .describe(
          'crossing: reaches its limit at crossingAt; already-over: at or above it now',
        ),
      daysToLimit: z.number().optional(),
      crossingAt: z.string().optional(),
      earliestAt: z.string().optional().describe('The earliest plausible date'),
      latestAt: z.string().optional(),
      confidence: z.enum(['high', 'medium', 'low']),
      horizonDays: z.number(),
    }),
    scalingTriggers30d: z.number(),
  });

const capacityOutput = (z: Zod) =>
  z.object({
    entityRef: z.string(),
    firstLimit: metricShape(z)
      .nullable()
      .describe(
        'The metric that reaches its limit first, or is closest to it (see its forecast.status); null when no metric has a limit',
      ),
    metrics: z
      .array(metricShape(z))
      .describe('Every capacity metric, soonest limit first'),
    autoscaling: z
      .object({
        minReplicas: z.number(),
        maxReplicas: z.number(),
        targetCpu: z.number().optional(),
        targetMemory: z.number().optional(),
      })
      .nullable(),
    warnings: z.array(z.string()),
    computedAt: z.string().optional(),
    ...freshnessShape(z),
  });

function metric(view: CapacityMetricView) {
  return {
    id: view.id,
    label: view.label,
    unit: view.unit,
    current: sig(view.current),
    peak7d: sig(view.peak7d),
    limit: view.forecast.limit ?? ruleLimit(view.rule),
    headroom: sig(view.headroom),
    headroomPercent: sig(view.headroomPercent, 3),
    growthPerWeek: sig(view.growth?.perWeek, 3),
    forecast: {
      status: view.forecast.status,
      daysToLimit: sig(view.forecast.daysToLimit, 3),
      crossingAt: view.forecast.crossingAt,
      earliestAt: view.forecast.earliestAt,
      latestAt: view.forecast.latestAt,
      confidence: view.forecast.confidence,
      horizonDays: view.forecast.horizonDays,
    },
    scalingTriggers30d: view.triggers30d,
  };
}

type MetricAnswer = ReturnType<typeof metric>;

/** As the capacity review ranks: already over, soonest crossing, least headroom. */
function soonestFirst(a: MetricAnswer, b: MetricAnswer): number {
  return compareBySoonestLimit(
    a as unknown as CapacityReviewMetric,
    b as unknown as CapacityReviewMetric,
  );
}

/** An entity's capacity risk as the tool answers it (no chart series). */
export function capacityAnswer(
  entityRef: string,
  response: Snapshot<EntityCapacity | undefined>,
) {
  const data = response.data;
  const metrics = (data?.metrics ?? []).map(metric).sort(soonestFirst);
  const binding = metrics.find(m => m.id === data?.bindingMetricId);
  const { autoscaling } = data ?? {};
  return {
    entityRef: data?.entityRef ?? entityRef,
    firstLimit: binding ?? null,
    metrics,
    autoscaling: autoscaling
      ? {
          minReplicas: autoscaling.minReplicas,
          maxReplicas: autoscaling.maxReplicas,
          targetCpu: autoscaling.targetCpu,
          targetMemory: autoscaling.targetMemory,
        }
      : null,
    warnings: data?.warnings ?? [],
    computedAt: data?.computedAt,
    fetchedAt: response.fetchedAt,
    stale: response.stale,
    error: response.error,
  };
}

/** `ops:get-capacity-risk`: which limit a service reaches first, and when. */
export function registerCapacityAction(options: {
  registry: ActionsRegistryService;
  auth: AuthService;
  logger: LoggerService;
  capacity: Pick<CapacityService, 'getEntityCapacity'>;
}) {
  const { registry, auth, logger, capacity } = options;
  registry.register({
    name: 'get-capacity-risk',
    title: 'Capacity risk of a service',
    description: [
      'Capacity of a service (catalog component) from its CloudWatch metrics: which limit it reaches first (CPU, memory, queue depth, latency, replicas against the autoscaling maximum...) and in how many days, with the earliest plausible date and a confidence,',
      'plus each metric with its current value, typical peak, headroom, weekly growth and scaling triggers of the last 30 days.',
      'Use it for "will X run out of capacity", "how much headroom has X" or capacity planning.',
    ].join(' '),
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: zv3 =>
        zv3.object({
          entityRef: entityRefInput(zv3, 'a service (component)'),
        }),
      output: capacityOutput,
    },
    action: async ({ input, credentials }) =>
      asClient(logger, async () => {
        const user = userCredentials(auth, credentials);
        const { entityRef } = parseRequest(entityInput, input, 'input');
        const ref = stringifyEntityRef(
          parseEntityRef(entityRef, { defaultKind: 'component' }),
        );
        // The forecast is the same for every chart range; the shortest
        // range keeps the view small.
        const view = await capacity.getEntityCapacity(ref, '7d', user);
        return { output: capacityAnswer(ref, view) };
      }),
  });
}
