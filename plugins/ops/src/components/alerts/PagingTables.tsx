import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import { makeStyles } from '@material-ui/core/styles';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import {
  PersonPagingLoad,
  ServicePagingLoad,
} from '@opsportal/plugin-ops-common';
import { formatDecimal } from './helpers';

function EmptyRow(props: { columns: number; text: string }) {
  return (
    <TableRow>
      <TableCell colSpan={props.columns}>
        <Typography variant="body2">{props.text}</Typography>
      </TableCell>
    </TableRow>
  );
}

const useStyles = makeStyles({
  // Many columns: scroll sideways rather than break words letter by letter.
  table: {
    minWidth: 900,
    '& th, & td': { wordBreak: 'normal', overflowWrap: 'normal' },
    '& thead th': { whiteSpace: 'nowrap' },
  },
});

/** A count with its share of the incidents in words ("4 (50 %)"). */
function share(part: number, whole: number): string {
  if (whole === 0) return String(part);
  return `${part} (${Math.round((part / whole) * 100)} %)`;
}

/**
 * Paging load by PagerDuty service, busiest first: incidents, per week,
 * outside business hours, at night, auto-resolved, alerts per incident and
 * titles that opened more than one incident.
 */
export function ServicePagingTable(props: {
  services: ServicePagingLoad[];
  label: string;
  /** PagerDuty has not been read yet: say so rather than "none". */
  notReadYet?: boolean;
}) {
  const classes = useStyles();
  return (
    <TableContainer component={Paper}>
      <Table size="small" aria-label={props.label} className={classes.table}>
        <TableHead>
          <TableRow>
            <TableCell>Service</TableCell>
            <TableCell>Owner</TableCell>
            <TableCell align="right">Incidents</TableCell>
            <TableCell align="right">Per week</TableCell>
            <TableCell align="right">Outside business hours</TableCell>
            <TableCell align="right">At night</TableCell>
            <TableCell align="right">Auto-resolved</TableCell>
            <TableCell align="right">Alerts per incident</TableCell>
            <TableCell>Repeat titles</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {props.services.length === 0 && (
            <EmptyRow
              columns={9}
              text={
                props.notReadYet
                  ? 'PagerDuty has not been read yet; the paging load follows the first refresh.'
                  : 'No incidents in the window.'
              }
            />
          )}
          {props.services.map(s => (
            <TableRow key={s.serviceId}>
              <TableCell component="th" scope="row" role="rowheader">
                {s.entityRef ? (
                  <EntityRefLink
                    entityRef={s.entityRef}
                    title={s.entityTitle ?? s.serviceName}
                  />
                ) : (
                  s.serviceName ?? s.serviceId
                )}
                {s.inMaintenance > 0 && (
                  <Typography
                    variant="caption"
                    color="textSecondary"
                    component="div"
                  >
                    {s.inMaintenance} in maintenance
                  </Typography>
                )}
              </TableCell>
              <TableCell>
                {s.owner ? <EntityRefLink entityRef={s.owner} /> : '–'}
              </TableCell>
              <TableCell align="right">{s.incidents}</TableCell>
              <TableCell align="right">
                {formatDecimal(s.incidentsPerWeek)}
              </TableCell>
              <TableCell align="right">
                {share(s.outsideBusinessHours, s.incidents)}
              </TableCell>
              <TableCell align="right">
                {share(s.atNight, s.incidents)}
              </TableCell>
              <TableCell align="right">
                {share(s.autoResolved, s.incidents)}
              </TableCell>
              <TableCell align="right">
                {formatDecimal(s.alertsPerIncident)}
              </TableCell>
              <TableCell>
                {s.repeatTitles.length === 0
                  ? '–'
                  : s.repeatTitles.slice(0, 3).map(t => (
                      <Typography key={t.title} variant="body2">
                        {t.title} ×{t.count}
                      </Typography>
                    ))}
                {s.repeatTitles.length > 3 && (
                  <Typography variant="caption" color="textSecondary">
                    and {s.repeatTitles.length - 3} more
                  </Typography>
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}

/** Pages by person, most paged first. */
export function PersonPagingTable(props: {
  people: PersonPagingLoad[];
  label: string;
  /** PagerDuty has not been read yet: say so rather than "none". */
  notReadYet?: boolean;
}) {
  const classes = useStyles();
  return (
    <TableContainer component={Paper}>
      <Table size="small" aria-label={props.label} className={classes.table}>
        <TableHead>
          <TableRow>
            <TableCell>Person</TableCell>
            <TableCell align="right">Pages</TableCell>
            <TableCell align="right">Per week</TableCell>
            <TableCell align="right">Outside business hours</TableCell>
            <TableCell align="right">At night</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {props.people.length === 0 && (
            <EmptyRow
              columns={5}
              text={
                props.notReadYet
                  ? 'PagerDuty has not been read yet; the paging load follows the first refresh.'
                  : 'Nobody was paged in the window.'
              }
            />
          )}
          {props.people.map(p => (
            <TableRow key={p.userId}>
              <TableCell component="th" scope="row" role="rowheader">
                {p.name}
                {p.email && (
                  <Typography
                    variant="caption"
                    color="textSecondary"
                    component="div"
                  >
                    {p.email}
                  </Typography>
                )}
              </TableCell>
              <TableCell align="right">{p.pages}</TableCell>
              <TableCell align="right">
                {formatDecimal(p.pagesPerWeek)}
              </TableCell>
              <TableCell align="right">
                {share(p.outsideBusinessHours, p.pages)}
              </TableCell>
              <TableCell align="right">{share(p.atNight, p.pages)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
