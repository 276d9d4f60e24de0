import { lazy, Suspense } from 'react';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { SecuritySignal } from '@opsportal/plugin-ops-common';
import { seriesSummary, stateText, thresholdText, valueText } from './helpers';

const SecuritySparkline = lazy(() =>
  import('./SecuritySparkline').then(m => ({ default: m.SecuritySparkline })),
);

/** An upstream error shortened for a table cell (the whole text is its title). */
function shorten(text: string): string {
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

const useStyles = makeStyles(theme => ({
  state: { fontWeight: 600 },
  alert: { color: theme.palette.error.main },
  warning: { color: theme.palette.warning.dark },
  ok: { color: theme.palette.success.dark },
  unknown: { color: theme.palette.text.secondary },
  reason: { display: 'block' },
}));

/**
 * The security signals: value over its window, thresholds, state (an alert
 * in the error colour, with the seed alert it raises in words) and the
 * 24-hour line (a chunk of its own) with its numbers as text.
 */
export function SecuritySignalsTable(props: {
  signals: SecuritySignal[];
  label: string;
  /** Narrow cards: thresholds under the value, a smaller chart. */
  compact?: boolean;
}) {
  const classes = useStyles();
  const width = props.compact ? 110 : 160;
  return (
    <Table size="small" aria-label={props.label}>
      <TableHead>
        <TableRow>
          <TableCell>Signal</TableCell>
          <TableCell>Now</TableCell>
          {!props.compact && <TableCell>Thresholds</TableCell>}
          <TableCell>State</TableCell>
          <TableCell>Last 24 hours</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.signals.map(signal => (
          <TableRow key={signal.id}>
            <TableCell component="th" scope="row">
              {signal.title}
              <Typography
                variant="caption"
                color="textSecondary"
                display="block"
              >
                {signal.source === 'alarm'
                  ? 'CloudWatch alarm'
                  : `over ${signal.window}`}
              </Typography>
            </TableCell>
            <TableCell>
              {valueText(signal)}
              {props.compact && (
                <Typography
                  variant="caption"
                  color="textSecondary"
                  display="block"
                >
                  {thresholdText(signal)}
                </Typography>
              )}
            </TableCell>
            {!props.compact && <TableCell>{thresholdText(signal)}</TableCell>}
            <TableCell>
              <span
                className={`${classes.state} ${classes[signal.state]}`}
                data-state={signal.state}
              >
                {stateText(signal)}
              </span>
              <Typography
                variant="caption"
                color="textSecondary"
                className={classes.reason}
              >
                {signal.reason}
              </Typography>
              {signal.error && (
                <Typography
                  variant="caption"
                  color="textSecondary"
                  className={classes.reason}
                  title={signal.error}
                >
                  {shorten(signal.error)}
                </Typography>
              )}
            </TableCell>
            <TableCell>
              {signal.source === 'alarm' ? (
                <Typography variant="caption" color="textSecondary">
                  No chart for alarms
                </Typography>
              ) : (
                <div role="img" aria-label={seriesSummary(signal)}>
                  {signal.series.length > 0 ? (
                    <Suspense fallback={<div style={{ width, height: 40 }} />}>
                      <SecuritySparkline
                        points={signal.series}
                        thresholds={signal.thresholds}
                        width={width}
                      />
                    </Suspense>
                  ) : (
                    <Typography variant="caption" color="textSecondary">
                      No datapoints
                    </Typography>
                  )}
                </div>
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
