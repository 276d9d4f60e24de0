/**
 * SLO math: error budgets, burn rates, multi-window multi-burn-rate alerts,
 * budget forecasts, and the SLO API types. Pure: no I/O, no clock.
 */
export * from './types';
export * from './duration';
export * from './evaluate';
export * from './statistics';
