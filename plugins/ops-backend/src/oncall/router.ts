import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { AuditorService, HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { OnCallService } from './OnCallService';

const entityQuery = z.object({
  entityRef: z.string().trim().min(1, 'is required').max(500, 'is too long'),
});

const triggerBody = z.object({
  entityRef: z.string().trim().min(1, 'is required').max(500, 'is too long'),
  summary: z
    .string()
    .trim()
    .min(5, 'must say what is wrong (5 characters at least)')
    .max(1024, 'is too long (1024 characters at most)'),
  severity: z.enum(['critical', 'error', 'warning', 'info']),
});

/** Parses a query or body; a failure is a 400 that names the field. */
function parse<T extends z.ZodTypeAny>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue.path.join('.') || 'body';
    const text =
      issue.code === 'invalid_type' && issue.input === undefined
        ? 'is required'
        : issue.message;
    throw new InputError(`${field} ${text}`);
  }
  return result.data;
}

/**
 * Routes of the on-call and incidents feature: an entity's on-call view
 * (components and teams), the platform's on-call list, an entity's
 * incidents, and (when enabled) triggering an incident.
 */
export function createOnCallRouter(options: {
  service: OnCallService;
  httpAuth: HttpAuthService;
  auditor: AuditorService;
}): express.Router {
  const { service, httpAuth, auditor } = options;
  const router = Router();

  router.get('/oncall/entity', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { entityRef } = parse(entityQuery, req.query);
    res.json(await service.getEntityOnCall(entityRef, credentials));
  });

  router.get('/oncall/platform', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json(await service.getPlatformOnCall(credentials));
  });

  router.get('/incidents/entity', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { entityRef } = parse(entityQuery, req.query);
    res.json(await service.getEntityIncidents(entityRef, credentials));
  });

  router.post('/incidents/trigger', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const body = parse(triggerBody, req.body);
    const event = await auditor.createEvent({
      eventId: 'incident-trigger',
      severityLevel: 'medium',
      request: req,
      meta: { entityRef: body.entityRef, severity: body.severity },
    });
    try {
      const result = await service.triggerIncident(body, credentials);
      await event.success({ meta: { dedupKey: result.dedupKey } });
      res.status(202).json(result);
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  });

  return router;
}
