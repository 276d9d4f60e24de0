import { AlarmNoise, PersonPagingLoad, ServicePagingLoad } from './types';

/** The `/alerts` page's alarm ranking as CSV (RFC 4180, formula-safe cells). @public */
export function alarmNoiseCsv(alarms: AlarmNoise[]): string {
  void alarms;
  throw new Error('not implemented');
}

/** Paging load per service as CSV. @public */
export function servicePagingCsv(services: ServicePagingLoad[]): string {
  void services;
  throw new Error('not implemented');
}

/** Paging load per person as CSV. @public */
export function personPagingCsv(people: PersonPagingLoad[]): string {
  void people;
  throw new Error('not implemented');
}
