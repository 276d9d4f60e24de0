import { HttpAuthService } from '@backstage/backend-plugin-api';
import {
  homeShiftsQuerySchema,
  homeSloStatusQuerySchema,
} from '@opsportal/plugin-ops-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { parseRequest } from '../lib/validate';
import { HomeService } from './HomeService';

const noQuery = z.strictObject({});

/**
 * Routes of the home page cards, for signed-in users only (each answers
 * about the caller): `GET /home/on-call-shifts?days=`, `GET /home/approvals`,
 * `GET /home/incidents` and `GET /home/slo-status?worst=`.
 */
export function createHomeRouter(options: {
  service: HomeService;
  httpAuth: HttpAuthService;
}): express.Router {
  const { service, httpAuth } = options;
  const router = Router();

  router.get('/home/on-call-shifts', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { days } = parseRequest(homeShiftsQuerySchema, req.query, 'query');
    res.json(await service.shifts(credentials, days));
  });

  router.get('/home/approvals', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    parseRequest(noQuery, req.query, 'query');
    res.json(await service.approvals(credentials));
  });

  router.get('/home/incidents', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    parseRequest(noQuery, req.query, 'query');
    res.json(await service.incidents(credentials));
  });

  router.get('/home/slo-status', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { worst } = parseRequest(
      homeSloStatusQuerySchema,
      req.query,
      'query',
    );
    res.json(await service.sloStatus(credentials, worst));
  });

  return router;
}
