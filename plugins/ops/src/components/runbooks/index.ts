export { EntityRunbooksCard } from './EntityRunbooksCard';
export { EntityRunbooksContent } from './EntityRunbooksContent';
export { RunbooksPage, RunbookCoverageContent } from './RunbooksPage';
export { isRunbooksAvailable } from './helpers';
