import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { MAX_RESPONSE_TEXT } from '@opsportal/plugin-ops-common';
import { opsApiRef } from '../../api';
import { errorText } from './cadence';

/**
 * Adds a note to the incident's PagerDuty timeline: what responders find
 * and decide between status updates (which go to stakeholders).
 */
export function NoteForm(props: { incidentId: string; onAdded: () => void }) {
  const api = useApi(opsApiRef);
  const [content, setContent] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const empty = content.trim().length === 0;

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (empty || busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await api.addIncidentNote(props.incidentId, { content: content.trim() });
      setContent('');
      props.onAdded();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} aria-label="Add a note" noValidate>
      <TextField
        id="ops-incident-note"
        label="Note"
        multiline
        minRows={2}
        fullWidth
        variant="outlined"
        margin="dense"
        value={content}
        onChange={e => setContent(e.target.value)}
        inputProps={{ maxLength: MAX_RESPONSE_TEXT }}
        helperText={`${content.length} / ${MAX_RESPONSE_TEXT} characters`}
      />
      {error && (
        <Typography color="error" role="alert" variant="body2" paragraph>
          {error}
        </Typography>
      )}
      <Button type="submit" variant="outlined" disabled={busy || empty}>
        Add note
      </Button>
    </form>
  );
}
