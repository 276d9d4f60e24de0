import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { HttpAuthService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { SloService } from './SloService';
import { entityRefParam, parseRequest } from '../lib/validate';
import { sendView } from '../lib/viewResponse';

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
const entityQuery = z.object({ entityRef: entityRefParam() });
const listQuery = z
  .object({
    kind: z.enum(['component', 'system', 'resource', 'api', 'domain']),
  })
  .partial();

/**
 * Routes of the SLO feature, for signed-in users:
 * `GET /slos/entity?entityRef=` (an entity's SLOs, from its snapshot; the
 * same style as every other entity route) and `GET /slos` (every entity
 * with SLOs, least budget first). The older
 * `GET /slos/entity/:kind/:namespace/:name` still answers, with a
 * `Deprecation` header, until the next minor release. What the user cannot
 * see in the catalog they cannot see here.
 */
export function createSloRouter(options: {
  service: SloService;
  httpAuth: HttpAuthService;
  catalog: CatalogService;
}): express.Router {
  const { service, httpAuth, catalog } = options;
  const router = Router();

  const entitySlos = async (
    req: express.Request,
    res: express.Response,
    ref: string,
  ) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const entity = await catalog.getEntityByRef(ref, { credentials });
    if (!entity) throw new NotFoundError(`No entity ${ref} in the catalog`);
    sendView(req, res, await service.getEntitySlos(entity));
  };

  router.get('/slos/entity', async (req, res) => {
    const { entityRef } = parseRequest(entityQuery, req.query, 'query');
    await entitySlos(
      req,
      res,
      stringifyEntityRef(
        parseEntityRef(entityRef, {
          defaultKind: 'component',
          defaultNamespace: 'default',
        }),
      ),
    );
  });

  // Deprecated: the entity in the path.
  router.get('/slos/entity/:kind/:namespace/:name', async (req, res) => {
    const params = parseRequest(entityParams, req.params, 'path');
    res.setHeader('Deprecation', 'true');
    res.setHeader(
      'Link',
      '</api/ops/slos/entity?entityRef={kind}:{namespace}/{name}>; rel="successor-version"',
    );
    await entitySlos(req, res, stringifyEntityRef(params));
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
