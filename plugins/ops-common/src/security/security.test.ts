import {
  DEFAULT_SECURITY_PROCESS,
  activeSecurityAlerts,
  describeSecurityMetricState,
  evaluateSecurityAlarms,
  evaluateSecurityThresholds,
  parseSecurityWindow,
  securityContactLinks,
  securitySeriesPeriod,
} from './evaluate';
import { securityConfigSchema } from './schema';
import { describeSchemaError } from '../changes/schemas';

describe('security thresholds', () => {
  const failedLogins = { warning: 50, alert: 100, direction: 'above' as const };
  const patches = { warning: 95, alert: 90, direction: 'below' as const };

  it('raises the alert when a count reaches the alert threshold', () => {
    expect(evaluateSecurityThresholds(12, failedLogins)).toBe('ok');
    expect(evaluateSecurityThresholds(50, failedLogins)).toBe('warning');
    expect(evaluateSecurityThresholds(99, failedLogins)).toBe('warning');
    expect(evaluateSecurityThresholds(100, failedLogins)).toBe('alert');
    expect(evaluateSecurityThresholds(420, failedLogins)).toBe('alert');
  });

  it('raises the alert when compliance falls to the threshold', () => {
    expect(evaluateSecurityThresholds(98.5, patches)).toBe('ok');
    expect(evaluateSecurityThresholds(95, patches)).toBe('warning');
    expect(evaluateSecurityThresholds(90, patches)).toBe('alert');
    expect(evaluateSecurityThresholds(71, patches)).toBe('alert');
  });

  it('says unknown without a value, and works without a warning threshold', () => {
    expect(evaluateSecurityThresholds(null, failedLogins)).toBe('unknown');
    expect(evaluateSecurityThresholds(NaN, failedLogins)).toBe('unknown');
    const alertOnly = { alert: 1, direction: 'above' as const };
    expect(evaluateSecurityThresholds(0, alertOnly)).toBe('ok');
    expect(evaluateSecurityThresholds(1, alertOnly)).toBe('alert');
  });

  it('explains the state in words', () => {
    expect(describeSecurityMetricState(142, 'count', '15m', failedLogins)).toBe(
      '142 in the last 15m, at or above the alert threshold of 100',
    );
    expect(describeSecurityMetricState(96.25, 'percent', '1d', patches)).toBe(
      '96.3 % in the last 1d, above the warning threshold of 95 %',
    );
    expect(describeSecurityMetricState(null, 'count', '1h', failedLogins)).toBe(
      'No datapoint in the last 1h',
    );
  });
});

describe('alarm-based signals', () => {
  it('fires when any alarm is in ALARM, is unknown when none exists', () => {
    expect(evaluateSecurityAlarms([], 'named x').state).toBe('unknown');
    expect(
      evaluateSecurityAlarms(
        [
          { name: 'a', state: 'OK' },
          { name: 'b', state: 'INSUFFICIENT_DATA' },
          { name: 'c', state: 'ALARM' },
        ],
        'x',
      ),
    ).toEqual({ state: 'alert', reason: 'In alarm: c' });
    expect(
      evaluateSecurityAlarms([{ name: 'a', state: 'INSUFFICIENT_DATA' }], 'x')
        .state,
    ).toBe('unknown');
    expect(evaluateSecurityAlarms([{ name: 'a', state: 'OK' }], 'x')).toEqual({
      state: 'ok',
      reason: 'Alarm a is OK',
    });
  });

  it('lists the seed alerts that alerting signals raise', () => {
    expect(
      activeSecurityAlerts([
        {
          id: 'failedLogins',
          title: 'Failed logins',
          state: 'alert',
          raises: 'multipleFailedLogins',
          reason: 'r1',
        },
        { id: 'ok', title: 'OK one', state: 'warning', reason: 'r2' },
        {
          id: 'vulns',
          title: 'Critical findings',
          state: 'alert',
          reason: 'r3',
        },
      ]),
    ).toEqual([
      {
        alert: 'multipleFailedLogins',
        title: 'Multiple failed login attempts',
        signalId: 'failedLogins',
        reason: 'r1',
      },
      {
        alert: undefined,
        title: 'Critical findings',
        signalId: 'vulns',
        reason: 'r3',
      },
    ]);
  });
});

describe('windows and periods', () => {
  it('reads windows from one minute to one day', () => {
    expect(parseSecurityWindow('15m')).toBe(900);
    expect(parseSecurityWindow('1h')).toBe(3600);
    expect(parseSecurityWindow('1d')).toBe(86400);
    expect(parseSecurityWindow('2d')).toBeUndefined();
    expect(parseSecurityWindow('0m')).toBeUndefined();
    expect(parseSecurityWindow('15 minutes')).toBeUndefined();
  });

  it('charts short windows per 5 minutes, long ones per hour', () => {
    expect(securitySeriesPeriod(60)).toBe(300);
    expect(securitySeriesPeriod(900)).toBe(900);
    expect(securitySeriesPeriod(86400)).toBe(3600);
  });
});

describe('security contacts', () => {
  it('links valid addresses and numbers only', () => {
    expect(
      securityContactLinks({
        role: 'Security Lead',
        email: 'security@ecommerce-platform.com',
      }),
    ).toEqual({ mailto: 'mailto:security@ecommerce-platform.com' });
    expect(
      securityContactLinks({ role: 'Hotline', phone: '+1-XXX-XXX-XXXX' }),
    ).toEqual({});
    expect(
      securityContactLinks({ role: 'Hotline', phone: '+1 (555) 010-0199' }),
    ).toEqual({ tel: 'tel:+15550100199' });
    expect(
      securityContactLinks({
        role: 'x',
        email: 'a@b.com?cc=evil@x.com',
        url: ['javascript', 'alert(1)'].join(':'),
      }),
    ).toEqual({});
    expect(
      securityContactLinks({ role: 'x', url: 'https://wiki.example/sec' }),
    ).toEqual({ href: 'https://wiki.example/sec' });
  });
});

describe('security config', () => {
  const parse = (value: unknown) => {
    const result = securityConfigSchema.safeParse(value);
    return result.success
      ? { ok: result.data }
      : { error: describeSchemaError(result.error) };
  };

  it('defaults to the seed process and no metrics', () => {
    const { ok } = parse({});
    expect(ok?.metrics).toEqual([]);
    expect(ok?.refreshMinutes).toBe(5);
    expect(DEFAULT_SECURITY_PROCESS.map(s => s.step)).toEqual([
      1, 2, 3, 4, 5, 6,
    ]);
  });

  it('names the key that is wrong', () => {
    expect(
      parse({
        metrics: [
          {
            id: 'failedLogins',
            title: 'Failed logins',
            window: '15 min',
            cloudwatch: { namespace: 'N', metricName: 'M' },
            thresholds: { warning: 200, alert: 100 },
          },
        ],
      }).error,
    ).toBe(
      'metrics.0.window: must be whole minutes, hours or days (15m, 1h, 1d), from 1m to 1d; metrics.0.thresholds.warning: must be below thresholds.alert (direction above)',
    );
    expect(
      parse({
        metrics: [
          {
            id: 'x',
            title: 'X',
            window: '1h',
            cloudwatch: { namespace: 'N', metricName: 'M' },
            prometheus: { query: 'up' },
            thresholds: { alert: 1 },
          },
        ],
      }).error,
    ).toBe('metrics.0: needs exactly one of cloudwatch, prometheus or alarm');
    expect(
      parse({
        metrics: [
          {
            id: 'x',
            title: 'X',
            window: '1h',
            prometheus: { query: 'up' },
            thresholds: { alert: 1 },
            perEntity: { query: 'up{job="svc"}' },
          },
        ],
      }).error,
    ).toBe(
      'metrics.0.perEntity.query: is required for a prometheus metric and must use $entity',
    );
    expect(
      parse({
        metrics: [
          {
            id: 'x',
            title: 'X',
            window: '1h',
            raises: 'phishing',
            alarm: { name: 'a' },
          },
        ],
      }).error,
    ).toMatch(/^metrics\.0\.raises: Invalid option: expected one of/);
  });

  it('accepts alarm-based signals without thresholds', () => {
    const { ok, error } = parse({
      metrics: [
        {
          id: 'privEsc',
          title: 'Privilege escalation',
          alarm: { prefix: 'security-iam-' },
          raises: 'privilegeEscalation',
          perEntity: { alarm: { name: '$entity-privilege-escalation' } },
        },
      ],
    });
    expect(error).toBeUndefined();
    expect(ok?.metrics[0].unit).toBe('count');
  });
});
