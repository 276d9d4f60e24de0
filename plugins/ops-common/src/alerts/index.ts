export * from './types';
export * from './policy';
export * from './noise';
export * from './paging';
export * from './csv';
export * from './schemas';
