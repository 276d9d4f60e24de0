import { Line, LineChart, YAxis } from 'recharts';

/** The line of a KPI's small history chart (KpiTable loads it lazily). */
export function HistoryLine(props: {
  width: number;
  points: { at: string; value: number | null }[];
}) {
  return (
    <LineChart width={props.width} height={32} data={props.points}>
      <YAxis hide domain={['auto', 'auto']} />
      <Line
        type="monotone"
        dataKey="value"
        stroke="#1976d2"
        strokeWidth={2}
        dot={false}
        isAnimationActive={false}
        connectNulls
      />
    </LineChart>
  );
}
