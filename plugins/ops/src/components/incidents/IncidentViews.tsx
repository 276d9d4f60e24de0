import { Link } from '@backstage/core-components';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles, useTheme } from '@material-ui/core/styles';
import {
  AssessedIncident,
  formatIncidentDuration,
  IncidentSummary,
  Severity,
  TargetStatus,
} from '@opsportal/plugin-ops-common';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatWhen } from '../oncall/helpers';
import { describeUpdateDue, nextUpdateDueOf } from './cadence';
import { IncidentLinks, useOptionalIncidentLinks } from './useIncidentLinks';

const useStyles = makeStyles(theme => ({
  figures: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(8rem, 1fr))',
    gap: theme.spacing(1),
    margin: theme.spacing(0, 0, 2, 0),
  },
  figure: { margin: 0 },
  figureValue: { fontSize: '1.25rem', fontWeight: 600, margin: 0 },
  met: { color: theme.palette.success?.main ?? '#2e7d32' },
  missed: { color: theme.palette.error.main },
  open: {
    listStyle: 'none',
    padding: 0,
    margin: theme.spacing(0, 0, 2, 0),
  },
  openItem: {
    padding: theme.spacing(1),
    marginBottom: theme.spacing(1),
    borderLeft: `4px solid ${theme.palette.error.main}`,
    background: theme.palette.background.default,
  },
}));

const SEVERITY_COLORS: Record<Severity, string> = {
  P1: '#b71c1c',
  P2: '#e65100',
  P3: '#f9a825',
  P4: '#546e7a',
};

/** `P1 Critical`, coloured by severity. */
export function SeverityChip(props: { incident: AssessedIncident }) {
  const { severity, severityLabel } = props.incident;
  return (
    <Chip
      size="small"
      label={`${severity} ${severityLabel}`}
      style={{
        background: SEVERITY_COLORS[severity],
        color: severity === 'P3' ? '#000' : '#fff',
      }}
    />
  );
}

/** How an incident stands against its response target, in words. */
export function responseText(i: AssessedIncident, now = Date.now()): string {
  const tta = i.timeToAcknowledgeMs;
  const due = Date.parse(i.respondBy);
  switch (i.response) {
    case 'met':
      return tta !== undefined
        ? `acknowledged after ${formatIncidentDuration(tta)}: target met`
        : 'resolved within the target';
    case 'missed':
      return tta !== undefined
        ? `acknowledged after ${formatIncidentDuration(tta)}: target missed`
        : 'resolved after the target';
    case 'pending':
      return `${formatIncidentDuration(due - now)} left to acknowledge`;
    case 'overdue':
      return `not acknowledged, ${formatIncidentDuration(
        now - due,
      )} past the target`;
    default:
      return '';
  }
}

export function StatusText(props: { status: TargetStatus; children: string }) {
  const classes = useStyles();
  let className: string | undefined;
  if (props.status === 'met') className = classes.met;
  if (props.status === 'missed' || props.status === 'overdue') {
    className = classes.missed;
  }
  return <span className={className}>{props.children}</span>;
}

/**
 * An incident's title: a link to its page in the portal where the app
 * mounts the incident pages (with PagerDuty beside it), else to PagerDuty.
 */
function IncidentTitle(props: {
  incident: AssessedIncident;
  links?: IncidentLinks;
}) {
  const { incident: i, links } = props;
  if (!links) {
    return i.htmlUrl ? <Link to={i.htmlUrl}>{i.title}</Link> : <>{i.title}</>;
  }
  return (
    <>
      <Link to={links.incident(i.id)}>{i.title}</Link>
      {i.htmlUrl && (
        <>
          {' '}
          (
          <Link to={i.htmlUrl} aria-label={`${i.title} in PagerDuty`}>
            PagerDuty
          </Link>
          )
        </>
      )}
    </>
  );
}

/**
 * When the next status update of an open P1/P2 incident is due; red when
 * overdue.
 */
function UpdateDueText(props: { incident: AssessedIncident }) {
  const classes = useStyles();
  const due = nextUpdateDueOf(props.incident);
  if (!due) return null;
  const { overdue, text } = describeUpdateDue(due, Date.now());
  return (
    <>
      {' · '}
      <span className={overdue ? classes.missed : undefined}>{text}</span>
    </>
  );
}

/** Open incidents, each with its severity, response target and where it stands. */
export function OpenIncidents(props: { incidents: AssessedIncident[] }) {
  const classes = useStyles();
  const links = useOptionalIncidentLinks();
  const open = props.incidents.filter(i => i.status !== 'resolved');
  if (open.length === 0) {
    return (
      <Typography variant="body2" paragraph>
        No open incidents.
      </Typography>
    );
  }
  return (
    <ul className={classes.open} aria-label="Open incidents">
      {open.map(i => (
        <li key={i.id} className={classes.openItem}>
          <Typography variant="body2" component="div">
            <SeverityChip incident={i} />{' '}
            <IncidentTitle incident={i} links={links} />
          </Typography>
          <Typography variant="caption" component="div">
            {i.status === 'acknowledged' ? 'Acknowledged' : 'Not acknowledged'}{' '}
            · raised {formatWhen(i.createdAt)} on {i.serviceName ?? i.serviceId}{' '}
            · Respond within {i.responseTarget} ·{' '}
            <StatusText status={i.response}>{responseText(i)}</StatusText>
            {i.assignees.length > 0 &&
              ` · assigned to ${i.assignees.map(a => a.name).join(', ')}`}
            <UpdateDueText incident={i} />
          </Typography>
        </li>
      ))}
    </ul>
  );
}

/** MTTA, MTTR, open count and the share of response targets met. */
export function IncidentFigures(props: {
  summary: IncidentSummary;
  days: number;
}) {
  const classes = useStyles();
  const { summary, days } = props;
  const met = summary.bySeverity.reduce((n, s) => n + s.responseMet, 0);
  const decided =
    met + summary.bySeverity.reduce((n, s) => n + s.responseMissed, 0);
  const figures: [string, string][] = [
    ['Open now', String(summary.open)],
    [`Incidents (${days} d)`, String(summary.count)],
    [`MTTA (${days} d)`, formatIncidentDuration(summary.mttaMs)],
    [`MTTR (${days} d)`, formatIncidentDuration(summary.mttrMs)],
    [
      'Response target met',
      summary.responseMetRatio === undefined
        ? '–'
        : `${Math.round(
            summary.responseMetRatio * 100,
          )}% (${met} of ${decided})`,
    ],
  ];
  return (
    <dl className={classes.figures} aria-label="Incident figures">
      {figures.map(([label, value]) => (
        <div key={label} className={classes.figure}>
          <Typography variant="caption" component="dt">
            {label}
          </Typography>
          <dd className={classes.figureValue} style={{ marginLeft: 0 }}>
            {value}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** Response targets met and missed per severity: a chart, and the same numbers as a table. */
export function SeverityBreakdown(props: { summary: IncidentSummary }) {
  const theme = useTheme();
  const rows = props.summary.bySeverity;
  const data = rows.map(s => ({
    name: s.severity,
    met: s.responseMet,
    missed: s.responseMissed,
  }));
  return (
    <div>
      <div aria-hidden="true" style={{ height: 160 }}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart
            data={data}
            margin={{ top: 8, right: 8, bottom: 0, left: -24 }}
          >
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="name" />
            <YAxis allowDecimals={false} />
            <Tooltip />
            <Legend />
            <Bar
              dataKey="met"
              name="Target met"
              stackId="a"
              fill={theme.palette.success?.main ?? '#2e7d32'}
              isAnimationActive={false}
            />
            <Bar
              dataKey="missed"
              name="Target missed"
              stackId="a"
              fill={theme.palette.error.main}
              isAnimationActive={false}
            />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <Table size="small" aria-label="Incidents by severity">
        <TableHead>
          <TableRow>
            <TableCell>Severity</TableCell>
            <TableCell>Respond within</TableCell>
            <TableCell align="right">Incidents</TableCell>
            <TableCell align="right">Met</TableCell>
            <TableCell align="right">Missed</TableCell>
            <TableCell align="right">MTTA</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map(s => (
            <TableRow key={s.severity}>
              <TableCell>
                {s.severity} {s.label}
              </TableCell>
              <TableCell>{s.responseTarget}</TableCell>
              <TableCell align="right">{s.count}</TableCell>
              <TableCell align="right">{s.responseMet}</TableCell>
              <TableCell align="right">{s.responseMissed}</TableCell>
              <TableCell align="right">
                {formatIncidentDuration(s.mttaMs)}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

/** Recent incidents: when, what, how fast they were acknowledged and resolved. */
export function RecentIncidents(props: {
  incidents: AssessedIncident[];
  limit?: number;
}) {
  const links = useOptionalIncidentLinks();
  const shown = props.incidents.slice(0, props.limit ?? props.incidents.length);
  return (
    <Table size="small" aria-label="Recent incidents">
      <TableHead>
        <TableRow>
          <TableCell>Severity</TableCell>
          <TableCell>Incident</TableCell>
          <TableCell>Created</TableCell>
          <TableCell>Acknowledged</TableCell>
          <TableCell>Resolved after</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {shown.map(i => (
          <TableRow key={i.id}>
            <TableCell>
              <SeverityChip incident={i} />
            </TableCell>
            <TableCell>
              <IncidentTitle incident={i} links={links} />
              <Typography variant="caption" component="div">
                {i.serviceName ?? i.serviceId}
                {i.number !== undefined && ` · #${i.number}`}
              </Typography>
            </TableCell>
            <TableCell>{formatWhen(i.createdAt)}</TableCell>
            <TableCell>
              <StatusText status={i.response}>
                {i.timeToAcknowledgeMs !== undefined
                  ? `${formatIncidentDuration(i.timeToAcknowledgeMs)} (target ${
                      i.responseTarget
                    })`
                  : responseText(i)}
              </StatusText>
            </TableCell>
            <TableCell>
              {i.status === 'resolved'
                ? formatIncidentDuration(i.timeToResolveMs)
                : 'open'}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
