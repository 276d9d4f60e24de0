/**
 * A Backstage search module that indexes the ops portal's runbooks.
 *
 * @packageDocumentation
 */

export { searchModuleOpsRunbooks as default } from './module';
export {
  RunbookCollatorFactory,
  RUNBOOK_DOCUMENT_TYPE,
} from './RunbookCollatorFactory';
export type { RunbookIndexableDocument } from './RunbookCollatorFactory';
