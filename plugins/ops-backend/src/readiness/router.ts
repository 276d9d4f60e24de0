import { HttpAuthService } from '@backstage/backend-plugin-api';
import {
  READINESS_FACTS_DEFAULT_LIMIT,
  READINESS_FACTS_MAX_LIMIT,
} from '@opsportal/plugin-ops-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { entityRefParam, parseRequest } from '../lib/validate';
import { ReadinessService } from './ReadinessService';

const factsQuery = z
  .object({
    entityRef: z
      .union([entityRefParam(), z.array(entityRefParam())])
      .optional()
      .transform(v => (v === undefined ? undefined : [v].flat()))
      .refine(v => v === undefined || v.length <= READINESS_FACTS_MAX_LIMIT, {
        message: `at most ${READINESS_FACTS_MAX_LIMIT} at once`,
      }),
    cursor: z.string().trim().min(1).max(500).optional(),
    limit: z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(
        READINESS_FACTS_MAX_LIMIT,
        `must be at most ${READINESS_FACTS_MAX_LIMIT}`,
      )
      .default(READINESS_FACTS_DEFAULT_LIMIT),
  })
  .refine(q => !(q.entityRef && q.cursor), {
    message: 'is only for paging through all entities, not with entityRef',
    path: ['cursor'],
  });

/**
 * `GET /readiness/facts?entityRef=…` (repeatable; without it a page of every
 * component and resource with ops configuration, `cursor` and `limit`):
 * the readiness facts that scorecards grade. Service principals only: the
 * facts are read with the plugin's own credentials, so a user must not be
 * able to ask for them directly.
 */
export function createReadinessRouter(options: {
  service: ReadinessService;
  httpAuth: HttpAuthService;
}): express.Router {
  const { service, httpAuth } = options;
  const router = Router();

  router.get('/readiness/facts', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['service'] });
    const { entityRef, cursor, limit } = parseRequest(
      factsQuery,
      req.query,
      'query',
    );
    res.json(await service.getFacts({ entityRefs: entityRef, cursor, limit }));
  });

  return router;
}
