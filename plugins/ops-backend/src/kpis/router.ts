import { HttpAuthService } from '@backstage/backend-plugin-api';
import { kpiPeriods } from '@opsportal/plugin-ops-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { KpiService } from './KpiService';
import { entityRefParam, parseRequest } from '../lib/validate';
import { sendView } from '../lib/viewResponse';

const reportQuery = z
  .strictObject({
    scope: z
      .enum(['platform', 'team', 'entity'], {
        message: 'must be platform, team or entity',
      })
      .default('platform'),
    entityRef: entityRefParam('group').optional(),
    period: z
      .enum(kpiPeriods, { message: `must be one of ${kpiPeriods.join(', ')}` })
      .default('30d'),
    month: z
      .string()
      .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month (YYYY-MM)')
      .optional(),
  })
  .superRefine((value, ctx) => {
    if (value.scope !== 'platform' && !value.entityRef) {
      ctx.addIssue({
        code: 'custom',
        path: ['entityRef'],
        message: `is required for scope ${value.scope}`,
      });
    }
    if (value.month && value.period !== 'month') {
      ctx.addIssue({
        code: 'custom',
        path: ['month'],
        message: 'is only for period month',
      });
    }
  });

/**
 * Routes of the KPI feature: the KPI report of the platform, a team or an
 * entity over a period, and the operations overview.
 */
export function createKpisRouter(options: {
  service: KpiService;
  httpAuth: HttpAuthService;
}): express.Router {
  const { service, httpAuth } = options;
  const router = Router();

  router.get('/kpis', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const query = parseRequest(reportQuery, req.query, 'query');
    sendView(req, res, await service.report(query, credentials));
  });

  router.get('/overview', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json(await service.overview(credentials));
  });

  return router;
}
