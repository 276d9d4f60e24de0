import { lazy, Suspense, useState } from 'react';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { BusinessMetricView } from '@opsportal/plugin-ops-common';
import { DateTime } from 'luxon';
import {
  describeComparison,
  describeFlag,
  describePeriod,
  formatMetricValue,
  hourlyMeans,
} from './helpers';

// The chart library loads after the tiles' figures (its own chunk).
const BusinessMetricChart = lazy(() =>
  import('./BusinessMetricChart').then(m => ({
    default: m.BusinessMetricChart,
  })),
);

const useStyles = makeStyles(theme => ({
  tile: {
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    padding: theme.spacing(1.5),
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
    minWidth: 0,
  },
  flagged: {
    borderColor: theme.palette.warning.main,
    borderWidth: 2,
    background:
      theme.palette.type === 'dark'
        ? 'rgba(255, 152, 0, 0.08)'
        : 'rgba(255, 152, 0, 0.06)',
  },
  value: { fontSize: '1.5rem', fontWeight: 500, lineHeight: 1.2 },
  // Text stays in the body colour (contrast); the border, background and
  // the sign carry the warning colour.
  flag: { fontWeight: 500 },
  sign: { color: theme.palette.warning.dark },
  table: {
    fontSize: '0.75rem',
    borderCollapse: 'collapse',
    width: '100%',
    '& th, & td': { padding: '1px 6px', textAlign: 'right' },
    '& th:first-child, & td:first-child': { textAlign: 'left' },
  },
  tableWrap: { maxHeight: 200, overflowY: 'auto' },
}));

function arrow(metric: BusinessMetricView): string {
  if (metric.deviation === undefined || metric.deviation === 0) return '';
  return metric.deviation > 0 ? '↑ ' : '↓ ';
}

/**
 * One business metric: its last complete period's value, how it compares
 * with the same time last week (warning colour and the reason in words when
 * flagged), a 24-hour chart with last week's line, and the hourly numbers
 * behind the chart on demand.
 */
export function BusinessMetricTile(props: { metric: BusinessMetricView }) {
  const { metric } = props;
  const classes = useStyles();
  const [showData, setShowData] = useState(false);
  const titleId = `business-${metric.id}-title`;
  const tableId = `business-${metric.id}-data`;
  const flag = describeFlag(metric);
  const period = describePeriod(metric);

  const today = hourlyMeans(metric.series);
  const lastWeek = hourlyMeans(metric.lastWeekSeries);
  const hours = [...new Set([...today.keys(), ...lastWeek.keys()])].sort(
    (a, b) => a - b,
  );

  return (
    <section
      aria-labelledby={titleId}
      className={`${classes.tile} ${metric.flagged ? classes.flagged : ''}`}
    >
      <Typography id={titleId} variant="subtitle2" component="h3">
        {metric.title}
      </Typography>
      <span className={classes.value}>
        {metric.current ? formatMetricValue(metric, metric.current.v) : '–'}
      </span>
      {period && (
        <Typography variant="caption" color="textSecondary">
          {period}
        </Typography>
      )}
      <Typography
        variant="body2"
        className={metric.flagged ? classes.flag : undefined}
      >
        {arrow(metric)}
        {describeComparison(metric)}
      </Typography>
      {flag && (
        <Typography variant="body2" role="note" className={classes.flag}>
          <span className={classes.sign} aria-hidden="true">
            ⚠{' '}
          </span>
          {flag}
        </Typography>
      )}
      {!metric.current && metric.error && (
        <Typography variant="body2" color="error">
          {metric.error}
        </Typography>
      )}
      {metric.series.length > 0 && (
        <>
          <Suspense fallback={<div style={{ height: 72 }} />}>
            <BusinessMetricChart metric={metric} />
          </Suspense>
          <Typography variant="caption" color="textSecondary">
            Last 24 hours; dashed: the same hours last week
          </Typography>
          <Button
            size="small"
            aria-expanded={showData}
            aria-controls={tableId}
            onClick={() => setShowData(!showData)}
          >
            {showData ? 'Hide' : 'Show'} the hourly numbers
          </Button>
          {showData && (
            <div id={tableId} className={classes.tableWrap}>
              <table
                className={classes.table}
                aria-label={`${metric.title}, hourly means`}
              >
                <thead>
                  <tr>
                    <th scope="col">Hour</th>
                    <th scope="col">Last 24 h</th>
                    <th scope="col">Last week</th>
                  </tr>
                </thead>
                <tbody>
                  {hours.map(h => (
                    <tr key={h}>
                      <td>{DateTime.fromMillis(h).toFormat('ccc HH:00')}</td>
                      <td>{formatMetricValue(metric, today.get(h))}</td>
                      <td>{formatMetricValue(metric, lastWeek.get(h))}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
