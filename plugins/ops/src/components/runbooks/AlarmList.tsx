import { Link } from '@backstage/core-components';
import { Fragment } from 'react';
import { DateTime } from 'luxon';
import Chip from '@material-ui/core/Chip';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import WarningRounded from '@material-ui/icons/WarningRounded';
import {
  AlarmSeverity,
  RunbookAlarm,
  safeHref,
} from '@opsportal/plugin-ops-common';

const useStyles = makeStyles(theme => ({
  row: { alignItems: 'flex-start', paddingLeft: 0, paddingRight: 0 },
  chips: {
    display: 'flex',
    gap: theme.spacing(0.5),
    minWidth: 120,
    paddingTop: theme.spacing(0.75),
  },
  name: { fontFamily: 'monospace', fontSize: '0.9rem' },
  alarm: {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.error.contrastText,
  },
  ok: {
    backgroundColor: theme.palette.success.main,
    color: theme.palette.success.contrastText,
  },
  nodata: {
    backgroundColor: theme.palette.grey[500],
    color: theme.palette.common.white,
  },
  p1: {
    borderColor: theme.palette.error.main,
    color: theme.palette.error.main,
  },
  p2: {
    borderColor: theme.palette.warning.dark,
    color: theme.palette.warning.dark,
  },
  p3: { borderColor: theme.palette.info.main, color: theme.palette.info.main },
  p4: {},
  missing: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: 4,
    color: theme.palette.warning.dark,
    fontWeight: 600,
  },
}));

const STATE_LABEL: Record<RunbookAlarm['state'], string> = {
  ALARM: 'ALARM',
  OK: 'OK',
  INSUFFICIENT_DATA: 'NO DATA',
};

const SEVERITY_WORD: Record<AlarmSeverity, string> = {
  P1: 'critical',
  P2: 'high',
  P3: 'medium',
  P4: 'low',
};

/** The alarm's state as a coloured chip that also reads as text. */
export function AlarmStateChip(props: { state: RunbookAlarm['state'] }) {
  const classes = useStyles();
  const className = {
    ALARM: classes.alarm,
    OK: classes.ok,
    INSUFFICIENT_DATA: classes.nodata,
  }[props.state];
  return (
    <Chip
      size="small"
      label={STATE_LABEL[props.state]}
      className={className}
      aria-label={`State ${STATE_LABEL[props.state]}`}
    />
  );
}

/** P1–P4 as an outlined chip; the word is in its accessible name. */
export function SeverityChip(props: { severity: AlarmSeverity }) {
  const classes = useStyles();
  const className = {
    P1: classes.p1,
    P2: classes.p2,
    P3: classes.p3,
    P4: classes.p4,
  }[props.severity];
  return (
    <Chip
      size="small"
      variant="outlined"
      label={props.severity}
      className={className}
      aria-label={`Severity ${props.severity} (${
        SEVERITY_WORD[props.severity]
      })`}
    />
  );
}

/** "In ALARM for 38 minutes" and the like. */
function describeSince(alarm: RunbookAlarm): string | undefined {
  if (!alarm.since) return undefined;
  const since = DateTime.fromISO(alarm.since);
  const relative = since.toRelative();
  return `${STATE_LABEL[alarm.state]} since ${relative} (${since.toFormat(
    'yyyy-LL-dd HH:mm',
  )})`;
}

/** The runbooks of an alarm, or a flag when it has none. */
function AlarmRunbookLinks(props: {
  alarm: RunbookAlarm;
  runbookHref: (id: string) => string;
}) {
  const classes = useStyles();
  const { alarm } = props;
  if (alarm.runbooks.length === 0) {
    return (
      <span className={classes.missing}>
        <WarningRounded fontSize="small" aria-hidden />
        No runbook
      </span>
    );
  }
  return (
    <>
      {alarm.runbooks.length === 1 ? 'Runbook:' : 'Runbooks:'}{' '}
      {alarm.runbooks.map((link, index) => {
        const href = link.url ? safeHref(link.url) : undefined;
        return (
          <Fragment key={link.runbookId ?? link.url}>
            {index > 0 && ', '}
            {link.runbookId && (
              <Link to={props.runbookHref(link.runbookId)}>
                {link.title.replace(/^runbook:\s*/i, '')}
              </Link>
            )}
            {!link.runbookId && href && (
              <Link to={href} target="_blank" rel="noopener noreferrer">
                {hostAndPath(href)}
              </Link>
            )}
          </Fragment>
        );
      })}
    </>
  );
}

function hostAndPath(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname}`.replace(/\/$/, '');
  } catch {
    return url;
  }
}

/** The entity's alarms, firing first, each with its runbook or a flag. */
export function AlarmList(props: {
  alarms: RunbookAlarm[];
  runbookHref: (id: string) => string;
  /** Show the alarm's state reason under its name. */
  showReason?: boolean;
}) {
  const classes = useStyles();
  return (
    <List dense aria-label="Alarms" disablePadding>
      {props.alarms.map(alarm => (
        <ListItem
          key={alarm.name}
          className={classes.row}
          aria-label={`${alarm.name}, ${STATE_LABEL[alarm.state]}, ${
            alarm.severity
          }${alarm.runbooks.length === 0 ? ', no runbook' : ''}`}
        >
          <div className={classes.chips}>
            <AlarmStateChip state={alarm.state} />
            <SeverityChip severity={alarm.severity} />
          </div>
          <ListItemText
            disableTypography
            primary={
              <Typography variant="body2" className={classes.name}>
                {alarm.name}
              </Typography>
            }
            secondary={
              <Typography
                variant="caption"
                color="textSecondary"
                component="div"
              >
                {describeSince(alarm) && <div>{describeSince(alarm)}</div>}
                {props.showReason && alarm.stateReason && (
                  <div>{alarm.stateReason}</div>
                )}
                <div>
                  <AlarmRunbookLinks
                    alarm={alarm}
                    runbookHref={props.runbookHref}
                  />
                </div>
              </Typography>
            }
          />
        </ListItem>
      ))}
    </List>
  );
}
