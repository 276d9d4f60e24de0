import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { EntitySlosResponse } from '@opsportal/plugin-ops-common';
import { z as z4 } from 'zod';
import { entityRefParam, parseRequest } from '../lib/validate';
import { SloService } from '../slo/SloService';
import {
  asClient,
  entityRefInput,
  freshnessShape,
  sig,
  userCredentials,
  Zod,
} from './common';

const entityInput = z4.object({ entityRef: entityRefParam() });

const sloOutput = (z: Zod) =>
  z.object({
    entityRef: z.string(),
    objectives: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        objective: z
          .string()
          .describe('The objective in words, e.g. 99.9 % of requests succeed'),
        indicator: z.string().describe('The SLI in words, naming the metrics'),
        category: z.string(),
        target: z.number().describe('Target share of good events, e.g. 0.999'),
        window: z.string().describe('Rolling window, e.g. 30d'),
        sli: z
          .number()
          .nullable()
          .describe('Good share over the window now; null without data'),
        errorBudget: z
          .object({
            remaining: z
              .number()
              .nullable()
              .describe(
                'Share of the budget left (1 = untouched, below 0 = overspent)',
              ),
            remainingMinutes: z.number().nullable(),
            consumed: z.number().nullable(),
            totalMinutes: z.number(),
          })
          .nullable()
          .describe('Null until the SLO was first evaluated'),
        alertState: z
          .enum(['page', 'ticket', 'ok', 'no-data'])
          .describe('page: burning fast enough to page; ticket: slower burn'),
        alertReason: z.string(),
        firingBurnRateAlerts: z
          .array(
            z.object({
              severity: z.enum(['page', 'ticket']),
              name: z.string().optional(),
              burnRate: z.number().describe('Threshold, e.g. 14.4'),
              longWindow: z.string(),
              shortWindow: z.string(),
              longBurnRate: z.number().nullable(),
              shortBurnRate: z.number().nullable(),
            }),
          )
          .describe('The multi-window burn-rate rules firing now'),
        forecast: z
          .object({
            state: z.enum(['exhausted', 'exhausts', 'not-burning', 'unknown']),
            exhaustsAt: z.string().optional(),
            hoursLeft: z.number().optional(),
          })
          .nullable()
          .describe('When the budget runs out at the current burn rate'),
        evaluatedAt: z.string().optional(),
        ...freshnessShape(z),
      }),
    ),
    firing: z
      .number()
      .describe('How many burn-rate alerts fire now, over all SLOs'),
    problems: z
      .array(
        z.object({
          severity: z.enum(['error', 'warning', 'info']),
          message: z.string(),
          source: z.string().optional(),
        }),
      )
      .describe('Problems with the SLO definitions (never silently ignored)'),
    ...freshnessShape(z),
  });

/** An entity's SLOs as the tool answers them (no chart series). */
export function sloAnswer(response: EntitySlosResponse) {
  const objectives = response.objectives.map(result => {
    const { objective, status } = result;
    const firing = (status?.alert.rules ?? []).filter(rule => rule.firing);
    return {
      id: objective.id,
      name: objective.name,
      objective: objective.objective,
      indicator: objective.indicator,
      category: objective.category,
      target: objective.target,
      window: objective.window,
      sli: sig(status?.sli ?? null, 6),
      errorBudget: status
        ? {
            remaining: sig(status.budget.remaining),
            remainingMinutes: sig(status.budget.remainingMinutes),
            consumed: sig(status.budget.consumed),
            totalMinutes: sig(status.budget.totalMinutes),
          }
        : null,
      alertState: status?.alert.state ?? ('no-data' as const),
      alertReason: status?.alert.reason ?? 'Not evaluated yet',
      firingBurnRateAlerts: firing.map(rule => ({
        severity: rule.severity,
        name: rule.name,
        burnRate: rule.burnRate,
        longWindow: rule.longWindow,
        shortWindow: rule.shortWindow,
        longBurnRate: sig(rule.longBurnRate),
        shortBurnRate: sig(rule.shortBurnRate),
      })),
      forecast: status
        ? {
            state: status.forecast.state,
            exhaustsAt: status.forecast.exhaustsAt,
            hoursLeft: sig(status.forecast.hoursLeft, 3),
          }
        : null,
      evaluatedAt: status?.evaluatedAt,
      fetchedAt: result.fetchedAt,
      stale: result.stale,
      error: result.error,
    };
  });
  return {
    entityRef: response.entityRef,
    objectives,
    firing: objectives.reduce((n, o) => n + o.firingBurnRateAlerts.length, 0),
    problems: response.problems.map(p => ({
      severity: p.severity,
      message: p.message,
      source: p.source,
    })),
    fetchedAt: response.fetchedAt,
    stale: response.stale,
    error: response.error,
  };
}

/** `ops:get-slo-status`: an entity's SLOs, error budgets and burn-rate alerts. */
export function registerSloAction(options: {
  registry: ActionsRegistryService;
  auth: AuthService;
  logger: LoggerService;
  catalog: CatalogService;
  slo: Pick<SloService, 'getEntitySlos'>;
}) {
  const { registry, auth, logger, catalog, slo } = options;
  registry.register({
    name: 'get-slo-status',
    title: 'SLO status of a service',
    description: [
      'The service level objectives (SLOs) of a catalog entity (a service, or a system for platform-wide objectives) and how each stands now:',
      'the SLI over its window, the error budget left (share and minutes), the multi-window burn-rate alerts firing now (page or ticket) and when the budget runs out at the current burn rate.',
      'Use it to answer whether a service is meeting its reliability targets or burning its error budget. Figures come from CloudWatch as the ops portal last evaluated them.',
    ].join(' '),
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: zv3 =>
        zv3.object({
          entityRef: entityRefInput(zv3, 'a service (component) or a system'),
        }),
      output: sloOutput,
    },
    action: async ({ input, credentials }) =>
      asClient(logger, async () => {
        const user = userCredentials(auth, credentials);
        const { entityRef } = parseRequest(entityInput, input, 'input');
        // As GET /slos/entity: the catalog decides, for this user, whether
        // the entity exists.
        const ref = stringifyEntityRef(
          parseEntityRef(entityRef, {
            defaultKind: 'component',
            defaultNamespace: 'default',
          }),
        );
        const entity = await catalog.getEntityByRef(ref, { credentials: user });
        if (!entity) throw new NotFoundError(`No entity ${ref} in the catalog`);
        return { output: sloAnswer(await slo.getEntitySlos(entity)) };
      }),
  });
}
