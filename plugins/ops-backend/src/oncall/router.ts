import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { HttpAuthService } from '@backstage/backend-plugin-api';
import { entityRefParam, parseRequest } from '../lib/validate';
import { OnCallService } from './OnCallService';
import { sendView } from '../lib/viewResponse';

/** `?entityRef=`; shared with the incidents routes. */
export const entityQuery = z.object({ entityRef: entityRefParam() });

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
    const { entityRef } = parseRequest(entityQuery, req.query, 'query');
    sendView(req, res, await service.getEntityOnCall(entityRef, credentials));
  });

  router.get('/oncall/platform', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json(await service.getPlatformOnCall(credentials));
  });

  return router;
}
