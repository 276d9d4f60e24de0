import { HttpAuthService } from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { parseRequest } from '../../lib/validate';
import { ChangeMaintenanceService } from './ChangeMaintenanceService';

const query = z.strictObject({
  changeRequestId: z
    .string()
    .trim()
    .regex(/^CHG-\d{1,30}$/i, 'must be a change request id like CHG-1042'),
});

/**
 * `GET /alerts/maintenance-windows?changeRequestId=`: the PagerDuty
 * maintenance window the portal opened for a change, for callers who may
 * read the change (`{ items: ChangeMaintenanceWindow[] }`, empty when none).
 */
export function createChangeMaintenanceRouter(options: {
  service: ChangeMaintenanceService;
  httpAuth: HttpAuthService;
}): express.Router {
  const { service, httpAuth } = options;
  const router = Router();

  router.get('/alerts/maintenance-windows', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { changeRequestId } = parseRequest(query, req.query, 'query');
    res.json(
      await service.listForChange(changeRequestId, {
        credentials,
        request: req,
      }),
    );
  });

  return router;
}
