import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { OnCallService } from './OnCallService';

/** `?entityRef=`; shared with the incidents routes. */
export const entityQuery = z.object({
  entityRef: z.string().trim().min(1, 'is required').max(500, 'is too long'),
});

/**
 * Parses a query or body; a failure is a 400 that names the field. Shared
 * with the incidents routes.
 */
export function parse<T extends z.ZodTypeAny>(
  schema: T,
  input: unknown,
): z.output<T> {
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
 * Routes of the on-call feature: an entity's on-call view (components and
 * teams) and the platform's on-call list.
 */
export function createOnCallRouter(options: {
  service: OnCallService;
  httpAuth: HttpAuthService;
}): express.Router {
  const { service, httpAuth } = options;
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

  return router;
}
