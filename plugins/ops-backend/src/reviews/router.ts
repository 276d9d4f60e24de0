import { HttpAuthService } from '@backstage/backend-plugin-api';
import {
  actionItemCreateBody,
  actionItemUpdateBody,
  reviewUpdateBody,
} from '@opsportal/plugin-ops-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { entityRefParam, parseRequest } from '../lib/validate';
import { ReviewsService } from './ReviewsService';

const reviewsQuery = z.strictObject({
  groupRef: entityRefParam('group').optional(),
  entityRef: entityRefParam().optional(),
});

const reviewParams = z.object({
  id: z.string().regex(/^PIR-\d{1,10}$/i, 'must be a review id like PIR-12'),
});

const itemParams = reviewParams.extend({
  itemId: z
    .string()
    .regex(/^AI-\d{1,10}$/i, 'must be an action item id like AI-3'),
});

/**
 * Routes of post-incident reviews under /api/ops: the follow-up report (for
 * a team, an entity or everyone), a review, and edits of reviews and their
 * action items. Thin: parse, authenticate, call the service (which checks
 * the permission, the people and the dates, and audits).
 */
export function createReviewsRouter(options: {
  service: ReviewsService;
  httpAuth: HttpAuthService;
}): express.Router {
  const { service, httpAuth } = options;
  const router = Router();

  const caller = async (req: express.Request) => ({
    credentials: await httpAuth.credentials(req, { allow: ['user'] }),
    request: req,
  });

  router.get('/reviews', async (req, res) => {
    const ctx = await caller(req);
    const query = parseRequest(reviewsQuery, req.query, 'query');
    res.json(await service.report(query, ctx));
  });

  router.get('/reviews/:id', async (req, res) => {
    const ctx = await caller(req);
    const { id } = parseRequest(reviewParams, req.params, 'path');
    res.json(await service.get(id, ctx));
  });

  router.patch('/reviews/:id', async (req, res) => {
    const ctx = await caller(req);
    const { id } = parseRequest(reviewParams, req.params, 'path');
    const body = parseRequest(reviewUpdateBody, req.body, 'review');
    res.json(await service.update(id, body, ctx));
  });

  router.post('/reviews/:id/action-items', async (req, res) => {
    const ctx = await caller(req);
    const { id } = parseRequest(reviewParams, req.params, 'path');
    const body = parseRequest(actionItemCreateBody, req.body, 'action item');
    res.status(201).json(await service.addActionItem(id, body, ctx));
  });

  router.patch('/reviews/:id/action-items/:itemId', async (req, res) => {
    const ctx = await caller(req);
    const { id, itemId } = parseRequest(itemParams, req.params, 'path');
    const body = parseRequest(actionItemUpdateBody, req.body, 'action item');
    res.json(await service.updateActionItem(id, itemId, body, ctx));
  });

  return router;
}
