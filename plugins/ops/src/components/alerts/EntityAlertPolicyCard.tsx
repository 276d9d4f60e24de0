import { useState } from 'react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Button from '@material-ui/core/Button';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import CheckCircle from '@material-ui/icons/CheckCircle';
import RemoveCircle from '@material-ui/icons/RemoveCircle';
import WarningRounded from '@material-ui/icons/WarningRounded';
import {
  ANNOTATION_ALARM_PREFIX,
  AlarmNoise,
  EntityAlerts,
  PolicyCoverageItem,
  PolicyCoverageStatus,
  Severity,
} from '@opsportal/plugin-ops-common';
import useAsync from 'react-use/esm/useAsync';
import { opsApiRef } from '../../api';
import { EmptyAnnotation, OpsCard } from '../shared';
import { FlagChips } from './AlarmChips';
import { ReviewSummary, useAlarmsWithReviews } from './AlarmNoiseTable';
import { isAlertPolicyAvailable } from './availability';
import { coverageLabels, coverageSummary, plural } from './helpers';
import { ReviewAlarmDialog } from './ReviewAlarmDialog';

const useStyles = makeStyles(theme => ({
  section: { marginTop: theme.spacing(2) },
  status: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    fontWeight: 600,
    whiteSpace: 'nowrap',
  },
  present: { color: theme.palette.success.dark },
  looser: { color: theme.palette.warning.dark },
  missing: { color: theme.palette.error.main },
  name: { fontFamily: 'monospace', fontSize: '0.85rem' },
  alarmItem: { paddingLeft: 0, paddingRight: 0, alignItems: 'flex-start' },
  reviewCell: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    marginTop: theme.spacing(0.5),
  },
}));

const severityWords: Record<Severity, string> = {
  P1: 'critical',
  P2: 'high',
  P3: 'medium',
  P4: 'low',
};

/** How many flagged alarms the card lists before pointing at the team tab. */
const FLAGGED_SHOWN = 5;

function CoverageStatus(props: { status: PolicyCoverageStatus }) {
  const classes = useStyles();
  const Icon = {
    present: CheckCircle,
    looser: WarningRounded,
    missing: RemoveCircle,
  }[props.status];
  return (
    <span className={`${classes.status} ${classes[props.status]}`}>
      <Icon fontSize="small" aria-hidden />
      {coverageLabels[props.status]}
    </span>
  );
}

function CoverageTable(props: {
  severity: Severity;
  items: PolicyCoverageItem[];
}) {
  const classes = useStyles();
  const headingId = `alert-policy-${props.severity}`;
  return (
    <section aria-labelledby={headingId} className={classes.section}>
      <Typography id={headingId} variant="subtitle2" component="h3">
        {props.severity} ({severityWords[props.severity]})
      </Typography>
      <Table size="small" aria-label={`${props.severity} policy alerts`}>
        <TableHead>
          <TableRow>
            <TableCell>Status</TableCell>
            <TableCell>Policy alert</TableCell>
            <TableCell>Alarms</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {props.items.map(item => (
            <TableRow key={item.rule.id}>
              <TableCell>
                <CoverageStatus status={item.status} />
              </TableCell>
              <TableCell component="th" scope="row" role="rowheader">
                <Typography variant="body2">{item.rule.title}</Typography>
                <Typography
                  variant="caption"
                  color="textSecondary"
                  component="div"
                >
                  {item.message}
                </Typography>
              </TableCell>
              <TableCell>
                {item.alarms.length === 0
                  ? '–'
                  : item.alarms.map(a => (
                      <Typography
                        key={a.name}
                        variant="body2"
                        className={classes.name}
                      >
                        {a.name}
                        {a.looser && ' (looser)'}
                        {a.severityDiffers && ` (${a.severity})`}
                      </Typography>
                    ))}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </section>
  );
}

/** The entity's noisiest flagged alarms, each with its review and a "Review" action. */
function FlaggedAlarms(props: { alarms: AlarmNoise[] }) {
  const classes = useStyles();
  const flagged = props.alarms.filter(a => a.flags.length > 0);
  const { alarms, addReview } = useAlarmsWithReviews(flagged);
  const [reviewing, setReviewing] = useState<AlarmNoise>();
  const [showAll, setShowAll] = useState(false);
  const shown = showAll ? alarms : alarms.slice(0, FLAGGED_SHOWN);
  return (
    <section aria-labelledby="alert-policy-flagged" className={classes.section}>
      <Typography id="alert-policy-flagged" variant="subtitle2" component="h3">
        Noisy and flagged alarms ({flagged.length})
      </Typography>
      {flagged.length === 0 && (
        <Typography variant="body2" color="textSecondary">
          None of the entity's {plural(props.alarms.length, 'alarm')} is noisy
          or flagged.
        </Typography>
      )}
      <List dense disablePadding aria-label="Noisy and flagged alarms">
        {shown.map(alarm => (
          <ListItem key={alarm.alarmName} className={classes.alarmItem}>
            <ListItemText
              disableTypography
              primary={
                <Typography variant="body2" className={classes.name}>
                  {alarm.alarmName}
                </Typography>
              }
              secondary={
                <div>
                  <Typography
                    variant="caption"
                    color="textSecondary"
                    component="div"
                  >
                    {alarm.severity} · {plural(alarm.week.alarmCount, 'ALARM')}{' '}
                    in 7 days, {alarm.month.alarmCount} in 30 days
                  </Typography>
                  <FlagChips flags={alarm.flags} />
                  <div className={classes.reviewCell}>
                    <Button
                      size="small"
                      variant="outlined"
                      onClick={() => setReviewing(alarm)}
                      aria-label={`Review ${alarm.alarmName}`}
                    >
                      Review
                    </Button>
                    <ReviewSummary review={alarm.review} />
                  </div>
                </div>
              }
            />
          </ListItem>
        ))}
      </List>
      {alarms.length > shown.length && (
        <Button size="small" onClick={() => setShowAll(true)}>
          Show all {alarms.length} flagged alarms
        </Button>
      )}
      {reviewing && (
        <ReviewAlarmDialog
          alarm={reviewing}
          onClose={() => setReviewing(undefined)}
          onSaved={review => {
            addReview(review);
            setReviewing(undefined);
          }}
        />
      )}
    </section>
  );
}

/**
 * Entity card "Alerting policy": per rule of the alerting policy (by
 * severity) whether the entity's CloudWatch alarms have it, have it with a
 * looser threshold, or miss it; and the entity's noisy or flagged alarms
 * with a review action.
 * @public
 */
export function EntityAlertPolicyCard() {
  const { entity } = useEntity();
  const opsApi = useApi(opsApiRef);
  const entityRef = stringifyEntityRef(entity);
  const available = isAlertPolicyAvailable(entity);
  const state = useAsync(
    async () => (available ? opsApi.getEntityAlerts(entityRef) : undefined),
    [opsApi, entityRef, available],
  );
  const value: EntityAlerts | undefined = state.value;
  const items = value?.policy.items ?? [];
  const bySeverity = (['P1', 'P2', 'P3', 'P4'] as Severity[])
    .map(severity => ({
      severity,
      items: items.filter(i => i.rule.severity === severity),
    }))
    .filter(group => group.items.length > 0);

  let empty;
  if (!available) {
    empty = (
      <EmptyAnnotation
        what="CloudWatch alarms"
        annotation={ANNOTATION_ALARM_PREFIX}
        example="payment-service-"
      />
    );
  } else if (value && items.length === 0) {
    empty = (
      <Typography variant="body2">
        No rule of the alerting policy applies to this entity
        (ops.alerts.policy).
      </Typography>
    );
  }

  return (
    <OpsCard
      title="Alerting policy"
      subheader={value ? coverageSummary(value.policy.counts) : undefined}
      loading={state.loading}
      error={state.error}
      empty={empty}
      freshness={value?.freshness.alarms}
    >
      {value && (
        <>
          {!value.setup.alarms && (
            <Typography variant="body2" color="textSecondary" paragraph>
              No CloudWatch alarm starts with the entity's alarm prefix, so
              every policy alert is missing.
            </Typography>
          )}
          {bySeverity.map(group => (
            <CoverageTable key={group.severity} {...group} />
          ))}
          <FlaggedAlarms alarms={value.alarms} />
        </>
      )}
    </OpsCard>
  );
}
