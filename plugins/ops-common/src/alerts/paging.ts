import {
  MaintenancePeriod,
  PagingHours,
  PagingIncident,
  PagingLoad,
  PagingNotification,
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

/**
 * Paging load per service and per person: incidents and pages per week,
 * outside business hours and at night (in `hours.timeZone`), auto-resolved
 * incidents, alerts per incident, repeat titles. Busiest first. Pure; the
 * caller adds entity refs and service names.
 * @public
 */
export function analyzePagingLoad(input: PagingLoadInput): PagingLoad {
  void input;
  throw new Error('not implemented');
}

/** When `at` is in business hours, outside them, or at night, in the given hours' time zone. @public */
export function classifyTime(
  at: Date,
  hours: PagingHours,
): 'business' | 'outside' | 'night' {
  void [at, hours];
  throw new Error('not implemented');
}
