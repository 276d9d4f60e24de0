import { DateTime } from 'luxon';
import {
  ChangeCategory,
  ChangePolicy,
  ChangePolicyFinding,
  ChangeRequestFields,
  ChangeRisk,
  MaintenanceWindowRule,
} from './model';
import { findFreezes, isWithinMaintenanceWindow } from './windows';

/** Default of {@link ChangePolicy.earlyStartMinutes}. @public */
export const DEFAULT_EARLY_START_MINUTES = 30;

/** The seed's policy: what applies when app-config says nothing. @public */
export const defaultChangePolicy: ChangePolicy = {
  standardTypes: [
    {
      id: 'routine-deployment',
      title: 'Routine deployment',
      description: 'A release through the usual CI/CD pipeline.',
    },
    {
      id: 'config-update',
      title: 'Configuration update',
      description: 'A change of configuration values or feature flags.',
    },
    {
      id: 'scaling',
      title: 'Scaling operation',
      description: 'Adding or removing capacity within the known limits.',
    },
  ],
  requiredApprovals: { low: 1, medium: 1, high: 2 },
  maintenanceWindow: {
    timeZone: 'America/New_York',
    weekday: 7,
    frequency: 'monthly',
    weekOfMonth: 1,
    startTime: '02:00',
    durationMinutes: 120,
  },
  noticeDays: 7,
  freezes: [],
};

/** What each category means, from the seed, for the form's guidance. @public */
export const changeCategoryGuidance: Record<
  ChangeCategory,
  { summary: string; examples: string[]; process: string }
> = {
  standard: {
    summary: 'Pre-approved, routine and low-risk.',
    examples: [
      'Routine deployments',
      'Configuration updates',
      'Scaling operations',
    ],
    process:
      'No approval needed, but it must be one of the standard change types. Not allowed during a change freeze.',
  },
  normal: {
    summary: 'Needs a change request and approval.',
    examples: [
      'Infrastructure changes',
      'Database schema changes',
      'Major feature releases',
    ],
    process:
      'Approved by someone other than the requester (two approvals for high risk). Plan it inside a maintenance window with due notice, or justify why not. Not allowed during a change freeze.',
  },
  emergency: {
    summary: 'Expedited: may start at once.',
    examples: ['Security patches', 'Critical bug fixes', 'Service restoration'],
    process:
      'Start immediately; a post-implementation review is required and tracked until it is done.',
  },
};

/**
 * What the policy says about a change as planned, at the time `now` it is
 * submitted. Blocking findings stop a submission; `justify` findings need a
 * justification.
 * @public
 */
export function checkChangePolicy(
  change: Pick<
    ChangeRequestFields,
    'category' | 'plannedStart' | 'plannedEnd'
  > &
    Partial<
      Pick<
        ChangeRequestFields,
        'standardType' | 'implementationPlan' | 'rollbackPlan' | 'testPlan'
      >
    >,
  policy: ChangePolicy,
  now: Date,
): ChangePolicyFinding[] {
  const findings: ChangePolicyFinding[] = [];
  const start = new Date(change.plannedStart);
  const end = new Date(change.plannedEnd);
  const zone = policy.maintenanceWindow.timeZone;

  if (change.category === 'emergency') {
    findings.push({
      code: 'emergency-review',
      severity: 'info',
      message:
        'Emergency change: it may start at once and needs a post-implementation review afterwards.',
    });
    return findings;
  }

  for (const freeze of findFreezes(policy.freezes, start, end)) {
    findings.push({
      code: 'freeze',
      severity: 'block',
      field: 'plannedStart',
      message: `The planned time overlaps the change freeze "${
        freeze.name
      }" (${formatInZone(freeze.start, zone)} to ${formatInZone(
        freeze.end,
        zone,
      )}): standard and normal changes are not allowed then.`,
    });
  }

  if (change.category === 'standard') {
    const type = policy.standardTypes.find(t => t.id === change.standardType);
    if (!type) {
      findings.push({
        code: 'standard-type',
        severity: 'block',
        field: 'standardType',
        message: `A standard change must be one of the standard change types: ${policy.standardTypes
          .map(t => t.title)
          .join(', ')}.`,
      });
    }
    return findings;
  }

  // Normal changes.
  for (const [field, label] of [
    ['implementationPlan', 'implementation plan'],
    ['rollbackPlan', 'rollback plan'],
    ['testPlan', 'test plan'],
  ] as const) {
    if (!change[field]?.trim()) {
      findings.push({
        code: 'missing-plan',
        severity: 'block',
        field,
        message: `A normal change needs a ${label}.`,
      });
    }
  }
  if (!isWithinMaintenanceWindow(policy.maintenanceWindow, start, end)) {
    findings.push({
      code: 'outside-window',
      severity: 'justify',
      field: 'justification',
      message: `The planned time is outside the maintenance window (${describeMaintenanceWindow(
        policy.maintenanceWindow,
      )}): explain why it cannot wait for a window.`,
    });
  }
  const noticeMs = start.getTime() - now.getTime();
  if (noticeMs < policy.noticeDays * 24 * 3600_000) {
    findings.push({
      code: 'short-notice',
      severity: 'justify',
      field: 'justification',
      message: `The planned start is less than ${policy.noticeDays} days away: explain why it cannot be announced ${policy.noticeDays} days ahead.`,
    });
  }
  return findings;
}

/**
 * The findings that stop a submission: blocking ones, and `justify` ones when
 * no justification was given.
 * @public
 */
export function blockingFindings(
  findings: ChangePolicyFinding[],
  justification: string | undefined,
): ChangePolicyFinding[] {
  const justified = Boolean(justification?.trim());
  return findings.filter(
    f => f.severity === 'block' || (f.severity === 'justify' && !justified),
  );
}

/** Required approvals of a normal change (standard and emergency need none). @public */
export function requiredApprovals(
  category: ChangeCategory,
  risk: ChangeRisk,
  policy: ChangePolicy,
): number {
  return category === 'normal' ? policy.requiredApprovals[risk] : 0;
}

const weekdayNames = [
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
];
const ordinals: Record<string, string> = {
  '1': 'first',
  '2': 'second',
  '3': 'third',
  '4': 'fourth',
  '-1': 'last',
};

/** "first Sunday of each month, 02:00–04:00 America/New_York". @public */
export function describeMaintenanceWindow(rule: MaintenanceWindowRule): string {
  const day = weekdayNames[rule.weekday - 1];
  const [h, m] = rule.startTime.split(':').map(Number);
  const end = DateTime.fromObject({ hour: h, minute: m }).plus({
    minutes: rule.durationMinutes,
  });
  const when =
    rule.frequency === 'monthly'
      ? `${ordinals[String(rule.weekOfMonth)]} ${day} of each month`
      : `every ${day}`;
  return `${when}, ${rule.startTime}–${end.toFormat('HH:mm')} ${rule.timeZone}`;
}

function formatInZone(iso: string, zone: string): string {
  return DateTime.fromISO(iso, { zone }).toFormat('yyyy-MM-dd HH:mm ZZZZ');
}

/**
 * Why a change may not be started at `now`, or undefined when it may: a
 * standard or normal change starts no earlier than its planned start (less
 * the policy's early-start tolerance) and not during a change freeze; an
 * emergency change may start at any time.
 * @public
 */
export function startRefusal(
  change: Pick<ChangeRequestFields, 'category' | 'plannedStart'>,
  policy: Pick<ChangePolicy, 'freezes' | 'earlyStartMinutes'>,
  now: Date,
): string | undefined {
  if (change.category === 'emergency') return undefined;
  const [freeze] = findFreezes(
    policy.freezes,
    now,
    new Date(now.getTime() + 1),
  );
  if (freeze) {
    return `The change freeze "${freeze.name}" is in effect until ${freeze.end}: only emergency changes may start now`;
  }
  const tolerance = policy.earlyStartMinutes ?? DEFAULT_EARLY_START_MINUTES;
  const earliest = Date.parse(change.plannedStart) - tolerance * 60_000;
  if (now.getTime() < earliest) {
    return `It is planned to start at ${
      change.plannedStart
    }: it may start from ${new Date(
      earliest,
    ).toISOString()} (${tolerance} minutes before), or be filed as an emergency change`;
  }
  return undefined;
}
