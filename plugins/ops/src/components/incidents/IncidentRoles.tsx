import { useRef, useState } from 'react';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import {
  IncidentDetail,
  IncidentRole,
  IncidentRoleAssignment,
  incidentRoleLabels,
  incidentRoles,
} from '@opsportal/plugin-ops-common';
import { opsApiRef } from '../../api';
import { formatWhen } from '../oncall/helpers';
import { errorText, isConflict } from './cadence';
import { srOnly } from './IncidentTimeline';
import { PersonPicker } from './PersonPicker';

/** Why a user cannot respond, on the disabled buttons' tooltips. */
export const NO_RESPOND_PERMISSION =
  'You need the incident respond permission (ops.incident.respond) for this.';

/**
 * A button that is disabled with a tooltip saying why when the user may not
 * use it (a disabled button gets no hover events, so the tooltip wraps a span).
 */
export function RespondButton(props: {
  allowed: boolean;
  onClick: () => void;
  children: string;
  'aria-label'?: string;
  variant?: 'text' | 'outlined' | 'contained';
}) {
  const button = (
    <Button
      size="small"
      variant={props.variant ?? 'outlined'}
      color="primary"
      disabled={!props.allowed}
      onClick={props.onClick}
      aria-label={props['aria-label']}
      style={{ whiteSpace: 'nowrap' }}
    >
      {props.children}
    </Button>
  );
  if (props.allowed) return button;
  return (
    <Tooltip title={NO_RESPOND_PERMISSION}>
      <span>{button}</span>
    </Tooltip>
  );
}

/** The person a role is proposed for when the dialog opens. */
function proposedHolder(
  role: IncidentRole,
  current: IncidentRoleAssignment | undefined,
  detail: IncidentDetail,
): string | undefined {
  if (current) return current.userRef;
  if (role === 'commander') return detail.proposedCommander?.userRef;
  return undefined;
}

function AssignRoleDialog(props: {
  incidentId: string;
  role: IncidentRole;
  detail: IncidentDetail;
  onClose: (assigned: boolean) => void;
}) {
  const { incidentId, role, detail } = props;
  const api = useApi(opsApiRef);
  const alertApi = useApi(alertApiRef);
  const current = detail.roles.find(r => r.role === role);
  const [userRef, setUserRef] = useState(proposedHolder(role, current, detail));
  const inputRef = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  // After a conflict the page reloads on close, to show the new holder.
  const [conflict, setConflict] = useState(false);
  const label = incidentRoleLabels[role];
  const knownNames: Record<string, string> = {};
  if (current) knownNames[current.userRef] = current.displayName;
  if (detail.proposedCommander?.userRef) {
    knownNames[detail.proposedCommander.userRef] =
      detail.proposedCommander.name;
  }

  const submit = async () => {
    if (!userRef) return;
    setBusy(true);
    setError(undefined);
    try {
      const assigned = await api.assignIncidentRole(incidentId, role, {
        userRef,
        version: current?.version ?? null,
      });
      alertApi.post({
        message: `${assigned.displayName} is ${label}`,
        severity: 'success',
        display: 'transient',
      });
      props.onClose(true);
    } catch (e) {
      setConflict(isConflict(e));
      setError(
        isConflict(e)
          ? `Someone assigned the ${label} role since this page loaded. Close this dialog to see who holds it now, then assign again if needed.`
          : errorText(e),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open
      onClose={() => props.onClose(conflict)}
      aria-labelledby="ops-assign-role-title"
      // Focus the person picker once the dialog is in (not the container).
      TransitionProps={{ onEntered: () => inputRef.current?.focus() }}
      aria-describedby="ops-assign-role-text"
      fullWidth
      maxWidth="sm"
    >
      <DialogTitle id="ops-assign-role-title">Assign {label}</DialogTitle>
      <DialogContent>
        <DialogContentText id="ops-assign-role-text">
          {current
            ? `${current.displayName} holds the role now.`
            : 'Nobody holds the role yet.'}
          {role === 'commander' &&
            !current &&
            detail.proposedCommander &&
            ` Proposed: ${detail.proposedCommander.name}, on call as primary.`}{' '}
          The assignment is noted on the incident in PagerDuty.
        </DialogContentText>
        <PersonPicker
          id={`ops-assign-${role}`}
          label={label}
          value={userRef}
          onChange={setUserRef}
          knownNames={knownNames}
          required
          inputRef={inputRef}
        />
        {error && (
          <Typography color="error" role="alert" variant="body2">
            {error}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={() => props.onClose(conflict)}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={busy || !userRef}
          onClick={submit}
        >
          Assign
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/**
 * The three incident roles: who holds each, who assigned it and when, and
 * an "Assign" button per role (disabled, with a tooltip, for users who may
 * not respond).
 */
export function IncidentRoles(props: {
  incidentId: string;
  detail: IncidentDetail;
  onChange: () => void;
}) {
  const { detail } = props;
  const [open, setOpen] = useState<IncidentRole>();
  return (
    <>
      <Table size="small" aria-label="Incident roles">
        <TableHead>
          <TableRow>
            <TableCell>Role</TableCell>
            <TableCell>Held by</TableCell>
            <TableCell>
              <span style={srOnly}>Actions</span>
            </TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {incidentRoles.map(role => {
            const held = detail.roles.find(r => r.role === role);
            const proposed =
              role === 'commander' && !held
                ? detail.proposedCommander
                : undefined;
            return (
              <TableRow key={role}>
                <TableCell
                  component="th"
                  scope="row"
                  style={{ whiteSpace: 'nowrap' }}
                >
                  {incidentRoleLabels[role]}
                </TableCell>
                <TableCell>
                  {held ? (
                    <>
                      <EntityRefLink
                        entityRef={held.userRef}
                        title={held.displayName}
                        hideIcon
                      />
                      <Typography
                        variant="caption"
                        color="textSecondary"
                        component="div"
                      >
                        assigned by{' '}
                        {held.assignedByName ??
                          held.assignedBy.replace(/^user:(default\/)?/, '')}
                        ,{' '}
                        <time dateTime={held.assignedAt}>
                          {formatWhen(held.assignedAt)}
                        </time>
                      </Typography>
                    </>
                  ) : (
                    <Typography variant="body2" color="textSecondary">
                      unassigned
                      {proposed && ` (proposed: ${proposed.name}, on call)`}
                    </Typography>
                  )}
                </TableCell>
                <TableCell align="right">
                  <RespondButton
                    allowed={detail.canRespond}
                    onClick={() => setOpen(role)}
                    aria-label={`${held ? 'Reassign' : 'Assign'} ${
                      incidentRoleLabels[role]
                    }`}
                  >
                    {held ? 'Reassign' : 'Assign'}
                  </RespondButton>
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
      {open && (
        <AssignRoleDialog
          incidentId={props.incidentId}
          role={open}
          detail={detail}
          onClose={changed => {
            setOpen(undefined);
            if (changed) props.onChange();
          }}
        />
      )}
    </>
  );
}
