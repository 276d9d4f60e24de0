export { ChangesPage } from './ChangesPage';
export { EntityChangesContent } from './EntityChangesContent';
