import { HttpAuthService } from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { entityRefParam, parseRequest } from '../lib/validate';
import {
  ENTITY_OVERVIEW_PARTS,
  EntityOverviewService,
} from './EntityOverviewService';

const overviewQuery = z.object({
  entityRef: entityRefParam(),
  parts: z
    .string({ error: 'is required' })
    .max(200, 'is too long')
    .transform(value => [...new Set(value.split(',').map(p => p.trim()))])
    .pipe(
      z
        .array(
          z.enum(ENTITY_OVERVIEW_PARTS, {
            message: `must be a comma-separated list of ${ENTITY_OVERVIEW_PARTS.join(
              ', ',
            )}`,
          }),
        )
        .min(1, 'is required'),
    ),
});

/**
 * `GET /overview/entity?entityRef=&parts=oncall,slos,…`: the answers of an
 * entity page's cards in one request (see EntityOverviewService), streamed
 * as newline-delimited JSON, one line a part in the order they are ready.
 */
export function createOverviewRouter(options: {
  service: EntityOverviewService;
  httpAuth: HttpAuthService;
}): express.Router {
  const { service, httpAuth } = options;
  const router = Router();

  router.get('/overview/entity', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { entityRef, parts } = parseRequest(
      overviewQuery,
      req.query,
      'query',
    );
    // One line of JSON per part, written as soon as the part is ready, so a
    // card never waits for a slower one: { part, status, body | error }.
    res.status(200);
    res.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    await service.getEntityOverview(
      entityRef,
      parts,
      credentials,
      (part, answer) => {
        res.write(`${JSON.stringify({ part, ...answer })}\n`);
        // Through the backend's compression middleware at once.
        (res as { flush?: () => void }).flush?.();
      },
    );
    res.end();
  });

  return router;
}
