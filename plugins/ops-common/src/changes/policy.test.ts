import {
  blockingFindings,
  checkChangePolicy,
  defaultChangePolicy,
  describeMaintenanceWindow,
  startRefusal,
} from './policy';
import { ChangePolicy } from './model';

const now = new Date('2026-11-25T12:00:00Z');
const policy: ChangePolicy = {
  ...defaultChangePolicy,
  freezes: [
    {
      name: 'Holiday peak',
      start: '2026-12-18T05:00:00.000Z',
      end: '2027-01-04T05:00:00.000Z',
    },
  ],
};
const plans = {
  implementationPlan: 'Apply the migration.',
  rollbackPlan: 'Run the down migration.',
  testPlan: 'Smoke tests.',
};

describe('checkChangePolicy', () => {
  it('accepts a normal change inside the next window with due notice', () => {
    const findings = checkChangePolicy(
      {
        category: 'normal',
        plannedStart: '2026-12-06T07:00:00.000Z',
        plannedEnd: '2026-12-06T08:30:00.000Z',
        ...plans,
      },
      policy,
      now,
    );
    expect(findings).toEqual([]);
  });

  it('asks a normal change outside a window or at short notice for a justification', () => {
    const findings = checkChangePolicy(
      {
        category: 'normal',
        plannedStart: '2026-11-27T15:00:00.000Z',
        plannedEnd: '2026-11-27T16:00:00.000Z',
        ...plans,
      },
      policy,
      now,
    );
    expect(findings.map(f => [f.code, f.severity])).toEqual([
      ['outside-window', 'justify'],
      ['short-notice', 'justify'],
    ]);
    expect(findings[0].message).toContain(
      'first Sunday of each month, 02:00–04:00 America/New_York',
    );
    expect(blockingFindings(findings, undefined)).toHaveLength(2);
    expect(blockingFindings(findings, '   ')).toHaveLength(2);
    expect(blockingFindings(findings, 'Customer-facing bug')).toEqual([]);
  });

  it('blocks standard and normal changes in a freeze, but not emergency ones', () => {
    const planned = {
      plannedStart: '2026-12-20T15:00:00.000Z',
      plannedEnd: '2026-12-20T16:00:00.000Z',
      ...plans,
    };
    const normal = checkChangePolicy(
      { category: 'normal', ...planned },
      policy,
      now,
    );
    expect(normal.find(f => f.code === 'freeze')).toMatchObject({
      severity: 'block',
      message: expect.stringContaining('Holiday peak'),
    });
    expect(blockingFindings(normal, 'A very good reason')).toHaveLength(1);

    const standard = checkChangePolicy(
      { category: 'standard', standardType: 'config-update', ...planned },
      policy,
      now,
    );
    expect(standard.map(f => f.code)).toEqual(['freeze']);

    const emergency = checkChangePolicy(
      { category: 'emergency', ...planned },
      policy,
      now,
    );
    expect(blockingFindings(emergency, undefined)).toEqual([]);
    expect(emergency.map(f => f.code)).toEqual(['emergency-review']);
  });

  it('makes standard changes name a configured standard type', () => {
    const planned = {
      plannedStart: '2026-11-26T15:00:00.000Z',
      plannedEnd: '2026-11-26T16:00:00.000Z',
    };
    expect(
      checkChangePolicy(
        { category: 'standard', standardType: 'scaling', ...planned },
        policy,
        now,
      ),
    ).toEqual([]);
    const unknown = checkChangePolicy(
      { category: 'standard', standardType: 'database-migration', ...planned },
      policy,
      now,
    );
    expect(unknown).toEqual([
      expect.objectContaining({
        code: 'standard-type',
        severity: 'block',
        field: 'standardType',
      }),
    ]);
  });

  it('makes normal changes bring implementation, rollback and test plans', () => {
    const findings = checkChangePolicy(
      {
        category: 'normal',
        plannedStart: '2026-12-06T07:00:00.000Z',
        plannedEnd: '2026-12-06T08:00:00.000Z',
        implementationPlan: 'Do it',
        rollbackPlan: ' ',
        testPlan: '',
      },
      policy,
      now,
    );
    expect(findings.map(f => f.field)).toEqual(['rollbackPlan', 'testPlan']);
  });

  it('describes the window in words', () => {
    expect(describeMaintenanceWindow(policy.maintenanceWindow)).toBe(
      'first Sunday of each month, 02:00–04:00 America/New_York',
    );
  });
});

describe('startRefusal', () => {
  const freezePolicy = {
    freezes: [
      {
        name: 'Holiday peak',
        start: '2026-12-18T05:00:00.000Z',
        end: '2027-01-04T05:00:00.000Z',
      },
    ],
  };
  const planned = {
    category: 'normal' as const,
    plannedStart: '2026-12-06T07:00:00.000Z',
  };

  it('refuses a normal change months before its planned start, and says from when it may start', () => {
    expect(
      startRefusal(planned, freezePolicy, new Date('2026-09-01T07:00:00Z')),
    ).toBe(
      'It is planned to start at 2026-12-06T07:00:00.000Z: it may start from 2026-12-06T06:30:00.000Z (30 minutes before), or be filed as an emergency change',
    );
    expect(
      startRefusal(planned, freezePolicy, new Date('2026-12-06T06:29:59Z')),
    ).toMatch(/may start from/);
  });

  it('lets it start within the tolerance and any time after', () => {
    for (const at of [
      '2026-12-06T06:30:00Z',
      '2026-12-06T07:00:00Z',
      '2026-12-07T07:00:00Z',
    ]) {
      expect(startRefusal(planned, freezePolicy, new Date(at))).toBeUndefined();
    }
    expect(
      startRefusal(
        planned,
        { ...freezePolicy, earlyStartMinutes: 120 },
        new Date('2026-12-06T05:00:00Z'),
      ),
    ).toBeUndefined();
  });

  it('refuses standard and normal changes during a freeze, never emergency ones', () => {
    const inFreeze = new Date('2026-12-20T12:00:00Z');
    const during = { plannedStart: '2026-12-20T12:00:00.000Z' };
    expect(
      startRefusal({ ...during, category: 'standard' }, freezePolicy, inFreeze),
    ).toMatch(/The change freeze "Holiday peak" is in effect/);
    expect(
      startRefusal(
        { category: 'emergency', plannedStart: '2027-03-01T00:00:00.000Z' },
        freezePolicy,
        inFreeze,
      ),
    ).toBeUndefined();
  });
});
