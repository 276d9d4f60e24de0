/**
 * The ops backend plugin (`ops`): REST API under /api/ops, refresh tasks,
 * snapshots, the change-request store and its workflow.
 *
 * @packageDocumentation
 */

export { opsPlugin as default } from './plugin';

// The change-request store, for tooling around the plugin's database (e.g.
// the demo backend's example change history).
export { DatabaseChangeRequestStore } from './changes/ChangeRequestStore';
export type { ChangeRequestStore } from './changes/ChangeRequestStore';
