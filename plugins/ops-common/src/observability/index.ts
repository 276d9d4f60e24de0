export * from './types';
export * from './logs';
