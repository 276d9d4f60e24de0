import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  IncidentDetail,
  PostIncidentReview,
} from '@opsportal/plugin-ops-common';
import { useEffect, useRef, useState } from 'react';
import { opsApiRef } from '../../api';
import { OpsCard } from '../shared';
import { ActionItemDialog } from './ActionItemDialog';
import { ActionItemsTable } from './ActionItemsTable';
import { ReviewDetails } from './ReviewDetails';
import { ReviewEditForm } from './ReviewEditForm';
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
 * or a way to start one. Editing needs `detail.canReview`; without it the
 * panel is read-only. The page must keep the panel mounted while it reloads
 * `detail` after `onChange`, or the forms lose what the user typed.
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
        <ReviewView
          review={review}
          canEdit={detail.canReview}
          onChange={props.onChange}
        />
      ) : (
        <NoReview {...props} />
      )}
    </OpsCard>
  );
}

/**
 * A review with its action items; for those who may edit it, an edit form
 * and the action item dialog. Both keep their input across a reload (they
 * stay mounted; the next save takes the reloaded version).
 */
function ReviewView(props: {
  review: PostIncidentReview;
  canEdit: boolean;
  onChange: () => void;
}) {
  const { review, canEdit, onChange } = props;
  const [editing, setEditing] = useState(false);
  // Back from the form, focus returns to the button that opened it.
  const editButton = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);
  useEffect(() => {
    if (wasEditing.current && !editing) editButton.current?.focus();
    wasEditing.current = editing;
  }, [editing]);
  // `undefined`: no dialog; `null`: adding; an id: editing that item.
  const [itemDialog, setItemDialog] = useState<string | null>();
  const editedItem =
    typeof itemDialog === 'string'
      ? review.actionItems.find(i => i.id === itemDialog)
      : undefined;

  return (
    <>
      {editing && canEdit ? (
        <ReviewEditForm
          review={review}
          onSaved={() => {
            setEditing(false);
            onChange();
          }}
          onCancel={() => setEditing(false)}
          onReload={onChange}
        />
      ) : (
        <>
          <ReviewDetails review={review} />
          {canEdit ? (
            <Box mt={2}>
              <Button
                variant="outlined"
                onClick={() => setEditing(true)}
                ref={editButton}
              >
                Edit review
              </Button>
            </Box>
          ) : (
            <Box mt={2}>
              <Typography variant="body2" color="textSecondary">
                Editing the review needs the permission to update reviews.
              </Typography>
            </Box>
          )}
        </>
      )}
      <Box mt={3}>
        <Typography variant="h6" component="h3" gutterBottom>
          Action items
        </Typography>
        <ActionItemsTable
          items={review.actionItems}
          label={`Action items of ${review.id}`}
          onEdit={canEdit ? item => setItemDialog(item.id) : undefined}
        />
        {canEdit && (
          <Box mt={1}>
            <Button
              variant="outlined"
              color="primary"
              onClick={() => setItemDialog(null)}
            >
              Add action item
            </Button>
          </Box>
        )}
      </Box>
      {itemDialog !== undefined && canEdit && (
        <ActionItemDialog
          reviewId={review.id}
          item={editedItem}
          onSaved={() => {
            setItemDialog(undefined);
            onChange();
          }}
          onClose={() => setItemDialog(undefined)}
          onReload={onChange}
        />
      )}
    </>
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
