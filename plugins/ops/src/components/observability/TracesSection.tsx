import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import {
  ANNOTATION_XRAY_SERVICE,
  EntityTraces,
} from '@opsportal/plugin-ops-common';
import { StaleNotice } from '../shared';

function ExternalLink(props: { href: string; children: string }) {
  return (
    <a href={props.href} target="_blank" rel="noopener noreferrer">
      {props.children}
      <span className="MuiTypography-srOnly"> (opens in a new tab)</span>
    </a>
  );
}

function ms(seconds: number | null): string {
  return seconds === null ? '–' : `${Math.round(seconds * 1000)} ms`;
}

function percent(share: number | null): string {
  return share === null ? '–' : `${(share * 100).toFixed(2)} %`;
}

/**
 * The traces of an entity: X-Ray links (traces, faulty traces, service
 * map) and, where X-Ray's service graph is read, each service's p50, p95,
 * p99 and fault rate over the last hour.
 */
export function TracesSection(props: { traces: EntityTraces | null }) {
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
  return (
    <>
      <StaleNotice freshness={traces} />
      <ul aria-label="X-Ray links">
        <li>
          <ExternalLink
            href={traces.tracesUrl}
          >{`Traces of ${names}`}</ExternalLink>
        </li>
        <li>
          <ExternalLink href={traces.faultTracesUrl}>
            {`Traces of ${names} with errors or faults`}
          </ExternalLink>
        </li>
        <li>
          <ExternalLink href={traces.serviceMapUrl}>
            {`Service map (${traces.region})`}
          </ExternalLink>
        </li>
      </ul>
      {traces.stats === undefined && !traces.error && (
        <Typography variant="body2" color="textSecondary">
          Latency and fault rates need the X-Ray traces provider (the CloudWatch
          module).
        </Typography>
      )}
      {traces.stats && traces.stats.every(s => s.requests === 0) && (
        <Typography variant="body2" color="textSecondary">
          No traces of {names} in the last hour.
        </Typography>
      )}
      {traces.stats && traces.stats.some(s => s.requests > 0) && (
        <Table
          size="small"
          aria-label="Latency and fault rate over the last hour"
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
              <TableCell component="th" scope="col" align="right">
                Traced requests
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
                <TableCell align="right">
                  {s.requests.toLocaleString('en-US')}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </>
  );
}
