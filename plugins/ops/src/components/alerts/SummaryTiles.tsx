import Grid from '@material-ui/core/Grid';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { AlertsOverview } from '@opsportal/plugin-ops-common';

const useStyles = makeStyles(theme => ({
  tile: { padding: theme.spacing(1.5, 2), height: '100%' },
  figure: { fontSize: '1.75rem', fontWeight: 600, lineHeight: 1.2 },
  bad: { color: theme.palette.warning.dark },
}));

function Tile(props: {
  label: string;
  value: number;
  detail: string;
  bad?: boolean;
}) {
  const classes = useStyles();
  return (
    <Paper
      variant="outlined"
      className={classes.tile}
      component="section"
      aria-label={`${props.label}: ${props.value}`}
    >
      <Typography variant="overline" component="h3">
        {props.label}
      </Typography>
      <Typography
        component="p"
        className={`${classes.figure} ${props.bad ? classes.bad : ''}`}
      >
        {props.value}
      </Typography>
      <Typography variant="caption" color="textSecondary" component="p">
        {props.detail}
      </Typography>
    </Paper>
  );
}

/** The alarm counts of the overview as tiles, each with its definition. */
export function SummaryTiles(props: {
  counts: AlertsOverview['counts'];
  thresholds: AlertsOverview['thresholds'];
}) {
  const { counts, thresholds } = props;
  const tiles = [
    {
      label: 'Noisy',
      value: counts.noisy,
      detail: `${thresholds.noisyAlarmsPerWeek}+ ALARMs in 7 days`,
    },
    {
      label: 'Flapping',
      value: counts.flapping,
      detail: `${thresholds.flappingRoundTripsPerDay}+ ALARM↔OK round trips a day`,
    },
    {
      label: 'Stuck',
      value: counts.stuck,
      detail: `in ALARM for more than ${thresholds.stuckAfterHours} h`,
    },
    {
      label: 'Never fired',
      value: counts.neverFired,
      detail: `no ALARM in ${thresholds.neverFiredDays} days`,
    },
    {
      label: 'No actions',
      value: counts.noActions,
      detail: 'notifies nobody when it fires',
    },
    {
      label: 'No runbook',
      value: counts.noRunbook,
      detail: 'no runbook link in the description',
    },
  ];
  return (
    <Grid container spacing={2} component="div">
      {tiles.map(t => (
        <Grid item xs={6} sm={4} md={3} lg key={t.label}>
          <Tile {...t} bad={t.value > 0} />
        </Grid>
      ))}
      <Grid item xs={6} sm={4} md={3} lg>
        <Tile
          label="Reviewed this month"
          value={counts.reviewedThisMonth}
          detail={`of ${counts.alarms} alarms`}
        />
      </Grid>
    </Grid>
  );
}
