import { HttpAuthService } from '@backstage/backend-plugin-api';
import {
  changeMeasuresQuerySchema,
  changeTransitionSchema,
  createChangeRequestSchema,
  listChangeRequestsQuerySchema,
  maintenanceWindowsQuerySchema,
  updateChangeRequestSchema,
} from '@opsportal/plugin-ops-common';
import express from 'express';
import Router from 'express-promise-router';
import { parseRequest as parse } from '../lib/validate';
import { ChangeRequestService } from './ChangeRequestService';

/**
 * Routes of change management under /api/ops: change requests, their
 * transitions, the maintenance calendar, the policy and the measures. Thin:
 * parse, authenticate, call the service.
 */
export function createChangesRouter(options: {
  service: ChangeRequestService;
  httpAuth: HttpAuthService;
}): express.Router {
  const { service, httpAuth } = options;
  const router = Router();

  const caller = async (req: express.Request) => ({
    credentials: await httpAuth.credentials(req, { allow: ['user'] }),
    request: req,
  });

  router.post('/change-requests', async (req, res) => {
    const ctx = await caller(req);
    const body = parse(createChangeRequestSchema, req.body, 'change request');
    res.status(201).json(await service.create(body, ctx));
  });

  router.get('/change-requests', async (req, res) => {
    const ctx = await caller(req);
    const query = parse(listChangeRequestsQuerySchema, req.query, 'query');
    res.json(await service.list(query, ctx));
  });

  router.get('/change-requests/:id', async (req, res) => {
    const ctx = await caller(req);
    res.json(await service.get(req.params.id, ctx));
  });

  router.patch('/change-requests/:id', async (req, res) => {
    const ctx = await caller(req);
    const body = parse(updateChangeRequestSchema, req.body, 'change request');
    res.json(await service.update(req.params.id, body, ctx));
  });

  router.post('/change-requests/:id/transitions', async (req, res) => {
    const ctx = await caller(req);
    const body = parse(changeTransitionSchema, req.body, 'transition');
    res.json(await service.transition(req.params.id, body, ctx));
  });

  router.get('/maintenance-windows', async (req, res) => {
    await caller(req);
    const { from, to } = parse(
      maintenanceWindowsQuerySchema,
      req.query,
      'query',
    );
    res.json(service.maintenanceCalendar(new Date(from), new Date(to)));
  });

  router.get('/change-policy', async (req, res) => {
    await caller(req);
    res.json(service.policy());
  });

  router.get('/change-measures', async (req, res) => {
    const ctx = await caller(req);
    const { from, to } = parse(changeMeasuresQuerySchema, req.query, 'query');
    res.json(
      await service.measures({ from: new Date(from), to: new Date(to) }, ctx),
    );
  });

  return router;
}
