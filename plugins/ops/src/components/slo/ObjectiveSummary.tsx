import { DateTime } from 'luxon';
import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import { SloObjectiveResult } from '@opsportal/plugin-ops-common';
import { AlertChip } from './AlertChip';
import {
  formatBurnRate,
  formatHours,
  formatMinutes,
  formatShare,
  formatSli,
  formatTarget,
} from './helpers';

const useStyles = makeStyles(theme => ({
  figures: {
    display: 'grid',
    gridTemplateColumns: 'repeat(3, minmax(0, 1fr))',
    gap: theme.spacing(1),
    margin: theme.spacing(1, 0),
  },
  figure: { margin: 0 },
  term: { color: theme.palette.text.secondary, fontSize: '0.75rem' },
  value: { margin: 0, fontSize: '1.1rem', fontWeight: 500 },
}));

/** What the budget forecast says, in a sentence. */
function forecastText(result: SloObjectiveResult): string | undefined {
  const forecast = result.status?.forecast;
  if (!forecast) return undefined;
  const rate = formatBurnRate(forecast.burnRate);
  switch (forecast.state) {
    case 'exhausted':
      return 'The error budget is spent: the objective is not met over this window.';
    case 'exhausts':
      return `At the last ${
        forecast.window
      }'s rate (${rate}) the budget runs out in ${formatHours(
        forecast.hoursLeft!,
      )} (${DateTime.fromISO(forecast.exhaustsAt!).toFormat(
        'ccc LLL d, HH:mm',
      )})${
        forecast.sustainable
          ? '; at that rate a whole window stays within budget'
          : ''
      }.`;
    case 'not-burning':
      return `No bad events in the last ${forecast.window}: the budget is not burning.`;
    default:
      return `No data in the last ${forecast.window} to forecast from.`;
  }
}

/**
 * One SLO at a glance: target, current value, budget left (as a share and
 * as time), the burn-rate alert with its reason, rules that can hardly fire
 * for this target, and the forecast.
 */
export function ObjectiveSummary({ result }: { result: SloObjectiveResult }) {
  const classes = useStyles();
  const { objective, status } = result;
  const remaining = status?.budget.remaining ?? null;
  const headingId = `slo-${objective.id}`;
  return (
    <section aria-labelledby={headingId}>
      <Box display="flex" alignItems="center" justifyContent="space-between">
        <Typography variant="subtitle1" component="h3" id={headingId}>
          {objective.name}
        </Typography>
        {status && <AlertChip state={status.alert.state} />}
      </Box>
      <Typography variant="body2" color="textSecondary">
        {objective.objective} · {objective.window} rolling
      </Typography>
      <dl className={classes.figures}>
        <div className={classes.figure}>
          <dt className={classes.term}>Target</dt>
          <dd className={classes.value}>{formatTarget(objective.target)}</dd>
        </div>
        <div className={classes.figure}>
          <dt className={classes.term}>Current</dt>
          <dd className={classes.value}>
            {formatSli(status?.sli ?? null, objective.target)}
          </dd>
        </div>
        <div className={classes.figure}>
          <dt className={classes.term}>Budget left</dt>
          <dd className={classes.value}>
            {formatShare(remaining)}
            <Typography variant="caption" component="span" display="block">
              {formatMinutes(status?.budget.remainingMinutes ?? null)} of{' '}
              {formatMinutes(
                status?.budget.totalMinutes ??
                  ((1 - objective.target) * objective.windowSeconds) / 60,
              )}
            </Typography>
          </dd>
        </div>
      </dl>
      {remaining !== null && (
        <LinearProgress
          variant="determinate"
          value={Math.max(0, Math.min(100, remaining * 100))}
          color={remaining < 0.25 ? 'secondary' : 'primary'}
          aria-label={`${objective.name}: ${formatShare(
            remaining,
          )} of the error budget left`}
        />
      )}
      {status && (
        <Typography variant="body2" style={{ marginTop: 8 }}>
          {status.alert.reason}
        </Typography>
      )}
      {status && (
        <Typography variant="body2" color="textSecondary">
          {forecastText(result)}
        </Typography>
      )}
      {status?.alert.findings && status.alert.findings.length > 0 && (
        <Alert
          severity="warning"
          role="note"
          aria-label={`Burn-rate rules of ${objective.name} that can hardly fire`}
          style={{ marginTop: 8 }}
        >
          {status.alert.findings.map((finding, i) => (
            <Typography variant="body2" component="p" key={i}>
              {finding}
            </Typography>
          ))}
        </Alert>
      )}
      {status && status.coverage.bucketsWithData < status.coverage.buckets && (
        <Typography variant="caption" color="textSecondary" component="p">
          Data for {status.coverage.bucketsWithData} of{' '}
          {status.coverage.buckets} days of the window.
        </Typography>
      )}
      {result.error && (
        <Alert severity="warning" style={{ marginTop: 8 }}>
          {status
            ? `Showing the values of ${
                result.fetchedAt
                  ? DateTime.fromISO(result.fetchedAt).toRelative()
                  : 'an earlier refresh'
              }. `
            : 'Not evaluated yet. '}
          {result.error}
        </Alert>
      )}
    </section>
  );
}
