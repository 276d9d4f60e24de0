import { assessIncident, IncidentRecord } from '../incidents';
import { ChangeMeasureRecord } from '../changes';
import {
  evaluateKpis,
  formatKpiTarget,
  formatKpiValue,
  kpiPeriodRanges,
  kpiReportsToCsv,
  KpiAvailabilityPoint,
  KpiDeploymentRecord,
  KpiInputs,
  KpiReport,
  KPI_DEFINITIONS,
  KpiResult,
  measureKpis,
} from '.';

const MIN = 60_000;
const HOUR = 60 * MIN;
const now = new Date('2026-03-31T00:00:00Z');
const march = {
  start: '2026-03-01T00:00:00.000Z',
  end: '2026-03-31T00:00:00.000Z',
};

function statusOf(fields: Partial<IncidentRecord>): IncidentRecord['status'] {
  if (fields.resolvedAt) return 'resolved';
  return fields.acknowledgedAt ? 'acknowledged' : 'triggered';
}

function incident(
  id: string,
  fields: Partial<IncidentRecord> & Pick<IncidentRecord, 'createdAt'>,
) {
  return assessIncident(
    {
      id,
      title: `Incident ${id}`,
      status: statusOf(fields),
      serviceId: 'PSVORDR',
      assignees: [],
      ...fields,
    },
    now,
  );
}

function change(
  id: string,
  fields: Partial<ChangeMeasureRecord> &
    Pick<ChangeMeasureRecord, 'finishedAt'>,
): ChangeMeasureRecord {
  return {
    id,
    category: 'normal',
    outcome: 'successful',
    entityRefs: ['component:default/order-service'],
    ...fields,
  };
}

function byId(results: KpiResult[]) {
  return Object.fromEntries(results.map(r => [r.id, r]));
}

describe('KPIs without incidents or changes', () => {
  const inputs: KpiInputs = { incidents: [], changes: [], deployments: [] };
  const kpis = byId(
    evaluateKpis(inputs, { ...kpiPeriodRanges('30d', now) }, { now }),
  );

  it('shows MTBF as at least the whole period, which meets 720 h', () => {
    expect(kpis.mtbf.value).toBe(720 * HOUR);
    expect(kpis.mtbf.atLeast).toBe(true);
    expect(kpis.mtbf.status).toBe('met');
    expect(formatKpiValue('mtbf', kpis.mtbf.value, { atLeast: true })).toBe(
      '≥ 720 h',
    );
  });

  it('counts zero incidents and has no times to average', () => {
    expect(kpis.incidentCount.value).toBe(0);
    expect(kpis.incidentCount.status).toBe('met');
    for (const id of ['mttr', 'alertResponseTime', 'incidentResolutionTime']) {
      expect(kpis[id].value).toBeUndefined();
      expect(kpis[id].status).toBe('no-data');
    }
  });

  it('has no change rates without changes, and no deployment is not daily', () => {
    expect(kpis.changeSuccessRate.status).toBe('no-data');
    expect(kpis.changeSuccessRate.basis).toMatch(/no change implemented/);
    expect(kpis.rollbackRate.status).toBe('no-data');
    expect(kpis.deploymentSuccessRate.status).toBe('no-data');
    expect(kpis.deploymentFrequency.value).toBe(0);
    expect(kpis.deploymentFrequency.status).toBe('missed');
  });

  it('tells a scope without an availability SLO from one without requests', () => {
    expect(kpis.uptime.status).toBe('no-data');
    expect(kpis.uptime.basis).toBe('no availability SLO');
    const empty = measureKpis({ availability: [] }, march, { now });
    expect(empty.uptime.basis).toBe('no requests measured in the period');
  });

  it('tells a scope without a PagerDuty service from a quiet one', () => {
    const none = measureKpis({}, march, { now });
    expect(none.incidentCount.value).toBeUndefined();
    expect(none.incidentCount.basis).toBe('no PagerDuty service');
    expect(none.changeSuccessRate.basis).toBe('change requests cannot be read');
  });
});

describe('KPIs of a hand-made March', () => {
  // Failures (P1/P2) and other incidents around March 2026 (30 days, 720 h).
  const incidents = [
    // P1 spanning the start: 1 h of it falls in March; it started in February.
    incident('D', {
      priority: 'P1',
      createdAt: '2026-02-28T23:00:00Z',
      acknowledgedAt: '2026-02-28T23:02:00Z',
      resolvedAt: '2026-03-01T01:00:00Z',
    }),
    // P1: acknowledged in 3 min, resolved in 25 min.
    incident('A', {
      priority: 'P1',
      createdAt: '2026-03-10T10:00:00Z',
      acknowledgedAt: '2026-03-10T10:03:00Z',
      resolvedAt: '2026-03-10T10:25:00Z',
    }),
    // P3: acknowledged in 30 min, resolved in 3 h; not a failure.
    incident('C', {
      priority: 'P3',
      createdAt: '2026-03-15T09:00:00Z',
      acknowledgedAt: '2026-03-15T09:30:00Z',
      resolvedAt: '2026-03-15T12:00:00Z',
    }),
    // P2: acknowledged in 10 min, resolved in 45 min.
    incident('B', {
      priority: 'P2',
      createdAt: '2026-03-20T12:00:00Z',
      acknowledgedAt: '2026-03-20T12:10:00Z',
      resolvedAt: '2026-03-20T12:45:00Z',
    }),
    // P2 still open: acknowledged in 4 min, down for the last hour of March.
    incident('E', {
      priority: 'P2',
      createdAt: '2026-03-30T23:00:00Z',
      acknowledgedAt: '2026-03-30T23:04:00Z',
    }),
    // Created at the end of the range: belongs to the next period.
    incident('F', { priority: 'P4', createdAt: '2026-03-31T00:00:00Z' }),
  ];
  const changes = [
    change('CHG-1001', { finishedAt: '2026-03-05T10:00:00Z' }),
    change('CHG-1002', {
      category: 'standard',
      finishedAt: '2026-03-06T10:00:00Z',
    }),
    change('CHG-1003', {
      category: 'standard',
      outcome: 'rolled-back',
      finishedAt: '2026-03-07T10:00:00Z',
    }),
    change('CHG-1004', {
      category: 'emergency',
      outcome: 'failed',
      finishedAt: '2026-03-31T00:00:00Z',
    }),
    change('CHG-1005', { finishedAt: '2026-02-28T10:00:00Z' }),
  ];
  const deployments: KpiDeploymentRecord[] = [
    {
      id: 'CHG-1002',
      at: '2026-03-06T10:00:00Z',
      outcome: 'successful',
      entityRefs: [],
      source: 'change-request',
    },
    {
      id: 'CHG-1003',
      at: '2026-03-07T10:00:00Z',
      outcome: 'rolled-back',
      entityRefs: [],
      source: 'change-request',
    },
    {
      id: 'EV1',
      at: '2026-03-08T10:00:00Z',
      entityRefs: [],
      source: 'change-event',
    },
  ];
  const availability: KpiAvailabilityPoint[] = [
    // Ends at the range start: February's last day.
    { at: '2026-03-01T00:00:00Z', good: 0, total: 100 },
    { at: '2026-03-15T00:00:00Z', good: 9990, total: 10000 },
    { at: '2026-03-31T00:00:00Z', good: 10000, total: 10000 },
  ];
  const inputs: KpiInputs = { incidents, changes, deployments, availability };
  const ranges = kpiPeriodRanges('30d', now);
  const kpis = byId(evaluateKpis(inputs, ranges, { now }));

  it('has the range of March', () => {
    expect(ranges.current).toEqual(march);
  });

  it('computes uptime from the buckets ending in the period', () => {
    expect(kpis.uptime.value).toBeCloseTo(19990 / 20000, 10);
    expect(kpis.uptime.status).toBe('met');
    expect(formatKpiValue('uptime', kpis.uptime.value)).toBe('99.95 %');
    // February's bucket alone: 0 of 100 good.
    expect(kpis.uptime.previous.value).toBe(0);
    expect(kpis.uptime.trend).toMatchObject({ direction: 'up', better: true });
  });

  it('counts the four incidents created in March, the open one included', () => {
    expect(kpis.incidentCount.value).toBe(4);
    expect(kpis.incidentCount.status).toBe('met');
    expect(kpis.incidentCount.basis).toBe('4 incidents in 30 days, 1 open');
    // February held only D.
    expect(kpis.incidentCount.previous.value).toBe(1);
    expect(kpis.incidentCount.trend).toMatchObject({
      direction: 'up',
      better: false,
    });
  });

  it('computes MTBF from three failures and the time in failure clipped to March', () => {
    // In failure: D 60 min (from 00:00), A 25, B 45, E 60 (open until now) = 190 min.
    const expected = (720 * HOUR - 190 * MIN) / 3;
    expect(kpis.mtbf.value).toBeCloseTo(expected, 6);
    expect(kpis.mtbf.atLeast).toBeUndefined();
    expect(kpis.mtbf.status).toBe('missed');
    expect(formatKpiValue('mtbf', kpis.mtbf.value)).toBe('239 h');
    expect(kpis.mtbf.basis).toBe('3 failures, 3.2 h in failure');
  });

  it('computes MTTR over the resolved failures only', () => {
    expect(kpis.mttr.value).toBe(35 * MIN);
    expect(kpis.mttr.sample).toBe(2);
    expect(kpis.mttr.status).toBe('missed');
    expect(kpis.mttr.basis).toBe('2 resolved failures, 1 still open');
  });

  it('computes alert response and resolution time over every severity', () => {
    // Acknowledged: A 3, C 30, B 10, E 4 minutes.
    expect(kpis.alertResponseTime.value).toBe(11.75 * MIN);
    expect(kpis.alertResponseTime.status).toBe('missed');
    // Resolved: A 25, C 180, B 45 minutes.
    expect(kpis.incidentResolutionTime.value).toBeCloseTo((250 / 3) * MIN, 6);
    expect(kpis.incidentResolutionTime.status).toBe('met');
    expect(
      formatKpiValue(
        'incidentResolutionTime',
        kpis.incidentResolutionTime.value,
      ),
    ).toBe('1.4 h');
  });

  it('computes the change rates over the changes finished in March', () => {
    expect(kpis.changeSuccessRate.value).toBeCloseTo(2 / 3, 10);
    expect(kpis.changeSuccessRate.status).toBe('missed');
    expect(kpis.rollbackRate.value).toBeCloseTo(1 / 3, 10);
    expect(kpis.rollbackRate.status).toBe('missed');
    expect(kpis.changeSuccessRate.previous.value).toBe(1);
    expect(kpis.changeSuccessRate.trend).toMatchObject({
      direction: 'down',
      better: false,
      previousText: '100 %',
    });
  });

  it('counts change events as deployments but judges only change requests', () => {
    expect(kpis.deploymentFrequency.value).toBeCloseTo(3 / 30, 10);
    expect(kpis.deploymentFrequency.status).toBe('missed');
    expect(kpis.deploymentFrequency.basis).toBe(
      '3 deployments in 30 days (1 from change events)',
    );
    expect(kpis.deploymentSuccessRate.value).toBe(0.5);
    expect(kpis.deploymentSuccessRate.status).toBe('missed');
  });

  it('keeps a history point per week, the last one being the current value', () => {
    expect(kpis.incidentCount.history.map(h => h.at)).toEqual([
      '2026-03-03T00:00:00.000Z',
      '2026-03-10T00:00:00.000Z',
      '2026-03-17T00:00:00.000Z',
      '2026-03-24T00:00:00.000Z',
      '2026-03-31T00:00:00.000Z',
    ]);
    // 30 days to March 3: D only; to March 31: A, B, C, E.
    expect(kpis.incidentCount.history[0].value).toBe(1);
    expect(kpis.incidentCount.history[4].value).toBe(4);
  });

  it('counts a calendar month as it is and compares with the month before', () => {
    const month = kpiPeriodRanges('month', now, { month: '2026-03' });
    const monthly = byId(
      evaluateKpis(inputs, month, { now, calendarMonth: true }),
    );
    expect(monthly.incidentCount.value).toBe(4);
    expect(monthly.incidentCount.previous.value).toBe(1);
  });

  it('computes over the part of the period with data, and says so', () => {
    const partial = measureKpis(
      { incidents, since: { incidents: '2026-03-16T00:00:00Z' } },
      march,
      { now },
    );
    // B and E in 15 days: 4 per 30 days.
    expect(partial.incidentCount.value).toBe(4);
    expect(partial.incidentCount.partialFrom).toBe('2026-03-16T00:00:00.000Z');
    // Before the data start: nothing known.
    const before = measureKpis(
      { incidents, since: { incidents: '2026-04-01T00:00:00Z' } },
      march,
      { now },
    );
    expect(before.incidentCount.value).toBeUndefined();
  });

  it('follows configured targets and failure severities', () => {
    const lenient = byId(
      evaluateKpis(inputs, ranges, {
        now,
        targets: { mttr: 40 * MIN },
        failureSeverities: ['P1'],
      }),
    );
    // Only A is a failure now: 25 min, and D's hour plus A's 25 min in failure.
    expect(lenient.mttr.value).toBe(25 * MIN);
    expect(lenient.mttr.status).toBe('met');
    expect(lenient.mtbf.value).toBe(720 * HOUR - 85 * MIN);
  });
});

describe('one open incident', () => {
  it('is down from its start until now and has no recovery time yet', () => {
    const open = incident('O', {
      priority: 'P1',
      createdAt: '2026-03-30T22:00:00Z',
    });
    const kpis = measureKpis({ incidents: [open] }, march, { now });
    expect(kpis.incidentCount.value).toBe(1);
    expect(kpis.mtbf.value).toBe(720 * HOUR - 2 * HOUR);
    expect(kpis.mttr.value).toBeUndefined();
    expect(kpis.mttr.basis).toBe('1 failure, none resolved yet');
    expect(kpis.alertResponseTime.basis).toBe('no incident acknowledged');
    expect(kpis.incidentResolutionTime.basis).toBe('no incident resolved yet');
  });
});

describe('overlapping failures', () => {
  it('count their shared time in failure once', () => {
    const kpis = measureKpis(
      {
        incidents: [
          incident('X', {
            priority: 'P1',
            createdAt: '2026-03-10T10:00:00Z',
            resolvedAt: '2026-03-10T11:00:00Z',
          }),
          incident('Y', {
            priority: 'P2',
            createdAt: '2026-03-10T10:30:00Z',
            resolvedAt: '2026-03-10T11:30:00Z',
          }),
          // The same incident reported for two services of a team.
          incident('Y', {
            priority: 'P2',
            createdAt: '2026-03-10T10:30:00Z',
            resolvedAt: '2026-03-10T11:30:00Z',
          }),
        ],
      },
      march,
      { now },
    );
    expect(kpis.incidentCount.value).toBe(2);
    expect(kpis.mtbf.value).toBe((720 * HOUR - 90 * MIN) / 2);
  });
});

describe('kpiPeriodRanges', () => {
  it('compares 90 days with the 90 days before, with 13 weekly points after the first', () => {
    const r = kpiPeriodRanges('90d', now);
    expect(r.current.start).toBe('2025-12-31T00:00:00.000Z');
    expect(r.previous).toEqual({
      start: '2025-10-02T00:00:00.000Z',
      end: '2025-12-31T00:00:00.000Z',
    });
    expect(r.history).toHaveLength(13);
    expect(r.history[12]).toEqual(r.current);
  });

  it('compares a month in progress with the same days of the month before', () => {
    const r = kpiPeriodRanges('month', new Date('2026-03-10T12:00:00Z'));
    expect(r.label).toBe('March 2026 (to date)');
    expect(r.inProgress).toBe(true);
    expect(r.current).toEqual({
      start: '2026-03-01T00:00:00.000Z',
      end: '2026-03-10T12:00:00.000Z',
    });
    expect(r.previous).toEqual({
      start: '2026-02-01T00:00:00.000Z',
      end: '2026-02-10T12:00:00.000Z',
    });
    expect(r.history.map(h => h.end)).toEqual([
      '2026-03-08T00:00:00.000Z',
      '2026-03-10T12:00:00.000Z',
    ]);
  });

  it('takes a past month whole, in the configured time zone', () => {
    const r = kpiPeriodRanges('month', now, {
      month: '2026-02',
      timeZone: 'America/New_York',
    });
    expect(r.label).toBe('February 2026');
    expect(r.inProgress).toBe(false);
    expect(r.current).toEqual({
      start: '2026-02-01T05:00:00.000Z',
      end: '2026-03-01T05:00:00.000Z',
    });
    expect(r.previous.start).toBe('2026-01-01T05:00:00.000Z');
  });

  it('refuses a month that has not started or is not a month', () => {
    expect(() => kpiPeriodRanges('month', now, { month: '2026-04' })).toThrow(
      /not started/,
    );
    expect(() => kpiPeriodRanges('month', now, { month: '2026-13' })).toThrow(
      /not a month/,
    );
  });
});

describe('formatting and export', () => {
  it('writes targets as the seed does', () => {
    expect(formatKpiTarget('uptime', 0.999)).toBe('≥ 99.9 %');
    expect(formatKpiTarget('mtbf', 720 * HOUR)).toBe('> 720 h');
    expect(formatKpiTarget('mttr', 30 * MIN)).toBe('< 30 min');
    expect(formatKpiTarget('incidentCount', 5)).toBe('< 5 / month');
    expect(formatKpiTarget('deploymentFrequency', 1)).toBe('Daily (≥ 1 / day)');
    expect(formatKpiTarget('incidentResolutionTime', 2 * HOUR)).toBe('< 2 h');
  });

  it('exports one CSV row per KPI with raw and shown values, quoting what needs it', () => {
    const ranges = kpiPeriodRanges('30d', now);
    const report: KpiReport = {
      scope: 'entity',
      entityRef: 'component:default/order-service',
      title: 'Order Service',
      period: ranges,
      generatedAt: now.toISOString(),
      entities: [],
      kpis: evaluateKpis({ incidents: [], changes: [] }, ranges, { now }),
      targets: {} as never,
      failureSeverities: ['P1', 'P2'],
      sources: [],
    };
    const lines = kpiReportsToCsv([report]).trimEnd().split('\r\n');
    expect(lines).toHaveLength(1 + KPI_DEFINITIONS.length);
    expect(lines[0]).toMatch(/^scope,entity,period,from,to,kpi,value,/);
    const mtbf = lines.find(l => l.includes('MTBF'))!;
    expect(mtbf).toContain(`${720 * HOUR},≥ 720 h,${720 * HOUR},> 720 h,met`);
    const failing: KpiReport = {
      ...report,
      kpis: [
        {
          ...report.kpis[1],
          value: HOUR,
          atLeast: undefined,
          basis: '3 failures, 2 h in failure',
        },
      ],
    };
    // A basis holding a comma is quoted.
    expect(kpiReportsToCsv([failing])).toContain(
      '"3 failures, 2 h in failure"',
    );
    expect(
      kpiReportsToCsv([{ ...report, entityRef: '=HYPERLINK("x")' }]),
    ).toContain(`"'=HYPERLINK(""x"")"`);
  });
});

describe('every window of a report', () => {
  /** A small deterministic generator (mulberry32). */
  function random(seed: number) {
    let a = seed;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  /** 200 days of incidents, changes, deployments and availability of 3 services. */
  function history(seed: number): KpiInputs {
    const rnd = random(seed);
    const DAY = 24 * HOUR;
    const at = () =>
      new Date(now.getTime() - Math.floor(rnd() * 200 * DAY)).toISOString();
    const incidents = Array.from({ length: 400 }, (_, i) => {
      const createdAt = at();
      const created = Date.parse(createdAt);
      const acked = rnd() < 0.9;
      const resolved = acked && rnd() < 0.9;
      return incident(`I${i}`, {
        createdAt,
        priority: `P${1 + Math.floor(rnd() * 4)}`,
        ...(acked && {
          acknowledgedAt: new Date(
            Math.min(now.getTime(), created + Math.floor(rnd() * 40 * MIN)),
          ).toISOString(),
        }),
        ...(resolved && {
          resolvedAt: new Date(
            Math.min(now.getTime(), created + Math.floor(rnd() * 30 * HOUR)),
          ).toISOString(),
        }),
      });
    });
    const outcomes = ['successful', 'failed', 'rolled-back'] as const;
    const changes = Array.from({ length: 300 }, (_, i) =>
      change(`CHG-${1000 + i}`, {
        finishedAt: at(),
        outcome: outcomes[Math.floor(rnd() * 1.2 * outcomes.length) % 3],
        category: rnd() < 0.5 ? 'standard' : 'normal',
      }),
    );
    const deployments: KpiDeploymentRecord[] = Array.from(
      { length: 250 },
      (_, i) => ({
        id: `D${i}`,
        at: at(),
        entityRefs: ['component:default/order-service'],
        ...(rnd() < 0.8
          ? {
              source: 'change-request' as const,
              outcome:
                rnd() < 0.9 ? ('successful' as const) : ('failed' as const),
            }
          : { source: 'change-event' as const }),
      }),
    );
    // Daily buckets of three services ending at the same times; some empty.
    const availability: KpiAvailabilityPoint[] = [];
    for (let d = 0; d < 200; d++) {
      for (let s = 0; s < 3; s++) {
        const total = rnd() < 0.1 ? 0 : 1000 + Math.floor(rnd() * 100_000);
        availability.push({
          at: new Date(now.getTime() - d * DAY - 7 * HOUR).toISOString(),
          good: total - Math.floor(rnd() * Math.min(total, 300)),
          total,
        });
      }
    }
    return {
      incidents,
      changes,
      deployments,
      availability,
      since: { incidents: new Date(now.getTime() - 150 * DAY).toISOString() },
    };
  }

  /** Only what lies in the range: measured alone, nothing can come from outside it. */
  function within(inputs: KpiInputs, r: { start: string; end: string }) {
    const start = Date.parse(r.start);
    const end = Date.parse(r.end);
    const inRange = (t: string) =>
      Date.parse(t) >= start && Date.parse(t) < end;
    return {
      ...inputs,
      // Failures begun before the range still count for time in failure.
      incidents: inputs.incidents!.filter(i => Date.parse(i.createdAt) < end),
      changes: inputs.changes!.filter(c => inRange(c.finishedAt)),
      deployments: inputs.deployments!.filter(d => inRange(d.at)),
      availability: inputs.availability!.filter(
        p => Date.parse(p.at) > start && Date.parse(p.at) <= end,
      ),
    };
  }

  it.each([
    ['90d', 1],
    ['30d', 2],
    ['month', 3],
  ] as const)(
    'has in a %s report the values of each window measured on its own data (seed %d)',
    (period, seed) => {
      const inputs = history(seed);
      const ranges = kpiPeriodRanges(period, now, { timeZone: 'UTC' });
      const options = { now, calendarMonth: period === 'month' };
      const report = evaluateKpis(inputs, ranges, options);
      const windows = [
        ...ranges.history.map((r, i) => ({
          r,
          pick: (k: KpiResult) => k.history[i],
        })),
        { r: ranges.current, pick: (k: KpiResult) => k },
        { r: ranges.previous, pick: (k: KpiResult) => k.previous },
      ];
      for (const { r, pick } of windows) {
        const alone = measureKpis(within(inputs, r), r, options);
        for (const kpi of report) {
          const shown = pick(kpi);
          expect({ id: kpi.id, at: r.end, value: shown.value }).toEqual({
            id: kpi.id,
            at: r.end,
            value: alone[kpi.id].value,
          });
        }
      }
      // The previous period in words too, as measured on its own data.
      const previous = measureKpis(
        within(inputs, ranges.previous),
        ranges.previous,
        options,
      );
      for (const kpi of report) expect(kpi.previous).toEqual(previous[kpi.id]);
      expect(report.find(k => k.id === 'uptime')!.value).toBeDefined();
      expect(report.find(k => k.id === 'mttr')!.sample).toBeGreaterThan(0);
    },
  );
});
