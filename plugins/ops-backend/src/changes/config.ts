import { Config } from '@backstage/config';
import {
  ChangePolicy,
  DEFAULT_EARLY_START_MINUTES,
  defaultChangePolicy,
  describeSchemaError,
} from '@opsportal/plugin-ops-common';
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';

const weekdays = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;

const defaults = defaultChangePolicy;

const configSchema = z.strictObject({
  standardTypes: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,99}$/, {
          message: 'must be a lower-case id like config-update',
        }),
        title: z.string().min(1).max(200),
        description: z.string().max(1000).optional(),
      }),
    )
    .min(1)
    .default(defaults.standardTypes),
  requiredApprovals: z
    .strictObject({
      low: z.number().int().min(1).max(10).default(1),
      medium: z.number().int().min(1).max(10).default(1),
      high: z.number().int().min(1).max(10).default(2),
    })
    .default(defaults.requiredApprovals),
  maintenanceWindow: z
    .strictObject({
      timeZone: z
        .string()
        .refine(zone => IANAZone.isValidZone(zone), {
          message: 'must be an IANA time zone like America/New_York',
        })
        .default(defaults.maintenanceWindow.timeZone),
      frequency: z.enum(['monthly', 'weekly']).default('monthly'),
      weekday: z.enum(weekdays).default('sunday'),
      weekOfMonth: z
        .union(
          [
            z.literal(1),
            z.literal(2),
            z.literal(3),
            z.literal(4),
            z.literal(-1),
          ],
          {
            message: 'must be 1, 2, 3, 4 or -1 (the last)',
          },
        )
        .default(1),
      startTime: z
        .string()
        .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be HH:mm' })
        .default(defaults.maintenanceWindow.startTime),
      durationMinutes: z
        .number()
        .int()
        .min(15)
        .max(24 * 60)
        .default(defaults.maintenanceWindow.durationMinutes),
    })
    .default({
      timeZone: defaults.maintenanceWindow.timeZone,
      frequency: 'monthly',
      weekday: 'sunday',
      weekOfMonth: 1,
      startTime: defaults.maintenanceWindow.startTime,
      durationMinutes: defaults.maintenanceWindow.durationMinutes,
    }),
  noticeDays: z.number().min(0).max(90).default(defaults.noticeDays),
  earlyStartMinutes: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60)
    .default(DEFAULT_EARLY_START_MINUTES),
  freezes: z
    .array(
      z.strictObject({
        name: z.string().min(1).max(200),
        start: z.string(),
        end: z.string(),
      }),
    )
    .default([]),
  approverGroups: z
    .array(z.string())
    .default(['group:default/sre-team', 'group:default/devops-team']),
  decisionTtlSeconds: z.number().min(0).max(300).default(10),
});

/** The change policy and who hears about changes. */
export interface ChangesConfig {
  policy: ChangePolicy;
  /** Groups notified when a change needs approval or review. */
  approverGroups: string[];
  /** Seconds a user's permission decisions on change requests are reused. */
  decisionTtlSeconds: number;
}

/**
 * Reads `ops.changes` from app-config; what it leaves out is the seed's
 * policy. Freeze times without a zone are read in the window's time zone, and
 * a freeze's end date is inclusive when given as a date (`2026-12-24` ends at
 * the end of that day).
 */
export function readChangesConfig(config: Config): ChangesConfig {
  const raw = config.getOptional('ops.changes') ?? {};
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      `Invalid ops.changes configuration: ${describeSchemaError(parsed.error)}`,
    );
  }
  const value = parsed.data;
  const zone = value.maintenanceWindow.timeZone;

  const instant = (text: string, field: string, endOfDay: boolean) => {
    const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
    let time = DateTime.fromISO(text, { zone, setZone: false });
    if (!time.isValid) {
      throw new Error(
        `Invalid ops.changes configuration: ${field}: must be an ISO 8601 date or date-time`,
      );
    }
    if (dateOnly && endOfDay) time = time.plus({ days: 1 });
    return time.toUTC().toISO()!;
  };

  const freezes = value.freezes.map((f, i) => {
    const start = instant(f.start, `freezes.${i}.start`, false);
    const end = instant(f.end, `freezes.${i}.end`, true);
    if (Date.parse(end) <= Date.parse(start)) {
      throw new Error(
        `Invalid ops.changes configuration: freezes.${i}.end: must be after the start`,
      );
    }
    return { name: f.name, start, end };
  });

  return {
    policy: {
      standardTypes: value.standardTypes,
      requiredApprovals: value.requiredApprovals,
      maintenanceWindow: {
        ...value.maintenanceWindow,
        weekday: weekdays.indexOf(value.maintenanceWindow.weekday) + 1,
      },
      noticeDays: value.noticeDays,
      freezes,
      earlyStartMinutes: value.earlyStartMinutes,
    },
    approverGroups: value.approverGroups.map(g => g.toLocaleLowerCase('en-US')),
    decisionTtlSeconds: value.decisionTtlSeconds,
  };
}
