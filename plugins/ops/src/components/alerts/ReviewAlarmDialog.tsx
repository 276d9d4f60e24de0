import { FormEvent, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormLabel from '@material-ui/core/FormLabel';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  AlarmNoise,
  AlarmReview,
  AlarmReviewOutcome,
  alarmReviewInputSchema,
  alarmReviewOutcomes,
} from '@opsportal/plugin-ops-common';
import { opsApiRef } from '../../api';
import { failureOf, outcomeLabels } from './helpers';

const outcomeHints: Record<AlarmReviewOutcome, string> = {
  keep: 'The alarm is useful as it is',
  'tune-threshold': 'It fires too often or too late: change its threshold',
  delete: 'Nobody acts on it: remove it',
  'add-runbook': 'It lacks a runbook link in its description',
};

/** What the user sees when the save fails. */
function failureMessage(error: unknown): string {
  const { status, message } = failureOf(error);
  if (status === 403) {
    return 'Not saved: you lack the permission to review alarms (ops.alarm-review.create).';
  }
  if (status === 400) return `Not saved: ${message}`;
  return `Not saved, try again: ${message}`;
}

/**
 * Records a review of an alarm: an outcome and a note (required unless the
 * outcome is keep, as the backend checks too). The dialog stays open with
 * the input when the save fails.
 */
export function ReviewAlarmDialog(props: {
  alarm: AlarmNoise;
  onSaved: (review: AlarmReview) => void;
  onClose: () => void;
}) {
  const { alarm } = props;
  const opsApi = useApi(opsApiRef);
  const [outcome, setOutcome] = useState<AlarmReviewOutcome>(
    alarm.review?.outcome ?? 'keep',
  );
  const [note, setNote] = useState('');
  const [touched, setTouched] = useState(false);
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<string>();

  const input = {
    alarmName: alarm.alarmName,
    region: alarm.region,
    entityRef: alarm.entityRef,
    outcome,
    note: note.trim() || undefined,
  };
  const parsed = alarmReviewInputSchema.safeParse(input);
  const noteProblem = parsed.success
    ? undefined
    : parsed.error.issues.find(i => i.path[0] === 'note')?.message;
  const otherProblem = parsed.success
    ? undefined
    : parsed.error.issues.find(i => i.path[0] !== 'note')?.message;
  const titleId = `review-alarm-${alarm.alarmName}`.replace(/[^\w-]/g, '-');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!parsed.success) return;
    setSaving(true);
    setFailure(undefined);
    try {
      const review = await opsApi.createAlarmReview(parsed.data);
      props.onSaved(review);
    } catch (error) {
      setFailure(failureMessage(error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Dialog
      open
      onClose={props.onClose}
      aria-labelledby={titleId}
      fullWidth
      maxWidth="sm"
    >
      <form onSubmit={submit} noValidate>
        <DialogTitle id={titleId}>Review {alarm.alarmName}</DialogTitle>
        <DialogContent>
          {alarm.review && (
            <Typography variant="body2" color="textSecondary" paragraph>
              Last reviewed {alarm.review.reviewedAt.slice(0, 10)}:{' '}
              {outcomeLabels[alarm.review.outcome]}
              {alarm.review.note && ` (“${alarm.review.note}”)`}
            </Typography>
          )}
          <FormControl component="fieldset" margin="normal">
            <FormLabel component="legend">Outcome</FormLabel>
            <RadioGroup
              name={`${titleId}-outcome`}
              value={outcome}
              onChange={e => setOutcome(e.target.value as AlarmReviewOutcome)}
            >
              {alarmReviewOutcomes.map(o => (
                <FormControlLabel
                  key={o}
                  value={o}
                  control={<Radio color="primary" />}
                  label={
                    <span>
                      {outcomeLabels[o]}{' '}
                      <Typography
                        variant="caption"
                        color="textSecondary"
                        component="span"
                      >
                        — {outcomeHints[o]}
                      </Typography>
                    </span>
                  }
                />
              ))}
            </RadioGroup>
          </FormControl>
          <TextField
            id={`${titleId}-note`}
            label="Note"
            value={note}
            onChange={e => setNote(e.target.value)}
            required={outcome !== 'keep'}
            multiline
            minRows={3}
            fullWidth
            variant="outlined"
            margin="normal"
            error={touched && Boolean(noteProblem)}
            helperText={
              touched && noteProblem
                ? noteProblem
                : `What to do and why${
                    outcome === 'keep' ? ' (optional for keep)' : ''
                  }`
            }
            inputProps={{ maxLength: 2000 }}
          />
          {touched && otherProblem && (
            <Alert severity="error" role="alert">
              {otherProblem}
            </Alert>
          )}
          {failure && (
            <Box my={2}>
              <Alert severity="error" role="alert">
                {failure}
              </Alert>
            </Box>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={props.onClose} disabled={saving}>
            Cancel
          </Button>
          <Button
            type="submit"
            color="primary"
            variant="contained"
            disabled={saving}
          >
            {saving ? 'Saving…' : 'Save review'}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
