import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  createChangeRequestSchema,
  CreateChangeRequestInput,
  describeSchemaError,
} from '@opsportal/plugin-ops-common';
import { OpsChangeRequestClient } from '../OpsChangeRequestClient';
import { linksOf } from './links';

/** Id of the action that files a change request. @public */
export const CREATE_CHANGE_REQUEST_ACTION_ID = 'ops:change-request:create';

const MINUTE = 60_000;

/** The planned period from the ISO fields or the minute conveniences. */
function plannedPeriod(
  input: {
    plannedStart?: string;
    plannedEnd?: string;
    startInMinutes?: number;
    durationMinutes?: number;
  },
  now: number,
): { plannedStart?: string; plannedEnd?: string } {
  if (input.plannedStart !== undefined && input.startInMinutes !== undefined) {
    throw new InputError(
      'Invalid change request: give either plannedStart or startInMinutes, not both',
    );
  }
  if (input.plannedEnd !== undefined && input.durationMinutes !== undefined) {
    throw new InputError(
      'Invalid change request: give either plannedEnd or durationMinutes, not both',
    );
  }
  const plannedStart =
    input.plannedStart ??
    new Date(now + (input.startInMinutes ?? 0) * MINUTE).toISOString();
  if (input.plannedEnd !== undefined) {
    return { plannedStart, plannedEnd: input.plannedEnd };
  }
  const start = Date.parse(plannedStart);
  if (Number.isNaN(start)) {
    // The schema names the field; no end can be computed from it.
    return { plannedStart };
  }
  return {
    plannedStart,
    plannedEnd: new Date(
      start + (input.durationMinutes ?? 60) * MINUTE,
    ).toISOString(),
  };
}

/**
 * `ops:change-request:create`: files a standard or normal change request in
 * the ops portal as the user who runs the template, and by default submits
 * it (a standard change is then approved at once; a normal change awaits
 * approval, see `ops:change-request:wait`).
 * @public
 */
export function createChangeRequestAction(options: {
  client: OpsChangeRequestClient;
  /** `app.baseUrl`, for the absolute `url` output. */
  appBaseUrl?: string;
  /** The clock for `startInMinutes`; tests move it. */
  now?: () => number;
}) {
  const { client, appBaseUrl, now = Date.now } = options;
  return createTemplateAction({
    id: CREATE_CHANGE_REQUEST_ACTION_ID,
    description:
      'Files a standard or normal change request in the ops portal as the user who runs the template (same validation, permissions and change policy as the portal form), and submits it unless submit is false.',
    examples: [
      {
        description: 'File a standard deployment for the next hour',
        example: [
          'steps:',
          '  - id: change',
          '    name: File the standard change',
          `    action: ${CREATE_CHANGE_REQUEST_ACTION_ID}`,
          '    input:',
          '      title: Deploy payment-service 2.4.1',
          '      category: standard',
          '      standardType: routine-deployment',
          "      entityRefs: ['component:default/payment-service']",
          '      durationMinutes: 60',
        ].join('\n'),
      },
    ],
    schema: {
      input: z =>
        z.object({
          title: z.string().describe('Title of the change (3-200 characters)'),
          description: z.string().optional().describe('What changes and why'),
          category: z
            .enum(['standard', 'normal'])
            .describe(
              'standard (pre-approved, names a standardType) or normal (needs approval)',
            ),
          standardType: z
            .string()
            .optional()
            .describe(
              'For a standard change: the id of a standard change type of ops.changes.standardTypes, e.g. routine-deployment',
            ),
          risk: z
            .enum(['low', 'medium', 'high'])
            .optional()
            .describe('low, medium or high; defaults to low'),
          justification: z
            .string()
            .optional()
            .describe(
              'For a normal change outside a maintenance window or on short notice: why',
            ),
          entityRefs: z
            .array(z.string())
            .describe(
              'Affected catalog entities, e.g. component:default/payment-service',
            ),
          plannedStart: z
            .string()
            .optional()
            .describe(
              'ISO 8601 date-time with a time zone; or use startInMinutes',
            ),
          plannedEnd: z
            .string()
            .optional()
            .describe(
              'ISO 8601 date-time with a time zone; or use durationMinutes',
            ),
          startInMinutes: z
            .number()
            .optional()
            .describe(
              'Planned start this many minutes from now (default: now) instead of plannedStart',
            ),
          durationMinutes: z
            .number()
            .optional()
            .describe(
              'Planned end this many minutes after the start (default 60) instead of plannedEnd',
            ),
          implementationPlan: z.string().optional(),
          rollbackPlan: z.string().optional(),
          testPlan: z.string().optional(),
          submit: z
            .boolean()
            .optional()
            .describe(
              'Submit the change at once (default true); false files a draft',
            ),
        }),
      output: z =>
        z.object({
          id: z.string().describe('Id of the change request, e.g. CHG-1042'),
          link: z.string().describe('Path of its page in the portal'),
          url: z
            .string()
            .optional()
            .describe('Absolute address of its page (from app.baseUrl)'),
          status: z
            .string()
            .describe('Its status after filing: approved, submitted or draft'),
          version: z.number().describe('Its version after filing'),
        }),
    },
    async handler(ctx) {
      const { input } = ctx;
      const body: CreateChangeRequestInput = {
        title: input.title,
        description: input.description,
        category: input.category,
        risk: input.risk ?? 'low',
        standardType: input.standardType,
        justification: input.justification,
        entityRefs: input.entityRefs,
        ...plannedPeriod(input, now()),
        implementationPlan: input.implementationPlan,
        rollbackPlan: input.rollbackPlan,
        testPlan: input.testPlan,
        ...(input.submit !== false && { action: 'submit' as const }),
      } as CreateChangeRequestInput;
      // Drop the fields the template left out, as the form does.
      for (const key of Object.keys(body) as (keyof typeof body)[]) {
        if (body[key] === undefined) delete body[key];
      }

      // The REST API's own schema: the template author reads the message
      // the API would give, before anything is sent.
      const parsed = createChangeRequestSchema.safeParse(body);
      if (!parsed.success) {
        throw new InputError(
          `Invalid change request: ${describeSchemaError(parsed.error)}`,
        );
      }

      const credentials = await ctx.getInitiatorCredentials();
      // Filed once even if the task is resumed after a restart.
      const change = await ctx.checkpoint({
        key: `ops-change-request-create-${ctx.step?.id ?? 'step'}`,
        fn: async () => {
          const detail = await client.create(body, credentials);
          const { id, status, version } = detail.change;
          return { id, status, version };
        },
      });
      const links = linksOf(appBaseUrl, change.id);
      ctx.logger.info(
        `Filed ${change.id} (${body.category}, ${
          change.status
        }) for ${parsed.data.entityRefs.join(', ')}: ${
          links.url ?? links.link
        }`,
      );
      ctx.output('id', change.id);
      ctx.output('link', links.link);
      if (links.url) ctx.output('url', links.url);
      ctx.output('status', change.status);
      ctx.output('version', change.version);
    },
  });
}
