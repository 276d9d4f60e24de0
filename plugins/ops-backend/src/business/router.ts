import { HttpAuthService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { entityRefParam, parseRequest } from '../lib/validate';
import { sendView } from '../lib/viewResponse';
import { BusinessMetricsService } from './BusinessMetricsService';

const entityQuery = z.object({ entityRef: entityRefParam() });

/**
 * Business metrics routes:
 * - `GET /business/entity?entityRef=`: the metrics configured for the
 *   entity (and, for a component, its system's), each with its last
 *   complete period against the same time last week and 24 hours of both.
 */
export function createBusinessRouter(options: {
  service: BusinessMetricsService;
  httpAuth: HttpAuthService;
}): express.Router {
  const { service, httpAuth } = options;
  const router = Router();

  router.get('/business/entity', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { entityRef } = parseRequest(entityQuery, req.query, 'query');
    const ref = stringifyEntityRef(
      parseEntityRef(entityRef, { defaultKind: 'component' }),
    );
    sendView(req, res, await service.getEntityMetrics(ref, credentials));
  });

  return router;
}
