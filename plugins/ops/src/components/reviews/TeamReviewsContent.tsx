import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { ReviewsReport } from '@opsportal/plugin-ops-common';
import useAsync from 'react-use/esm/useAsync';
import { opsApiRef } from '../../api';
import { OpsCard } from '../shared';
import { OpenReviewsTable, ReviewsList, reportSummary } from './ReviewsList';

function isEmpty(report?: ReviewsReport): boolean {
  return Boolean(
    report &&
      report.open.length === 0 &&
      report.overdueActionItems.length === 0 &&
      report.recentlyCompleted.length === 0,
  );
}

/**
 * Group tab: the post-incident reviews of the services the team owns and
 * those its members own: open ones (overdue first), overdue action items and
 * the reviews completed in the last 90 days. Read-only; each review links to
 * its incident page, where it is edited.
 */
export function TeamReviewsContent() {
  const { entity } = useEntity();
  const opsApi = useApi(opsApiRef);
  const groupRef = stringifyEntityRef(entity);
  const title = entity.metadata.title ?? entity.metadata.name;
  const {
    value: report,
    loading,
    error,
  } = useAsync(
    async () => opsApi.listReviews({ groupRef }),
    [opsApi, groupRef],
  );

  const empty = isEmpty(report) ? (
    <Typography variant="body2">
      No post-incident reviews for {title}: none is open and none was completed
      in the last 90 days. Reviews start for P1 and P2 incidents of the team's
      services.
    </Typography>
  ) : undefined;

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <OpsCard
          title="Post-incident reviews"
          subheader={report ? reportSummary(report) : undefined}
          loading={loading && !report}
          error={error}
          empty={empty}
        >
          {report && <ReviewsList report={report} of={title} />}
        </OpsCard>
      </Grid>
      {report && report.recentlyCompleted.length > 0 && (
        <Grid item xs={12}>
          <OpsCard
            title="Completed in the last 90 days"
            subheader={`${
              report.recentlyCompleted.filter(r => r.completedOnTime).length
            } of ${report.recentlyCompleted.length} on time`}
          >
            <OpenReviewsTable
              reviews={report.recentlyCompleted}
              label={`Reviews of ${title} completed in the last 90 days`}
            />
          </OpsCard>
        </Grid>
      )}
    </Grid>
  );
}
