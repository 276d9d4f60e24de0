import { useMemo, useState } from 'react';
import Button from '@material-ui/core/Button';
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Line,
  ReferenceArea,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { makeStyles, useTheme } from '@material-ui/core/styles';
import {
  CapacityMetricView,
  CapacityRange,
  CAPACITY_RANGE_DAYS,
  capacityUnitSymbol,
  formatCapacityValue,
  ruleLimit,
} from '@opsportal/plugin-ops-common';
import { DateTime } from 'luxon';

const DAY = 86_400_000;

const useStyles = makeStyles(theme => ({
  legend: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    margin: theme.spacing(0.5, 0, 0, 0),
    padding: 0,
    listStyle: 'none',
    fontSize: '0.75rem',
    color: theme.palette.text.secondary,
  },
  swatch: {
    display: 'inline-block',
    width: 14,
    height: 3,
    marginRight: 4,
    verticalAlign: 'middle',
  },
  table: {
    fontSize: '0.75rem',
    borderCollapse: 'collapse',
    '& th, & td': { padding: '2px 8px', textAlign: 'right' },
    '& th:first-child, & td:first-child': { textAlign: 'left' },
  },
  details: { marginTop: theme.spacing(1) },
  tableWrap: { maxHeight: 240, overflowY: 'auto' },
}));

interface Point {
  t: number;
  avg?: number;
  max?: number;
  center?: number;
  band?: [number, number];
}

/**
 * One metric over a range: the mean and the peaks so far, the forecast as
 * a band with its centre, the trigger threshold and the trigger episodes.
 * The numbers behind it are in a table below, for screen readers and anyone
 * who wants them.
 */
export function CapacityChart(props: {
  metric: CapacityMetricView;
  range: CapacityRange;
  now: number;
  height?: number;
}) {
  const { metric, range, now, height = 220 } = props;
  const classes = useStyles();
  const [showData, setShowData] = useState(false);
  const theme = useTheme();
  const threshold = metric.rule.threshold;
  const limit = ruleLimit(metric.rule);
  const unit = metric.unit;

  const data = useMemo(() => {
    const points: Point[] = metric.history.map(b => ({
      t: b.t,
      avg: b.avg,
      max: b.max,
    }));
    for (const p of metric.band) {
      points.push({ t: p.t, center: p.center, band: [p.lower, p.upper] });
    }
    return points.sort((a, b) => a.t - b.t);
  }, [metric]);

  const days = CAPACITY_RANGE_DAYS[range];
  const from = now - days * DAY;
  const to = now + days * DAY;
  const highest = Math.max(
    ...metric.history.map(b => b.max),
    ...metric.band.map(b => b.center),
    limit ?? 0,
    threshold ?? 0,
  );
  const top =
    unit === 'percent'
      ? Math.min(100, Math.ceil((highest * 1.1) / 10) * 10)
      : niceCeiling(highest * 1.1);
  const tickFormat = (t: number) =>
    DateTime.fromMillis(t).toFormat(range === '7d' ? 'ccc d' : 'd LLL');
  const valueFormat = (v: number) => formatCapacityValue(v, unit);
  const label = `${metric.label} over the last ${days} days and forecast for the next ${days} days`;

  return (
    <figure style={{ margin: 0 }}>
      <div role="img" aria-label={label} style={{ width: '100%', height }}>
        <ResponsiveContainer>
          <ComposedChart
            data={data}
            margin={{ top: 8, right: 16, bottom: 0, left: 0 }}
          >
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis
              dataKey="t"
              type="number"
              scale="time"
              domain={[from, to]}
              tickFormatter={tickFormat}
              tickCount={8}
              fontSize={11}
            />
            <YAxis
              domain={[0, top]}
              tickFormatter={v =>
                unit === 'percent' ? `${v}` : compactNumber(v)
              }
              width={44}
              fontSize={11}
              label={{
                value: capacityUnitSymbol(unit),
                angle: -90,
                position: 'insideLeft',
                fontSize: 11,
              }}
            />
            <Tooltip
              labelFormatter={t =>
                DateTime.fromMillis(Number(t)).toFormat('ccc d LLL, HH:mm')
              }
              formatter={(value: any, name: any) =>
                Array.isArray(value)
                  ? [
                      `${valueFormat(value[0])} – ${valueFormat(value[1])}`,
                      name,
                    ]
                  : [valueFormat(Number(value)), name]
              }
            />
            {metric.episodes.map(e => (
              <ReferenceArea
                key={e.start}
                x1={Math.max(from, Date.parse(e.start) - metric.stepMs / 2)}
                x2={Date.parse(e.end) + metric.stepMs / 2}
                fill={
                  e.sustained
                    ? theme.palette.error.main
                    : theme.palette.warning.main
                }
                fillOpacity={e.sustained ? 0.25 : 0.15}
                ifOverflow="hidden"
              />
            ))}
            <Area
              dataKey="band"
              name="Forecast band (80 %)"
              stroke={theme.palette.primary.light}
              strokeOpacity={0.6}
              fill={theme.palette.primary.light}
              fillOpacity={0.35}
              isAnimationActive={false}
              connectNulls
            />
            <Line
              dataKey="center"
              name="Forecast"
              stroke={theme.palette.primary.main}
              strokeDasharray="6 4"
              dot={false}
              isAnimationActive={false}
              connectNulls
            />
            <Line
              dataKey="max"
              name="Peak"
              stroke={theme.palette.secondary.main}
              strokeWidth={1}
              strokeOpacity={0.6}
              dot={false}
              isAnimationActive={false}
            />
            <Line
              dataKey="avg"
              name="Average"
              stroke={theme.palette.primary.main}
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
            />
            <ReferenceLine
              x={now}
              stroke={theme.palette.text.secondary}
              label={{ value: 'now', position: 'insideTopLeft', fontSize: 11 }}
            />
            {threshold !== undefined && (
              <ReferenceLine
                y={threshold}
                stroke={theme.palette.error.main}
                strokeDasharray="4 2"
                label={{
                  value: `trigger ${valueFormat(threshold)}`,
                  position: 'insideTopRight',
                  fontSize: 11,
                  fill: theme.palette.error.main,
                }}
              />
            )}
            {limit !== undefined && limit !== threshold && (
              <ReferenceLine
                y={limit}
                stroke={theme.palette.error.dark}
                label={{
                  value: `limit ${valueFormat(limit)}`,
                  position: 'insideTopRight',
                  fontSize: 11,
                }}
              />
            )}
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <ul className={classes.legend} aria-hidden="true">
        <li>
          <span
            className={classes.swatch}
            style={{ background: theme.palette.primary.main }}
          />
          Average
        </li>
        <li>
          <span
            className={classes.swatch}
            style={{ background: theme.palette.secondary.main }}
          />
          Peak
        </li>
        <li>
          <span
            className={classes.swatch}
            style={{ background: theme.palette.primary.light, height: 8 }}
          />
          Forecast (80 % band, dashed centre)
        </li>
        {threshold !== undefined && (
          <li>
            <span
              className={classes.swatch}
              style={{ background: theme.palette.error.main }}
            />
            Trigger threshold; red areas: trigger episodes
          </li>
        )}
      </ul>
      <div className={classes.details}>
        <Button
          size="small"
          aria-expanded={showData}
          aria-controls={`capacity-data-${metric.id}`}
          onClick={() => setShowData(!showData)}
        >
          {showData ? 'Hide' : 'Show'} the numbers behind the{' '}
          {metric.label.toLowerCase()} chart
        </Button>
        {showData && (
          <div id={`capacity-data-${metric.id}`} className={classes.tableWrap}>
            <table
              className={classes.table}
              aria-label={`${metric.label} data`}
            >
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Average</th>
                  <th scope="col">Peak</th>
                  <th scope="col">Forecast</th>
                  <th scope="col">Band</th>
                </tr>
              </thead>
              <tbody>
                {data.map(p => (
                  <tr key={`${p.t}-${p.avg === undefined ? 'f' : 'h'}`}>
                    <td>{DateTime.fromMillis(p.t).toFormat('d LLL HH:mm')}</td>
                    <td>{p.avg === undefined ? '' : valueFormat(p.avg)}</td>
                    <td>{p.max === undefined ? '' : valueFormat(p.max)}</td>
                    <td>
                      {p.center === undefined ? '' : valueFormat(p.center)}
                    </td>
                    <td>
                      {p.band
                        ? `${valueFormat(p.band[0])} – ${valueFormat(
                            p.band[1],
                          )}`
                        : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </figure>
  );
}

function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const steps = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];
  const step = steps.find(s => s * magnitude >= value) ?? 10;
  return step * magnitude;
}

function compactNumber(value: number): string {
  if (Math.abs(value) >= 1e9) return `${+(value / 1e9).toFixed(1)}G`;
  if (Math.abs(value) >= 1e6) return `${+(value / 1e6).toFixed(1)}M`;
  if (Math.abs(value) >= 1e3) return `${+(value / 1e3).toFixed(1)}k`;
  return `${+value.toFixed(2)}`;
}
