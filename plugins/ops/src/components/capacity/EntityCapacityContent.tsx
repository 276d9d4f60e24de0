import { useState } from 'react';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import ToggleButton from '@material-ui/lab/ToggleButton';
import ToggleButtonGroup from '@material-ui/lab/ToggleButtonGroup';
import {
  CAPACITY_RANGES,
  CapacityMetricView,
  CapacityRange,
  EntityCapacity,
} from '@opsportal/plugin-ops-common';
import { OpsCard } from '../shared';
import { AutoscalingBounds } from './AutoscalingBounds';
import { CapacityEmptyState } from './CapacityEmptyState';
import { CapacityMetricPanel } from './CapacityMetricPanel';
import { describeForecast } from './helpers';
import { useEntityCapacity } from './useEntityCapacity';

const RANGE_LABELS: Record<CapacityRange, string> = {
  '7d': '7 days',
  '30d': '30 days',
  '90d': '90 days',
};

/** The metric that reaches its limit first, then the others in their order. */
export function orderedMetrics(data: EntityCapacity): CapacityMetricView[] {
  const first = data.metrics.find(m => m.id === data.bindingMetricId);
  return first
    ? [first, ...data.metrics.filter(m => m !== first)]
    : data.metrics;
}

/** One sentence about the entity's capacity, from its binding metric. */
export function capacityHeadline(data: EntityCapacity): string {
  const first = data.metrics.find(m => m.id === data.bindingMetricId);
  if (!first) return 'No metric with a limit.';
  return `${first.label}: ${describeForecast(first.forecast, first.unit)}`;
}

/** Picks the chart range. */
function RangePicker(props: {
  range: CapacityRange;
  onChange: (range: CapacityRange) => void;
}) {
  return (
    <ToggleButtonGroup
      size="small"
      exclusive
      value={props.range}
      aria-label="Time range"
      onChange={(_, value) => value && props.onChange(value)}
    >
      {CAPACITY_RANGES.map(r => (
        <ToggleButton key={r} value={r} aria-label={RANGE_LABELS[r]}>
          {RANGE_LABELS[r]}
        </ToggleButton>
      ))}
    </ToggleButtonGroup>
  );
}

/**
 * The Capacity tab: every metric of the service for 7, 30 or 90 days with
 * its threshold, trigger episodes, forecast band, headroom and time to
 * limit, and the autoscaling bounds.
 * @public
 */
export function EntityCapacityContent() {
  const [range, setRange] = useState<CapacityRange>('30d');
  const { value, loading, error, available } = useEntityCapacity(range);
  const data = value?.data;
  const noData = value && !data;

  return (
    <Grid container spacing={2}>
      <Grid item xs={12}>
        <OpsCard
          title="Capacity"
          subheader={data ? capacityHeadline(data) : undefined}
          loading={loading && !value}
          error={
            error ??
            (noData
              ? new Error(
                  `No capacity data could be fetched yet. ${
                    value?.error ?? ''
                  }`.trim(),
                )
              : undefined)
          }
          empty={!available ? <CapacityEmptyState /> : undefined}
          freshness={value}
          action={<RangePicker range={range} onChange={setRange} />}
        >
          {data && (
            <Grid container spacing={2}>
              <Grid item xs={12} md={8}>
                {data.warnings.length > 0 && (
                  <Alert severity="warning" role="status">
                    {data.warnings.map(w => (
                      <div key={w}>{w}</div>
                    ))}
                  </Alert>
                )}
                <Typography variant="body2">
                  Analysed {new Date(data.computedAt).toLocaleString()}.
                  Forecasts use 90 days of hourly data with their daily and
                  weekly pattern; triggers count the last 30 days.
                </Typography>
              </Grid>
              <Grid item xs={12} md={4}>
                <AutoscalingBounds bounds={data.autoscaling} />
              </Grid>
            </Grid>
          )}
        </OpsCard>
      </Grid>
      {data &&
        orderedMetrics(data).map(metric => (
          <Grid item xs={12} lg={6} key={metric.id}>
            <CapacityMetricPanel
              metric={metric}
              range={range}
              now={Date.parse(data.computedAt)}
              binding={metric.id === data.bindingMetricId}
            />
          </Grid>
        ))}
    </Grid>
  );
}
