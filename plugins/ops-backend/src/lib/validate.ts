import { InputError } from '@backstage/errors';
import { describeSchemaError } from '@opsportal/plugin-ops-common';
import { z } from 'zod';

/**
 * Parses a request's body, query or path parameters with its schema; a
 * failure is a 400 whose message names each wrong field, e.g.
 * `Invalid query: entityRef: is required`. Every route uses this.
 */
export function parseRequest<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    throw new InputError(
      `Invalid ${what}: ${describeSchemaError(result.error)}`,
    );
  }
  return result.data;
}
