export * from './severity';
export * from './assess';
