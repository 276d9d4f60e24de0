import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { RunbooksService } from './RunbooksService';

const entityQuery = z.object({
  entityRef: z.string().trim().min(1, 'is required'),
});

const documentQuery = entityQuery.extend({
  id: z.string().trim().min(1, 'is required').max(200, 'is too long'),
});

const searchQuery = z.object({
  cursor: z.string().max(300, 'is too long').optional(),
});

/** Parses a query; a failure is a 400 that names the field. */
function parseQuery<T extends z.ZodTypeAny>(
  schema: T,
  query: unknown,
): z.output<T> {
  const result = schema.safeParse(query);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue.path.join('.') || 'query';
    const message =
      issue.code === 'invalid_type' ? 'is required' : issue.message;
    throw new InputError(`${field} ${message}`);
  }
  return result.data;
}

/**
 * Routes of the runbooks feature under /api/ops/runbooks: the entity's
 * runbooks and alarms, one rendered runbook, the coverage report, and the
 * search collator's feed (service callers only).
 */
export function createRunbooksRouter(options: {
  service: RunbooksService;
  httpAuth: HttpAuthService;
}): express.Router {
  const { service, httpAuth } = options;
  const router = Router();

  router.get('/runbooks/entity', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { entityRef } = parseQuery(entityQuery, req.query);
    res.json(await service.getEntityRunbooks(entityRef, credentials));
  });

  router.get('/runbooks/document', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { entityRef, id } = parseQuery(documentQuery, req.query);
    res.json(await service.getDocument(entityRef, id, credentials));
  });

  router.get('/runbooks/coverage', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json(await service.getCoverage(credentials));
  });

  router.get('/runbooks/search-documents', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['service'] });
    const { cursor } = parseQuery(searchQuery, req.query);
    res.json(await service.searchDocuments(cursor));
  });

  return router;
}
