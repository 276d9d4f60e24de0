export * from './types';
export * from './entity';
