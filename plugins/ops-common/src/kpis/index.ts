/**
 * Operational KPIs: the seed's reliability and efficiency tables as
 * definitions with targets, evaluated from incidents, availability and
 * changes over 30 / 90 days or a calendar month.
 */
export * from './definitions';
export * from './period';
export * from './evaluate';
export * from './format';
export * from './csv';
export type * from './types';
