import { useMemo } from 'react';
import {
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { useTheme } from '@material-ui/core/styles';
import { BusinessMetricView } from '@opsportal/plugin-ops-common';
import { DateTime } from 'luxon';
import { describeChart, formatMetricValue } from './helpers';

interface Point {
  t: number;
  today?: number;
  lastWeek?: number;
}

/**
 * 24 hours of a business metric with the same hours last week (dashed).
 * Its summary is the image's label; the numbers are in the tile's table.
 */
export function BusinessMetricChart(props: {
  metric: BusinessMetricView;
  height?: number;
}) {
  const { metric, height = 72 } = props;
  const theme = useTheme();
  const data = useMemo(() => {
    const byT = new Map<number, Point>();
    for (const p of metric.series) byT.set(p.t, { t: p.t, today: p.v });
    for (const p of metric.lastWeekSeries) {
      byT.set(p.t, { ...(byT.get(p.t) ?? { t: p.t }), lastWeek: p.v });
    }
    return [...byT.values()].sort((a, b) => a.t - b.t);
  }, [metric]);
  const colour = metric.flagged
    ? theme.palette.warning.main
    : theme.palette.primary.main;

  return (
    <div
      role="img"
      aria-label={describeChart(metric)}
      style={{ width: '100%', height }}
    >
      <ResponsiveContainer>
        <LineChart
          data={data}
          margin={{ top: 4, right: 4, bottom: 0, left: 4 }}
        >
          <XAxis
            dataKey="t"
            type="number"
            domain={['dataMin', 'dataMax']}
            hide
          />
          <YAxis domain={['auto', 'auto']} hide />
          <Tooltip
            labelFormatter={t =>
              DateTime.fromMillis(Number(t)).toFormat('ccc HH:mm')
            }
            formatter={(value: any, name: any) => [
              formatMetricValue(metric, Number(value)),
              name,
            ]}
          />
          <Line
            dataKey="today"
            name="Last 24 h"
            stroke={colour}
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
          />
          <Line
            dataKey="lastWeek"
            name="Last week"
            stroke={theme.palette.text.primary}
            strokeOpacity={0.6}
            strokeDasharray="4 3"
            strokeWidth={1.5}
            dot={false}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
