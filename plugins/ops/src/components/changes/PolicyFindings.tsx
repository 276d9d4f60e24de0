import { Link } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { makeStyles } from '@material-ui/core/styles';
import {
  ChangePolicyFinding,
  changeLabels,
  ChangeRequestSummary,
} from '@opsportal/plugin-ops-common';
import { formatPeriod } from './format';
import { useChangesLinks } from './useChangesLinks';

const useStyles = makeStyles(theme => ({
  alert: { marginBottom: theme.spacing(1) },
}));

const severityOf = {
  block: 'error',
  justify: 'warning',
  info: 'info',
} as const;

/** What the change policy says, one alert per finding. */
export function PolicyFindings(props: {
  findings: ChangePolicyFinding[];
  justified?: boolean;
}) {
  const classes = useStyles();
  if (props.findings.length === 0) return null;
  return (
    <div>
      {props.findings.map(f => (
        <Alert
          key={f.code + f.message}
          severity={
            f.severity === 'justify' && props.justified
              ? 'info'
              : severityOf[f.severity]
          }
          className={classes.alert}
          role="note"
        >
          {f.message}
          {f.severity === 'justify' && props.justified && ' (Justified.)'}
        </Alert>
      ))}
    </div>
  );
}

/** Other active changes planned at the same time on the same entities. */
export function ConflictWarnings(props: { conflicts: ChangeRequestSummary[] }) {
  const classes = useStyles();
  const links = useChangesLinks();
  if (props.conflicts.length === 0) return null;
  return (
    <Alert severity="warning" className={classes.alert} role="note">
      <Typography variant="body2" component="span">
        Overlaps with {props.conflicts.length} other change
        {props.conflicts.length === 1 ? '' : 's'} on the same entities:
      </Typography>
      <ul aria-label="Overlapping changes">
        {props.conflicts.map(c => (
          <li key={c.id}>
            <Link to={links.detail(c.id)}>{c.id}</Link> {c.title} (
            {changeLabels.status[c.status].toLocaleLowerCase('en-US')},{' '}
            {formatPeriod(c.plannedStart, c.plannedEnd)})
          </li>
        ))}
      </ul>
    </Alert>
  );
}
