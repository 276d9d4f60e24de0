import {
  MaintenancePeriod,
  PagingHours,
  PagingIncident,
  PagingLoad,
  PagingNotification,
  PersonPagingLoad,
  ServicePagingLoad,
} from './types';

/** Input of {@link analyzePagingLoad}. @public */
export interface PagingLoadInput {
  incidents: PagingIncident[];
  notifications: PagingNotification[];
  since: Date;
  until: Date;
  hours: PagingHours;
  maintenance: MaintenancePeriod[];
  excludeMaintenance: boolean;
}

const DAY_MS = 86_400_000;

function time(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const at = Date.parse(iso);
  return Number.isFinite(at) ? at : undefined;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: 'numeric',
      hourCycle: 'h23',
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** Whether the runtime knows an IANA time zone (for validating `ops.alerts.paging.timeZone`). @public */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

const WEEKDAYS: Record<string, number> = {
  Mon: 1,
  Tue: 2,
  Wed: 3,
  Thu: 4,
  Fri: 5,
  Sat: 6,
  Sun: 7,
};

/** `[start, end)` in whole hours; wraps midnight when start > end; empty when equal. */
function inHours(hour: number, [start, end]: [number, number]): boolean {
  if (start === end) return false;
  return start < end
    ? hour >= start && hour < end
    : hour >= start || hour < end;
}

/**
 * When `at` is in business hours (a working day's business hours), at night
 * (night hours, any day, unless business hours), or otherwise outside
 * business hours, in the hours' time zone (daylight saving time included).
 * @public
 */
export function classifyTime(
  at: Date,
  hours: PagingHours,
): 'business' | 'outside' | 'night' {
  let weekday = 0;
  let hour = 0;
  for (const part of formatFor(hours.timeZone).formatToParts(at)) {
    if (part.type === 'weekday') weekday = WEEKDAYS[part.value] ?? 0;
    if (part.type === 'hour') hour = Number(part.value) % 24;
  }
  if (hours.workingDays.includes(weekday) && inHours(hour, hours.businessHours))
    return 'business';
  return inHours(hour, hours.nightHours) ? 'night' : 'outside';
}

function covers(
  period: MaintenancePeriod,
  serviceId: string,
  at: number,
): boolean {
  const start = time(period.start);
  const end = time(period.end);
  return (
    start !== undefined &&
    end !== undefined &&
    at >= start &&
    at < end &&
    (period.serviceIds.length === 0 || period.serviceIds.includes(serviceId))
  );
}

/** A title as repeats are counted: trimmed, inner blanks collapsed, lower case. */
function titleKey(title: string): string {
  return title.trim().replace(/\s+/g, ' ').toLocaleLowerCase('en-US');
}

/**
 * Paging load per service and per person: incidents and pages per week,
 * outside business hours and at night (in `hours.timeZone`), auto-resolved
 * incidents, alerts per incident, repeat titles. Busiest first. Pure; the
 * caller adds entity refs and service names.
 *
 * Incidents count when opened within `[since, until)`, pages when sent within
 * it. Per week = count / (window days / 7), rounded to two decimals, as is
 * alerts per incident. Incidents opened inside a maintenance period of their
 * service count in `inMaintenance`; with `excludeMaintenance` they and their
 * pages are left out of every other figure.
 * @public
 */
export function analyzePagingLoad(input: PagingLoadInput): PagingLoad {
  const since = input.since.getTime();
  const until = input.until.getTime();
  const weeks = Math.max(0, until - since) / DAY_MS / 7;
  const perWeek = (count: number) => (weeks > 0 ? round2(count / weeks) : 0);
  const inWindow = (at: number) => at >= since && at < until;
  const maintained = (serviceId: string, at: number) =>
    input.maintenance.some(p => covers(p, serviceId, at));

  interface Incident {
    source: PagingIncident;
    at: number;
    inMaintenance: boolean;
  }
  // Every incident known, so that pages about an incident opened before the
  // window still know whether it was in maintenance.
  const known = new Map<string, Incident>();
  for (const incident of input.incidents) {
    const at = time(incident.createdAt);
    if (at === undefined || known.has(incident.id)) continue;
    known.set(incident.id, {
      source: incident,
      at,
      inMaintenance: maintained(incident.serviceId, at),
    });
  }
  const excluded = (incident: Incident | undefined) =>
    input.excludeMaintenance && incident?.inMaintenance === true;

  const services = new Map<
    string,
    {
      load: ServicePagingLoad;
      alerts: number[];
      titles: Map<string, { title: string; count: number; first: number }>;
      counted: Set<string>;
    }
  >();
  const sorted = [...known.values()].sort((a, b) => a.at - b.at);
  for (const incident of sorted) {
    if (!inWindow(incident.at)) continue;
    const { serviceId } = incident.source;
    let service = services.get(serviceId);
    if (!service) {
      service = {
        load: {
          serviceId,
          incidents: 0,
          incidentsPerWeek: 0,
          outsideBusinessHours: 0,
          atNight: 0,
          autoResolved: 0,
          repeatTitles: [],
          inMaintenance: 0,
          pages: 0,
        },
        alerts: [],
        titles: new Map(),
        counted: new Set(),
      };
      services.set(serviceId, service);
    }
    const { load } = service;
    if (incident.inMaintenance) load.inMaintenance++;
    if (excluded(incident)) continue;
    service.counted.add(incident.source.id);
    load.incidents++;
    const when = classifyTime(new Date(incident.at), input.hours);
    if (when !== 'business') load.outsideBusinessHours++;
    if (when === 'night') load.atNight++;
    const resolved = time(incident.source.resolvedAt);
    if (
      resolved !== undefined &&
      resolved >= incident.at &&
      resolved - incident.at <= input.hours.autoResolveMinutes * 60_000
    ) {
      load.autoResolved++;
    }
    const alertCount = incident.source.alertCount;
    if (typeof alertCount === 'number' && Number.isFinite(alertCount)) {
      service.alerts.push(alertCount);
    }
    const key = titleKey(incident.source.title);
    const title = service.titles.get(key);
    if (title) title.count++;
    else
      service.titles.set(key, {
        title: incident.source.title.trim(),
        count: 1,
        first: incident.at,
      });
  }

  const people = new Map<string, PersonPagingLoad>();
  const seenPages = new Set<string>();
  for (const page of input.notifications) {
    const at = time(page.at);
    if (at === undefined) continue;
    const key = `${page.incidentId}|${page.userId}|${at}`;
    if (seenPages.has(key)) continue;
    seenPages.add(key);
    const incident = known.get(page.incidentId);
    if (incident) {
      if (excluded(incident)) continue;
      const service = services.get(incident.source.serviceId);
      if (service?.counted.has(page.incidentId)) service.load.pages++;
    } else if (input.excludeMaintenance && maintained(page.serviceId, at)) {
      continue;
    }
    if (!inWindow(at)) continue;
    let person = people.get(page.userId);
    if (!person) {
      person = {
        userId: page.userId,
        name: page.userName,
        pages: 0,
        pagesPerWeek: 0,
        outsideBusinessHours: 0,
        atNight: 0,
      };
      people.set(page.userId, person);
    }
    if (page.userEmail && !person.email) person.email = page.userEmail;
    person.pages++;
    const when = classifyTime(new Date(at), input.hours);
    if (when !== 'business') person.outsideBusinessHours++;
    if (when === 'night') person.atNight++;
  }

  const serviceLoads = [...services.values()].map(service => {
    const { load } = service;
    load.incidentsPerWeek = perWeek(load.incidents);
    if (service.alerts.length) {
      load.alertsPerIncident = round2(
        service.alerts.reduce((sum, n) => sum + n, 0) / service.alerts.length,
      );
    }
    load.repeatTitles = [...service.titles.values()]
      .filter(t => t.count >= 2)
      .sort((a, b) => b.count - a.count || a.first - b.first)
      .map(({ title, count }) => ({ title, count }));
    return load;
  });
  serviceLoads.sort(
    (a, b) =>
      b.incidents - a.incidents ||
      b.pages - a.pages ||
      compare(a.serviceId, b.serviceId),
  );
  const personLoads = [...people.values()];
  for (const person of personLoads) person.pagesPerWeek = perWeek(person.pages);
  personLoads.sort(
    (a, b) =>
      b.pages - a.pages ||
      compare(a.name, b.name) ||
      compare(a.userId, b.userId),
  );
  return {
    since: input.since.toISOString(),
    until: input.until.toISOString(),
    services: serviceLoads,
    people: personLoads,
  };
}

function compare(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
