import { makeValidator, parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { describeSchemaError, textPolicy } from '@opsportal/plugin-ops-common';
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

const validators = makeValidator();

/**
 * A request parameter naming a catalog entity (`component:default/name`,
 * or `name` with the default kind): refused with a 400 before it reaches
 * the catalog unless it is a ref the catalog could hold (valid kind,
 * namespace and name, no control characters).
 */
export function entityRefParam(defaultKind = 'component') {
  return z
    .string({ error: 'is required' })
    .trim()
    .min(1, 'is required')
    .max(500, 'is too long')
    .superRefine(textPolicy('single-line'))
    .refine(
      value => {
        try {
          const ref = parseEntityRef(value, {
            defaultKind,
            defaultNamespace: 'default',
          });
          return (
            validators.isValidKind(ref.kind) &&
            validators.isValidNamespace(ref.namespace) &&
            validators.isValidEntityName(ref.name)
          );
        } catch {
          return false;
        }
      },
      { message: `must be an entity ref like ${defaultKind}:default/name` },
    );
}
