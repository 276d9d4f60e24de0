export * from './severity';
export * from './assess';
export * from './response';
export * from './stages';
export * from './reviews';
