import { LoggerService } from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import { OpsHealth } from '@opsportal/plugin-ops-common';
import { toClientError } from '../lib/errors';

/** What the ops router is built from. */
export interface RouterOptions {
  /** Routers of the feature folders (slo/, oncall/, changes/, ...). */
  features: express.Router[];
  logger: LoggerService;
  /**
   * The health answer with the refresh status (lib/telemetry); `{ status:
   * 'ok' }` alone when absent.
   */
  health?: () => Promise<OpsHealth>;
}

/**
 * The REST API under /api/ops. Only wiring: each feature folder brings its own
 * routes; errors are thrown as @backstage/errors, filtered here (nothing
 * internal reaches the client; an unavailable database answers 503 with
 * Retry-After) and turned into responses by the backend's error middleware.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const router = Router();
  router.use(express.json({ limit: '256kb' }));

  // Unauthenticated (plugin.ts) and a readiness probe: it answers 200 as
  // long as the process does, before any refresh ran and while the
  // database is down; what is wrong shows as `degraded` and per refresh.
  router.get('/health', async (_req, res) => {
    const body: OpsHealth = options.health
      ? await options.health()
      : { status: 'ok' };
    res.setHeader('Cache-Control', 'no-store');
    res.json(body);
  });

  for (const feature of options.features) {
    router.use(feature);
  }

  router.use(
    (
      error: unknown,
      _req: express.Request,
      res: express.Response,
      next: express.NextFunction,
    ) => {
      next(
        toClientError(error, options.logger, (name, value) =>
          res.setHeader(name, value),
        ),
      );
    },
  );

  return router;
}
