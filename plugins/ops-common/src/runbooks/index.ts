export * from './types';
export * from './urls';
export * from './severity';
export * from './coverage';
