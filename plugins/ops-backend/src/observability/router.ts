import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { HttpAuthService } from '@backstage/backend-plugin-api';
import { entityRefParam, parseRequest } from '../lib/validate';
import { sendView } from '../lib/viewResponse';
import { ObservabilityService } from './ObservabilityService';

const entityQuery = z.object({
  entityRef: entityRefParam(),
});

/** Routes of the observability feature under /api/ops/observability. */
export function createObservabilityRouter(options: {
  service: ObservabilityService;
  httpAuth: HttpAuthService;
}): express.Router {
  const { service, httpAuth } = options;
  const router = Router();

  router.get('/observability/entity', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { entityRef } = parseRequest(entityQuery, req.query, 'query');
    sendView(
      req,
      res,
      await service.getEntityObservability(entityRef, credentials),
    );
  });

  return router;
}
