import { useEffect, useState } from 'react';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  IncidentUpdateCadence,
  MAX_RESPONSE_TEXT,
} from '@opsportal/plugin-ops-common';
import { opsApiRef } from '../../api';
import { formatWhen } from '../oncall/helpers';
import { describeUpdateDue, errorText } from './cadence';
import { NO_RESPOND_PERMISSION } from './IncidentRoles';

/** The current time, renewed every 30 s so that "due in" counts down. */
export function useNow(intervalMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/**
 * When the next status update is due (P1/P2), red when overdue. A live
 * region, so that screen readers hear it turn overdue.
 */
export function UpdateCadenceBanner(props: {
  cadence: IncidentUpdateCadence;
  resolved?: boolean;
}) {
  const now = useNow();
  if (props.resolved) return null;
  const { cadence } = props;
  const due = describeUpdateDue(cadence.nextUpdateDue, now);
  const overdue = cadence.overdue || due.overdue;
  return (
    <Alert
      severity={overdue ? 'error' : 'info'}
      role="status"
      aria-live="polite"
      style={{ marginBottom: 8 }}
    >
      <strong>
        {overdue && !due.overdue
          ? 'Status update overdue'
          : due.text.charAt(0).toLocaleUpperCase('en-US') + due.text.slice(1)}
      </strong>{' '}
      (every {cadence.intervalMinutes} min;{' '}
      {cadence.lastUpdateAt
        ? `last update ${formatWhen(cadence.lastUpdateAt)}`
        : 'no update yet'}
      )
    </Alert>
  );
}

/**
 * Posts a status update: to PagerDuty's status updates and, when
 * configured, the status page. "Mitigation in place" moves the incident to
 * the mitigation stage.
 */
export function StatusUpdateForm(props: {
  incidentId: string;
  canRespond: boolean;
  onPosted: () => void;
}) {
  const api = useApi(opsApiRef);
  const alertApi = useApi(alertApiRef);
  const [message, setMessage] = useState('');
  const [mitigated, setMitigated] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const length = message.trim().length;
  const tooShort = length < 5;

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (tooShort || busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await api.postStatusUpdate(props.incidentId, {
        message: message.trim(),
        ...(mitigated ? { mitigated: true } : {}),
      });
      alertApi.post({
        message: 'Status update posted',
        severity: 'success',
        display: 'transient',
      });
      setMessage('');
      setMitigated(false);
      props.onPosted();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  if (!props.canRespond) {
    return (
      <Typography variant="body2" color="textSecondary">
        {NO_RESPOND_PERMISSION}
      </Typography>
    );
  }

  return (
    <form onSubmit={submit} aria-label="Post a status update" noValidate>
      <TextField
        id="ops-status-update"
        label="Status update"
        multiline
        minRows={3}
        fullWidth
        variant="outlined"
        value={message}
        onChange={e => setMessage(e.target.value)}
        inputProps={{
          maxLength: MAX_RESPONSE_TEXT,
          'aria-describedby': 'ops-status-update-count',
        }}
        helperText={
          <span id="ops-status-update-count">
            {message.length} / {MAX_RESPONSE_TEXT} characters
            {tooShort && message.length > 0 && ' · at least 5'}
          </span>
        }
      />
      <FormControlLabel
        control={
          <Checkbox
            checked={mitigated}
            onChange={e => setMitigated(e.target.checked)}
            color="primary"
          />
        }
        label="Mitigation in place"
      />
      {error && (
        <Typography color="error" role="alert" variant="body2" paragraph>
          {error}
        </Typography>
      )}
      <Button
        type="submit"
        variant="contained"
        color="primary"
        disabled={busy || tooShort}
      >
        Post update
      </Button>
    </form>
  );
}
