import { useRef, useState } from 'react';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { opsApiRef } from '../../api';
import { errorText } from './cadence';
import { PeoplePicker } from './PersonPicker';

const MAX_MESSAGE = 1000;

/**
 * Asks more people to respond through PagerDuty's responder requests, e.g.
 * the escalation level's manager.
 */
export function ResponderRequestDialog(props: {
  incidentId: string;
  open: boolean;
  onClose: (requested: boolean) => void;
}) {
  const api = useApi(opsApiRef);
  const alertApi = useApi(alertApiRef);
  const [people, setPeople] = useState<string[]>([]);
  const [message, setMessage] = useState('');
  const inputRef = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const valid = people.length > 0 && message.trim().length >= 5;

  const close = (requested: boolean) => {
    setError(undefined);
    props.onClose(requested);
  };

  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.requestResponders(props.incidentId, {
        userRefs: people,
        message: message.trim(),
      });
      alertApi.post({
        message: 'Responders requested in PagerDuty',
        severity: 'success',
        display: 'transient',
      });
      setPeople([]);
      setMessage('');
      close(true);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={props.open}
      onClose={() => close(false)}
      aria-labelledby="ops-responder-title"
      // Focus the person picker once the dialog is in (not the container).
      TransitionProps={{ onEntered: () => inputRef.current?.focus() }}
      aria-describedby="ops-responder-text"
      fullWidth
      maxWidth="sm"
    >
      <DialogTitle id="ops-responder-title">Request responders</DialogTitle>
      <DialogContent>
        <DialogContentText id="ops-responder-text">
          PagerDuty pages the people you name and tells them why.
        </DialogContentText>
        <PeoplePicker
          id="ops-responder-people"
          label="People"
          value={people}
          onChange={setPeople}
          required
          inputRef={inputRef}
          helperText="Up to 10 people"
        />
        <TextField
          id="ops-responder-message"
          label="Why you need them"
          multiline
          minRows={2}
          fullWidth
          required
          margin="dense"
          variant="outlined"
          value={message}
          onChange={e => setMessage(e.target.value)}
          inputProps={{ maxLength: MAX_MESSAGE }}
          helperText={`${message.length} / ${MAX_MESSAGE} characters`}
        />
        {error && (
          <Typography color="error" role="alert" variant="body2">
            {error}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={() => close(false)}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={busy || !valid || people.length > 10}
          onClick={submit}
        >
          Request
        </Button>
      </DialogActions>
    </Dialog>
  );
}
