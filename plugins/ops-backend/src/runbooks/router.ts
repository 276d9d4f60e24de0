import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { HttpAuthService } from '@backstage/backend-plugin-api';
import { textPolicy } from '@opsportal/plugin-ops-common';
import { entityRefParam, parseRequest } from '../lib/validate';
import { RunbooksService } from './RunbooksService';
import { sendView } from '../lib/viewResponse';

const entityQuery = z.object({
  entityRef: entityRefParam(),
});

const documentQuery = entityQuery.extend({
  id: z
    .string({ error: 'is required' })
    .trim()
    .min(1, 'is required')
    .max(200, 'is too long')
    .superRefine(textPolicy('single-line')),
});

const searchQuery = z.object({
  cursor: z.string().max(300, 'is too long').optional(),
});

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
    const { entityRef } = parseRequest(entityQuery, req.query, 'query');
    sendView(req, res, await service.getEntityRunbooks(entityRef, credentials));
  });

  router.get('/runbooks/document', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { entityRef, id } = parseRequest(documentQuery, req.query, 'query');
    res.json(await service.getDocument(entityRef, id, credentials));
  });

  router.get('/runbooks/coverage', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json(await service.getCoverage(credentials));
  });

  router.get('/runbooks/search-documents', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['service'] });
    const { cursor } = parseRequest(searchQuery, req.query, 'query');
    res.json(await service.searchDocuments(cursor));
  });

  return router;
}
