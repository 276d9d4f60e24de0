import { Line, LineChart, ReferenceLine, YAxis } from 'recharts';
import {
  SecurityPoint,
  SecurityThresholds,
} from '@opsportal/plugin-ops-common';

/**
 * The 24-hour line of a security metric with its thresholds (alert in red,
 * warning in orange). Loaded lazily by the signals table; the numbers it
 * draws are in the table's text too.
 */
export function SecuritySparkline(props: {
  points: SecurityPoint[];
  thresholds?: SecurityThresholds;
  width?: number;
}) {
  const { points, thresholds, width = 160 } = props;
  const values = points.map(p => p.v);
  const limits = thresholds
    ? [thresholds.alert, thresholds.warning ?? thresholds.alert]
    : [];
  const min = Math.min(...values, ...limits);
  const max = Math.max(...values, ...limits);
  return (
    <LineChart width={width} height={40} data={points}>
      <YAxis hide domain={[min, max]} />
      {thresholds && (
        <ReferenceLine
          y={thresholds.alert}
          stroke="#d32f2f"
          strokeDasharray="3 3"
        />
      )}
      {thresholds?.warning !== undefined && (
        <ReferenceLine
          y={thresholds.warning}
          stroke="#ed6c02"
          strokeDasharray="3 3"
        />
      )}
      <Line
        type="monotone"
        dataKey="v"
        stroke="#1976d2"
        strokeWidth={2}
        dot={false}
        isAnimationActive={false}
      />
    </LineChart>
  );
}
