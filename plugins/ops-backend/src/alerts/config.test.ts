import { ConfigReader } from '@backstage/config';
import {
  DEFAULT_ALERT_POLICY,
  DEFAULT_NOISE_THRESHOLDS,
} from '@opsportal/plugin-ops-common';
import { readAlertsConfig } from './config';

const read = (alerts: object, runbooks: object = {}) =>
  readAlertsConfig(new ConfigReader({ ops: { alerts, runbooks } }));

describe('readAlertsConfig', () => {
  it('is the seed policy and thresholds without configuration', () => {
    expect(readAlertsConfig(new ConfigReader({}))).toEqual({
      refreshMinutes: 15,
      historyRetentionDays: 90,
      noise: DEFAULT_NOISE_THRESHOLDS,
      paging: {
        timeZone: 'UTC',
        workingDays: [1, 2, 3, 4, 5],
        businessHours: [9, 17],
        nightHours: [22, 7],
        autoResolveMinutes: 5,
        windowDays: 30,
      },
      policy: DEFAULT_ALERT_POLICY,
      severity: {
        severityTag: 'Severity',
        severityRules: [],
        defaultSeverity: 'P3',
        alarmScanThreshold: 25,
        alarmTagsCacheMinutes: 60,
      },
    });
  });

  it('reads thresholds, hours and a policy, and the runbooks severities', () => {
    const config = read(
      {
        refreshMinutes: 5,
        historyRetentionDays: 120,
        noise: { noisyAlarmsPerWeek: 8, excludeMaintenance: false },
        paging: {
          timeZone: 'Europe/Berlin',
          workingDays: [5, 1, 2, 3, 4, 1],
          businessHours: [8, 18],
          nightHours: [23, 6],
          windowDays: 14,
        },
        policy: [
          {
            id: 'p1-checkout',
            severity: 'critical',
            title: 'Checkout errors > 2 %',
            match: { metricNames: ['CheckoutErrorRate'] },
            comparison: 'above',
            threshold: 2,
            unit: '%',
            scope: 'payments',
          },
          {
            id: 'p4-capacity',
            severity: 'P4',
            title: 'Capacity warning',
            match: { alarmNames: ['*capacity*'] },
          },
        ],
      },
      { alarms: { severityRules: [{ pattern: '*-lag', severity: 'P2' }] } },
    );
    expect(config.refreshMinutes).toBe(5);
    expect(config.noise).toEqual({
      ...DEFAULT_NOISE_THRESHOLDS,
      noisyAlarmsPerWeek: 8,
      excludeMaintenance: false,
    });
    expect(config.paging).toMatchObject({
      timeZone: 'Europe/Berlin',
      workingDays: [1, 2, 3, 4, 5],
      businessHours: [8, 18],
      nightHours: [23, 6],
      windowDays: 14,
    });
    expect(config.policy).toEqual([
      {
        id: 'p1-checkout',
        severity: 'P1',
        title: 'Checkout errors > 2 %',
        match: { metricNames: ['CheckoutErrorRate'] },
        comparison: 'above',
        threshold: 2,
        unit: '%',
        scope: 'payments',
      },
      {
        id: 'p4-capacity',
        severity: 'P4',
        title: 'Capacity warning',
        match: { alarmNames: ['*capacity*'] },
        comparison: 'any',
      },
    ]);
    expect(config.severity.severityRules).toEqual([
      { pattern: '*-lag', severity: 'P2' },
    ]);
  });

  it.each([
    [
      { refreshMinutes: 0 },
      'ops.alerts.refreshMinutes must be a positive number',
    ],
    [
      { noise: { stuckAfterHours: -1 } },
      'ops.alerts.noise.stuckAfterHours must be a positive number',
    ],
    [
      { historyRetentionDays: 30 },
      'ops.alerts.historyRetentionDays (30) must be at least ops.alerts.noise.neverFiredDays (90)',
    ],
    [
      { paging: { timeZone: 'Mars/Olympus' } },
      'ops.alerts.paging.timeZone must be an IANA time zone',
    ],
    [
      { paging: { workingDays: [0, 1] } },
      'ops.alerts.paging.workingDays must list days as 1 (Monday) to 7 (Sunday)',
    ],
    [
      { paging: { businessHours: [17, 9] } },
      'ops.alerts.paging.businessHours must start before it ends',
    ],
    [
      { paging: { nightHours: [22, 25] } },
      'ops.alerts.paging.nightHours[1] must be a whole hour from 0 to 24',
    ],
    [
      {
        policy: [
          { id: 'x', severity: 'P9', title: 'X', match: { alarmNames: ['x'] } },
        ],
      },
      'ops.alerts.policy[0].severity must be one of P1, P2, P3, P4, got "P9"',
    ],
    [
      { policy: [{ id: 'x', severity: 'P2', title: 'X', match: {} }] },
      'ops.alerts.policy[0].match must name metricNames or alarmNames',
    ],
    [
      {
        policy: [
          {
            id: 'x',
            severity: 'P2',
            title: 'X',
            match: { alarmNames: ['x'] },
            comparison: 'above',
          },
        ],
      },
      'ops.alerts.policy[0].threshold is required when comparison is above',
    ],
    [
      {
        policy: [
          { id: 'x', severity: 'P2', title: 'X', match: { alarmNames: ['x'] } },
          { id: 'x', severity: 'P3', title: 'Y', match: { alarmNames: ['y'] } },
        ],
      },
      'ops.alerts.policy[1].id "x" is used by an earlier rule',
    ],
  ])('refuses %j naming the key', (alerts, message) => {
    expect(() => read(alerts)).toThrow(message);
  });
});
