import { lazy, Suspense } from 'react';
import { useEntityRefLink } from '@backstage/plugin-catalog-react';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import {
  ForecastResult,
  formatCapacityValue,
  ruleLimit,
} from '@opsportal/plugin-ops-common';
import { OpsCard } from '../shared';
import { CapacityEmptyState } from './CapacityEmptyState';
import { capacityHeadline, orderedMetrics } from './EntityCapacityContent';
import {
  CAPACITY_TAB_PATH,
  describeCurrentPeriod,
  describeTriggerRule,
  formatDay,
  formatDays,
} from './helpers';
import { useEntityCapacity } from './useEntityCapacity';

// The chart library loads after the card's figures (its own chunk).
const CapacityChart = lazy(() =>
  import('./CapacityChart').then(m => ({ default: m.CapacityChart })),
);

/** Time to limit in a few words, for tables. */
export function timeToLimit(forecast: ForecastResult): string {
  switch (forecast.status) {
    case 'already-over':
      return 'reached';
    case 'crossing':
      return `${formatDays(forecast.daysToLimit ?? 0)} (${formatDay(
        forecast.crossingAt,
      )})`;
    case 'no-limit-in-sight':
      return 'not in sight';
    case 'no-limit':
      return 'no limit';
    default:
      return 'too little data';
  }
}

/** Secondary text under a table cell's value. */
function Note(props: { children: string }) {
  return (
    <Typography
      variant="caption"
      color="textSecondary"
      component="span"
      style={{ display: 'block' }}
    >
      {props.children}
    </Typography>
  );
}

/**
 * Entity card: the metric that reaches its limit first, charted over 30
 * days with its forecast, and every metric's current value (with the
 * period it covers), time to limit and triggers (what they count, and on
 * which data).
 * @public
 */
export function EntityCapacityCard() {
  const { value, loading, error, available, entity } = useEntityCapacity('30d');
  const entityLink = useEntityRefLink();
  const data = value?.data;
  const binding = data?.metrics.find(m => m.id === data.bindingMetricId);
  const withLimit = data
    ? orderedMetrics(data).filter(m => ruleLimit(m.rule) !== undefined)
    : [];

  return (
    <OpsCard
      title="Capacity"
      subheader={data ? capacityHeadline(data) : undefined}
      loading={loading}
      error={
        error ??
        (value && !data
          ? new Error(
              `No capacity data could be fetched yet. ${
                value.error ?? ''
              }`.trim(),
            )
          : undefined)
      }
      empty={!available ? <CapacityEmptyState /> : undefined}
      freshness={value}
      deepLink={{
        title: 'Open capacity',
        link: `${entityLink(entity)}/${CAPACITY_TAB_PATH}`,
      }}
    >
      {data && (
        <>
          {binding && (
            <Suspense fallback={<div style={{ height: 160 }} />}>
              <CapacityChart
                metric={binding}
                range="30d"
                now={Date.parse(data.computedAt)}
                height={160}
              />
            </Suspense>
          )}
          <Table
            size="small"
            aria-label="Time to limit per metric"
            style={{ marginTop: 8 }}
          >
            <TableHead>
              <TableRow>
                <TableCell>Metric</TableCell>
                <TableCell align="right">Current</TableCell>
                <TableCell align="right">Typical peak</TableCell>
                <TableCell align="right">Limit</TableCell>
                <TableCell>Time to limit</TableCell>
                <TableCell align="right">Trigger episodes (30 d)</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {withLimit.map(m => {
                const triggers = describeTriggerRule(m);
                return (
                  <TableRow key={m.id}>
                    <TableCell component="th" scope="row">
                      {m.label}
                      {triggers && <Note>{triggers}</Note>}
                    </TableCell>
                    <TableCell align="right">
                      <span style={{ whiteSpace: 'nowrap' }}>
                        {formatCapacityValue(m.current, m.unit)}
                      </span>
                      {m.current !== undefined && (
                        <Note>
                          {describeCurrentPeriod(m.currentPeriod, m.unit)}
                        </Note>
                      )}
                    </TableCell>
                    <TableCell align="right" style={{ whiteSpace: 'nowrap' }}>
                      {formatCapacityValue(m.peak7d, m.unit)}
                    </TableCell>
                    <TableCell align="right" style={{ whiteSpace: 'nowrap' }}>
                      {formatCapacityValue(ruleLimit(m.rule), m.unit)}
                    </TableCell>
                    <TableCell>{timeToLimit(m.forecast)}</TableCell>
                    <TableCell align="right">
                      {m.rule.threshold === undefined ? '–' : m.triggers30d}
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </>
      )}
    </OpsCard>
  );
}
