import { DateTime } from 'luxon';
import {
  CartesianGrid,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import { BurnDownPoint } from '@opsportal/plugin-ops-common';
import { formatShare, formatSli } from './helpers';

/**
 * The error budget over the window: what was left at the end of each day,
 * against an even burn that spends it exactly by the end. The numbers are
 * also in a table under the chart.
 */
export function BurnDownChart(props: {
  name: string;
  points: BurnDownPoint[];
  target: number;
  height?: number;
}) {
  const { name, points, target, height = 140 } = props;
  const theme = useTheme();
  const data = points.map((p, i) => ({
    at: p.at,
    remaining: Number((p.remaining * 100).toFixed(3)),
    even: Number((100 - ((i + 1) / points.length) * 100).toFixed(3)),
  }));
  const last = points[points.length - 1];
  const lowest = Math.min(0, ...data.map(d => d.remaining));
  const day = (at: string) => DateTime.fromISO(at).toFormat('LLL d');
  const summary = last
    ? `Error budget burn-down of ${name} over ${
        points.length
      } days: ${formatShare(
        last.remaining,
      )} left at the end, against an even burn that reaches 0 % at the end of the window.`
    : `No burn-down for ${name}.`;

  return (
    <div>
      <div role="img" aria-label={summary} style={{ width: '100%', height }}>
        <ResponsiveContainer>
          <LineChart
            data={data}
            margin={{ top: 8, right: 8, bottom: 0, left: -16 }}
          >
            <CartesianGrid
              strokeDasharray="3 3"
              stroke={theme.palette.divider}
            />
            <XAxis
              dataKey="at"
              tickFormatter={day}
              minTickGap={24}
              tick={{ fontSize: 11, fill: theme.palette.text.secondary }}
            />
            <YAxis
              domain={[Math.floor(lowest / 10) * 10, 100]}
              unit="%"
              tick={{ fontSize: 11, fill: theme.palette.text.secondary }}
            />
            <ReferenceLine y={0} stroke={theme.palette.error.main} />
            <Tooltip
              labelFormatter={label => day(String(label))}
              formatter={(value: number, key: string) => [
                `${value} %`,
                key === 'remaining' ? 'Budget left' : 'Even burn',
              ]}
            />
            <Line
              type="monotone"
              dataKey="even"
              stroke={theme.palette.text.disabled}
              strokeDasharray="4 4"
              dot={false}
              isAnimationActive={false}
            />
            <Line
              type="stepAfter"
              dataKey="remaining"
              stroke={
                last && last.remaining < 0
                  ? theme.palette.error.main
                  : theme.palette.primary.main
              }
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
            />
          </LineChart>
        </ResponsiveContainer>
      </div>
      <details>
        <summary>
          <Typography variant="caption" component="span">
            Numbers behind the burn-down
          </Typography>
        </summary>
        <Table size="small" aria-label={`Burn-down of ${name}, day by day`}>
          <TableHead>
            <TableRow>
              <TableCell>Day ending</TableCell>
              <TableCell align="right">SLI that day</TableCell>
              <TableCell align="right">Budget left</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {points.map(p => (
              <TableRow key={p.at}>
                <TableCell>
                  {DateTime.fromISO(p.at).toFormat('LLL d, HH:mm')}
                </TableCell>
                <TableCell align="right">{formatSli(p.sli, target)}</TableCell>
                <TableCell align="right">{formatShare(p.remaining)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </details>
    </div>
  );
}
