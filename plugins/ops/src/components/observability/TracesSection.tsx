import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  ANNOTATION_XRAY_SERVICE,
  EntityTraces,
} from '@opsportal/plugin-ops-common';
import { StaleNotice } from '../shared';
import { ExternalLink, ms, percent } from './format';

const useStyles = makeStyles(theme => ({
  section: { marginTop: theme.spacing(2) },
  list: { margin: 0, paddingLeft: theme.spacing(2.5) },
}));

const WINDOW_NAMES: Record<string, string> = {
  '1h': 'hour',
  '1d': 'day',
};

/**
 * The traces of an entity: X-Ray links (traces, faulty traces, service
 * map) and, where X-Ray's service graph is read, each service's p50, p95,
 * p99 and fault rate over the last hour.
 */
export function TracesSection(props: { traces: EntityTraces | null }) {
  const classes = useStyles();
  const { traces } = props;
  if (!traces) {
    return (
      <Typography variant="body2" color="textSecondary">
        No X-Ray service: add the <code>{ANNOTATION_XRAY_SERVICE}</code>{' '}
        annotation.
      </Typography>
    );
  }
  const names = traces.services.join(', ');
  const window = `last ${
    WINDOW_NAMES[traces.statsWindow ?? '1h'] ?? traces.statsWindow
  }`;
  const traced = traces.stats?.filter(s => s.requests > 0) ?? [];
  return (
    <>
      <StaleNotice freshness={traces} />
      <ul className={classes.list} aria-label="X-Ray links">
        <li>
          <ExternalLink
            href={traces.tracesUrl}
          >{`Traces (${names})`}</ExternalLink>
        </li>
        <li>
          <ExternalLink href={traces.faultTracesUrl}>
            {`Traces with errors or faults (${names})`}
          </ExternalLink>
        </li>
        <li>
          <ExternalLink href={traces.serviceMapUrl}>
            {`Service map (${traces.region})`}
          </ExternalLink>
        </li>
      </ul>
      {traces.stats === undefined && !traces.error && (
        <Typography
          variant="body2"
          color="textSecondary"
          className={classes.section}
        >
          Latency and fault rates need the X-Ray traces provider (the CloudWatch
          module).
        </Typography>
      )}
      {traces.stats && traced.length === 0 && (
        <Typography
          variant="body2"
          color="textSecondary"
          className={classes.section}
        >
          No traces of {names} in the {window}.
        </Typography>
      )}
      {traces.stats && traced.length > 0 && (
        <>
          <Table
            size="small"
            aria-label={`Latency and fault rate over the ${window}`}
            className={classes.section}
          >
            <TableHead>
              <TableRow>
                <TableCell component="th" scope="col">
                  Service
                </TableCell>
                <TableCell component="th" scope="col" align="right">
                  p50
                </TableCell>
                <TableCell component="th" scope="col" align="right">
                  p95
                </TableCell>
                <TableCell component="th" scope="col" align="right">
                  p99
                </TableCell>
                <TableCell component="th" scope="col" align="right">
                  Fault rate (5xx)
                </TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {traces.stats.map(s => (
                <TableRow key={s.name}>
                  <TableCell component="th" scope="row">
                    {s.name}
                  </TableCell>
                  <TableCell align="right">{ms(s.latency.p50)}</TableCell>
                  <TableCell align="right">{ms(s.latency.p95)}</TableCell>
                  <TableCell align="right">{ms(s.latency.p99)}</TableCell>
                  <TableCell align="right">{percent(s.faultRate)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <Typography variant="caption" color="textSecondary" component="p">
            Traced requests in the {window}:{' '}
            {traces.stats
              .map(s => `${s.name} ${s.requests.toLocaleString('en-US')}`)
              .join(', ')}
            .
          </Typography>
        </>
      )}
    </>
  );
}
