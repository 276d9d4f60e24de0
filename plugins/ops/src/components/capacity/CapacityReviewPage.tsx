import {
  Content,
  ContentHeader,
  Header,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Button from '@material-ui/core/Button';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import GetApp from '@material-ui/icons/GetApp';
import TrendingDown from '@material-ui/icons/TrendingDown';
import TrendingFlat from '@material-ui/icons/TrendingFlat';
import TrendingUp from '@material-ui/icons/TrendingUp';
import Alert from '@material-ui/lab/Alert';
import {
  CapacityReview,
  CapacityReviewRow,
  capacityReviewToCsv,
  formatCapacityValue,
} from '@opsportal/plugin-ops-common';
import { DateTime } from 'luxon';
import useAsync from 'react-use/esm/useAsync';
import { opsApiRef } from '../../api';
import { describeGrowth } from './CapacityMetricPanel';
import { timeToLimit } from './EntityCapacityCard';
import { downloadText } from './helpers';

const useStyles = makeStyles(theme => ({
  urgent: { color: theme.palette.error.main, fontWeight: 600 },
  stale: { color: theme.palette.warning.dark },
  trend: { display: 'inline-flex', alignItems: 'center', gap: 4 },
  summary: { marginBottom: theme.spacing(2) },
  scroll: { overflowX: 'auto' },
  // Break lines between words only, never inside one.
  table: {
    '& th, & td': { wordBreak: 'normal', overflowWrap: 'normal' },
  },
  nowrap: { whiteSpace: 'nowrap' },
  service: { minWidth: 120 },
  days: { minWidth: 120 },
}));

function TrendIcon({ row }: { row: CapacityReviewRow }) {
  const perWeek = row.binding?.growth?.perWeek ?? 0;
  const relative = row.binding?.growth?.percentPerWeek ?? 0;
  if (relative > 0.5 && perWeek > 0)
    return <TrendingUp fontSize="small" aria-hidden />;
  if (relative < -0.5 && perWeek < 0)
    return <TrendingDown fontSize="small" aria-hidden />;
  return <TrendingFlat fontSize="small" aria-hidden />;
}

/** The review table: one row per service, ranked. */
function CapacityReviewTable({ review }: { review: CapacityReview }) {
  const classes = useStyles();
  return (
    <Paper variant="outlined" className={classes.scroll}>
      <Table
        size="small"
        aria-label="Services ranked by days to limit"
        className={classes.table}
      >
        <TableHead>
          <TableRow>
            <TableCell>Rank</TableCell>
            <TableCell>Service</TableCell>
            <TableCell>First limit</TableCell>
            <TableCell align="right">Typical peak</TableCell>
            <TableCell align="right">Limit</TableCell>
            <TableCell>Days to limit</TableCell>
            <TableCell>Confidence</TableCell>
            <TableCell>Trend</TableCell>
            <TableCell align="right">Triggers (30 d)</TableCell>
            <TableCell>Data</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {review.rows.map((row, index) => {
            const b = row.binding;
            const soon =
              b?.forecast.status === 'already-over' ||
              (b?.forecast.status === 'crossing' &&
                (b.forecast.daysToLimit ?? Infinity) <= 90);
            return (
              <TableRow key={row.entityRef}>
                <TableCell>{index + 1}</TableCell>
                <TableCell
                  component="th"
                  scope="row"
                  className={classes.service}
                >
                  <EntityRefLink entityRef={row.entityRef} title={row.title} />
                </TableCell>
                <TableCell>{b?.label ?? '–'}</TableCell>
                <TableCell align="right" className={classes.nowrap}>
                  {b ? formatCapacityValue(b.peak7d, b.unit) : '–'}
                </TableCell>
                <TableCell align="right" className={classes.nowrap}>
                  {b ? formatCapacityValue(b.limit, b.unit) : '–'}
                </TableCell>
                <TableCell
                  className={`${classes.days} ${soon ? classes.urgent : ''}`}
                >
                  {b ? timeToLimit(b.forecast) : '–'}
                </TableCell>
                <TableCell>
                  {b?.forecast.status === 'crossing' ||
                  b?.forecast.status === 'already-over'
                    ? b.forecast.confidence
                    : '–'}
                </TableCell>
                <TableCell className={classes.nowrap}>
                  {b ? (
                    <span className={classes.trend}>
                      <TrendIcon row={row} />
                      {describeGrowth(b, { short: true })}
                    </span>
                  ) : (
                    '–'
                  )}
                </TableCell>
                <TableCell align="right">{row.triggers30d}</TableCell>
                <TableCell className={row.stale ? classes.stale : undefined}>
                  {row.fetchedAt
                    ? DateTime.fromISO(row.fetchedAt).toRelative()
                    : 'never'}
                  {row.stale && ` (stale: ${row.error ?? 'refresh failed'})`}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </Paper>
  );
}

/**
 * The capacity review page (`/capacity`): every service ranked by days to
 * its first limit, with its trend and this month's triggers, exportable as
 * CSV for the monthly capacity review.
 * @public
 */
export function CapacityReviewPage() {
  const opsApi = useApi(opsApiRef);
  const classes = useStyles();
  const state = useAsync(() => opsApi.getCapacityReview(), [opsApi]);
  const review = state.value;

  const heading = review?.rows.filter(
    r =>
      r.binding?.forecast.status === 'already-over' ||
      (r.binding?.forecast.status === 'crossing' &&
        (r.binding.forecast.daysToLimit ?? Infinity) <= 90),
  ).length;
  const triggers = review?.rows.reduce((n, r) => n + r.triggers30d, 0);
  const stale = review?.rows.filter(r => r.stale).length ?? 0;

  const exportCsv = () => {
    if (!review) return;
    downloadText(
      `capacity-review-${review.generatedAt.slice(0, 10)}.csv`,
      capacityReviewToCsv(review.rows),
      'text/csv;charset=utf-8',
    );
  };

  return (
    <Page themeId="tool">
      <Header
        title="Capacity review"
        subtitle="Every service ranked by days to its first limit: the monthly capacity review on one page"
      />
      <Content>
        <ContentHeader title="Services">
          <Button
            variant="outlined"
            color="primary"
            startIcon={<GetApp />}
            onClick={exportCsv}
            disabled={!review}
          >
            Export CSV
          </Button>
        </ContentHeader>
        {state.loading && <Progress aria-label="Loading" />}
        {state.error && <ResponseErrorPanel error={state.error} />}
        {review && (
          <>
            <Typography
              variant="body1"
              className={classes.summary}
              role="status"
            >
              {review.rows.length} services; {heading} reach a limit within 90
              days; {triggers} scaling triggers in the last 30 days.
            </Typography>
            {stale > 0 && (
              <Alert severity="warning" className={classes.summary}>
                {stale} service{stale === 1 ? ' shows' : 's show'} older data:
                the last refresh failed.
              </Alert>
            )}
            {review.rows.length === 0 ? (
              <Typography>
                No service has capacity metrics yet. Add the{' '}
                <code>opsportal.dev/container-service</code> annotation to a
                component; the refresh picks it up within the hour.
              </Typography>
            ) : (
              <CapacityReviewTable review={review} />
            )}
          </>
        )}
      </Content>
    </Page>
  );
}
