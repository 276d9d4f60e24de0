import { useMemo, useState } from 'react';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Button from '@material-ui/core/Button';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  AlarmFlag,
  AlarmNoise,
  AlarmReview,
} from '@opsportal/plugin-ops-common';
import { AlarmStateChip, SeverityChip } from '../runbooks/AlarmList';
import { FlagChips } from './AlarmChips';
import {
  alarmKey,
  flagLabels,
  flagOrder,
  formatMinutes,
  formatRelative,
  formatTime,
  outcomeLabels,
  refName,
} from './helpers';
import { ReviewAlarmDialog } from './ReviewAlarmDialog';

const useStyles = makeStyles(theme => ({
  filter: { minWidth: 220, marginBottom: theme.spacing(1) },
  // Thirteen columns: scroll sideways rather than break words letter by letter.
  table: {
    minWidth: 1180,
    '& th, & td': { wordBreak: 'normal', overflowWrap: 'normal' },
    '& thead th': { whiteSpace: 'nowrap' },
  },
  name: { fontFamily: 'monospace', fontSize: '0.85rem' },
  nowrap: { whiteSpace: 'nowrap' },
  srOnly: {
    position: 'absolute',
    width: 1,
    height: 1,
    overflow: 'hidden',
    clip: 'rect(0 0 0 0)',
    whiteSpace: 'nowrap',
  },
}));

/**
 * The alarms with the reviews made on this page laid over those the
 * backend sent, so that a saved review shows in its row at once.
 */
export function useAlarmsWithReviews(alarms: AlarmNoise[]): {
  alarms: AlarmNoise[];
  addReview: (review: AlarmReview) => void;
} {
  const [saved, setSaved] = useState<Record<string, AlarmReview>>({});
  const merged = useMemo(
    () =>
      alarms.map(a => {
        const review = saved[alarmKey(a)];
        return review ? { ...a, review } : a;
      }),
    [alarms, saved],
  );
  return {
    alarms: merged,
    addReview: review =>
      setSaved(previous => ({ ...previous, [alarmKey(review)]: review })),
  };
}

/** The alarm's latest review in a few words, or that it has none. */
export function ReviewSummary(props: { review?: AlarmReview }) {
  const { review } = props;
  if (!review) {
    return (
      <Typography variant="body2" color="textSecondary">
        Not reviewed
      </Typography>
    );
  }
  return (
    <>
      <Typography variant="body2">{outcomeLabels[review.outcome]}</Typography>
      <Typography variant="caption" color="textSecondary" component="div">
        {review.reviewedAt.slice(0, 10)} by {refName(review.reviewedBy)}
      </Typography>
    </>
  );
}

/** A count with the ALARMs inside maintenance windows under it. */
function CountCell(props: { count: number; inMaintenance: number }) {
  return (
    <TableCell align="right">
      {props.count}
      {props.inMaintenance > 0 && (
        <Typography variant="caption" color="textSecondary" component="div">
          +{props.inMaintenance} in maintenance
        </Typography>
      )}
    </TableCell>
  );
}

/**
 * The alarms ranked by noise: entity, owner, severity, state, ALARM counts
 * over 7 and 30 days, time in ALARM, flapping days, flags, last fired and
 * the latest review, each with a "Review" action. A flag filter narrows it.
 */
export function AlarmNoiseTable(props: {
  alarms: AlarmNoise[];
  /** Accessible name of the table. */
  label: string;
  /** Leave out the owner column (a team's own alarms). */
  hideOwner?: boolean;
  /** Called with each review saved from the table. */
  onReviewed?: (review: AlarmReview) => void;
}) {
  const classes = useStyles();
  const { alarms, addReview } = useAlarmsWithReviews(props.alarms);
  const [flag, setFlag] = useState<AlarmFlag | ''>('');
  const [reviewing, setReviewing] = useState<AlarmNoise>();
  const shown = flag ? alarms.filter(a => a.flags.includes(flag)) : alarms;
  const filterId = `${props.label}-flag-filter`.replace(/[^\w-]/g, '-');

  return (
    <>
      <TextField
        id={filterId}
        select
        label="Show alarms"
        value={flag}
        onChange={e => setFlag(e.target.value as AlarmFlag | '')}
        SelectProps={{ native: true }}
        InputLabelProps={{ shrink: true }}
        variant="outlined"
        size="small"
        className={classes.filter}
      >
        <option value="">All ({alarms.length})</option>
        {flagOrder.map(f => (
          <option key={f} value={f}>
            {flagLabels[f]} ({alarms.filter(a => a.flags.includes(f)).length})
          </option>
        ))}
      </TextField>
      <TableContainer component={Paper}>
        <Table size="small" aria-label={props.label} className={classes.table}>
          <TableHead>
            <TableRow>
              <TableCell>Alarm</TableCell>
              <TableCell>Entity</TableCell>
              {!props.hideOwner && <TableCell>Owner</TableCell>}
              <TableCell>Severity</TableCell>
              <TableCell>State</TableCell>
              <TableCell align="right">ALARM 7 d</TableCell>
              <TableCell align="right">ALARM 30 d</TableCell>
              <TableCell align="right">In ALARM 30 d</TableCell>
              <TableCell align="right">Flapping days</TableCell>
              <TableCell>Flags</TableCell>
              <TableCell>Last fired</TableCell>
              <TableCell>Review</TableCell>
              <TableCell>
                <span className={classes.srOnly}>Actions</span>
              </TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {shown.length === 0 && (
              <TableRow>
                <TableCell colSpan={props.hideOwner ? 12 : 13}>
                  <Typography variant="body2">
                    {flag
                      ? `No alarm is flagged “${flagLabels[flag]}”.`
                      : 'No noisy or flagged alarm.'}
                  </Typography>
                </TableCell>
              </TableRow>
            )}
            {shown.map(alarm => (
              <TableRow key={alarmKey(alarm)}>
                <TableCell component="th" scope="row" role="rowheader">
                  <span className={classes.name}>{alarm.alarmName}</span>
                  {alarm.region && (
                    <Typography
                      variant="caption"
                      color="textSecondary"
                      component="div"
                    >
                      {alarm.region}
                    </Typography>
                  )}
                </TableCell>
                <TableCell>
                  <EntityRefLink
                    entityRef={alarm.entityRef}
                    title={alarm.entityTitle}
                  />
                </TableCell>
                {!props.hideOwner && (
                  <TableCell>
                    {alarm.owner ? (
                      <EntityRefLink entityRef={alarm.owner} />
                    ) : (
                      '–'
                    )}
                  </TableCell>
                )}
                <TableCell>
                  <SeverityChip severity={alarm.severity} />
                </TableCell>
                <TableCell>
                  <AlarmStateChip state={alarm.state} />
                </TableCell>
                <CountCell
                  count={alarm.week.alarmCount}
                  inMaintenance={alarm.week.alarmsInMaintenance}
                />
                <CountCell
                  count={alarm.month.alarmCount}
                  inMaintenance={alarm.month.alarmsInMaintenance}
                />
                <TableCell align="right" className={classes.nowrap}>
                  {formatMinutes(alarm.month.minutesInAlarm)}
                </TableCell>
                <TableCell align="right">{alarm.month.flappingDays}</TableCell>
                <TableCell>
                  <FlagChips flags={alarm.flags} />
                </TableCell>
                <TableCell className={classes.nowrap}>
                  {alarm.lastFiredAt ? (
                    <time
                      dateTime={alarm.lastFiredAt}
                      title={formatTime(alarm.lastFiredAt)}
                    >
                      {formatRelative(alarm.lastFiredAt)}
                    </time>
                  ) : (
                    `not in ${alarm.observedDays} days`
                  )}
                </TableCell>
                <TableCell>
                  <ReviewSummary review={alarm.review} />
                </TableCell>
                <TableCell>
                  <Button
                    size="small"
                    variant="outlined"
                    onClick={() => setReviewing(alarm)}
                    aria-label={`Review ${alarm.alarmName}`}
                  >
                    Review
                  </Button>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </TableContainer>
      {reviewing && (
        <ReviewAlarmDialog
          alarm={reviewing}
          onClose={() => setReviewing(undefined)}
          onSaved={review => {
            addReview(review);
            props.onReviewed?.(review);
            setReviewing(undefined);
          }}
        />
      )}
    </>
  );
}
