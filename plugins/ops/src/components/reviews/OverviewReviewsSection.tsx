import { useApi } from '@backstage/core-plugin-api';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { opsApiRef } from '../../api';
import { OpsCard } from '../shared';
import { ReviewsList, reportSummary } from './ReviewsList';

/** Rows per table on the overview: the most urgent; teams' tabs list all. */
const OVERVIEW_ROWS = 10;

/**
 * The operations overview's reviews card: every open post-incident review
 * (overdue first) and every overdue action item, linked to the incident
 * pages.
 */
export function OverviewReviewsSection() {
  const opsApi = useApi(opsApiRef);
  const {
    value: report,
    loading,
    error,
  } = useAsync(async () => opsApi.listReviews({}), [opsApi]);
  const empty =
    report &&
    report.open.length === 0 &&
    report.overdueActionItems.length === 0 ? (
      <Typography variant="body2">
        No review is open and no action item is overdue.
      </Typography>
    ) : undefined;
  return (
    <OpsCard
      title="Post-incident reviews"
      subheader={report ? reportSummary(report) : undefined}
      loading={loading && !report}
      error={error}
      empty={empty}
    >
      {report && <ReviewsList report={report} limit={OVERVIEW_ROWS} />}
    </OpsCard>
  );
}
