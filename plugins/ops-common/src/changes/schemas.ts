import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { z } from 'zod';
import {
  changeActions,
  changeCategories,
  changeRisks,
  changeStatuses,
} from './model';
import { TextKind, textPolicy } from '../text';

/**
 * The schemas of the change-request API. The backend parses every body and
 * query with them; the form validates with the same ones, so a field the form
 * accepts is a field the API accepts.
 */

/** Longest planned duration of one change. @public */
export const MAX_CHANGE_DURATION_DAYS = 31;

/**
 * User-written text under the text policy (`../text`): no control
 * characters (a multi-line field allows tab and line breaks), no bidi
 * overrides, no unpaired surrogates.
 */
const text = (max: number, kind: TextKind) =>
  z
    .string()
    .superRefine(textPolicy(kind))
    .max(max, `must be at most ${max} characters`);

/** A title or an id: one line. */
const line = (max: number) => text(max, 'single-line');
/** A description, a plan, a comment: tabs and line breaks allowed. */
const prose = (max: number) => text(max, 'multi-line');

/** An ISO 8601 instant with a time zone, normalised to UTC. */
const isoInstant = z
  .string()
  .max(40)
  .pipe(
    z.iso.datetime({
      offset: true,
      message: 'must be an ISO 8601 date-time with a time zone',
    }),
  )
  .transform(s => new Date(s).toISOString())
  .refine(s => {
    const year = Number(s.slice(0, 4));
    return year >= 2000 && year <= 2100;
  }, 'must be between the years 2000 and 2100');

function entityRef(defaultKind: string) {
  return z
    .string()
    .superRefine(textPolicy('single-line'))
    .trim()
    .min(1, 'must not be empty')
    .max(255, 'must be at most 255 characters')
    .transform((value, ctx) => {
      try {
        return stringifyEntityRef(
          parseEntityRef(value, { defaultKind, defaultNamespace: 'default' }),
        ).toLocaleLowerCase('en-US');
      } catch {
        ctx.addIssue({
          code: 'custom',
          message: `must be an entity ref like ${defaultKind}:default/name`,
        });
        return z.NEVER;
      }
    });
}

const fieldShape = {
  title: line(200)
    .transform(s => s.trim())
    .refine(s => s.length >= 3, 'must be at least 3 characters'),
  description: prose(10_000).default(''),
  category: z.enum(changeCategories, {
    message: `must be one of ${changeCategories.join(', ')}`,
  }),
  risk: z.enum(changeRisks, {
    message: `must be one of ${changeRisks.join(', ')}`,
  }),
  standardType: line(100).optional(),
  justification: prose(5_000).optional(),
  entityRefs: z
    .array(entityRef('component'), { message: 'must be a list of entity refs' })
    .min(1, 'must name at least one affected entity')
    .max(20, 'must name at most 20 entities')
    .transform(refs => [...new Set(refs)]),
  plannedStart: isoInstant,
  plannedEnd: isoInstant,
  implementationPlan: prose(20_000).default(''),
  rollbackPlan: prose(20_000).default(''),
  testPlan: prose(20_000).default(''),
};

function checkPlannedPeriod(
  value: { plannedStart?: string; plannedEnd?: string },
  ctx: z.RefinementCtx,
) {
  if (!value.plannedStart || !value.plannedEnd) return;
  const start = Date.parse(value.plannedStart);
  const end = Date.parse(value.plannedEnd);
  if (end <= start) {
    ctx.addIssue({
      code: 'custom',
      path: ['plannedEnd'],
      message: 'must be after the planned start',
    });
  } else if (end - start > MAX_CHANGE_DURATION_DAYS * 24 * 3600_000) {
    ctx.addIssue({
      code: 'custom',
      path: ['plannedEnd'],
      message: `must be at most ${MAX_CHANGE_DURATION_DAYS} days after the planned start`,
    });
  }
}

/** The fields of a change request. @public */
export const changeRequestFieldsSchema = z
  .strictObject(fieldShape)
  .superRefine(checkPlannedPeriod);

/**
 * Body of `POST /change-requests`: the fields, and optionally the first
 * action to take at once (`submit`, or `start` for an emergency change), in
 * the same transaction.
 * @public
 */
export const createChangeRequestSchema = z
  .strictObject({
    ...fieldShape,
    action: z
      .enum(['submit', 'start'], { message: 'must be submit or start' })
      .optional(),
  })
  .superRefine(checkPlannedPeriod);

/** @public */
export type CreateChangeRequestInput = z.input<
  typeof createChangeRequestSchema
>;
/** @public */
export type CreateChangeRequest = z.output<typeof createChangeRequestSchema>;

/** Body of `PATCH /change-requests/:id`: changed fields and the version read. @public */
export const updateChangeRequestSchema = z
  .strictObject({
    title: fieldShape.title.optional(),
    description: prose(10_000).optional(),
    category: fieldShape.category.optional(),
    risk: fieldShape.risk.optional(),
    standardType: line(100).nullable().optional(),
    justification: prose(5_000).nullable().optional(),
    entityRefs: fieldShape.entityRefs.optional(),
    plannedStart: isoInstant.optional(),
    plannedEnd: isoInstant.optional(),
    implementationPlan: prose(20_000).optional(),
    rollbackPlan: prose(20_000).optional(),
    testPlan: prose(20_000).optional(),
    version: z
      .number({ message: 'must be the version you read' })
      .int('must be an integer')
      .min(1, 'must be at least 1')
      .max(2_000_000_000, 'is too large'),
  })
  .superRefine(checkPlannedPeriod);

/** @public */
export type UpdateChangeRequest = z.output<typeof updateChangeRequestSchema>;

/** Body of `POST /change-requests/:id/transitions`. @public */
export const changeTransitionSchema = z.strictObject({
  action: z.enum(changeActions, {
    message: `must be one of ${changeActions.join(', ')}`,
  }),
  comment: prose(5_000).optional(),
  version: z
    .number({ message: 'must be the version you read' })
    .int('must be an integer')
    .min(1, 'must be at least 1')
    .max(2_000_000_000, 'is too large'),
});

/** @public */
export type ChangeTransitionInput = z.output<typeof changeTransitionSchema>;

/** A query parameter given once, several times, or comma separated. */
function listParam<T extends z.ZodType>(item: T) {
  return z.preprocess(
    value =>
      value === undefined
        ? undefined
        : (Array.isArray(value) ? value : [value])
            .flatMap(v => (typeof v === 'string' ? v.split(',') : [v]))
            .filter(v => v !== ''),
    z.array(item).max(50, 'must list at most 50 values').optional(),
  );
}

/** Sort keys of the list. @public */
export const changeListSorts = [
  'plannedStart',
  'createdAt',
  'updatedAt',
] as const;

/** Query of `GET /change-requests`. @public */
export const listChangeRequestsQuerySchema = z
  .strictObject({
    entityRef: listParam(entityRef('component')),
    status: listParam(
      z.enum(changeStatuses, {
        message: `must be one of ${changeStatuses.join(', ')}`,
      }),
    ),
    category: listParam(
      z.enum(changeCategories, {
        message: `must be one of ${changeCategories.join(', ')}`,
      }),
    ),
    requester: listParam(entityRef('user')),
    plannedFrom: isoInstant.optional(),
    plannedTo: isoInstant.optional(),
    sort: z
      .enum(changeListSorts, {
        message: `must be one of ${changeListSorts.join(', ')}`,
      })
      .default('createdAt'),
    order: z
      .enum(['asc', 'desc'], { message: 'must be asc or desc' })
      .default('desc'),
    limit: z.coerce
      .number({ message: 'must be a number' })
      .int('must be an integer')
      .min(1, 'must be at least 1')
      .max(200, 'must be at most 200')
      .default(50),
    cursor: z
      .string()
      .superRefine(textPolicy('single-line'))
      .max(500, 'is not a cursor from this API')
      .optional(),
  })
  .superRefine((value, ctx) => {
    if (
      value.plannedFrom &&
      value.plannedTo &&
      Date.parse(value.plannedTo) <= Date.parse(value.plannedFrom)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['plannedTo'],
        message: 'must be after plannedFrom',
      });
    }
  });

/** @public */
export type ListChangeRequestsQuery = z.output<
  typeof listChangeRequestsQuerySchema
>;

/** Longest range `GET /maintenance-windows` answers for. @public */
export const MAX_CALENDAR_RANGE_DAYS = 400;

function rangeQuery() {
  return z
    .strictObject({ from: isoInstant, to: isoInstant })
    .superRefine((value, ctx) => {
      const span = Date.parse(value.to) - Date.parse(value.from);
      if (span <= 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['to'],
          message: 'must be after from',
        });
      } else if (span > MAX_CALENDAR_RANGE_DAYS * 24 * 3600_000) {
        ctx.addIssue({
          code: 'custom',
          path: ['to'],
          message: `must be at most ${MAX_CALENDAR_RANGE_DAYS} days after from`,
        });
      }
    });
}

/** Query of `GET /maintenance-windows`. @public */
export const maintenanceWindowsQuerySchema = rangeQuery();

/** Query of `GET /change-measures`. @public */
export const changeMeasuresQuerySchema = rangeQuery();

/**
 * A schema failure in words that name the fields, e.g.
 * `title: must be at least 3 characters; plannedEnd: must be after the planned start`.
 * @public
 */
export function describeSchemaError(error: z.ZodError): string {
  return error.issues
    .slice(0, 10)
    .map(issue => {
      const path = issue.path.map(String).join('.');
      if (issue.code === 'unrecognized_keys') {
        const keys = issue.keys.join(', ');
        return path
          ? `${path}: unknown field(s) ${keys}`
          : `unknown field(s) ${keys}`;
      }
      const missing =
        issue.code === 'invalid_type' &&
        /received undefined$/.test(issue.message);
      const message = missing ? 'is required' : issue.message;
      return path ? `${path}: ${message}` : message;
    })
    .join('; ');
}

/**
 * The first message for each top-level field of a schema failure, for a
 * form's inline errors.
 * @public
 */
export function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? '');
    if (field && !(field in errors)) errors[field] = issue.message;
  }
  return errors;
}
