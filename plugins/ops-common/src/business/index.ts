export * from './types';
export * from './config';
export * from './compare';
export * from './view';
