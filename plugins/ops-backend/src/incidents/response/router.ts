import { AuditorService, HttpAuthService } from '@backstage/backend-plugin-api';
import {
  assignRoleBody,
  incidentNoteBody,
  incidentRoles,
  responderRequestBody,
  statusUpdateBody,
} from '@opsportal/plugin-ops-common';
import { JsonObject } from '@backstage/types';
import { auditedWrite } from '../../lib/audit';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { parseRequest } from '../../lib/validate';
import {
  IncidentResponseService,
  incidentIdParam,
} from './IncidentResponseService';

const idParams = z.object({ id: incidentIdParam });
const roleParams = z.object({
  id: incidentIdParam,
  role: z.enum(incidentRoles, {
    message: `must be one of ${incidentRoles.join(', ')}`,
  }),
});

/**
 * Routes of the incident page: `GET /incidents/:id` and its writes (roles,
 * status updates, notes, responder requests, starting the review). Every
 * write is parsed before anything happens, permission-checked by the
 * service and recorded as an audit event.
 */
export function createIncidentResponseRouter(options: {
  service: IncidentResponseService;
  httpAuth: HttpAuthService;
  auditor: AuditorService;
}): express.Router {
  const { service, httpAuth, auditor } = options;
  const router = Router();

  /** Runs a write as an audit event: success or failure is recorded. */
  const audited = <T>(
    req: express.Request,
    eventId: string,
    meta: JsonObject,
    fn: () => Promise<T>,
  ) => auditedWrite(auditor, { eventId, request: req, meta }, fn);

  router.get('/incidents/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { id } = parseRequest(idParams, req.params, 'path');
    res.json(await service.getDetail(id, credentials));
  });

  router.put('/incidents/:id/roles/:role', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { id, role } = parseRequest(roleParams, req.params, 'path');
    const body = parseRequest(assignRoleBody, req.body, 'body');
    const assignment = await audited(
      req,
      'incident-role-assign',
      { incidentId: id, role, userRef: body.userRef },
      () => service.assignRole(id, role, body, credentials),
    );
    res.json(assignment);
  });

  router.post('/incidents/:id/status-updates', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { id } = parseRequest(idParams, req.params, 'path');
    const body = parseRequest(statusUpdateBody, req.body, 'body');
    const result = await audited(
      req,
      'incident-status-update',
      { incidentId: id, mitigated: body.mitigated ?? false },
      () => service.postStatusUpdate(id, body, credentials),
    );
    res.status(201).json(result);
  });

  router.post('/incidents/:id/notes', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { id } = parseRequest(idParams, req.params, 'path');
    const body = parseRequest(incidentNoteBody, req.body, 'body');
    const result = await audited(req, 'incident-note', { incidentId: id }, () =>
      service.addNote(id, body, credentials),
    );
    res.status(201).json(result);
  });

  router.post('/incidents/:id/responder-requests', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { id } = parseRequest(idParams, req.params, 'path');
    const body = parseRequest(responderRequestBody, req.body, 'body');
    await audited(
      req,
      'incident-responder-request',
      { incidentId: id, userRefs: body.userRefs },
      () => service.requestResponders(id, body, credentials),
    );
    res.status(202).json({});
  });

  router.post('/incidents/:id/review', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { id } = parseRequest(idParams, req.params, 'path');
    parseRequest(z.strictObject({}), req.body, 'body');
    const { review, created } = await audited(
      req,
      'incident-review-start',
      { incidentId: id },
      () => service.startReview(id, credentials),
    );
    res.status(created ? 201 : 200).json(review);
  });

  return router;
}
