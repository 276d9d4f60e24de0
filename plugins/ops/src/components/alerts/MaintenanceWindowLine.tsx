import { useApi } from '@backstage/core-plugin-api';
import { Link } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import {
  ChangeMaintenanceWindow,
  safeHref,
} from '@opsportal/plugin-ops-common';
import useAsync from 'react-use/esm/useAsync';
import { opsApiRef } from '../../api';
import { failureOf, formatTime } from './helpers';

function describe(w: ChangeMaintenanceWindow): string {
  switch (w.status) {
    case 'pending':
      return `being opened for ${formatTime(w.start)} – ${formatTime(w.end)}`;
    case 'open':
      return `open until ${formatTime(w.end)}`;
    case 'ended':
      return `ended (${formatTime(w.start)} – ${formatTime(w.end)})`;
    default:
      return `could not be opened${w.error ? `: ${w.error}` : ''}`;
  }
}

/**
 * "PagerDuty maintenance window: open until …" on a change request, when
 * the portal opened one for it. Shows nothing when there is none (or the
 * backend does not offer the route).
 */
export function ChangeMaintenanceWindowLine(props: {
  changeRequestId: string;
}) {
  const opsApi = useApi(opsApiRef);
  const { value, error } = useAsync(
    () => opsApi.getChangeMaintenanceWindows(props.changeRequestId),
    [opsApi, props.changeRequestId],
  );
  if (error) {
    const { status } = failureOf(error);
    // No window (404) or no such feature: nothing to say.
    if (status === undefined || status === 404) return null;
    return (
      <Typography variant="caption" color="textSecondary" component="p">
        PagerDuty maintenance window: unknown ({failureOf(error).message})
      </Typography>
    );
  }
  const items = value?.items ?? [];
  if (items.length === 0) return null;
  return (
    <section aria-label="PagerDuty maintenance window">
      {items.map(w => {
        const href = w.htmlUrl ? safeHref(w.htmlUrl) : undefined;
        return (
          <Typography
            key={w.windowId ?? `${w.start}-${w.status}`}
            variant="body2"
            color={w.status === 'failed' ? 'error' : 'initial'}
            role={w.status === 'failed' ? 'alert' : undefined}
          >
            PagerDuty maintenance window: {describe(w)}
            {href && (
              <>
                {' '}
                (
                <Link to={href} target="_blank" rel="noopener noreferrer">
                  open in PagerDuty
                </Link>
                )
              </>
            )}
          </Typography>
        );
      })}
    </section>
  );
}
