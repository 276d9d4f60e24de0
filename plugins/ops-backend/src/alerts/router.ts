import { HttpAuthService } from '@backstage/backend-plugin-api';
import { alarmReviewInputSchema } from '@opsportal/plugin-ops-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { entityRefParam, parseRequest } from '../lib/validate';
import { sendView } from '../lib/viewResponse';
import { ALERTS_MAX_LIMIT, AlertsService } from './AlertsService';

const limitMessage = `must be a whole number from 1 to ${ALERTS_MAX_LIMIT}`;
/** How many alarms a view answers (`?limit=`, default 100). */
const limitParam = z
  .string({ error: limitMessage })
  .regex(/^\d{1,7}$/, limitMessage)
  .transform(Number)
  .refine(n => n >= 1 && n <= ALERTS_MAX_LIMIT, limitMessage)
  .optional();

const entityQuery = z.strictObject({ entityRef: entityRefParam() });
const groupQuery = z.strictObject({
  entityRef: entityRefParam('group'),
  limit: limitParam,
});
const overviewQuery = z.strictObject({ limit: limitParam });
const exportQuery = z.strictObject({
  kind: z.enum(['alarms', 'services', 'people'], {
    error: 'must be alarms, services or people',
  }),
});

/**
 * Routes of alert hygiene under /api/ops/alerts: the `/alerts` page, an
 * entity's card, a team's tab, recording a review and the CSV exports.
 * The overview and the team tab answer the top `limit` alarms (default
 * 100, at most 1,000) with `alarmsTotal`; the alarms export answers all.
 * Thin: authenticate, parse, call the service (which checks the
 * permission, the entity and the alarm, and audits).
 */
export function createAlertsRouter(options: {
  service: AlertsService;
  httpAuth: HttpAuthService;
}): express.Router {
  const { service, httpAuth } = options;
  const router = Router();

  router.get('/alerts/overview', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { limit } = parseRequest(overviewQuery, req.query, 'query');
    sendView(req, res, await service.getOverview(credentials, { limit }));
  });

  router.get('/alerts/entity', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { entityRef } = parseRequest(entityQuery, req.query, 'query');
    sendView(req, res, await service.getEntityAlerts(entityRef, credentials));
  });

  router.get('/alerts/group', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { entityRef, limit } = parseRequest(groupQuery, req.query, 'query');
    sendView(
      req,
      res,
      await service.getGroupHealth(entityRef, credentials, { limit }),
    );
  });

  router.post('/alerts/reviews', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const body = parseRequest(alarmReviewInputSchema, req.body, 'review');
    res
      .status(201)
      .json(await service.createReview(body, { credentials, request: req }));
  });

  router.get('/alerts/export', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { kind } = parseRequest(exportQuery, req.query, 'query');
    const csv = await service.exportCsv(kind, credentials);
    const day = new Date().toISOString().slice(0, 10);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="alerts-${kind}-${day}.csv"`,
    );
    res.setHeader('Cache-Control', 'no-store');
    res.send(csv);
  });

  return router;
}
