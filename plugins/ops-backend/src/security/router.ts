import { HttpAuthService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { entityRefParam, parseRequest } from '../lib/validate';
import { sendView } from '../lib/viewResponse';
import { SecurityService } from './SecurityService';

const entityQuery = z.object({ entityRef: entityRefParam() });

/**
 * Security routes (docs/security-operations.md):
 * - `GET /security/overview`: the platform's security signals, alerts,
 *   contacts and incident process, for any signed-in user;
 * - `GET /security/entity?entityRef=`: one service's signals, for users who
 *   may read the entity (404 otherwise).
 */
export function createSecurityRouter(options: {
  service: SecurityService;
  httpAuth: HttpAuthService;
}): express.Router {
  const { service, httpAuth } = options;
  const router = Router();

  router.get('/security/overview', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user'] });
    sendView(req, res, await service.getOverview());
  });

  router.get('/security/entity', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { entityRef } = parseRequest(entityQuery, req.query, 'query');
    const ref = stringifyEntityRef(
      parseEntityRef(entityRef, { defaultKind: 'component' }),
    );
    sendView(req, res, await service.getEntity(ref, credentials));
  });

  return router;
}
