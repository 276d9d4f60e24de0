import {
  AuthService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import {
  changeCategories,
  ChangeRequestDetail,
  ChangeRequestSummary,
  changeRisks,
  changeStatuses,
  createChangeRequestSchema,
  listChangeRequestsQuerySchema,
} from '@opsportal/plugin-ops-common';
import { parseRequest } from '../lib/validate';
import { ChangeRequestService } from '../changes/ChangeRequestService';
import { asClient, userCredentials, Zod } from './common';

/** Where the portal shows a change request (the frontend's /changes page). */
function linksOf(appBaseUrl: string | undefined, id: string) {
  const link = `/changes/${encodeURIComponent(id)}`;
  return {
    link,
    url: appBaseUrl ? `${appBaseUrl.replace(/\/+$/, '')}${link}` : undefined,
  };
}

const summaryShape = (z: Zod) =>
  z.object({
    id: z.string().describe('e.g. CHG-1042'),
    title: z.string(),
    category: z.enum(changeCategories),
    risk: z.enum(changeRisks),
    status: z.enum(changeStatuses),
    outcome: z.string().optional(),
    entityRefs: z.array(z.string()),
    plannedStart: z.string(),
    plannedEnd: z.string(),
    requester: z.string().describe('User entity ref of who filed it'),
    version: z.number(),
    createdAt: z.string(),
    updatedAt: z.string(),
    url: z.string().optional().describe('The change request in the portal'),
  });

function summary(appBaseUrl: string | undefined, c: ChangeRequestSummary) {
  return {
    id: c.id,
    title: c.title,
    category: c.category,
    risk: c.risk,
    status: c.status,
    outcome: c.outcome,
    entityRefs: c.entityRefs,
    plannedStart: c.plannedStart,
    plannedEnd: c.plannedEnd,
    requester: c.requester,
    version: c.version,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    url: linksOf(appBaseUrl, c.id).url,
  };
}

/** What `ops:create-change-request` answers for the change it filed. */
export function createdAnswer(
  appBaseUrl: string | undefined,
  detail: ChangeRequestDetail,
) {
  const { change } = detail;
  return {
    ...summary(appBaseUrl, change),
    standardType: change.standardType,
    link: linksOf(appBaseUrl, change.id).link,
    findings: detail.findings.map(f => ({
      severity: f.severity,
      code: f.code,
      message: f.message,
      field: f.field,
    })),
    conflicts: detail.conflicts.map(c => summary(appBaseUrl, c)),
    nextActions: detail.actions
      .filter(a => a.allowed)
      .map(a => a.action as string),
  };
}

/**
 * `ops:list-change-requests` and `ops:create-change-request`. Both parse
 * their input with the REST API's own schemas (ops-common) and call the
 * change-request service with the caller's credentials, so the same
 * validation messages, the same permissions (read filter, create) and the
 * same policy apply as to `GET` and `POST /api/ops/change-requests`.
 */
export function registerChangeActions(options: {
  registry: ActionsRegistryService;
  auth: AuthService;
  logger: LoggerService;
  config: RootConfigService;
  changes: Pick<ChangeRequestService, 'list' | 'create' | 'policy'>;
}) {
  const { registry, auth, logger, config, changes } = options;
  const appBaseUrl = config.getOptionalString('app.baseUrl');
  const standardTypes = changes.policy().standardTypes;

  registry.register({
    name: 'list-change-requests',
    title: 'List change requests',
    description: [
      'Change requests (standard, normal and emergency changes) filed in the ops portal that the caller may see, newest first by default.',
      'Filter by affected entity, status, category, requester or planned period; page with cursor.',
      'Use it for "what changes are planned for X", "what is in progress" or "what did I file"; use ops:create-change-request to file a standard change.',
    ].join(' '),
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .array(z.string())
            .optional()
            .describe(
              'Affected catalog entities (component:default/order-service, or a bare component name)',
            ),
          status: z.array(z.enum(changeStatuses)).optional(),
          category: z.array(z.enum(changeCategories)).optional(),
          requester: z
            .array(z.string())
            .optional()
            .describe('User entity refs of who filed them'),
          mine: z
            .boolean()
            .optional()
            .describe('Only the change requests the caller filed'),
          plannedFrom: z
            .string()
            .optional()
            .describe('Planned to end after this ISO 8601 date-time'),
          plannedTo: z
            .string()
            .optional()
            .describe('Planned to start before this ISO 8601 date-time'),
          sort: z.enum(['plannedStart', 'createdAt', 'updatedAt']).optional(),
          order: z.enum(['asc', 'desc']).optional(),
          limit: z
            .number()
            .int()
            .optional()
            .describe('Page size, 1 to 200 (default 50)'),
          cursor: z
            .string()
            .optional()
            .describe('nextCursor of the previous page'),
        }),
      output: z =>
        z.object({
          items: z.array(summaryShape(z)),
          nextCursor: z
            .string()
            .optional()
            .describe('Pass as cursor for the next page; absent on the last'),
        }),
    },
    action: async ({ input, credentials }) =>
      asClient(logger, async () => {
        const user = userCredentials(auth, credentials);
        const { mine, ...filters } = input;
        const query = parseRequest(
          listChangeRequestsQuerySchema,
          mine
            ? { ...filters, requester: [user.principal.userEntityRef] }
            : filters,
          'input',
        );
        const list = await changes.list(query, { credentials: user });
        return {
          output: {
            items: list.items.map(c => summary(appBaseUrl, c)),
            nextCursor: list.nextCursor,
          },
        };
      }),
  });

  registry.register({
    name: 'create-change-request',
    title: 'File a standard change',
    description: [
      'Files a standard change request in the ops portal for the caller: a pre-approved, routine, low-risk change of one of the standard change types',
      `(${standardTypes.map(t => `${t.id}: ${t.title}`).join('; ')}).`,
      'With submit (the default) it is approved at once, unless the policy refuses it (e.g. a change freeze); otherwise it stays a draft.',
      'Normal and emergency changes cannot be filed with this tool: they need a person to fill in the form in the portal.',
      'The same validation, change policy and permissions apply as in the portal: the answer is an error naming the field when the input is wrong, and a refusal when the caller may not file changes.',
      'Ask the user to confirm before calling it: it creates a record others see.',
    ].join(' '),
    attributes: { readOnly: false, idempotent: false, destructive: false },
    schema: {
      input: z =>
        z.object({
          title: z.string().describe('What changes, 3 to 200 characters'),
          description: z.string().optional(),
          standardType: z
            .string()
            .describe(
              `Id of the standard change type: ${standardTypes
                .map(t => t.id)
                .join(', ')}`,
            ),
          risk: z
            .enum(changeRisks)
            .optional()
            .describe('The risk as the requester judges it (default low)'),
          entityRefs: z
            .array(z.string())
            .describe(
              'Affected catalog entities, 1 to 20 (component:default/order-service, or a bare component name)',
            ),
          plannedStart: z
            .string()
            .describe(
              'ISO 8601 date-time with a time zone, e.g. 2026-12-07T14:00:00Z',
            ),
          plannedEnd: z
            .string()
            .describe('ISO 8601 date-time with a time zone, after the start'),
          implementationPlan: z.string().optional(),
          rollbackPlan: z.string().optional(),
          testPlan: z.string().optional(),
          submit: z
            .boolean()
            .optional()
            .describe(
              'Submit at once (default true); a standard change is then approved',
            ),
        }),
      output: z =>
        summaryShape(z).extend({
          standardType: z.string().optional(),
          link: z.string().describe('Path of the change request in the portal'),
          findings: z
            .array(
              z.object({
                severity: z.enum(['block', 'justify', 'info']),
                code: z.string(),
                message: z.string(),
                field: z.string().optional(),
              }),
            )
            .describe('What the change policy says about it'),
          conflicts: z
            .array(summaryShape(z))
            .describe(
              'Other active changes of the same entities at the same time',
            ),
          nextActions: z
            .array(z.string())
            .describe('Workflow actions the caller may take next'),
        }),
    },
    action: async ({ input, credentials }) =>
      asClient(logger, async () => {
        const user = userCredentials(auth, credentials);
        const { submit, ...fields } = input;
        // The REST API's body schema, with the category fixed: this tool
        // files standard changes only.
        const body = parseRequest(
          createChangeRequestSchema,
          {
            ...fields,
            risk: fields.risk ?? 'low',
            category: 'standard',
            ...(submit !== false && { action: 'submit' }),
          },
          'change request',
        );
        const detail = await changes.create(body, { credentials: user });
        return { output: createdAnswer(appBaseUrl, detail) };
      }),
  });
}
