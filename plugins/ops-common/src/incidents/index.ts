export * from './severity';
export * from './assess';
export * from './response';
