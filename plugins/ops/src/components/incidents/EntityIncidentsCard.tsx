import { useState } from 'react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { Link } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import {
  ANNOTATION_PAGERDUTY_SERVICE_ID,
  incidentTriggerPermission,
} from '@opsportal/plugin-ops-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { opsApiRef, TriggerIncidentRequest } from '../../api';
import { EmptyAnnotation, OpsCard } from '../shared';
import { isIncidentsAvailable } from './helpers';
import {
  IncidentFigures,
  OpenIncidents,
  RecentIncidents,
  SeverityBreakdown,
} from './IncidentViews';

const WINDOW_DAYS = 30;

function TriggerIncidentDialog(props: {
  entityRef: string;
  open: boolean;
  onClose: (triggered: boolean) => void;
}) {
  const api = useApi(opsApiRef);
  const alertApi = useApi(alertApiRef);
  const [summary, setSummary] = useState('');
  const [severity, setSeverity] =
    useState<TriggerIncidentRequest['severity']>('critical');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.triggerIncident({
        entityRef: props.entityRef,
        summary,
        severity,
      });
      alertApi.post({
        message: 'Incident triggered in PagerDuty',
        severity: 'success',
      });
      setSummary('');
      props.onClose(true);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={props.open}
      onClose={() => props.onClose(false)}
      aria-labelledby="ops-trigger-title"
    >
      <DialogTitle id="ops-trigger-title">Trigger an incident</DialogTitle>
      <DialogContent>
        <TextField
          label="What is wrong"
          value={summary}
          onChange={e => setSummary(e.target.value)}
          fullWidth
          required
          margin="dense"
          inputProps={{ maxLength: 1024 }}
        />
        <TextField
          select
          label="Severity"
          value={severity}
          onChange={e =>
            setSeverity(e.target.value as TriggerIncidentRequest['severity'])
          }
          fullWidth
          margin="dense"
        >
          <MenuItem value="critical">Critical</MenuItem>
          <MenuItem value="error">Error</MenuItem>
          <MenuItem value="warning">Warning</MenuItem>
          <MenuItem value="info">Info</MenuItem>
        </TextField>
        {error && (
          <Typography color="error" role="alert" variant="body2">
            {error}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={() => props.onClose(false)}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={busy || summary.trim().length < 5}
          onClick={submit}
        >
          Trigger
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/**
 * Open and recent incidents of the entity (a team: of the services it
 * answers for): each with its seed severity (P1–P4) and response target,
 * how fast it was acknowledged and resolved, MTTA and MTTR over 30 days, and
 * links to PagerDuty. Optionally, a button to trigger an incident.
 */
export function EntityIncidentsCard(props: { limit?: number }) {
  const { entity } = useEntity();
  const api = useApi(opsApiRef);
  const available = isIncidentsAvailable(entity);
  const entityRef = stringifyEntityRef(entity);
  const [dialog, setDialog] = useState(false);
  const [showAll, setShowAll] = useState(false);
  const { allowed: mayTrigger } = usePermission({
    permission: incidentTriggerPermission,
  });
  const { value, loading, error, retry } = useAsyncRetry(
    async () => (available ? api.getEntityIncidents(entityRef) : undefined),
    [api, entityRef, available],
  );
  const data = value?.data;
  const recent = data?.incidents ?? [];
  const limit = showAll ? recent.length : props.limit ?? 5;

  return (
    <OpsCard
      title="Incidents"
      subheader={`Open and last ${WINDOW_DAYS} days, against the severity targets`}
      loading={loading && !value}
      error={error}
      freshness={value}
      action={
        data?.triggerEnabled && mayTrigger ? (
          <Button
            variant="outlined"
            color="secondary"
            onClick={() => setDialog(true)}
          >
            Trigger incident
          </Button>
        ) : undefined
      }
      empty={
        !available ? (
          <EmptyAnnotation
            what="incidents"
            annotation={ANNOTATION_PAGERDUTY_SERVICE_ID}
            example="PABC123"
          />
        ) : undefined
      }
    >
      {data && (
        <>
          <IncidentFigures summary={data.summary} days={WINDOW_DAYS} />
          <Typography variant="subtitle2" component="h3">
            Open incidents
          </Typography>
          <OpenIncidents incidents={recent} />
          <Typography variant="subtitle2" component="h3">
            By severity ({WINDOW_DAYS} days)
          </Typography>
          <SeverityBreakdown summary={data.summary} />
          <Typography
            variant="subtitle2"
            component="h3"
            style={{ marginTop: 16 }}
          >
            Recent incidents
          </Typography>
          {recent.length === 0 ? (
            <Typography variant="body2">
              No incidents in the last {WINDOW_DAYS} days.
            </Typography>
          ) : (
            <RecentIncidents incidents={recent} limit={limit} />
          )}
          {recent.length > limit && (
            <Button size="small" onClick={() => setShowAll(true)}>
              Show all {recent.length} incidents
            </Button>
          )}
          {data.services.length > 0 && (
            <Typography
              variant="caption"
              component="p"
              style={{ marginTop: 8 }}
            >
              In PagerDuty:{' '}
              {data.services.map((s, i) => (
                <span key={s.id}>
                  {i > 0 && ', '}
                  {s.htmlUrl ? <Link to={s.htmlUrl}>{s.name}</Link> : s.name}
                </span>
              ))}
            </Typography>
          )}
          <TriggerIncidentDialog
            entityRef={entityRef}
            open={dialog}
            onClose={triggered => {
              setDialog(false);
              if (triggered) retry();
            }}
          />
        </>
      )}
    </OpsCard>
  );
}
