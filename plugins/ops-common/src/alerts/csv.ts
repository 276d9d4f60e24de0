import { AlarmNoise, PersonPagingLoad, ServicePagingLoad } from './types';

type Cell = string | number | boolean | undefined;

/** One CSV cell: quoted when needed, text a spreadsheet would run as a formula prefixed with `'`. */
function cell(value: Cell): string {
  if (value === undefined) return '';
  if (typeof value === 'number') {
    return Number.isFinite(value) ? String(value) : '';
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function iso(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const at = Date.parse(value);
  return Number.isFinite(at) ? new Date(at).toISOString() : value;
}

function csv(header: string[], rows: Cell[][]): string {
  const lines = [header.join(','), ...rows.map(row => row.map(cell).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * The `/alerts` page's alarm ranking as CSV (RFC 4180, formula-safe cells):
 * one row per alarm in the given order, times in ISO 8601 UTC, flags joined
 * by `;`.
 * @public
 */
export function alarmNoiseCsv(alarms: AlarmNoise[]): string {
  return csv(
    [
      'alarm',
      'region',
      'entity',
      'entity_title',
      'owner',
      'state',
      'since',
      'severity',
      'metric',
      'noise_score',
      'flags',
      'alarms_7d',
      'minutes_in_alarm_7d',
      'flapping_days_7d',
      'alarms_in_maintenance_7d',
      'alarms_30d',
      'minutes_in_alarm_30d',
      'flapping_days_30d',
      'max_round_trips_per_day_30d',
      'alarms_in_maintenance_30d',
      'last_fired_at',
      'observed_days',
      'has_actions',
      'runbook_url',
      'review_outcome',
      'reviewed_at',
      'reviewed_by',
    ],
    alarms.map(a => [
      a.alarmName,
      a.region,
      a.entityRef,
      a.entityTitle,
      a.owner,
      a.state,
      iso(a.since),
      a.severity,
      a.metric,
      a.noiseScore,
      a.flags.join(';'),
      a.week.alarmCount,
      a.week.minutesInAlarm,
      a.week.flappingDays,
      a.week.alarmsInMaintenance,
      a.month.alarmCount,
      a.month.minutesInAlarm,
      a.month.flappingDays,
      a.month.maxRoundTripsPerDay,
      a.month.alarmsInMaintenance,
      iso(a.lastFiredAt),
      a.observedDays,
      a.hasActions,
      a.runbookUrl,
      a.review?.outcome,
      iso(a.review?.reviewedAt),
      a.review?.reviewedBy,
    ]),
  );
}

/**
 * Paging load per service as CSV; repeat titles as `title (count)` joined
 * by `;`.
 * @public
 */
export function servicePagingCsv(services: ServicePagingLoad[]): string {
  return csv(
    [
      'service_id',
      'service_name',
      'entity',
      'entity_title',
      'owner',
      'incidents',
      'incidents_per_week',
      'pages',
      'outside_business_hours',
      'at_night',
      'auto_resolved',
      'alerts_per_incident',
      'repeat_titles',
      'in_maintenance',
    ],
    services.map(s => [
      s.serviceId,
      s.serviceName,
      s.entityRef,
      s.entityTitle,
      s.owner,
      s.incidents,
      s.incidentsPerWeek,
      s.pages,
      s.outsideBusinessHours,
      s.atNight,
      s.autoResolved,
      s.alertsPerIncident,
      s.repeatTitles.map(t => `${t.title} (${t.count})`).join(';'),
      s.inMaintenance,
    ]),
  );
}

/** Paging load per person as CSV. @public */
export function personPagingCsv(people: PersonPagingLoad[]): string {
  return csv(
    [
      'user_id',
      'name',
      'email',
      'pages',
      'pages_per_week',
      'outside_business_hours',
      'at_night',
    ],
    people.map(p => [
      p.userId,
      p.name,
      p.email,
      p.pages,
      p.pagesPerWeek,
      p.outsideBusinessHours,
      p.atNight,
    ]),
  );
}
