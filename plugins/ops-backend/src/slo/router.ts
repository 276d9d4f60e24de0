import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { HttpAuthService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { SloService } from './SloService';
import { parseRequest } from '../lib/validate';

const refPart = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be a catalog name');
const entityParams = z.object({
  kind: refPart,
  namespace: refPart,
  name: refPart,
});
const listQuery = z
  .object({
    kind: z.enum(['component', 'system', 'resource', 'api', 'domain']),
  })
  .partial();

/**
 * Routes of the SLO feature, for signed-in users:
 * `GET /slos/entity/:kind/:namespace/:name` (an entity's SLOs, from its
 * snapshot) and `GET /slos` (every entity with SLOs, least budget first).
 * What the user cannot see in the catalog they cannot see here.
 */
export function createSloRouter(options: {
  service: SloService;
  httpAuth: HttpAuthService;
  catalog: CatalogService;
}): express.Router {
  const { service, httpAuth, catalog } = options;
  const router = Router();

  router.get('/slos/entity/:kind/:namespace/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const params = parseRequest(entityParams, req.params, 'path');
    const ref = stringifyEntityRef(params);
    const entity = await catalog.getEntityByRef(ref, { credentials });
    if (!entity) throw new NotFoundError(`No entity ${ref} in the catalog`);
    res.json(await service.getEntitySlos(entity));
  });

  router.get('/slos', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const query = parseRequest(listQuery, req.query, 'query');
    const answer = await service.listPlatform(
      await service.entitiesWithSlos(credentials),
    );
    if (query.kind) {
      answer.services = answer.services.filter(r => r.kind === query.kind);
      answer.platform = answer.platform.filter(r => r.kind === query.kind);
    }
    res.json(answer);
  });

  return router;
}
