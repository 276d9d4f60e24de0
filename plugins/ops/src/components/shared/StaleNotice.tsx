import { DateTime } from 'luxon';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { Freshness } from '@opsportal/plugin-ops-common';

/** Says how old the data is; warns when it is stale and why. */
export function StaleNotice({ freshness }: { freshness: Freshness }) {
  const age = freshness.fetchedAt
    ? DateTime.fromISO(freshness.fetchedAt).toRelative()
    : undefined;
  if (freshness.stale || freshness.error) {
    return (
      <Alert severity="warning" role="status" style={{ marginBottom: 8 }}>
        {age ? `Showing data from ${age}.` : 'No data could be fetched yet.'}{' '}
        {freshness.error ?? 'The last refresh failed.'}
      </Alert>
    );
  }
  if (!age) return null;
  return (
    <Typography variant="caption" color="textSecondary" component="p">
      Updated {age}
    </Typography>
  );
}
