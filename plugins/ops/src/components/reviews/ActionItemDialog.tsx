import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import {
  ActionItemStatus,
  actionItemStatuses,
  ActionItemUpdateRequest,
  ReviewActionItem,
} from '@opsportal/plugin-ops-common';
import { FormEvent, useState } from 'react';
import { opsApiRef } from '../../api';
import { SaveFailure } from './RequestAlerts';
import { PersonPicker } from '../incidents/PersonPicker';
import {
  actionItemStatusLabels,
  namesOf,
  RequestFailure,
  requestFailure,
  today,
} from './helpers';

interface ItemDraft {
  title: string;
  owner?: string;
  dueDate: string;
  url: string;
  status: ActionItemStatus;
}

function draftOf(item?: ReviewActionItem): ItemDraft {
  return {
    title: item?.title ?? '',
    owner: item?.owner,
    dueDate: item?.dueDate ?? '',
    url: item?.url ?? '',
    status: item?.status ?? 'open',
  };
}

/** The fields that differ from the item as last loaded, with its version. */
function itemUpdate(
  item: ReviewActionItem,
  draft: ItemDraft,
): ActionItemUpdateRequest {
  const update: ActionItemUpdateRequest = { version: item.version };
  const title = draft.title.trim();
  if (title !== item.title) update.title = title;
  if (draft.owner && draft.owner !== item.owner) update.owner = draft.owner;
  if (draft.dueDate !== item.dueDate) update.dueDate = draft.dueDate;
  if (draft.status !== item.status) update.status = draft.status;
  const url = draft.url.trim();
  if (url !== (item.url ?? '')) update.url = url || null;
  return update;
}

function titleProblem(title: string): string | undefined {
  if (title.length < 3) return 'Say what to do (3 characters at least)';
  if (title.length > 200) return 'At most 200 characters';
  return undefined;
}

function dueDateProblem(dueDate: string, changed: boolean): string | undefined {
  if (!dueDate) return 'Pick a due date';
  if (changed && dueDate < today()) return 'Due date must be today or later';
  return undefined;
}

/** What is missing or wrong before anything is sent, by field. */
function problems(draft: ItemDraft, dueChanged: boolean) {
  return {
    title: titleProblem(draft.title.trim()),
    owner: draft.owner ? undefined : 'Pick who owns it',
    dueDate: dueDateProblem(draft.dueDate, dueChanged),
  };
}

/**
 * Adds an action item to a review, or edits one (`item` given): title,
 * owner, due date, status and an issue tracker link. The dialog stays open
 * with the input on failure: a 400's message, or a 409 with a reload.
 */
export function ActionItemDialog(props: {
  reviewId: string;
  /** The item to edit, as the latest reload has it; absent to add one. */
  item?: ReviewActionItem;
  onSaved: () => void;
  onClose: () => void;
  onReload: () => void;
}) {
  const { reviewId, item } = props;
  const opsApi = useApi(opsApiRef);
  // Only the user's changes are held; the rest follows the item as
  // (re)loaded, so a save after a reload sends only the user's changes.
  const [edits, setEdits] = useState<Partial<ItemDraft>>({});
  const draft: ItemDraft = { ...draftOf(item), ...edits };
  const [touched, setTouched] = useState(false);
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<RequestFailure>();
  const set = (patch: Partial<ItemDraft>) =>
    setEdits(previous => ({ ...previous, ...patch }));
  const found = problems(draft, draft.dueDate !== item?.dueDate);
  const invalid = Boolean(found.title || found.owner || found.dueDate);
  const shown = touched
    ? found
    : { title: undefined, owner: undefined, dueDate: undefined };
  const titleId = `action-item-dialog-${reviewId}`;
  const submitLabel = item ? 'Save' : 'Add';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (invalid) return;
    setSaving(true);
    setFailure(undefined);
    try {
      if (item) {
        await opsApi.updateActionItem(
          reviewId,
          item.id,
          itemUpdate(item, draft),
        );
      } else {
        await opsApi.addActionItem(reviewId, {
          title: draft.title.trim(),
          owner: draft.owner!,
          dueDate: draft.dueDate,
          url: draft.url.trim() || undefined,
        });
      }
      props.onSaved();
    } catch (error) {
      setFailure(requestFailure(error));
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
        <DialogTitle id={titleId}>
          {item ? 'Edit action item' : 'Add action item'}
        </DialogTitle>
        <DialogContent>
          <TextField
            id={`${titleId}-title`}
            label="What to do"
            value={draft.title}
            onChange={e => set({ title: e.target.value })}
            required
            fullWidth
            variant="outlined"
            margin="normal"
            error={Boolean(shown.title)}
            helperText={shown.title}
          />
          <PersonPicker
            id={`${titleId}-owner`}
            label="Owner"
            value={draft.owner}
            knownNames={namesOf(item?.owner, item?.ownerName)}
            onChange={owner => set({ owner })}
            required
            error={shown.owner}
          />
          <TextField
            id={`${titleId}-due`}
            label="Due date"
            type="date"
            value={draft.dueDate}
            onChange={e => set({ dueDate: e.target.value })}
            InputLabelProps={{ shrink: true }}
            inputProps={{ min: today() }}
            required
            fullWidth
            variant="outlined"
            margin="normal"
            error={Boolean(shown.dueDate)}
            helperText={shown.dueDate}
          />
          {item && (
            <TextField
              id={`${titleId}-status`}
              select
              label="Status"
              value={draft.status}
              onChange={e =>
                set({ status: e.target.value as ActionItemStatus })
              }
              fullWidth
              variant="outlined"
              margin="normal"
            >
              {actionItemStatuses.map(s => (
                <MenuItem key={s} value={s}>
                  {actionItemStatusLabels[s]}
                </MenuItem>
              ))}
            </TextField>
          )}
          <TextField
            id={`${titleId}-url`}
            label="Issue URL"
            type="url"
            value={draft.url}
            onChange={e => set({ url: e.target.value })}
            fullWidth
            variant="outlined"
            margin="normal"
            placeholder="https://"
            helperText="Optional: the ticket in your issue tracker"
          />
          <SaveFailure
            failure={failure}
            onReload={() => {
              setFailure(undefined);
              props.onReload();
            }}
          />
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
            {saving ? 'Saving…' : submitLabel}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
