export * from './types';
export * from './evaluate';
export * from './schema';
