import { useState } from 'react';
import { useParams } from 'react-router-dom';
import {
  Content,
  ContentHeader,
  InfoCard,
  Link,
  LinkButton,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink, EntityRefLinks } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Step from '@material-ui/core/Step';
import StepLabel from '@material-ui/core/StepLabel';
import Stepper from '@material-ui/core/Stepper';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { makeStyles } from '@material-ui/core/styles';
import {
  ChangeActionAvailability,
  ChangeCategory,
  changeLabels,
  ChangeRequestDetail,
  ChangeStatus,
} from '@opsportal/plugin-ops-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { opsApiRef } from '../../api';
import { ChangeMaintenanceWindowLine } from '../alerts/MaintenanceWindowLine';
import { ChangeActionDialog } from './ChangeActionDialog';
import { formatDateTime, formatPeriod } from './format';
import { ConflictWarnings, PolicyFindings } from './PolicyFindings';
import { CategoryChip, StatusChip } from './StatusChip';
import { useChangesLinks } from './useChangesLinks';

const useStyles = makeStyles(theme => ({
  chips: { display: 'flex', gap: theme.spacing(1), alignItems: 'center' },
  dl: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    gap: theme.spacing(1, 3),
    margin: 0,
    '& dt': { fontWeight: 500, color: theme.palette.text.secondary },
    '& dd': { margin: 0 },
  },
  text: { whiteSpace: 'pre-wrap' },
  actions: { display: 'flex', flexWrap: 'wrap', gap: theme.spacing(1) },
  timeline: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    '& > li': {
      borderLeft: `2px solid ${theme.palette.divider}`,
      padding: theme.spacing(0, 0, 2, 2),
      position: 'relative',
    },
    '& > li::before': {
      content: '""',
      position: 'absolute',
      left: -6,
      top: 4,
      width: 10,
      height: 10,
      borderRadius: '50%',
      background: theme.palette.primary.main,
    },
  },
  stepper: { padding: theme.spacing(0, 0, 2) },
}));

const happyPath: Record<ChangeCategory, ChangeStatus[]> = {
  standard: ['draft', 'approved', 'in-progress', 'completed'],
  normal: ['draft', 'submitted', 'approved', 'in-progress', 'completed'],
  emergency: ['draft', 'in-progress', 'review-pending', 'reviewed'],
};

function WorkflowStepper(props: { detail: ChangeRequestDetail }) {
  const classes = useStyles();
  const { change, history } = props.detail;
  const path = happyPath[change.category];
  let active = path.indexOf(change.status);
  let offPath: ChangeStatus | undefined;
  if (active === -1) {
    offPath = change.status;
    const last = history[history.length - 1];
    active = Math.max(0, path.indexOf(last?.fromStatus ?? 'draft') + 1);
  }
  return (
    <Stepper
      activeStep={active}
      orientation="vertical"
      className={classes.stepper}
      aria-label="Workflow"
    >
      {path.map((status, i) => (
        <Step
          key={status}
          completed={
            i < active || (i === active && !offPath && i === path.length - 1)
          }
        >
          <StepLabel
            error={Boolean(offPath) && i === active}
            optional={
              offPath && i === active ? (
                <Typography variant="caption" color="error">
                  {changeLabels.status[offPath]}
                </Typography>
              ) : undefined
            }
          >
            {changeLabels.status[status]}
          </StepLabel>
        </Step>
      ))}
    </Stepper>
  );
}

function Timeline(props: { detail: ChangeRequestDetail }) {
  const classes = useStyles();
  const verbs: Record<string, string> = {
    create: 'filed it',
    edit: 'edited it',
    submit: 'submitted it',
    approve: 'approved it',
    reject: 'rejected it',
    start: 'started the implementation',
    complete: 'marked it completed',
    fail: 'marked it failed',
    'roll-back': 'marked it rolled back',
    cancel: 'cancelled it',
    'complete-review': 'completed the post-implementation review',
  };
  return (
    <ol className={classes.timeline} aria-label="History">
      {[...props.detail.history].reverse().map(entry => (
        <li key={entry.version}>
          <Typography variant="body2">
            <EntityRefLink entityRef={entry.actor} /> {verbs[entry.action]}
            {entry.fromStatus && entry.fromStatus !== entry.toStatus
              ? ` (${changeLabels.status[entry.fromStatus]} → ${
                  changeLabels.status[entry.toStatus]
                })`
              : ''}
          </Typography>
          <Typography variant="caption" color="textSecondary">
            {formatDateTime(entry.at)} · version {entry.version}
          </Typography>
          {entry.comment && (
            <Typography variant="body2" className={classes.text}>
              “{entry.comment}”
            </Typography>
          )}
        </li>
      ))}
    </ol>
  );
}

function ActionsPanel(props: {
  detail: ChangeRequestDetail;
  onAct: (action: ChangeActionAvailability) => void;
}) {
  const classes = useStyles();
  const { detail } = props;
  const allowed = detail.actions.filter(a => a.allowed);
  const denied = detail.actions.filter(a => !a.allowed);
  if (detail.actions.length === 0) {
    return (
      <Typography variant="body2">
        Nothing more to do: the change is{' '}
        {changeLabels.status[detail.change.status].toLocaleLowerCase('en-US')}.
      </Typography>
    );
  }
  return (
    <div>
      {allowed.length > 0 && (
        <div className={classes.actions} role="group" aria-label="Actions">
          {allowed.map(a => (
            <Button
              key={a.action}
              variant={
                [
                  'approve',
                  'complete',
                  'submit',
                  'start',
                  'complete-review',
                ].includes(a.action)
                  ? 'contained'
                  : 'outlined'
              }
              color={
                a.action === 'reject' || a.action === 'cancel'
                  ? 'default'
                  : 'primary'
              }
              onClick={() => props.onAct(a)}
            >
              {changeLabels.action[a.action]}
            </Button>
          ))}
        </div>
      )}
      {denied.length > 0 && (
        <Box mt={2}>
          <Typography variant="subtitle2" component="h3">
            Not available to you
          </Typography>
          <ul aria-label="Actions not available to you">
            {denied.map(a => (
              <li key={a.action}>
                <Typography variant="body2">
                  {changeLabels.action[a.action]}: {a.reason}
                </Typography>
              </li>
            ))}
          </ul>
        </Box>
      )}
    </div>
  );
}

/** One change request: details, policy findings, workflow, actions for the caller, history. */
/** Who the policy asks to approve (normal) or tells (emergency), and who is missing. */
function ApproverGroups(props: { detail: ChangeRequestDetail }) {
  const { change, approverGroups } = props.detail;
  if (!approverGroups) return null;
  const found = approverGroups.filter(g => g.inCatalog);
  const missing = approverGroups.filter(g => !g.inCatalog);
  const asked =
    change.category === 'emergency' ? 'Told of it' : 'Asked to approve';
  return (
    <>
      {found.length > 0 && (
        <Typography variant="body2" paragraph>
          {asked}:{' '}
          {found.map((g, i) => (
            <span key={g.entityRef}>
              {i > 0 && ', '}
              <EntityRefLink entityRef={g.entityRef} title={g.title} />
            </span>
          ))}
        </Typography>
      )}
      {(missing.length > 0 || found.length === 0) && (
        <Box mb={2}>
          <Alert severity="warning">
            {found.length === 0
              ? 'No approver group of the change policy is in the catalog: nobody is notified about this change.'
              : `Not in the catalog, so not notified: ${missing
                  .map(g => g.entityRef)
                  .join(', ')}.`}{' '}
            The groups are set in <code>ops.changes.approverGroups</code>.
          </Alert>
        </Box>
      )}
    </>
  );
}

export function ChangeRequestDetailView() {
  const classes = useStyles();
  const { id } = useParams();
  const opsApi = useApi(opsApiRef);
  const links = useChangesLinks();
  const [acting, setActing] = useState<ChangeActionAvailability>();
  const [notice, setNotice] = useState<string>();
  const { value, loading, error, retry } = useAsyncRetry(
    () => opsApi.getChangeRequest(id!),
    [opsApi, id],
  );

  if (loading && !value)
    return <Progress aria-label="Loading the change request" />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value) return null;
  const { change } = value;

  const act = async (comment: string) => {
    try {
      await opsApi.transitionChangeRequest(change.id, {
        action: acting!.action,
        comment: comment.trim() || undefined,
        version: change.version,
      });
      setNotice(`${changeLabels.action[acting!.action]}: done.`);
      setActing(undefined);
      retry();
    } catch (e) {
      if ((e as { response?: { status?: number } }).response?.status === 409) {
        setActing(undefined);
        setNotice(`${(e as Error).message} It has been reloaded.`);
        retry();
        return;
      }
      throw e;
    }
  };

  return (
    <Content>
      <ContentHeader title={`${change.id}: ${change.title}`}>
        <div className={classes.chips}>
          <CategoryChip category={change.category} />
          <StatusChip status={change.status} />
          {value.canEdit && (
            <LinkButton to={links.edit(change.id)} variant="outlined">
              Edit
            </LinkButton>
          )}
        </div>
      </ContentHeader>
      {notice && (
        <Box mb={2}>
          <Alert
            severity="info"
            role="status"
            onClose={() => setNotice(undefined)}
          >
            {notice}
          </Alert>
        </Box>
      )}
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <PolicyFindings
            findings={value.findings}
            justified={Boolean(change.justification)}
          />
          <ConflictWarnings conflicts={value.conflicts} />
        </Grid>
        <Grid item xs={12} md={8}>
          <InfoCard title="Details">
            <dl className={classes.dl}>
              <dt>Category</dt>
              <dd>
                {changeLabels.category[change.category]}
                {change.standardType && ` (${change.standardType})`}
              </dd>
              <dt>Risk</dt>
              <dd>{changeLabels.risk[change.risk]}</dd>
              <dt>Affects</dt>
              <dd>
                <EntityRefLinks entityRefs={change.entityRefs} />
              </dd>
              <dt>Planned</dt>
              <dd>
                {formatPeriod(change.plannedStart, change.plannedEnd)}
                <ChangeMaintenanceWindowLine changeRequestId={change.id} />
              </dd>
              <dt>Requested by</dt>
              <dd>
                <EntityRefLink entityRef={change.requester} />,{' '}
                {formatDateTime(change.createdAt)}
              </dd>
              {change.outcome && (
                <>
                  <dt>Outcome</dt>
                  <dd>{changeLabels.outcome[change.outcome]}</dd>
                </>
              )}
              {change.justification && (
                <>
                  <dt>Justification</dt>
                  <dd className={classes.text}>{change.justification}</dd>
                </>
              )}
              <dt>Description</dt>
              <dd className={classes.text}>{change.description || '—'}</dd>
              <dt>Implementation plan</dt>
              <dd className={classes.text}>
                {change.implementationPlan || '—'}
              </dd>
              <dt>Rollback plan</dt>
              <dd className={classes.text}>{change.rollbackPlan || '—'}</dd>
              <dt>Test plan</dt>
              <dd className={classes.text}>{change.testPlan || '—'}</dd>
            </dl>
          </InfoCard>
        </Grid>
        <Grid item xs={12} md={4}>
          <InfoCard title="Workflow">
            <WorkflowStepper detail={value} />
            {value.requiredApprovals > 0 && (
              <Typography variant="body2" paragraph>
                Approvals: {value.approvals.length} of {value.requiredApprovals}
                {value.approvals.length > 0 && ' ('}
                {value.approvals.map((a, i) => (
                  <span key={a.by}>
                    {i > 0 && ', '}
                    <EntityRefLink entityRef={a.by} />
                  </span>
                ))}
                {value.approvals.length > 0 && ')'}
              </Typography>
            )}
            <ApproverGroups detail={value} />
            <ActionsPanel detail={value} onAct={setActing} />
          </InfoCard>
          <Box mt={3}>
            <InfoCard title="History">
              <Timeline detail={value} />
            </InfoCard>
          </Box>
        </Grid>
      </Grid>
      <Box mt={2}>
        <Link to={links.list}>All change requests</Link>
      </Box>
      {acting && (
        <ChangeActionDialog
          change={change}
          action={acting}
          onClose={() => setActing(undefined)}
          onConfirm={act}
        />
      )}
    </Content>
  );
}
