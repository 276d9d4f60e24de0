// Defined in ../availability, which the plugin's entry points import
// without this module's dependencies.
export { isOnCallAvailable, isTeamOnCallAvailable } from '../availability';

/** Path of the team on-call tab of a Group page. */
export const TEAM_ONCALL_TAB_PATH = 'on-call';

/** Short local date and time, e.g. `Mon 24 Mar, 09:00` (incidents use it too). */
export function formatWhen(iso: string | undefined): string {
  if (!iso) return '';
  return new Date(iso).toLocaleString(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
}
