/**
 * Scaffolder actions of the ops portal: file a change request from a
 * template (`ops:change-request:create`) and wait for its approval
 * (`ops:change-request:wait`).
 *
 * @packageDocumentation
 */

export { scaffolderModuleOps as default } from './module';
export {
  createChangeRequestAction,
  CREATE_CHANGE_REQUEST_ACTION_ID,
} from './actions/createChangeRequest';
export {
  waitForChangeRequestAction,
  WAIT_FOR_CHANGE_REQUEST_ACTION_ID,
} from './actions/waitForChangeRequest';
export { OpsChangeRequestClient, OpsApiError } from './OpsChangeRequestClient';
