import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { AuditorService, HttpAuthService } from '@backstage/backend-plugin-api';
import { entityRefParam, parseRequest } from '../lib/validate';
import { entityQuery } from '../oncall/router';
import { IncidentsService } from './IncidentsService';
import { sendView } from '../lib/viewResponse';
import { auditedWrite } from '../lib/audit';

const triggerBody = z.object({
  entityRef: entityRefParam(),
  summary: z
    .string()
    .trim()
    .min(5, 'must say what is wrong (5 characters at least)')
    .max(1024, 'is too long (1024 characters at most)'),
  severity: z.enum(['critical', 'error', 'warning', 'info']),
});

/**
 * Routes of the incidents feature: an entity's incidents, and (when
 * enabled) triggering an incident, audited.
 */
export function createIncidentsRouter(options: {
  service: IncidentsService;
  httpAuth: HttpAuthService;
  auditor: AuditorService;
}): express.Router {
  const { service, httpAuth, auditor } = options;
  const router = Router();

  router.get('/incidents/entity', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { entityRef } = parseRequest(entityQuery, req.query, 'query');
    sendView(
      req,
      res,
      await service.getEntityIncidents(entityRef, credentials),
    );
  });

  router.post('/incidents/trigger', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const body = parseRequest(triggerBody, req.body, 'body');
    const result = await auditedWrite(
      auditor,
      {
        eventId: 'incident-trigger',
        request: req,
        meta: { entityRef: body.entityRef, severity: body.severity },
      },
      () => service.triggerIncident(body, credentials),
      r => ({ dedupKey: r.dedupKey }),
    );
    res.status(202).json(result);
  });

  return router;
}
