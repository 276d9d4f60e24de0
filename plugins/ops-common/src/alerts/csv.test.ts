import { alarmNoiseCsv, personPagingCsv, servicePagingCsv } from './csv';
import { AlarmNoise } from './types';

const stats = (days: number, alarmCount: number) => ({
  days,
  alarmCount,
  minutesInAlarm: alarmCount * 10,
  flappingDays: 1,
  maxRoundTripsPerDay: 3,
  alarmsInMaintenance: 0,
});

const alarm: AlarmNoise = {
  alarmName: '=HYPERLINK("http://evil")',
  region: 'us-east-1',
  entityRef: 'component:default/payment-service',
  entityTitle: 'Payment, "service"',
  owner: 'group:default/payments',
  state: 'OK',
  since: '2026-03-30T10:00:00+02:00',
  severity: 'P2',
  metric: 'AWS/ApplicationELB TargetResponseTime',
  description: 'p95 too high',
  hasActions: false,
  week: stats(7, 5),
  month: stats(30, 9),
  lastFiredAt: '2026-03-30T08:00:00.000Z',
  observedDays: 90,
  flags: ['noisy', 'flapping', 'no-actions'],
  noiseScore: 24,
  review: {
    id: 'r1',
    alarmName: 'x',
    entityRef: 'component:default/payment-service',
    outcome: 'tune-threshold',
    note: 'raise to 2 s',
    reviewedBy: 'user:default/alice',
    reviewedAt: '2026-03-31T09:00:00Z',
  },
};

describe('alarmNoiseCsv', () => {
  it('writes a header and formula-safe, quoted cells with ISO times and joined flags', () => {
    const text = alarmNoiseCsv([alarm]);
    const [header, row, end] = text.split('\r\n');
    expect(header.split(',')[0]).toBe('alarm');
    expect(header.split(',')).toContain('flags');
    expect(end).toBe('');
    expect(row).toBe(
      [
        `"'=HYPERLINK(""http://evil"")"`,
        'us-east-1',
        'component:default/payment-service',
        '"Payment, ""service"""',
        'group:default/payments',
        'OK',
        '2026-03-30T08:00:00.000Z',
        'P2',
        'AWS/ApplicationELB TargetResponseTime',
        '24',
        'noisy;flapping;no-actions',
        '5',
        '50',
        '1',
        '0',
        '9',
        '90',
        '1',
        '3',
        '0',
        '2026-03-30T08:00:00.000Z',
        '90',
        'false',
        '',
        'tune-threshold',
        '2026-03-31T09:00:00.000Z',
        'user:default/alice',
      ].join(','),
    );
  });

  it('writes only the header for no alarms', () => {
    expect(alarmNoiseCsv([]).split('\r\n')).toHaveLength(2);
  });
});

describe('servicePagingCsv and personPagingCsv', () => {
  it('write one row per service and person', () => {
    const services = servicePagingCsv([
      {
        serviceId: 'PSVA',
        serviceName: 'Payments',
        incidents: 4,
        incidentsPerWeek: 1,
        outsideBusinessHours: 3,
        atNight: 2,
        autoResolved: 2,
        repeatTitles: [
          { title: 'High error rate', count: 3 },
          { title: '-1 disk', count: 2 },
        ],
        inMaintenance: 1,
        pages: 5,
      },
    ]).split('\r\n');
    expect(services[0]).toBe(
      'service_id,service_name,entity,entity_title,owner,incidents,incidents_per_week,pages,outside_business_hours,at_night,auto_resolved,alerts_per_incident,repeat_titles,in_maintenance',
    );
    expect(services[1]).toBe(
      'PSVA,Payments,,,,4,1,5,3,2,2,,High error rate (3);-1 disk (2),1',
    );
    const people = personPagingCsv([
      {
        userId: 'PU1',
        name: '@alice',
        email: 'alice@example.com',
        pages: 4,
        pagesPerWeek: 1,
        outsideBusinessHours: 3,
        atNight: 2,
      },
    ]).split('\r\n');
    expect(people[0]).toBe(
      'user_id,name,email,pages,pages_per_week,outside_business_hours,at_night',
    );
    expect(people[1]).toBe("PU1,'@alice,alice@example.com,4,1,3,2");
  });
});
