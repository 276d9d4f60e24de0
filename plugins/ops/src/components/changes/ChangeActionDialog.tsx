import { useState } from 'react';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import {
  ChangeActionAvailability,
  changeLabels,
  ChangeRequest,
} from '@opsportal/plugin-ops-common';

const explanations: Record<string, string> = {
  submit:
    'The change goes to the approvers (a standard change is pre-approved).',
  approve: 'You approve the change as planned.',
  reject: 'The change will not go ahead. Say why.',
  start: 'Implementation starts now.',
  complete: 'The change is in place and works.',
  fail: 'The change did not work and was not rolled back. Say what happened.',
  'roll-back': 'The change was undone. Say what happened.',
  cancel: 'The change will not be made.',
  'complete-review':
    'Record what the post-implementation review found and what follows from it.',
};

/** Confirms an action, with the comment it needs or allows. */
export function ChangeActionDialog(props: {
  change: ChangeRequest;
  action: ChangeActionAvailability;
  onClose: () => void;
  onConfirm: (comment: string) => Promise<void>;
}) {
  const { change, action } = props;
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string>();
  const [sending, setSending] = useState(false);
  const [attempted, setAttempted] = useState(false);
  const label = changeLabels.action[action.action];
  const missing = action.commentRequired && !comment.trim();
  let helper = action.commentRequired ? 'Required.' : 'Optional.';
  if (attempted && missing) helper = 'A comment is required for this action.';

  const confirm = async () => {
    setAttempted(true);
    if (missing) return;
    setSending(true);
    setError(undefined);
    try {
      await props.onConfirm(comment);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSending(false);
    }
  };

  return (
    <Dialog
      open
      onClose={props.onClose}
      aria-labelledby="change-action-title"
      fullWidth
    >
      <DialogTitle id="change-action-title">
        {label}: {change.id}
      </DialogTitle>
      <DialogContent>
        <DialogContentText>{explanations[action.action]}</DialogContentText>
        <TextField
          id="change-action-comment"
          label={
            action.action === 'complete-review' ? 'Review summary' : 'Comment'
          }
          value={comment}
          onChange={e => setComment(e.target.value)}
          required={action.commentRequired}
          multiline
          minRows={3}
          fullWidth
          variant="outlined"
          error={attempted && missing}
          helperText={helper}
        />
        {error && (
          <Alert severity="error" role="alert" style={{ marginTop: 16 }}>
            {error}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose} disabled={sending}>
          Back
        </Button>
        <Button
          onClick={confirm}
          color="primary"
          variant="contained"
          disabled={sending}
        >
          {label}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
