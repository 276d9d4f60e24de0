import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { z } from 'zod';
import { businessMetricUnits, businessRatePers } from './types';

/*
 * The schema of `ops.business` (docs/business-metrics.md). The backend reads
 * the config through it at startup, so that a wrong key stops the backend
 * with a message naming it, e.g.
 * `ops.business.metrics.0.cloudwatch.namespace: is required`.
 */

/** Default seconds per value: 5-minute points, 288 in the 24-hour chart. @public */
export const DEFAULT_BUSINESS_PERIOD_SECONDS = 300;
/** Default share of departure from last week that raises the flag. @public */
export const DEFAULT_BUSINESS_DEVIATION_SHARE = 0.3;
/** Default minutes between two refreshes. @public */
export const DEFAULT_BUSINESS_REFRESH_MINUTES = 5;

const text = (max: number) =>
  z
    .string({ error: 'is required' })
    .trim()
    .min(1, 'is required')
    .max(max, `must be at most ${max} characters`);

const entityRef = text(500).transform((value, ctx) => {
  try {
    const ref = parseEntityRef(value, { defaultNamespace: 'default' });
    return stringifyEntityRef(ref);
  } catch {
    ctx.addIssue({
      code: 'custom',
      message: `"${value}" is not an entity ref like system:default/ecommerce-platform`,
    });
    return z.NEVER;
  }
});

const cloudwatchQuery = z
  .object({
    namespace: text(255),
    metricName: text(255),
    dimensions: z.record(z.string(), text(1024)).default({}),
    /** CloudWatch statistic; Sum for counts and amounts, Average for levels and rates. */
    stat: text(50).default('Sum'),
    region: text(64).optional(),
  })
  .strict();

const prometheusQuery = z
  .object({
    /** PromQL; `$period` stands for the period (`300s`). */
    query: text(4000),
  })
  .strict();

/** One metric of `ops.business.metrics`. @public */
export const businessMetricConfigSchema = z
  .object({
    id: text(64).regex(
      /^[a-z][a-zA-Z0-9_-]*$/,
      'must start with a lower-case letter and hold only letters, digits, "_" and "-"',
    ),
    title: text(100),
    unit: z.enum(businessMetricUnits).default('count'),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')
      .optional(),
    entities: z
      .array(entityRef, { error: 'is required' })
      .min(1, 'must name at least one entity'),
    cloudwatch: cloudwatchQuery.optional(),
    prometheus: prometheusQuery.optional(),
    period: z
      .number()
      .int('must be a whole number of seconds')
      .min(60, 'must be at least 60 seconds')
      .max(3600, 'must be at most 3600 seconds (an hour)')
      .refine(v => v % 60 === 0, 'must be a multiple of 60 seconds')
      .default(DEFAULT_BUSINESS_PERIOD_SECONDS),
    per: z.enum(businessRatePers).optional(),
    deviationShare: z
      .number()
      .gt(0, 'must be more than 0')
      .max(10, 'must be at most 10 (1000 %)')
      .default(DEFAULT_BUSINESS_DEVIATION_SHARE),
    higherIsBetter: z.boolean().default(true),
  })
  .strict()
  .superRefine((metric, ctx) => {
    if (!metric.cloudwatch === !metric.prometheus) {
      ctx.addIssue({
        code: 'custom',
        message: 'needs exactly one of cloudwatch and prometheus',
        path: ['cloudwatch'],
      });
    }
    if (metric.currency && metric.unit !== 'currency') {
      ctx.addIssue({
        code: 'custom',
        message: 'is only for unit currency',
        path: ['currency'],
      });
    }
  })
  .transform(metric => ({
    ...metric,
    currency: metric.unit === 'currency' ? metric.currency ?? 'USD' : undefined,
  }));

/** `ops.business`. @public */
export const businessConfigSchema = z
  .object({
    metrics: z.array(businessMetricConfigSchema).default([]),
    refreshMinutes: z
      .number()
      .int('must be a whole number of minutes')
      .min(1, 'must be at least 1')
      .max(1440, 'must be at most 1440 (a day)')
      .default(DEFAULT_BUSINESS_REFRESH_MINUTES),
  })
  .strict()
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.metrics.forEach((metric, index) => {
      if (seen.has(metric.id)) {
        ctx.addIssue({
          code: 'custom',
          message: `id "${metric.id}" is used twice`,
          path: ['metrics', index, 'id'],
        });
      }
      seen.add(metric.id);
    });
  });

/** One configured business metric, defaults applied. @public */
export type BusinessMetricConfig = z.output<typeof businessMetricConfigSchema>;

/** `ops.business` with defaults applied. @public */
export type BusinessConfig = z.output<typeof businessConfigSchema>;
