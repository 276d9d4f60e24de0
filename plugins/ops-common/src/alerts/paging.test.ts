import { analyzePagingLoad, classifyTime, isValidTimeZone } from './paging';
import {
  DEFAULT_PAGING_HOURS,
  PagingHours,
  PagingIncident,
  PagingNotification,
} from './types';

const berlin: PagingHours = {
  ...DEFAULT_PAGING_HOURS,
  timeZone: 'Europe/Berlin',
};

function at(iso: string, hours: PagingHours = DEFAULT_PAGING_HOURS) {
  return classifyTime(new Date(iso), hours);
}

describe('classifyTime', () => {
  it('classifies in UTC by default: business hours on working days, nights wrapping midnight', () => {
    // 2026-03-27 is a Friday.
    expect(at('2026-03-27T09:00:00Z')).toBe('business');
    expect(at('2026-03-27T16:59:59Z')).toBe('business');
    expect(at('2026-03-27T17:00:00Z')).toBe('outside');
    expect(at('2026-03-27T08:59:00Z')).toBe('outside');
    expect(at('2026-03-27T22:00:00Z')).toBe('night');
    expect(at('2026-03-27T23:59:00Z')).toBe('night');
    expect(at('2026-03-28T00:00:00Z')).toBe('night');
    expect(at('2026-03-28T06:59:00Z')).toBe('night');
    expect(at('2026-03-28T07:00:00Z')).toBe('outside');
    // Saturday noon: not a working day.
    expect(at('2026-03-28T12:00:00Z')).toBe('outside');
  });

  it('classifies in a non-UTC zone across the daylight saving change', () => {
    // Berlin is UTC+1 until 2026-03-29, UTC+2 from then.
    expect(at('2026-03-27T08:30:00Z', berlin)).toBe('business'); // Fri 09:30
    expect(at('2026-03-27T07:30:00Z', berlin)).toBe('outside'); // Fri 08:30
    expect(at('2026-03-30T07:30:00Z', berlin)).toBe('business'); // Mon 09:30 CEST
    expect(at('2026-03-30T15:30:00Z', berlin)).toBe('outside'); // Mon 17:30 CEST
    expect(at('2026-03-30T20:00:00Z', berlin)).toBe('night'); // Mon 22:00 CEST
    expect(at('2026-03-31T04:59:00Z', berlin)).toBe('night'); // Tue 06:59
    expect(at('2026-03-31T05:00:00Z', berlin)).toBe('outside'); // Tue 07:00
    // The day is the local one: Sunday 23:30 in Tokyo is Monday 08:30 there.
    const tokyo = { ...DEFAULT_PAGING_HOURS, timeZone: 'Asia/Tokyo' };
    expect(at('2026-03-29T23:30:00Z', tokyo)).toBe('outside');
    expect(at('2026-03-30T00:30:00Z', tokyo)).toBe('business');
    // Saturday 02:00 UTC is Friday 19:00 in Los Angeles (PDT since 8 March).
    const la = { ...DEFAULT_PAGING_HOURS, timeZone: 'America/Los_Angeles' };
    expect(at('2026-03-28T02:00:00Z', la)).toBe('outside');
    expect(at('2026-03-27T16:30:00Z', la)).toBe('business');
    expect(at('2026-03-30T06:00:00Z', la)).toBe('night'); // Sun 23:00
  });

  it('honours configured working days, hours and nights; business hours win over night', () => {
    const hours: PagingHours = {
      ...DEFAULT_PAGING_HOURS,
      workingDays: [6, 7],
      businessHours: [10, 14],
      nightHours: [0, 6],
    };
    expect(at('2026-03-28T11:00:00Z', hours)).toBe('business'); // Saturday
    expect(at('2026-03-29T11:00:00Z', hours)).toBe('business'); // Sunday
    expect(at('2026-03-30T11:00:00Z', hours)).toBe('outside'); // Monday
    expect(at('2026-03-30T05:00:00Z', hours)).toBe('night');
    expect(at('2026-03-30T23:00:00Z', hours)).toBe('outside');
    const overlapping = {
      ...DEFAULT_PAGING_HOURS,
      nightHours: [16, 8] as [number, number],
    };
    expect(at('2026-03-30T16:30:00Z', overlapping)).toBe('business');
    expect(at('2026-03-30T17:30:00Z', overlapping)).toBe('night');
    const noNight = {
      ...DEFAULT_PAGING_HOURS,
      nightHours: [0, 0] as [number, number],
    };
    expect(at('2026-03-30T03:00:00Z', noNight)).toBe('outside');
  });

  it('knows valid time zones', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});

describe('analyzePagingLoad', () => {
  const incidents: PagingIncident[] = [
    {
      id: 'i1',
      title: 'High error rate',
      serviceId: 'PSVA',
      createdAt: '2026-03-02T10:00:00Z', // Monday, business hours
      resolvedAt: '2026-03-02T10:03:00Z',
      alertCount: 3,
    },
    {
      id: 'i2',
      title: '  high ERROR rate ',
      serviceId: 'PSVA',
      createdAt: '2026-03-03T23:00:00Z', // night
      resolvedAt: '2026-03-04T00:00:00Z',
      alertCount: 1,
    },
    {
      id: 'i3',
      title: 'High error rate',
      serviceId: 'PSVA',
      createdAt: '2026-03-07T12:00:00Z', // Saturday
    },
    {
      id: 'i4',
      title: 'Disk full',
      serviceId: 'PSVA',
      createdAt: '2026-03-10T02:00:00Z', // in PSVA's maintenance
      resolvedAt: '2026-03-10T02:01:00Z',
    },
    {
      id: 'i5',
      title: 'Disk full',
      serviceId: 'PSVA',
      createdAt: '2026-03-10T05:00:00Z', // night, resolved in exactly 5 min
      resolvedAt: '2026-03-10T05:05:00Z',
    },
    {
      id: 'j1',
      title: 'Latency',
      serviceId: 'PSVB',
      createdAt: '2026-03-10T02:30:00Z', // PSVA's maintenance does not cover it
    },
    {
      id: 'j2',
      title: 'Latency',
      serviceId: 'PSVB',
      createdAt: '2026-03-20T00:30:00Z', // in the all-services maintenance
    },
    {
      id: 'i6',
      title: 'Before the window',
      serviceId: 'PSVA',
      createdAt: '2026-02-28T23:50:00Z',
    },
    {
      id: 'i7',
      title: 'At the window end',
      serviceId: 'PSVA',
      createdAt: '2026-03-29T00:00:00Z',
    },
  ];
  const page = (
    incidentId: string,
    iso: string,
    userId: string,
  ): PagingNotification => ({
    incidentId,
    serviceId: incidentId.startsWith('j') ? 'PSVB' : 'PSVA',
    at: iso,
    userId,
    userName: userId[0].toUpperCase() + userId.slice(1),
    userEmail: `${userId}@example.com`,
  });
  const notifications = [
    page('i1', '2026-03-02T10:01:00Z', 'alice'),
    page('i1', '2026-03-02T10:01:00Z', 'alice'), // duplicate
    page('i1', '2026-03-02T10:02:00Z', 'bob'),
    page('i2', '2026-03-03T23:01:00Z', 'alice'),
    page('i3', '2026-03-07T12:01:00Z', 'alice'),
    page('i4', '2026-03-10T02:01:00Z', 'bob'),
    page('i5', '2026-03-10T05:01:00Z', 'bob'),
    page('j1', '2026-03-10T02:31:00Z', 'carol'),
    page('j2', '2026-03-20T00:31:00Z', 'carol'),
    page('i6', '2026-03-01T00:10:00Z', 'alice'),
  ];
  const maintenance = [
    {
      start: '2026-03-10T01:00:00Z',
      end: '2026-03-10T03:00:00Z',
      serviceIds: ['PSVA'],
      changeRequestId: 'cr-1',
    },
    {
      start: '2026-03-20T00:00:00Z',
      end: '2026-03-20T01:00:00Z',
      serviceIds: [],
    },
  ];
  const base = {
    incidents,
    notifications,
    // Four weeks.
    since: new Date('2026-03-01T00:00:00Z'),
    until: new Date('2026-03-29T00:00:00Z'),
    hours: DEFAULT_PAGING_HOURS,
    maintenance,
    excludeMaintenance: true,
  };

  it('counts per service and person, leaving maintenance out', () => {
    const load = analyzePagingLoad(base);
    expect(load.since).toBe('2026-03-01T00:00:00.000Z');
    expect(load.until).toBe('2026-03-29T00:00:00.000Z');
    expect(load.services).toEqual([
      {
        serviceId: 'PSVA',
        incidents: 4,
        incidentsPerWeek: 1,
        outsideBusinessHours: 3,
        atNight: 2,
        autoResolved: 2,
        alertsPerIncident: 2,
        repeatTitles: [{ title: 'High error rate', count: 3 }],
        inMaintenance: 1,
        pages: 5,
      },
      {
        serviceId: 'PSVB',
        incidents: 1,
        incidentsPerWeek: 0.25,
        outsideBusinessHours: 1,
        atNight: 1,
        autoResolved: 0,
        repeatTitles: [],
        inMaintenance: 1,
        pages: 1,
      },
    ]);
    expect(load.people).toEqual([
      {
        userId: 'alice',
        name: 'Alice',
        email: 'alice@example.com',
        pages: 4,
        pagesPerWeek: 1,
        outsideBusinessHours: 3,
        atNight: 2,
      },
      {
        userId: 'bob',
        name: 'Bob',
        email: 'bob@example.com',
        pages: 2,
        pagesPerWeek: 0.5,
        outsideBusinessHours: 1,
        atNight: 1,
      },
      {
        userId: 'carol',
        name: 'Carol',
        email: 'carol@example.com',
        pages: 1,
        pagesPerWeek: 0.25,
        outsideBusinessHours: 1,
        atNight: 1,
      },
    ]);
    // Night is a subset of outside business hours.
    for (const s of [...load.services, ...load.people]) {
      expect(s.atNight).toBeLessThanOrEqual(s.outsideBusinessHours);
    }
  });

  it('keeps maintenance in the counts when not excluded', () => {
    const load = analyzePagingLoad({ ...base, excludeMaintenance: false });
    expect(load.services.map(s => [s.serviceId, s.incidents, s.pages])).toEqual(
      [
        ['PSVA', 5, 6],
        ['PSVB', 2, 2],
      ],
    );
    expect(load.services[0].repeatTitles).toEqual([
      { title: 'High error rate', count: 3 },
      { title: 'Disk full', count: 2 },
    ]);
    expect(load.services[0].autoResolved).toBe(3);
    expect(load.services[0].inMaintenance).toBe(1);
    expect(load.people.map(p => [p.userId, p.pages])).toEqual([
      ['alice', 4],
      ['bob', 3],
      ['carol', 2],
    ]);
  });

  it('classifies in the configured time zone', () => {
    // In New York: i1 is Monday 05:00 EST (night), i2 Tuesday 18:00
    // (outside), i3 Saturday 07:00 (outside), i5 01:00 EDT (night).
    const load = analyzePagingLoad({
      ...base,
      hours: { ...DEFAULT_PAGING_HOURS, timeZone: 'America/New_York' },
    });
    const psva = load.services[0];
    expect(psva.atNight).toBe(2);
    expect(psva.outsideBusinessHours).toBe(4);
  });

  it('answers unsorted input like sorted input', () => {
    const sorted = analyzePagingLoad(base);
    const shuffled = analyzePagingLoad({
      ...base,
      incidents: [...incidents].reverse(),
      notifications: [...notifications].reverse(),
    });
    expect(shuffled).toEqual(sorted);
  });

  it('answers empty input with empty lists', () => {
    expect(
      analyzePagingLoad({ ...base, incidents: [], notifications: [] }),
    ).toEqual({
      since: '2026-03-01T00:00:00.000Z',
      until: '2026-03-29T00:00:00.000Z',
      services: [],
      people: [],
    });
  });
});
