import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { IncidentDetail } from '@opsportal/plugin-ops-common';
import { useState } from 'react';
import { opsApiRef } from '../../api';
import { OpsCard } from '../shared';
import { ActionItemsTable } from './ActionItemsTable';
import { ReviewDetails } from './ReviewDetails';
import { requestFailure } from './helpers';

/** Props of {@link IncidentReviewPanel}. */
export interface IncidentReviewPanelProps {
  /** PagerDuty's incident id. */
  incidentId: string;
  /** The incident page's model; its `review`, `reviewRequired` and permissions drive the panel. */
  detail: IncidentDetail;
  /** Called after every change, so that the page reloads `detail`. */
  onChange: () => void;
}

/**
 * The incident page's post-incident review: the review if there is one
 * (owner, due date, status, document, contributing factors, action items),
 * or a way to start one.
 */
export function IncidentReviewPanel(props: IncidentReviewPanelProps) {
  const { detail } = props;
  const review = detail.review;
  return (
    <OpsCard
      title="Post-incident review"
      subheader={review ? review.id : undefined}
    >
      {review ? (
        <>
          <ReviewDetails review={review} />
          <Box mt={3}>
            <Typography variant="h6" component="h3" gutterBottom>
              Action items
            </Typography>
            <ActionItemsTable
              items={review.actionItems}
              label={`Action items of ${review.id}`}
            />
          </Box>
        </>
      ) : (
        <NoReview {...props} />
      )}
    </OpsCard>
  );
}

/** No review yet: whether policy requires one, and a button to start it. */
function NoReview(props: IncidentReviewPanelProps) {
  const { incidentId, detail, onChange } = props;
  const opsApi = useApi(opsApiRef);
  const [starting, setStarting] = useState(false);
  const [failure, setFailure] = useState<string>();

  const start = async () => {
    setStarting(true);
    setFailure(undefined);
    try {
      await opsApi.startIncidentReview(incidentId);
      onChange();
    } catch (e) {
      setFailure(requestFailure(e).message);
    } finally {
      setStarting(false);
    }
  };

  return (
    <>
      <Typography variant="body2" paragraph>
        {detail.reviewRequired
          ? `A post-incident review is required for ${detail.incident.severity} incidents, and none has been started yet.`
          : `No review has been started. One is not required for ${detail.incident.severity} incidents, but you can start one.`}
      </Typography>
      {failure && (
        <Box mb={2}>
          <Alert severity="error" role="alert">
            The review could not be started: {failure}
          </Alert>
        </Box>
      )}
      {detail.canRespond ? (
        <Button
          variant="contained"
          color="primary"
          onClick={start}
          disabled={starting}
        >
          {starting ? 'Starting…' : 'Start review'}
        </Button>
      ) : (
        <Typography variant="body2" color="textSecondary">
          Starting a review needs the permission to respond to incidents.
        </Typography>
      )}
    </>
  );
}
