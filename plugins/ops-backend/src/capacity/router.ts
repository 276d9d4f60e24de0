import { HttpAuthService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { CAPACITY_RANGES } from '@opsportal/plugin-ops-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { CapacityService } from './CapacityService';
import { entityRefParam, parseRequest } from '../lib/validate';
import { sendView } from '../lib/viewResponse';

const entityQuery = z.object({
  entityRef: entityRefParam(),
  range: z.enum(CAPACITY_RANGES).default('30d'),
});

/**
 * Capacity routes:
 * - `GET /capacity/entity?entityRef=&range=7d|30d|90d`: one service's charts,
 *   triggers, forecasts, headroom and autoscaling bounds;
 * - `GET /capacity/review`: every service ranked by days to limit.
 */
export function createCapacityRouter(options: {
  service: CapacityService;
  httpAuth: HttpAuthService;
}): express.Router {
  const { service, httpAuth } = options;
  const router = Router();

  router.get('/capacity/entity', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { entityRef, range } = parseRequest(entityQuery, req.query, 'query');
    const ref = stringifyEntityRef(
      parseEntityRef(entityRef, { defaultKind: 'component' }),
    );
    sendView(
      req,
      res,
      await service.getEntityCapacity(ref, range, credentials),
    );
  });

  router.get('/capacity/review', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json(await service.getReview(credentials));
  });

  return router;
}
