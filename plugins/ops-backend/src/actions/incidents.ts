import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { EntityIncidentsResponse } from '@opsportal/plugin-ops-common';
import { z as z4 } from 'zod';
import { entityRefParam, parseRequest } from '../lib/validate';
import { IncidentsService } from '../incidents/IncidentsService';
import {
  asClient,
  entityRefInput,
  freshnessShape,
  sig,
  userCredentials,
  Zod,
} from './common';

const MAX_INCIDENTS = 100;

const incidentsInput = z4.object({
  entityRef: entityRefParam(),
  scope: z4
    .enum(['open', 'recent'], { message: 'must be open or recent' })
    .default('recent'),
  limit: z4
    .number({ message: 'must be a number' })
    .int('must be an integer')
    .min(1, 'must be at least 1')
    .max(MAX_INCIDENTS, `must be at most ${MAX_INCIDENTS}`)
    .default(20),
});

const incidentsOutput = (z: Zod) =>
  z.object({
    entityRef: z.string(),
    scope: z.enum(['open', 'recent']),
    summary: z
      .object({
        since: z.string(),
        until: z.string(),
        count: z.number().describe('Incidents created in the window'),
        open: z.number().describe('Open now, whenever created'),
        mttaMinutes: z.number().optional(),
        mttrMinutes: z.number().optional(),
        responseMetRatio: z
          .number()
          .optional()
          .describe('Share of response targets met (0 to 1)'),
      })
      .describe('Figures over the recent window'),
    incidents: z
      .array(
        z.object({
          id: z.string(),
          number: z.number().optional(),
          title: z.string(),
          status: z.enum(['triggered', 'acknowledged', 'resolved']),
          severity: z.string().describe('P1 (critical) to P4'),
          severityLabel: z.string(),
          priority: z.string().optional(),
          urgency: z.enum(['high', 'low']).optional(),
          service: z.string().optional(),
          createdAt: z.string(),
          acknowledgedAt: z.string().optional(),
          resolvedAt: z.string().optional(),
          assignees: z.array(z.string()),
          response: z
            .enum(['met', 'missed', 'pending', 'overdue', 'none'])
            .describe('How the acknowledgement did against its target'),
          resolution: z.enum(['met', 'missed', 'pending', 'overdue', 'none']),
          url: z.string().optional(),
        }),
      )
      .describe('Newest first'),
    total: z.number().describe('Incidents in the scope before the limit'),
    ...freshnessShape(z),
  });

const minutes = (ms: number | undefined) =>
  ms === undefined ? undefined : Math.round(ms / 6_000) / 10;

/** An entity's incidents as the tool answers them. */
export function incidentsAnswer(
  response: EntityIncidentsResponse,
  scope: 'open' | 'recent',
  limit: number,
) {
  const { data } = response;
  const inScope = data.incidents.filter(
    i => scope === 'recent' || i.status !== 'resolved',
  );
  return {
    entityRef: data.entityRef,
    scope,
    summary: {
      since: data.summary.since,
      until: data.summary.until,
      count: data.summary.count,
      open: data.summary.open,
      mttaMinutes: minutes(data.summary.mttaMs),
      mttrMinutes: minutes(data.summary.mttrMs),
      responseMetRatio: sig(data.summary.responseMetRatio, 3),
    },
    incidents: inScope.slice(0, limit).map(i => ({
      id: i.id,
      number: i.number,
      title: i.title,
      status: i.status,
      severity: i.severity,
      severityLabel: i.severityLabel,
      priority: i.priority,
      urgency: i.urgency,
      service: i.serviceName,
      createdAt: i.createdAt,
      acknowledgedAt: i.acknowledgedAt,
      resolvedAt: i.resolvedAt,
      assignees: i.assignees.map(a => a.name),
      response: i.response,
      resolution: i.resolution,
      url: i.htmlUrl,
    })),
    total: inScope.length,
    fetchedAt: response.fetchedAt,
    stale: response.stale,
    error: response.error,
  };
}

/** `ops:list-incidents`: open or recent incidents of a service or a team. */
export function registerIncidentsAction(options: {
  registry: ActionsRegistryService;
  auth: AuthService;
  logger: LoggerService;
  incidents: Pick<IncidentsService, 'getEntityIncidents'>;
}) {
  const { registry, auth, logger, incidents } = options;
  registry.register({
    name: 'list-incidents',
    title: 'Incidents of a service or team',
    description: [
      'The PagerDuty incidents of a service (catalog component) or of a team (catalog group: the services it answers for), newest first,',
      'each with its severity (P1 critical to P4), status, assignees and how it did against its response and resolution targets, plus MTTA/MTTR over the recent window.',
      'scope "open" lists only incidents not yet resolved; "recent" (default) also the resolved ones of the window.',
      'Use it for "is anything wrong with X" or "what incidents did team Y have"; use ops:get-on-call for who responds.',
    ].join(' '),
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: zv3 =>
        zv3.object({
          entityRef: entityRefInput(zv3, 'a service (component) or a team'),
          scope: zv3
            .enum(['open', 'recent'])
            .optional()
            .describe('open: unresolved only; recent (default): the window'),
          limit: zv3
            .number()
            .int()
            .optional()
            .describe(
              `Most incidents to return (default 20, at most ${MAX_INCIDENTS})`,
            ),
        }),
      output: incidentsOutput,
    },
    action: async ({ input, credentials }) =>
      asClient(logger, async () => {
        const user = userCredentials(auth, credentials);
        const { entityRef, scope, limit } = parseRequest(
          incidentsInput,
          input,
          'input',
        );
        const view = await incidents.getEntityIncidents(entityRef, user);
        return { output: incidentsAnswer(view, scope, limit) };
      }),
  });
}
