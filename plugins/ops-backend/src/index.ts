/**
 * The ops backend plugin (`ops`): REST API under /api/ops, refresh tasks,
 * snapshots, the change-request store and its workflow.
 *
 * @packageDocumentation
 */

export { opsPlugin as default } from './plugin';
