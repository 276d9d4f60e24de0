import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import {
  MAX_RESPONSE_TEXT,
  PostIncidentReview,
  ReviewStatus,
  ReviewUpdateRequest,
} from '@opsportal/plugin-ops-common';
import { FormEvent, useEffect, useRef, useState } from 'react';
import { opsApiRef } from '../../api';
import { SaveFailure } from './RequestAlerts';
import { PersonPicker } from '../incidents/PersonPicker';
import { namesOf, RequestFailure, requestFailure, today } from './helpers';

/** What the form holds: the review's editable fields as typed. */
interface ReviewDraft {
  owner?: string;
  dueDate: string;
  documentUrl: string;
  contributingFactors: string;
}

function draftOf(review: PostIncidentReview): ReviewDraft {
  return {
    owner: review.owner,
    dueDate: review.dueDate,
    documentUrl: review.documentUrl ?? '',
    contributingFactors: review.contributingFactors,
  };
}

/**
 * The update to send: the version the user last loaded and only the fields
 * that differ from it, so that an unchanged (perhaps past) due date is not
 * sent again and a save after a reload overwrites only what the user changed.
 */
export function reviewUpdate(
  review: PostIncidentReview,
  draft: ReviewDraft,
  status?: ReviewStatus,
): ReviewUpdateRequest {
  const update: ReviewUpdateRequest = { version: review.version };
  if (draft.owner && draft.owner !== review.owner) update.owner = draft.owner;
  if (draft.dueDate && draft.dueDate !== review.dueDate) {
    update.dueDate = draft.dueDate;
  }
  const url = draft.documentUrl.trim();
  if (url !== (review.documentUrl ?? '')) update.documentUrl = url || null;
  if (draft.contributingFactors !== review.contributingFactors) {
    update.contributingFactors = draft.contributingFactors;
  }
  if (status && status !== review.status) update.status = status;
  return update;
}

/**
 * Edits a review: owner (a catalog person), due date, document link and
 * contributing factors (with a counter against the limit), and marks it
 * completed or reopens it. A 409 keeps the input and offers a reload; the
 * next save then goes with the reloaded version.
 */
export function ReviewEditForm(props: {
  review: PostIncidentReview;
  onSaved: () => void;
  onCancel: () => void;
  onReload: () => void;
}) {
  const { review } = props;
  const opsApi = useApi(opsApiRef);
  // Only what the user changed is held: the other fields follow the review
  // as (re)loaded, so a reload after a 409 shows the other person's values
  // and the next save sends only the user's own changes.
  const [edits, setEdits] = useState<Partial<ReviewDraft>>({});
  const draft: ReviewDraft = { ...draftOf(review), ...edits };
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<RequestFailure>();
  // The Edit button that opened the form is gone: keyboard and screen
  // reader users continue at the form's first field.
  const ownerInput = useRef<HTMLInputElement>(null);
  useEffect(() => ownerInput.current?.focus(), []);

  const set = (patch: Partial<ReviewDraft>) =>
    setEdits(previous => ({ ...previous, ...patch }));
  const factorsLength = draft.contributingFactors.length;
  const tooLong = factorsLength > MAX_RESPONSE_TEXT;
  const dueChanged = draft.dueDate !== review.dueDate;
  const dueInPast = dueChanged && draft.dueDate < today();

  const save = async (status?: ReviewStatus) => {
    if (tooLong || dueInPast) return;
    setSaving(true);
    setFailure(undefined);
    try {
      await opsApi.updateReview(review.id, reviewUpdate(review, draft, status));
      props.onSaved();
    } catch (e) {
      setFailure(requestFailure(e));
    } finally {
      setSaving(false);
    }
  };
  const reload = () => {
    setFailure(undefined);
    props.onReload();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save();
  };

  return (
    <form onSubmit={submit} aria-label={`Edit review ${review.id}`} noValidate>
      <PersonPicker
        id={`review-${review.id}-owner`}
        label="Owner"
        value={draft.owner}
        knownNames={namesOf(review.owner, review.ownerName)}
        inputRef={ownerInput}
        onChange={owner => set({ owner })}
        helperText="Who runs the review and writes it up"
      />
      <TextField
        id={`review-${review.id}-due`}
        label="Due date"
        type="date"
        value={draft.dueDate}
        onChange={e => set({ dueDate: e.target.value })}
        InputLabelProps={{ shrink: true }}
        inputProps={{ min: today() }}
        variant="outlined"
        margin="normal"
        fullWidth
        error={dueInPast}
        helperText={
          dueInPast
            ? 'Due date must be today or later'
            : 'Five business days after the incident unless changed'
        }
      />
      <TextField
        id={`review-${review.id}-document`}
        label="Review document URL"
        type="url"
        value={draft.documentUrl}
        onChange={e => set({ documentUrl: e.target.value })}
        variant="outlined"
        margin="normal"
        fullWidth
        placeholder="https://"
        helperText="Where the write-up lives (http or https)"
      />
      <TextField
        id={`review-${review.id}-factors`}
        label="Contributing factors"
        value={draft.contributingFactors}
        onChange={e => set({ contributingFactors: e.target.value })}
        multiline
        minRows={4}
        variant="outlined"
        margin="normal"
        fullWidth
        error={tooLong}
        helperText={
          tooLong
            ? `${factorsLength} / ${MAX_RESPONSE_TEXT} characters: ${
                factorsLength - MAX_RESPONSE_TEXT
              } too many`
            : `${factorsLength} / ${MAX_RESPONSE_TEXT} characters`
        }
        FormHelperTextProps={{ 'aria-live': 'polite' }}
      />
      <SaveFailure failure={failure} onReload={reload} />
      <Box display="flex" flexWrap="wrap" style={{ gap: 8 }} mt={1}>
        <Button
          type="submit"
          variant="contained"
          color="primary"
          disabled={saving || tooLong || dueInPast}
        >
          {saving ? 'Saving…' : 'Save'}
        </Button>
        {review.status === 'open' ? (
          <Button
            variant="outlined"
            disabled={saving || tooLong || dueInPast}
            onClick={() => save('completed')}
          >
            Mark completed
          </Button>
        ) : (
          <Button
            variant="outlined"
            disabled={saving || tooLong || dueInPast}
            onClick={() => save('open')}
          >
            Reopen
          </Button>
        )}
        <Button onClick={props.onCancel} disabled={saving}>
          Cancel
        </Button>
      </Box>
    </form>
  );
}
