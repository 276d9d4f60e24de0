import {
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import type { z as zv3 } from 'zod/v3';
import { toClientError } from '../lib/errors';

/*
 * What every ops action shares. The actions registry hands an action the
 * caller's credentials (the MCP client's user, passed on by the actions
 * service); the actions call the feature services with them, exactly as
 * the REST routes do, so the catalog's read permission and the ops
 * permissions decide for the same user in the same way.
 */

/** The zod the actions registry gives schema builders (its v3 API). */
export type Zod = typeof zv3;

/**
 * The caller as a user, as the REST routes require
 * (`httpAuth.credentials(req, { allow: ['user'] })`): a service or a static
 * token may not act through the ops actions, since the ops permissions and
 * the catalog decide per user and change requests are filed by a person.
 */
export function userCredentials(
  auth: AuthService,
  credentials: BackstageCredentials,
): BackstageCredentials<BackstageUserPrincipal> {
  if (!auth.isPrincipal(credentials, 'user')) {
    throw new NotAllowedError(
      'The ops actions act for a signed-in user: call them with a Backstage user token, not a service or static access token',
    );
  }
  return credentials;
}

/**
 * Runs an action's body; its errors become what a REST client of the ops
 * API would see (lib/errors.ts): our own client errors keep their message,
 * anything internal is logged and answered with an id only.
 */
export async function asClient<T>(
  logger: LoggerService,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toClientError(error, logger, () => {});
  }
}

/** Where data came from and how old it is (every read answers it). */
export const freshnessShape = (z: Zod) => ({
  fetchedAt: z
    .string()
    .optional()
    .describe('When the portal last read this from the upstream (ISO 8601)'),
  stale: z
    .boolean()
    .describe(
      'True when the last refresh failed and older data is answered; say so when you use it',
    ),
  error: z
    .string()
    .optional()
    .describe('Why the last refresh failed, when it did'),
});

/** The entity ref input of the entity reads. */
export const entityRefInput = (z: Zod, kinds: string) =>
  z
    .string()
    .describe(
      `Catalog entity ref of ${kinds}, as kind:namespace/name (e.g. component:default/order-service${
        kinds.includes('team') ? ' or group:default/sre-team' : ''
      }). A bare name means a component in the default namespace.`,
    );

/**
 * A figure to `digits` significant digits: a model reads `0.2772` as well
 * as `0.2771655253491466`, for fewer tokens. Null and undefined pass.
 */
export function sig<T extends number | null | undefined>(
  value: T,
  digits = 4,
): T {
  if (typeof value !== 'number' || !Number.isFinite(value)) return value;
  return Number(value.toPrecision(digits)) as T;
}
