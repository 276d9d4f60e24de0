import { ReactNode } from 'react';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { Freshness } from '@opsportal/plugin-ops-common';
import { DateTime } from 'luxon';
import { StaleNotice } from '../shared';

/**
 * The body of a home card (the home page draws the card and its title):
 * the same loading, error, empty and stale states as the ops cards.
 */
export function HomeCardBody(props: {
  loading: boolean;
  error?: Error;
  /** Shown instead of the content when there is nothing to show. */
  empty?: ReactNode;
  freshness?: Freshness;
  children?: ReactNode;
}) {
  const { loading, error, empty, freshness, children } = props;
  let body: ReactNode;
  if (loading) body = <Progress aria-label="Loading" />;
  else if (error) body = <ResponseErrorPanel error={error} />;
  else
    body = (
      <>
        {freshness && <StaleNotice freshness={freshness} />}
        {empty ? (
          <Typography variant="body2" component="div">
            {empty}
          </Typography>
        ) : (
          children
        )}
      </>
    );
  return <div aria-busy={loading ? 'true' : 'false'}>{body}</div>;
}

/** `Mon, Dec 7, 9:00 AM` in the viewer's zone and locale. */
export function formatInstant(iso: string): string {
  return DateTime.fromISO(iso).toLocaleString({
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
  });
}

/** `in 2 days`, `3 hours ago`. */
export function relativeInstant(iso: string): string {
  return DateTime.fromISO(iso).toRelative() ?? iso;
}
