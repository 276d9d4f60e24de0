import { z } from 'zod';
import { parseSecurityWindow } from './evaluate';
import { SECURITY_ALERTS, SECURITY_UNITS } from './types';

const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, 'is too long');

const alarmSelector = z
  .object({
    name: text(255).optional(),
    prefix: text(255).optional(),
  })
  .strict()
  .refine(a => (a.name === undefined) !== (a.prefix === undefined), {
    message: 'needs exactly one of name or prefix',
  });

const window = z.string().refine(w => parseSecurityWindow(w) !== undefined, {
  message: 'must be whole minutes, hours or days (15m, 1h, 1d), from 1m to 1d',
});

/** One security metric or alarm-based signal of `ops.security.metrics`. @public */
export const securityMetricConfigSchema = z
  .object({
    id: z
      .string()
      .regex(
        /^[a-zA-Z][a-zA-Z0-9_-]{0,62}$/,
        'must start with a letter and hold only letters, digits, "_" and "-"',
      ),
    title: text(200),
    unit: z.enum(SECURITY_UNITS).default('count'),
    window: window.optional(),
    raises: z.enum(SECURITY_ALERTS).optional(),
    cloudwatch: z
      .object({
        namespace: text(255),
        metricName: text(255),
        stat: text(50).default('Sum'),
        dimensions: z.record(z.string(), text(1024)).default({}),
      })
      .strict()
      .optional(),
    prometheus: z
      .object({ query: text(4000) })
      .strict()
      .optional(),
    alarm: alarmSelector.optional(),
    thresholds: z
      .object({
        warning: z.number().finite().optional(),
        alert: z.number().finite(),
        direction: z.enum(['above', 'below']).default('above'),
      })
      .strict()
      .optional(),
    perEntity: z
      .object({
        annotation: text(253).optional(),
        dimension: text(255).optional(),
        query: text(4000).optional(),
        alarm: alarmSelector.optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    const sources = [m.cloudwatch, m.prometheus, m.alarm].filter(Boolean);
    if (sources.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: 'needs exactly one of cloudwatch, prometheus or alarm',
      });
      return;
    }
    if (!m.alarm) {
      if (!m.window) {
        ctx.addIssue({
          code: 'custom',
          path: ['window'],
          message: 'is required',
        });
      }
      if (!m.thresholds) {
        ctx.addIssue({
          code: 'custom',
          path: ['thresholds'],
          message: 'is required (at least thresholds.alert)',
        });
      } else if (m.thresholds.warning !== undefined) {
        const { warning, alert, direction } = m.thresholds;
        if (direction === 'above' ? warning >= alert : warning <= alert) {
          ctx.addIssue({
            code: 'custom',
            path: ['thresholds', 'warning'],
            message:
              direction === 'above'
                ? 'must be below thresholds.alert (direction above)'
                : 'must be above thresholds.alert (direction below)',
          });
        }
      }
    } else if (m.thresholds) {
      ctx.addIssue({
        code: 'custom',
        path: ['thresholds'],
        message: 'does not apply to an alarm-based signal (its alarm decides)',
      });
    }
    const p = m.perEntity;
    if (!p) return;
    if (m.cloudwatch && !p.dimension) {
      ctx.addIssue({
        code: 'custom',
        path: ['perEntity', 'dimension'],
        message: 'is required for a cloudwatch metric',
      });
    }
    if (m.prometheus && !p.query?.includes('$entity')) {
      ctx.addIssue({
        code: 'custom',
        path: ['perEntity', 'query'],
        message: 'is required for a prometheus metric and must use $entity',
      });
    }
    if (m.alarm) {
      const selector = p.alarm?.name ?? p.alarm?.prefix;
      if (!selector?.includes('$entity')) {
        ctx.addIssue({
          code: 'custom',
          path: ['perEntity', 'alarm'],
          message:
            'is required for an alarm-based signal: a name or prefix that uses $entity',
        });
      }
    }
  });

/** One entry of `ops.security.contacts`. @public */
export const securityContactSchema = z
  .object({
    role: text(200),
    email: text(254).optional(),
    phone: text(50).optional(),
    url: text(2000).optional(),
  })
  .strict();

/** `ops.security` as config holds it. @public */
export const securityConfigSchema = z
  .object({
    refreshMinutes: z.number().int().min(1).max(1440).default(5),
    region: text(50).optional(),
    contacts: z.array(securityContactSchema).max(50).default([]),
    process: z
      .array(
        z
          .object({ title: text(200), description: text(2000).optional() })
          .strict(),
      )
      .min(1)
      .max(20)
      .optional(),
    metrics: z
      .array(securityMetricConfigSchema)
      .max(100)
      .default([])
      .superRefine((metrics, ctx) => {
        const seen = new Set<string>();
        metrics.forEach((m, i) => {
          if (seen.has(m.id)) {
            ctx.addIssue({
              code: 'custom',
              path: [i, 'id'],
              message: `"${m.id}" is used by another metric`,
            });
          }
          seen.add(m.id);
        });
      }),
  })
  .strict();

/** A validated `ops.security`. @public */
export type SecurityConfig = z.output<typeof securityConfigSchema>;
/** A validated security metric. @public */
export type SecurityMetricConfig = z.output<typeof securityMetricConfigSchema>;
