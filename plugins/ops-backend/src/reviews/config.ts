import { Config } from '@backstage/config';
import {
  BusinessCalendar,
  DEFAULT_REVIEW_DUE_BUSINESS_DAYS,
  describeSchemaError,
  Severity,
  SEVERITIES,
} from '@opsportal/plugin-ops-common';
import { IANAZone } from 'luxon';
import { z } from 'zod';

const weekdayNames = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;

const configSchema = z.strictObject({
  requiredSeverities: z
    .array(z.enum(SEVERITIES as [Severity, ...Severity[]]))
    .default(['P1', 'P2']),
  emergencyChanges: z.boolean().default(true),
  dueBusinessDays: z
    .number()
    .int()
    .min(0)
    .max(60)
    .default(DEFAULT_REVIEW_DUE_BUSINESS_DAYS),
  calendar: z
    .strictObject({
      timeZone: z
        .string()
        .refine(zone => IANAZone.isValidZone(zone), {
          message: 'must be an IANA time zone like Europe/Berlin',
        })
        .default('UTC'),
      weekdays: z
        .array(z.enum(weekdayNames))
        .min(1, 'must name at least one working day')
        .default(['monday', 'tuesday', 'wednesday', 'thursday', 'friday']),
      holidays: z
        .array(
          z
            .string()
            .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
            .refine(
              s => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)),
              'is not a date',
            ),
        )
        .default([]),
    })
    .default({
      timeZone: 'UTC',
      weekdays: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
      holidays: [],
    }),
  /** Minutes between two runs of the task that creates required reviews. */
  createEveryMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(10),
});

/** Settings of post-incident reviews (`ops.reviews`). */
export interface ReviewsConfig {
  /** Incidents of these severities need a review. */
  requiredSeverities: Severity[];
  /** Whether emergency changes need a review once implemented. */
  emergencyChanges: boolean;
  /** Business days after the incident (or change) a review is due. */
  dueBusinessDays: number;
  /** The business calendar due dates are counted in. */
  calendar: Required<BusinessCalendar>;
  /** Minutes between two runs of the task that creates required reviews. */
  createEveryMinutes: number;
}

/**
 * Reads `ops.reviews`; what it leaves out is the seed's policy: reviews of
 * P1 and P2 incidents and of emergency changes, due five business days
 * (Monday to Friday, UTC, no holidays) later.
 */
export function readReviewsConfig(config: Config): ReviewsConfig {
  const raw = config.getOptional('ops.reviews') ?? {};
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      `Invalid ops.reviews configuration: ${describeSchemaError(parsed.error)}`,
    );
  }
  const value = parsed.data;
  return {
    requiredSeverities: [...new Set(value.requiredSeverities)],
    emergencyChanges: value.emergencyChanges,
    dueBusinessDays: value.dueBusinessDays,
    calendar: {
      timeZone: value.calendar.timeZone,
      weekdays: value.calendar.weekdays
        .map(day => weekdayNames.indexOf(day) + 1)
        .sort(),
      holidays: [...new Set(value.calendar.holidays)].sort(),
    },
    createEveryMinutes: value.createEveryMinutes,
  };
}
