import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  ChangePolicy,
  ChangePolicyFinding,
  ChangeRequestSummary,
  describeMaintenanceWindow,
  suggestedMaintenanceWindow,
} from '@opsportal/plugin-ops-common';
import {
  formatDateTime,
  formatPeriod,
  fromLocalInput,
  toLocalInput,
} from '../format';
import { ConflictWarnings, PolicyFindings } from '../PolicyFindings';
import { SectionProps, sentence } from './state';

const useStyles = makeStyles(theme => ({
  section: { marginTop: theme.spacing(3) },
}));

/**
 * When: the planned start and end (local time, with the policy's zone as a
 * hint), the next maintenance window with due notice, and what the policy
 * and other changes at that time have to say.
 */
export function WhenSection(
  props: SectionProps<'plannedStart' | 'plannedEnd'> & {
    policy: ChangePolicy;
    now: Date;
    findings: ChangePolicyFinding[];
    justified: boolean;
    conflicts: ChangeRequestSummary[];
  },
) {
  const { values, errors, onChange, onBlur, policy } = props;
  const classes = useStyles();
  const zone = policy.maintenanceWindow.timeZone;
  // The first window with due notice outside every freeze.
  const next = suggestedMaintenanceWindow(policy, props.now);

  const localHint = (value: string) => {
    const iso = fromLocalInput(value);
    return iso ? `${formatDateTime(iso, zone)} (${zone})` : undefined;
  };
  const dateField = (
    field: 'plannedStart' | 'plannedEnd',
    label: 'Planned start' | 'Planned end',
  ) => {
    const error = errors[field];
    return (
      <Grid item xs={12} md={6}>
        <TextField
          id={`change-${field}`}
          type="datetime-local"
          label={label}
          value={values[field]}
          onChange={e => onChange(field, e.target.value)}
          onBlur={() => onBlur(field)}
          required
          fullWidth
          variant="outlined"
          margin="normal"
          InputLabelProps={{ shrink: true }}
          error={Boolean(error)}
          helperText={
            error
              ? sentence(label, error)
              : localHint(values[field]) ?? 'In your local time.'
          }
        />
      </Grid>
    );
  };

  return (
    <>
      <Grid container spacing={2}>
        {dateField('plannedStart', 'Planned start')}
        {dateField('plannedEnd', 'Planned end')}
      </Grid>
      {values.category !== 'emergency' && next && (
        <Box
          display="flex"
          alignItems="center"
          flexWrap="wrap"
          style={{ gap: 8 }}
        >
          <Typography variant="body2" color="textSecondary">
            Maintenance window:{' '}
            {describeMaintenanceWindow(policy.maintenanceWindow)}. Next one with
            due notice: {formatPeriod(next.start, next.end, zone)}.
          </Typography>
          <Button
            size="small"
            variant="outlined"
            onClick={() => {
              onChange('plannedStart', toLocalInput(next.start));
              onChange('plannedEnd', toLocalInput(next.end));
            }}
          >
            Use this window
          </Button>
        </Box>
      )}

      <section
        className={classes.section}
        aria-label="Policy check"
        aria-live="polite"
      >
        <PolicyFindings
          findings={props.findings.filter(f => f.code !== 'missing-plan')}
          justified={props.justified}
        />
        <ConflictWarnings conflicts={props.conflicts} />
      </section>
    </>
  );
}
