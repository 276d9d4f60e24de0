import Chip from '@material-ui/core/Chip';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  CapacityMetricView,
  CapacityRange,
  formatCapacityValue,
  ruleLimit,
} from '@opsportal/plugin-ops-common';
import { CapacityChart } from './CapacityChart';
import {
  describeCurrent,
  describeEpisode,
  describeEvaluation,
  describeForecast,
  describeInterval,
  describeTriggers,
  resolutionWords,
} from './helpers';

const useStyles = makeStyles(theme => ({
  panel: { padding: theme.spacing(2), height: '100%' },
  header: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    marginBottom: theme.spacing(1),
  },
  figures: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(2),
    rowGap: theme.spacing(0.5),
    margin: theme.spacing(0, 0, 1, 0),
    '& dt': { color: theme.palette.text.secondary },
    '& dd': { margin: 0 },
  },
  urgent: { color: theme.palette.error.main, fontWeight: 600 },
  episodes: {
    margin: theme.spacing(1, 0, 0, 0),
    paddingLeft: theme.spacing(2),
  },
}));

/**
 * Growth per week in words: "+1.52 percentage points a week", "+3.1 req/s a
 * week (+1.4 %)", or "flat" when it rounds to nothing. `short` gives
 * "+1.52 pts/week" for tables.
 */
export function describeGrowth(
  metric: {
    growth?: CapacityMetricView['growth'];
    unit: CapacityMetricView['unit'];
  },
  options: { short?: boolean } = {},
): string {
  const growth = metric.growth;
  if (!growth) return '–';
  const perWeek = options.short ? '/week' : ' a week';
  if (metric.unit === 'percent') {
    if (Math.abs(growth.perWeek) < 0.005) return 'flat';
    const sign = growth.perWeek > 0 ? '+' : '−';
    const amount = Math.abs(growth.perWeek).toFixed(2);
    return options.short
      ? `${sign}${amount} pts${perWeek}`
      : `${sign}${amount} percentage points${perWeek}`;
  }
  const relative = growth.percentPerWeek;
  if (relative !== undefined && Math.abs(relative) < 0.05) return 'flat';
  let sign = '';
  if (growth.perWeek > 0) sign = '+';
  else if (growth.perWeek < 0) sign = '−';
  const amount = formatCapacityValue(Math.abs(growth.perWeek), metric.unit);
  return `${sign}${amount}${perWeek}${
    relative === undefined ? '' : ` (${sign}${Math.abs(relative).toFixed(1)} %)`
  }`;
}

/** Headroom in words: "6.2 % below the 70.0 % limit" or "4.0 % above it". */
function describeHeadroom(metric: CapacityMetricView): string {
  const limit = ruleLimit(metric.rule);
  if (metric.headroom === undefined || limit === undefined) return '–';
  const amount = formatCapacityValue(Math.abs(metric.headroom), metric.unit);
  return metric.headroom >= 0
    ? `${amount} below the ${formatCapacityValue(limit, metric.unit)} limit`
    : `${amount} above the ${formatCapacityValue(limit, metric.unit)} limit`;
}

function describeRule(metric: CapacityMetricView): string {
  const { threshold, sustainMinutes } = metric.rule;
  const limit = ruleLimit(metric.rule);
  const parts: string[] = [];
  if (threshold !== undefined) {
    parts.push(
      `trigger above ${formatCapacityValue(threshold, metric.unit)}${
        sustainMinutes > 0 ? ` for ${sustainMinutes} minutes` : ''
      }`,
    );
  }
  if (limit !== undefined && limit !== threshold) {
    parts.push(`limit ${formatCapacityValue(limit, metric.unit)}`);
  }
  return parts.length > 0 ? parts.join('; ') : 'no limit set';
}

/**
 * One metric of the Capacity tab: the figures as text (current value and
 * the period it covers, typical peak, headroom, growth, time to limit,
 * triggers and the data they were evaluated on), the chart, and the breach
 * episodes of the last 30 days within the range.
 */
export function CapacityMetricPanel(props: {
  metric: CapacityMetricView;
  range: CapacityRange;
  now: number;
  binding?: boolean;
}) {
  const { metric, range, now, binding } = props;
  const classes = useStyles();
  const headingId = `capacity-metric-${metric.id}`;
  const interval = describeInterval(metric.forecast);
  const evaluation = describeEvaluation(metric);
  const soon =
    metric.forecast.status === 'already-over' ||
    (metric.forecast.status === 'crossing' &&
      (metric.forecast.daysToLimit ?? Infinity) <= 90);

  return (
    <Paper
      component="section"
      variant="outlined"
      className={classes.panel}
      aria-labelledby={headingId}
    >
      <div className={classes.header}>
        <Typography variant="h6" component="h3" id={headingId}>
          {metric.label}
        </Typography>
        {binding && (
          <Chip
            size="small"
            color="secondary"
            label="First to reach its limit"
          />
        )}
      </div>
      <dl className={classes.figures}>
        <dt>Current</dt>
        <dd>{describeCurrent(metric, { times: true })}</dd>
        <dt>Typical peak (p95, 7 days)</dt>
        <dd>{formatCapacityValue(metric.peak7d, metric.unit)}</dd>
        <dt>Rule</dt>
        <dd>{describeRule(metric)}</dd>
        <dt>Headroom</dt>
        <dd>{describeHeadroom(metric)}</dd>
        <dt>Growth</dt>
        <dd>{describeGrowth(metric)}</dd>
        <dt>Time to limit</dt>
        <dd>
          <span className={soon ? classes.urgent : undefined}>
            {describeForecast(metric.forecast, metric.unit)}
          </span>
          {interval && (
            <Typography variant="body2" color="textSecondary" component="span">
              {' '}
              {interval}
            </Typography>
          )}
        </dd>
        {metric.rule.threshold !== undefined && (
          <>
            <dt>Triggers (30 days)</dt>
            <dd>
              {describeTriggers(metric)}
              {evaluation && (
                <Typography
                  variant="body2"
                  color="textSecondary"
                  component="span"
                  style={{ display: 'block' }}
                >
                  {`${evaluation[0].toUpperCase()}${evaluation.slice(1)}.`}
                </Typography>
              )}
            </dd>
          </>
        )}
      </dl>
      <CapacityChart metric={metric} range={range} now={now} />
      {metric.episodes.length > 0 && (
        <>
          <Typography variant="subtitle2" component="h4">
            Breach episodes in this range
          </Typography>
          <ul
            className={classes.episodes}
            aria-label={`${metric.label} breach episodes`}
          >
            {[...metric.episodes].reverse().map(e => (
              <li key={e.start}>
                {describeEpisode(e, metric.unit)}
                {e.sustained
                  ? ' — scaling trigger'
                  : ` — breach, shorter than ${metric.rule.sustainMinutes} minutes`}
                {e.periodSeconds !== undefined &&
                  ` (${resolutionWords(e.periodSeconds)} data${
                    e.approximate ? ', approximate' : ''
                  })`}
              </li>
            ))}
          </ul>
        </>
      )}
      {metric.coverage < 0.95 && (
        <Typography variant="caption" color="textSecondary" component="p">
          Data covers {Math.round(metric.coverage * 100)} % of the last 90 days;
          gaps are left open in the chart.
        </Typography>
      )}
    </Paper>
  );
}
